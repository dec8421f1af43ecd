"""Specs for the array family (`tf.reshape`, `tf.gather`, `tf.pad`, ...)."""
import numpy as np

from eagerflow._src.ops import array_ops as A
from eagerflow._src.ops import join_split_ops as J
from eagerflow._src.ops import gather_scatter_ops as G
from eagerflow._src.ops import indexing_ops as S
from tests.ops.specs import OpSpec

ALL = ("float32", "float64", "int32", "int64", "bool")
NUM = ("float32", "float64", "int32", "int64")
F64 = ("float64",)


def _sample(rng, shape, dt):
    dt = np.dtype(dt)
    if dt.kind == "b":
        return rng.random(shape) > 0.5
    if dt.kind in "iu":
        return rng.integers(-5, 6, size=shape).astype(dt)
    return rng.uniform(-2, 2, size=shape).astype(dt)


def arr(*shapes, extra=()):
    """Arrays of the given shapes in the spec's dtype, then fixed extra arguments."""
    def make(rng, dt):
        return tuple(_sample(rng, s, dt) for s in shapes) + tuple(extra)
    return make


def _gather_ref(p, i, axis=0, batch_dims=0):
    if batch_dims == 0:
        return np.take(p, i, axis=axis)
    return np.stack([_gather_ref(p[k], i[k], axis - 1, batch_dims - 1) for k in range(p.shape[0])])


def _gather_nd_ref(p, i, batch_dims=0):
    if batch_dims:
        return np.stack([_gather_nd_ref(p[k], i[k], batch_dims - 1) for k in range(p.shape[0])])
    return p[tuple(np.moveaxis(i, -1, 0))]


def _scatter_ref(kind):
    def ref(t, i, u):
        out = t.copy()
        idx = tuple(np.moveaxis(i, -1, 0))
        if kind == "update":
            out[idx] = u
        else:
            getattr(np, kind).at(out, idx, u)
        return out
    return ref


def _scatter_nd_ref(i, u, shape):
    out = np.zeros(shape, u.dtype)
    np.add.at(out, tuple(np.moveaxis(i, -1, 0)), u)
    return out


def _one_hot_ref(i, depth, axis=-1):
    out = (i[..., None] == np.arange(depth)).astype(np.float32)
    return np.moveaxis(out, -1, axis)


def _split_ref(x, sizes, axis=0):
    return np.split(x, np.cumsum(sizes)[:-1], axis=axis)


IDX = np.array([[2, 0], [1, 1]], np.int32)
ND_IDX = np.array([[0, 1], [2, 3], [1, 0]], np.int64)

SPECS = [
    OpSpec("reshape", lambda x: A.reshape(x, [4, -1]), lambda x: x.reshape(4, -1), arr((2, 3, 2)), ALL,
           differentiable=True),
    OpSpec("identity", A.identity, lambda x: x, arr((3,)), ALL, differentiable=True),
    OpSpec("expand_dims", lambda x: A.expand_dims(x, -1), lambda x: x[..., None], arr((2, 3)), ALL,
           differentiable=True),
    OpSpec("squeeze", lambda x: A.squeeze(x, [0, 2]), lambda x: x.reshape(3, 2), arr((1, 3, 1, 2)), ALL,
           differentiable=True),
    OpSpec("transpose", lambda x: A.transpose(x, [2, 0, 1]), lambda x: x.transpose(2, 0, 1), arr((2, 3, 4)), ALL,
           differentiable=True),
    OpSpec("transpose_default", A.transpose, lambda x: x.T, arr((2, 3)), NUM, differentiable=True),
    OpSpec("reverse", lambda x: A.reverse(x, [0, -1]), lambda x: x[::-1, :, ::-1], arr((2, 3, 4)), ALL,
           differentiable=True),
    OpSpec("concat", lambda a, b: J.concat([a, b], 1), lambda a, b: np.concatenate([a, b], 1),
           arr((2, 3), (2, 1)), ALL, differentiable=True, grad_args=(0, 1)),
    OpSpec("stack", lambda a, b: J.stack([a, b], axis=1), lambda a, b: np.stack([a, b], 1),
           arr((2, 3), (2, 3)), ALL, differentiable=True, grad_args=(0, 1)),
    OpSpec("unstack", lambda x: J.unstack(x, axis=1), lambda x: [x[:, i] for i in range(3)], arr((2, 3)), ALL,
           differentiable=True),
    OpSpec("split_even", lambda x: J.split(x, 2, axis=1), lambda x: np.split(x, 2, axis=1), arr((3, 4)), ALL,
           differentiable=True),
    OpSpec("split_sizes", lambda x: J.split(x, [1, -1, 2]), lambda x: _split_ref(x, [1, 2, 2]), arr((5, 2)), ALL,
           differentiable=True),
    OpSpec("tile", lambda x: A.tile(x, [2, 1, 3]), lambda x: np.tile(x, (2, 1, 3)), arr((2, 3, 1)), ALL,
           differentiable=True),
    OpSpec("broadcast_to", lambda x: A.broadcast_to(x, [2, 3, 4]), lambda x: np.broadcast_to(x, (2, 3, 4)),
           arr((3, 1)), ALL, differentiable=True),
    OpSpec("pad_constant", lambda x: S.pad(x, [[1, 2], [0, 1]]), lambda x: np.pad(x, [[1, 2], [0, 1]]),
           arr((2, 3)), ALL, differentiable=True),
    OpSpec("pad_value", lambda x: S.pad(x, [[1, 0], [2, 1]], constant_values=3),
           lambda x: np.pad(x, [[1, 0], [2, 1]], constant_values=3), arr((2, 3)), NUM, differentiable=True),
    OpSpec("pad_reflect", lambda x: S.pad(x, [[1, 2], [2, 1]], "REFLECT"),
           lambda x: np.pad(x, [[1, 2], [2, 1]], mode="reflect"), arr((3, 4)), ALL, differentiable=True),
    OpSpec("pad_symmetric", lambda x: S.pad(x, [[2, 3], [0, 2]], "SYMMETRIC"),
           lambda x: np.pad(x, [[2, 3], [0, 2]], mode="symmetric"), arr((3, 4)), ALL, differentiable=True),
    OpSpec("slice", lambda x: S.slice(x, [1, 0, 2], [1, -1, 2]), lambda x: x[1:2, :, 2:4], arr((2, 3, 4)), ALL,
           differentiable=True),
    OpSpec("strided_slice", lambda x: S.strided_slice(x, [1, 0, 3], [2, 3, 0], [1, 2, -2], begin_mask=2,
                                                      shrink_axis_mask=1),
           lambda x: x[1, 0:3:2, 3:0:-2], arr((2, 3, 4)), ALL, differentiable=True),
    OpSpec("getitem", lambda x: x[..., None, 1, ::-1], lambda x: x[..., None, 1, ::-1], arr((2, 3, 4)), ALL,
           differentiable=True),
    OpSpec("gather", lambda p: G.gather(p, IDX), lambda p: np.take(p, IDX, 0), arr((3, 2)), ALL,
           differentiable=True),
    OpSpec("gather_axis", lambda p: G.gather(p, IDX, axis=1), lambda p: np.take(p, IDX, 1), arr((2, 3, 2)), ALL,
           differentiable=True),
    OpSpec("gather_batch", lambda p: G.gather(p, IDX, axis=2, batch_dims=1),
           lambda p: _gather_ref(p, IDX, 2, 1), arr((2, 2, 3, 2)), ALL, differentiable=True),
    OpSpec("gather_nd", lambda p: G.gather_nd(p, ND_IDX), lambda p: _gather_nd_ref(p, ND_IDX), arr((3, 4, 2)), ALL,
           differentiable=True),
    OpSpec("gather_nd_batch", lambda p: G.gather_nd(p, ND_IDX[:2, :1].reshape(2, 1, 1), batch_dims=1),
           lambda p: _gather_nd_ref(p, ND_IDX[:2, :1].reshape(2, 1, 1), 1), arr((2, 4, 3)), ALL,
           differentiable=True),
    OpSpec("scatter_nd", lambda u: G.scatter_nd(ND_IDX[:, :1], u, [3, 2]),
           lambda u: _scatter_nd_ref(ND_IDX[:, :1], u, (3, 2)), arr((3, 2)), NUM, differentiable=True),
    OpSpec("tensor_scatter_nd_update", lambda t, u: G.tensor_scatter_nd_update(t, ND_IDX[:2], u),
           lambda t, u: _scatter_ref("update")(t, ND_IDX[:2], u), arr((3, 4), (2,)), ALL,
           differentiable=True, grad_args=(0, 1)),
    OpSpec("tensor_scatter_nd_add", lambda t, u: G.tensor_scatter_nd_add(t, ND_IDX[:, :1], u),
           lambda t, u: _scatter_ref("add")(t, ND_IDX[:, :1], u), arr((3, 4), (3, 4)), NUM,
           differentiable=True, grad_args=(0, 1)),
    OpSpec("tensor_scatter_nd_sub", lambda t, u: G.tensor_scatter_nd_sub(t, ND_IDX[:, :1], u),
           lambda t, u: _scatter_ref("subtract")(t, ND_IDX[:, :1], u), arr((3, 4), (3, 4)), NUM,
           differentiable=True, grad_args=(0, 1)),
    OpSpec("tensor_scatter_nd_min", lambda t, u: G.tensor_scatter_nd_min(t, ND_IDX[:2], u),
           lambda t, u: _scatter_ref("minimum")(t, ND_IDX[:2], u), arr((3, 4), (2,)), NUM,
           differentiable=True, grad_args=(0, 1)),
    OpSpec("tensor_scatter_nd_max", lambda t, u: G.tensor_scatter_nd_max(t, ND_IDX[:2], u),
           lambda t, u: _scatter_ref("maximum")(t, ND_IDX[:2], u), arr((3, 4), (2,)), NUM,
           differentiable=True, grad_args=(0, 1)),
    OpSpec("where_select", lambda c, x, y: A.where(c, x, y), np.where,
           lambda rng, dt: (rng.random((2, 1)) > 0.5, _sample(rng, (2, 3), dt), _sample(rng, (3,), dt)), ALL,
           differentiable=True, grad_args=(1, 2)),
    OpSpec("where_coords", A.where, lambda c: np.argwhere(c).astype(np.int64), arr((3, 4)), ALL),
    OpSpec("one_hot", lambda i: A.one_hot(i, 4), lambda i: _one_hot_ref(i, 4),
           lambda rng, dt: (rng.integers(-1, 5, (2, 3)).astype(dt),), ("int32", "int64")),
    OpSpec("one_hot_axis0", lambda i: A.one_hot(i, 3, axis=0), lambda i: _one_hot_ref(i, 3, 0),
           lambda rng, dt: (rng.integers(0, 3, (4,)).astype(dt),), ("int32",)),
    OpSpec("shape", A.shape, lambda x: np.array(x.shape, np.int32), arr((2, 0, 3)), ALL),
    OpSpec("rank", A.rank, lambda x: np.array(x.ndim, np.int32), arr((2, 3)), ALL),
    OpSpec("size", lambda x: A.size(x, out_type="int64"), lambda x: np.array(x.size, np.int64), arr((2, 3)), ALL),
    OpSpec("zeros_like", A.zeros_like, np.zeros_like, arr((2, 3)), ALL),
    OpSpec("ones_like", A.ones_like, np.ones_like, arr((2, 3)), ALL),
    OpSpec("fill", lambda v: A.fill([2, 3], v), lambda v: np.full((2, 3), v), arr(()), ALL, differentiable=True),
    OpSpec("zeros", lambda dt: A.zeros([2, 3], dt), lambda dt: np.zeros((2, 3), dt), lambda rng, dt: (dt.name,), ALL),
    OpSpec("ones", lambda dt: A.ones((3,), dt), lambda dt: np.ones((3,), dt), lambda rng, dt: (dt.name,), ALL),
    OpSpec("eye", lambda dt: A.eye(2, 3, batch_shape=[2], dtype=dt),
           lambda dt: np.broadcast_to(np.eye(2, 3, dtype=dt), (2, 2, 3)), lambda rng, dt: (dt.name,), NUM),
    OpSpec("range", lambda dt: A.range(1, 10, 3, dtype=dt), lambda dt: np.arange(1, 10, 3, dtype=dt),
           lambda rng, dt: (dt.name,), NUM),
    OpSpec("linspace", lambda a, b: A.linspace(a, b, 5, axis=-1),
           lambda a, b: np.linspace(a, b, 5, axis=-1).astype(a.dtype), arr((2,), (2,)), ("float32", "float64")),
]
