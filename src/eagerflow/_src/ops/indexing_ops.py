"""Slicing by position and its inverse, padding (`tensor[...]`, `tf.slice`, `tf.strided_slice`,
`tf.pad`).

Slice and Pad are each other's gradient, so they are declared together; StridedSlice applies
a normalized NumPy basic index, which variables reuse for their slice-assign.
"""
from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.convert import is_tensor_like
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.symbolic_tensor import SymbolicTensor
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import conversion
from eagerflow._src.ops.array_args import (
    dims_text, index_operands, int_list, int_tuple, ints_of, invalid, matching, static_shape, zeros_like_array,
)


# --- slice, tensor[...], strided_slice -----------------------------------------------------
def _slice(xp: Any, x: Any, begin: tuple, size: tuple) -> Any:
    if len(begin) != x.ndim or len(size) != x.ndim:
        raise invalid(f"Expected begin and size arguments to be 1-D tensors of size {x.ndim}, but got "
                      f"shapes [{len(begin)}] and [{len(size)}] instead.")
    index = []
    for i, (b, s, d) in enumerate(zip(begin, size, x.shape)):
        if s == -1:
            s = d - b
        if not 0 <= b <= d:
            raise invalid(f"Expected begin[{i}] in [0, {d}], but got {b}")
        if not 0 <= s or b + s > d:
            raise invalid(f"Expected size[{i}] in [0, {d - b}], but got {s}")
        index.append(builtins.slice(b, b + s))
    return x[tuple(index)]


def _slice_like(xp: Any, t: Any, like: Any, begin: tuple) -> Any:
    return xp.ascontiguousarray(t[tuple(builtins.slice(b, b + d) for b, d in zip(begin, like.shape))])


def _place_like(xp: Any, t: Any, like: Any, begin: tuple) -> Any:
    out = xp.zeros(like.shape, dtype=t.dtype)
    out[tuple(builtins.slice(b, b + d) for b, d in zip(begin, t.shape))] = t
    return out


def _like_second_shape(inputs: Any, attrs: dict) -> list:
    return [(inputs[0]._array.dtype, inputs[1]._array.shape)]


# For dims known only when the graph runs (TF passes Shape tensors to Slice/Pad): `t`'s block at
# `begin` the size of `like` (a pad's gradient), and `t` placed at `begin` in zeros like `like`
# (a slice's gradient); each is the other's gradient.
SLICE_LIKE = Op("SliceLike", _slice_like, shape_fn=_like_second_shape,
                grad=lambda ctx, g: (execute(PLACE_LIKE, (g, ctx.inputs[0]), ctx.attrs), None))
PLACE_LIKE = Op("PlaceLike", _place_like, shape_fn=_like_second_shape,
                grad=lambda ctx, g: (execute(SLICE_LIKE, (g, ctx.inputs[0]), ctx.attrs), None))


def _slice_grad(ctx: Any, dy: Tensor) -> tuple:
    shape = static_shape(ctx.inputs[0])
    begin = ctx.attrs["begin"]
    if shape is None or None in shape or dy._array.shape is None or None in dy._array.shape:
        return (execute(PLACE_LIKE, (dy, ctx.inputs[0]), {"begin": tuple(begin)}),)
    pads = tuple((b, d - b - s) for b, s, d in zip(begin, static_shape(dy), shape))
    return (execute(PAD, (dy,), {"paddings": pads}),)


SLICE = Op("Slice", _slice, grad=_slice_grad)


def slice(input_: Any, begin: Any, size: Any, name: str | None = None) -> Tensor:  # noqa: A001
    """The block of `input_` starting at `begin` with extent `size` (-1: to the end) (`tf.slice`);
    `begin` and `size` share one int32/int64 dtype (TF's InvalidArgumentError otherwise)."""
    x = conversion.tensor(input_)
    b, s = int_tuple(begin), int_tuple(size)
    if b and s:  # lists of ints; TF infers float32 for an empty one (no default for Index)
        return conversion.run(SLICE, (x,), {"begin": b, "size": s}, True)
    fallback = conversion.takes_fallback(input_, begin, size)
    bt, st = index_operands(SLICE, "Index", [begin, size], None, fallback, positions=(1, 2))
    if bt._array.ndim != 1 or st._array.ndim != 1:
        raise conversion.kernel_error(
            SLICE, (x,), f"Expected begin and size arguments to be 1-D tensors of size {x._array.ndim}, but got "
            f"shapes {dims_text(bt._array.shape)} and {dims_text(st._array.shape)} instead.", fallback)
    if SymbolicTensor in (type(bt), type(st)):  # known when the traced graph runs: begin/size as inputs
        from eagerflow._src.framework.shape_inference import constant_value

        if constant_value(bt) is None or constant_value(st) is None:
            return execute(SLICE_DYNAMIC, (x, bt, st))
    return conversion.run(SLICE, (x,), {"begin": ints_of(bt), "size": ints_of(st)}, fallback)


def _dynamic_window(x: Any, begin: Any, size: Any) -> tuple:
    begin = [int(b) for b in np.asarray(begin).reshape(-1)]
    size = [int(n) for n in np.asarray(size).reshape(-1)]
    if len(begin) != x.ndim or len(size) != x.ndim:
        raise errors.InvalidArgumentError(
            None, None, f"Expected begin and size arguments to be 1-D tensors of size {x.ndim}, but got shapes "
            f"[{len(begin)}] and [{len(size)}] instead.")
    window = []
    for i, (b, n, d) in enumerate(zip(begin, size, x.shape)):
        n = d - b if n == -1 else n
        if not (0 <= b <= d and 0 <= n <= d - b):
            raise errors.InvalidArgumentError(
                None, None, f"Expected size[{i}] in [0, {d - b}], but got {n}")
        window.append(builtins.slice(b, b + n))
    return tuple(window)


def _slice_dynamic(xp: Any, x: Any, begin: Any, size: Any) -> Any:
    return x[_dynamic_window(x, begin, size)]


def _slice_dynamic_shape(inputs: Any, attrs: dict) -> list:
    from eagerflow._src.framework.shape_inference import shape_value

    x = inputs[0]._array
    sizes = shape_value(inputs[2])
    if x.shape is None:
        return [(x.dtype, None if sizes is None else tuple(None if n == -1 else n for n in sizes))]
    if sizes is None or len(sizes) != len(x.shape):
        return [(x.dtype, (None,) * len(x.shape))]
    begins = shape_value(inputs[1]) or (None,) * len(sizes)  # (a shape reader: per-element constants)
    dims = []
    for n, b, d in zip(sizes, begins, x.shape):
        if n == -1:  # to the end: known where the begin and the input's dim are
            n = d - b if d is not None and b is not None else None
        dims.append(n)
    return [(x.dtype, tuple(dims))]


def _slice_dynamic_grad_kernel(xp: Any, dy: Any, x_shape: Any, begin: Any) -> Any:
    out = xp.zeros(tuple(int(d) for d in np.asarray(x_shape).reshape(-1)), dy.dtype)
    start = [int(b) for b in np.asarray(begin).reshape(-1)]
    out[tuple(builtins.slice(b, b + n) for b, n in zip(start, dy.shape))] = dy
    return out


def _slice_dynamic_grad(ctx: Any, dy: Tensor) -> tuple:
    from eagerflow._src.ops.array_ops import shape

    x, begin, _ = ctx.inputs
    return (execute(SLICE_DYNAMIC_GRAD, (dy, shape(x, out_type=begin.dtype), begin)), None, None)


def _slice_dynamic_grad_shape(inputs: Any, attrs: dict) -> list:
    from eagerflow._src.framework.shape_inference import shape_value

    return [(inputs[0]._array.dtype, shape_value(inputs[1]))]


SLICE_DYNAMIC = Op("SliceDynamic", _slice_dynamic, grad=_slice_dynamic_grad, shape_fn=_slice_dynamic_shape)
def _slice_dynamic_grad_grad(ctx: Any, dy: Tensor) -> tuple:
    from eagerflow._src.ops.array_ops import shape

    return (execute(SLICE_DYNAMIC, (dy, ctx.inputs[2], shape(ctx.inputs[0]))), None, None)


SLICE_DYNAMIC_GRAD = Op("SliceDynamicGrad", _slice_dynamic_grad_kernel, shape_fn=_slice_dynamic_grad_shape,
                        grad=_slice_dynamic_grad_grad)


def _pad_dynamic(xp: Any, x: Any, paddings: Any, fill: Any) -> Any:
    pairs = [(int(a), int(b)) for a, b in np.asarray(paddings).reshape(-1, 2)]
    if len(pairs) != x.ndim or any(a < 0 or b < 0 for a, b in pairs):
        raise errors.InvalidArgumentError(None, None, f"Paddings must be non-negative and one pair per dimension: "
                                          f"{np.asarray(paddings).tolist()}")
    return xp.pad(x, pairs, constant_values=fill)


def _pad_dynamic_shape(inputs: Any, attrs: dict) -> list:
    """Unknown dims, except where a known input dim meets a pair known while tracing (paddings
    stacked from rows, some constant: TF reads such partially known paddings too)."""
    from eagerflow._src.framework.shape_inference import constant_value

    x = inputs[0]._array
    if x.shape is None:
        return [(x.dtype, None)]
    dims = [None] * len(x.shape)
    node = getattr(inputs[1], "_op", None)
    rows = node._inputs if node is not None and node.type == "Pack" and not node.attrs.get("axis", 0) else ()
    if len(rows) == len(dims):
        for i, row in enumerate(rows):
            pair = constant_value(row)
            if pair is not None and pair.size == 2 and x.shape[i] is not None:
                dims[i] = x.shape[i] + int(pair.sum())
    return [(x.dtype, tuple(dims))]


def _pad_dynamic_grad(ctx: Any, dy: Tensor) -> tuple:
    from eagerflow._src.ops.array_ops import reshape, shape

    x, paddings, _ = ctx.inputs
    dtype = paddings.dtype.as_numpy_dtype
    before = reshape(execute(SLICE_DYNAMIC, (paddings, conversion.tensor(np.zeros(2, dtype)),
                                             conversion.tensor(np.asarray([-1, 1], dtype)))), [-1])
    return (execute(SLICE_DYNAMIC, (dy, before, shape(x, out_type=paddings.dtype))), None, None)


PAD_DYNAMIC = Op("PadDynamic", _pad_dynamic, grad=_pad_dynamic_grad, shape_fn=_pad_dynamic_shape)


_INDEX_ERROR = ("Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and scalar "
                "tf.int32/tf.int64 tensors are valid indices, got {!r}")


def _index_item(item: Any) -> Any:
    if item is None or item is Ellipsis:
        return item
    if isinstance(item, (int, np.integer)) and not isinstance(item, (bool, np.bool_)):
        return int(item)
    if isinstance(item, builtins.slice):
        return builtins.slice(*(None if v is None else _index_item(v) for v in (item.start, item.stop, item.step)))
    if is_tensor_like(item):
        t = conversion.tensor(item)
        if t.ndim == 0 and t.dtype in (_dtypes.int32, _dtypes.int64):
            return int(t.numpy())
    raise TypeError(_INDEX_ERROR.format(item))


def normalize_index(key: Any) -> tuple:
    """A Python index expression as a tuple of ints, slices, Ellipsis and None (TF's rules).

    The tuple is a valid NumPy basic index with TF's meaning, so the StridedSlice kernel (and
    the variable slice-assign) apply it directly.
    """
    if isinstance(key, (bool, np.bool_)):
        raise ValueError("mask cannot be scalar.")  # TF treats a bool key as a boolean mask
    items = key if isinstance(key, (tuple, list)) else (key,)  # TF reads a list key as a tuple
    return tuple(_index_item(item) for item in items)


def _strided_slice(xp: Any, x: Any, index: tuple, error: str | None = None) -> Any:
    if error is not None:
        raise invalid(error)
    if index.count(Ellipsis) > 1:
        raise invalid("Multiple ellipses in slice spec not allowed")
    consuming = [i for i, item in enumerate(index) if item is not None and item is not Ellipsis]
    if len(consuming) > x.ndim:
        raise invalid(f"Index out of range using input dim {x.ndim}; input has only {x.ndim} dims")
    dim = 0
    for pos, item in enumerate(index):
        if item is Ellipsis:
            dim = x.ndim - builtins.sum(1 for i in consuming if i > pos)
        elif isinstance(item, int):
            size = x.shape[dim]
            if not -size <= item < size:
                raise invalid(f"slice index {item + size if item < 0 else item} of dimension {dim} out of bounds.")
            dim += 1
        elif isinstance(item, builtins.slice):
            if item.step == 0:
                raise invalid(f"strides[{pos}] must be non-zero")
            dim += 1
    out = x[index]
    # One element of a string (object) tensor is a Python bytes: keep it a 0-d object array.
    return xp.asarray(out, dtype=object) if x.dtype == object else xp.asarray(out)


def _strided_slice_grad_kernel(xp: Any, dy: Any, shape: tuple, index: tuple) -> Any:
    out = xp.zeros(shape, dtype=dy.dtype)
    out[index] = dy
    return out


def _strided_slice_grad(ctx: Any, dy: Tensor) -> tuple:
    shape = static_shape(ctx.inputs[0])
    if shape is None or None in shape:  # traced with dimensions known only when the graph runs: the shape as an input
        from eagerflow._src.ops.array_ops import shape as shape_of

        return (execute(STRIDED_SLICE_GRAD_SHAPED, (dy, shape_of(ctx.inputs[0])), {"index": ctx.attrs["index"]}),)
    return (execute(STRIDED_SLICE_GRAD, (dy,), {"shape": shape, "index": ctx.attrs["index"]}),)


def _strided_slice_grad_shaped_kernel(xp: Any, dy: Any, shape: Any, index: tuple) -> Any:
    return _strided_slice_grad_kernel(xp, dy, tuple(int(d) for d in shape), index)


def _strided_slice_grad_shaped_shape(inputs: Any, attrs: dict) -> list:
    from eagerflow._src.framework.shape_inference import shape_value

    return [(inputs[0]._array.dtype, shape_value(inputs[1]))]


STRIDED_SLICE = Op("StridedSlice", _strided_slice, grad=_strided_slice_grad)
STRIDED_SLICE_GRAD = Op("StridedSliceGrad", _strided_slice_grad_kernel,
                        grad=lambda ctx, dy: (execute(STRIDED_SLICE, (dy,), {"index": ctx.attrs["index"]}),))
STRIDED_SLICE_GRAD_SHAPED = Op("StridedSliceGradDynamic", _strided_slice_grad_shaped_kernel,
                               shape_fn=_strided_slice_grad_shaped_shape,
                               grad=lambda ctx, dy: (execute(STRIDED_SLICE, (dy,), {"index": ctx.attrs["index"]}),
                                                     None))


def getitem(tensor: Any, key: Any) -> Tensor:
    """`tensor[key]` with TF's indexing rules (ints, slices, `...`, `tf.newaxis`, int tensors)."""
    if _has_traced_index(key):
        return _traced_getitem(conversion.tensor(tensor), key)
    return execute(STRIDED_SLICE, (conversion.tensor(tensor),), {"index": normalize_index(key)})


# Indices that are tensors of a graph being traced (e.g. `x[i]` in a `tf.range` loop inside
# tf.function) have no value to build the StridedSlice attr from: each indexed axis becomes a
# gather (an integer drops the axis; a slice gathers a range). Added with graph control flow.
def _traced(k: Any) -> bool:
    return isinstance(k, Tensor) and type(k).__name__ != "EagerTensor"


def _has_traced_index(key: Any) -> bool:
    items = key if isinstance(key, tuple) else (key,)
    return any(_traced(k) or (isinstance(k, builtins.slice) and any(_traced(p) for p in (k.start, k.stop, k.step)))
               for k in items)


def _traced_getitem(x: Tensor, key: Any) -> Tensor:
    from eagerflow._src.ops import math_ops
    from eagerflow._src.ops.array_ops import range as tf_range, shape, where
    from eagerflow._src.ops.gather_scatter_ops import gather

    axis = 0
    for k in key if isinstance(key, tuple) else (key,):
        if isinstance(k, builtins.slice):
            if k == builtins.slice(None):
                axis += 1
                continue
            step = 1 if k.step is None else k.step
            # TF's StridedSlice: negative bounds count from the end, bounds clamped to the dim
            # (a negative step runs from dim - 1 down to just before 0); a traced step is taken
            # as positive.
            forward = not isinstance(step, int) or step > 0
            dim = shape(x)[axis]
            start = _run_time_bound(k.start, dim, forward, 0 if forward else -1)
            stop = _run_time_bound(k.stop, dim, forward, 1 if forward else -2)
            # an empty walk (start past stop) is empty, where Range would refuse it
            stop = (math_ops.maximum if forward else math_ops.minimum)(stop, start)
            x = gather(x, tf_range(start, stop, step), axis=axis)
            axis += 1
        elif _traced(k) or isinstance(k, int):
            if _traced(k):  # a negative index counts from the end (TF's StridedSlice)
                k = where(math_ops.less(k, 0), math_ops.add(k, math_ops.cast(shape(x)[axis], k.dtype)), k)
            elif k < 0:
                k = math_ops.add(shape(x)[axis], k)
            x = gather(x, k, axis=axis)
        else:
            raise TypeError(f"Only integers, slices and integer tensors are valid indices with a traced "
                            f"index, got {k!r}")
    return x


def _run_time_bound(value: Any, dim: Tensor, forward: bool, default: int) -> Any:
    """A slice bound resolved against the axis size `dim` known at run time: None is the start
    (`default` 0) or end (1) of the walk, -1/-2 the same walking backwards; others count from the
    end when negative and are clamped to [0, dim] (forward) or [-1, dim - 1] (backward)."""
    from eagerflow._src.ops import math_ops
    from eagerflow._src.ops.array_ops import where

    if value is None:
        return {0: 0, 1: dim, -1: dim - 1, -2: -1}[default]
    if _traced(value):
        dim = math_ops.cast(dim, value.dtype)
    resolved = math_ops.add(value, dim) if isinstance(value, int) and value < 0 else value
    if _traced(value):
        resolved = where(math_ops.less(value, 0), math_ops.add(value, dim), value)
    low, high = (0, dim) if forward else (-1, dim - 1)
    return math_ops.minimum(math_ops.maximum(resolved, low), high)


def _masks_to_index(begin: list, end: list, strides: list, begin_mask: int, end_mask: int,
                    ellipsis_mask: int, new_axis_mask: int, shrink_axis_mask: int) -> tuple[tuple, str | None]:
    """TF's strided_slice spec (begin/end/strides + bit masks) as a NumPy basic index."""
    index: list = []
    error = None
    for i, (b, e, s) in enumerate(zip(begin, end, strides)):
        bit = 1 << i
        if ellipsis_mask & bit:
            index.append(Ellipsis)
        elif new_axis_mask & bit:
            index.append(None)
        elif shrink_axis_mask & bit:
            if s <= 0 and error is None:
                error = "only stride 1 allowed on non-range indexing."
            index.append(b)
        else:
            index.append(builtins.slice(None if begin_mask & bit else b, None if end_mask & bit else e, s))
    return tuple(index), error


def strided_slice(input_: Any, begin: Any, end: Any, strides: Any = None, begin_mask: int = 0,
                  end_mask: int = 0, ellipsis_mask: int = 0, new_axis_mask: int = 0,
                  shrink_axis_mask: int = 0, var: Any = None, name: str | None = None) -> Tensor:
    """The strided slice of `input_` described by begin/end/strides and TF's masks (`tf.strided_slice`)."""
    x = conversion.tensor(input_)
    b, e = int_list(begin), int_list(end)
    s = int_list(strides) if strides is not None else [1] * len(b)
    if not len(b) == len(e) == len(s):
        index, error = (), (f"Expected begin, end, and strides to be 1D equal size tensors, but got shapes "
                            f"[{len(b)}], [{len(e)}], and [{len(s)}] instead.")
    else:
        index, error = _masks_to_index(b, e, s, int(begin_mask), int(end_mask), int(ellipsis_mask),
                                       int(new_axis_mask), int(shrink_axis_mask))
    attrs = {"index": index} if error is None else {"index": index, "error": error}
    try:
        return execute(STRIDED_SLICE, (x,), attrs)
    except errors.OpError as e:
        # TF passes no strides (None) on as ones_like(begin), a tensor.
        raise conversion.worded(e, input_, begin, end, *(() if strides is None else (strides,))) from None


# --- pad, mirror pad ----------------------------------------------------------------------
def _check_paddings(x: Any, paddings: tuple) -> None:
    if len(paddings) != x.ndim:
        raise invalid(f"The first dimension of paddings must be the rank of inputs"
                      f"{dims_text((len(paddings), 2))} {dims_text(x.shape)}")


def _pad(xp: Any, x: Any, paddings: tuple) -> Any:
    return _pad_v2(xp, x, zeros_like_array(xp, xp.empty((), dtype=x.dtype)), paddings)


def _pad_v2(xp: Any, x: Any, constant_values: Any, paddings: tuple) -> Any:
    _check_paddings(x, paddings)
    if constant_values.ndim:
        raise invalid(f"constant_values must be a scalar. Found: {dims_text(constant_values.shape)}")
    for before, after in paddings:
        if before < 0 or after < 0:
            raise invalid(f"Paddings must be non-negative: {before} {after}")
    out = xp.full(tuple(b + d + a for (b, a), d in zip(paddings, x.shape)), constant_values, dtype=x.dtype)
    out[tuple(builtins.slice(b, b + d) for (b, _), d in zip(paddings, x.shape))] = x
    return out


def _pad_grad(ctx: Any, dy: Tensor) -> tuple:
    paddings = ctx.attrs["paddings"]
    begin = tuple(b for b, _ in paddings)
    shape = static_shape(ctx.inputs[0])
    if shape is None or None in shape:  # dims known only when the graph runs
        sliced = execute(SLICE_LIKE, (dy, ctx.inputs[0]), {"begin": begin})
    else:
        sliced = execute(SLICE, (dy,), {"begin": begin, "size": shape})
    return (sliced,) if len(ctx.inputs) == 1 else (sliced, None)


def _mirror_pad(xp: Any, x: Any, paddings: tuple, mode: str) -> Any:
    _check_paddings(x, paddings)
    offset = 1 if mode == "REFLECT" else 0
    for before, after in paddings:
        if before < 0 or after < 0:
            raise invalid(f"Paddings must be non-negative: {before} {after}")
    for (before, after), d in zip(paddings, x.shape):
        if offset and (before >= d or after >= d):
            raise invalid(f"paddings must be less than the dimension size: {before}, {after} not less than {d}")
        if not offset and (before > d or after > d):
            raise invalid(f"paddings must be no greater than the dimension size: {before}, {after} greater than {d}")
    return xp.pad(x, paddings, mode="reflect" if offset else "symmetric")


def _mirror_pad_grad_kernel(xp: Any, dy: Any, paddings: tuple, mode: str) -> Any:
    """Folds the mirrored borders of `dy` back onto the values they copied (TF's MirrorPadGrad)."""
    offset = 1 if mode == "REFLECT" else 0
    out = dy
    for axis, (before, after) in enumerate(paddings):
        n = out.shape[axis] - before - after

        def part(lo: int, hi: int, step: int = 1) -> tuple:
            return (builtins.slice(None),) * axis + (builtins.slice(lo, hi, step),)

        folded = out[part(before, before + n)].copy()
        if before:
            folded[part(offset, offset + before)] += out[part(0, before)][part(None, None, -1)]
        if after:
            folded[part(n - after - offset, n - offset)] += out[part(before + n, None)][part(None, None, -1)]
        out = folded
    return out


def _padded_shape(inputs: Any, attrs: dict) -> list | None:
    """Each dim grows by its `[before, after]` pair; unknown dims stay unknown (TF's PadShapeFn)."""
    x = inputs[0]._array
    if x.shape is None:
        return [(x.dtype, tuple(None for _ in attrs["paddings"]))]
    if len(x.shape) != len(attrs["paddings"]):
        return None  # the kernel's own error when it runs
    return [(x.dtype, tuple(None if d is None else d + a + b for d, (a, b) in zip(x.shape, attrs["paddings"])))]


PAD = Op("Pad", _pad, grad=_pad_grad, shape_fn=_padded_shape)
PAD_V2 = Op("PadV2", _pad_v2, grad=_pad_grad, shape_fn=_padded_shape)
MIRROR_PAD = Op("MirrorPad", _mirror_pad, shape_fn=_padded_shape,
                grad=lambda ctx, dy: (execute(MIRROR_PAD_GRAD, (dy,), ctx.attrs),))
MIRROR_PAD_GRAD = Op("MirrorPadGrad", _mirror_pad_grad_kernel,
                     grad=lambda ctx, dy: (execute(MIRROR_PAD, (dy,), ctx.attrs),))



# MirrorPad whose paddings are known only when the traced graph runs (TF's MirrorPad takes them
# as an input): the pairs read by the kernel.
def _pairs_of(paddings: Any) -> tuple:
    return tuple((int(a), int(b)) for a, b in np.asarray(paddings).reshape(-1, 2).tolist())


def _unknown_dims_like_first(inputs: Any, attrs: dict) -> list:
    shape = inputs[0]._array.shape
    return [(inputs[0]._array.dtype, None if shape is None else (None,) * len(shape))]


MIRROR_PAD_DYNAMIC = Op("MirrorPadDynamic", lambda xp, x, p, mode: _mirror_pad(xp, x, _pairs_of(p), mode),
                        shape_fn=_pad_dynamic_shape,
                        grad=lambda ctx, dy: (execute(MIRROR_PAD_GRAD_DYNAMIC, (dy, ctx.inputs[1]), ctx.attrs), None))
MIRROR_PAD_GRAD_DYNAMIC = Op("MirrorPadGradDynamic",
                             lambda xp, dy, p, mode: _mirror_pad_grad_kernel(xp, dy, _pairs_of(p), mode),
                             shape_fn=_unknown_dims_like_first,
                             grad=lambda ctx, dy: (execute(MIRROR_PAD_DYNAMIC, (dy, ctx.inputs[1]), ctx.attrs), None))


def _int_pairs(paddings: Any) -> tuple | None:
    """A non-empty list or tuple of [int, int] pairs (the usual paddings) as a tuple, else None."""
    if (type(paddings) is not list and type(paddings) is not tuple) or not paddings:
        return None
    pairs = []
    for pair in paddings:
        if (type(pair) is not list and type(pair) is not tuple) or len(pair) != 2 \
                or type(pair[0]) is not int or type(pair[1]) is not int:
            return None
        pairs.append((pair[0], pair[1]))
    return tuple(pairs)


def pad(tensor: Any, paddings: Any, mode: str = "CONSTANT", constant_values: Any = 0,
        name: str | None = None) -> Tensor:
    """`tensor` padded by `paddings[i] = [before, after]` per dimension (`tf.pad`); `paddings` is
    an int32/int64 matrix with 2 columns (TF's InvalidArgumentError otherwise)."""
    x = conversion.tensor(tensor)
    mode = str(mode).upper()
    args = (tensor, paddings)  # what TF's generated wrapper gets, for its fallback path
    if mode == "CONSTANT":
        if not is_tensor_like(constant_values) and np.ndim(constant_values) == 0 and constant_values == 0:
            op, inputs, attrs = PAD, (x,), {}  # TF uses Pad (zeros, '' for strings) here
        else:
            args = (tensor, paddings, constant_values)
            try:  # constant_values shares the input's dtype attr (input #2 in TF's messages)
                op, inputs, attrs = PAD_V2, tuple(matching(PAD_V2, [tensor, constant_values], first_index=1)), {}
            except errors.OpError as e:
                raise conversion.worded(e, *args) from None
    elif mode in ("REFLECT", "SYMMETRIC"):
        op, inputs, attrs = MIRROR_PAD, (x,), {"mode": mode}
    else:
        raise ValueError('Value of argument `mode` expected to be one of "CONSTANT", "REFLECT", or "SYMMETRIC". '
                         f"Received `mode` = {mode}")
    pairs = _int_pairs(paddings)
    if pairs is None:
        from eagerflow._src.framework.shape_inference import constant_value

        fallback = conversion.takes_fallback(*args)
        (t,) = index_operands(op, "Tpaddings", [paddings], _dtypes.int32, fallback)
        if isinstance(t, SymbolicTensor):
            if constant_value(t) is None and op is MIRROR_PAD:
                return execute(MIRROR_PAD_DYNAMIC, (inputs[0], t), attrs)
            if constant_value(t) is None:  # known when the traced graph runs: paddings as an input
                fill = inputs[1] if op is PAD_V2 else conversion.tensor(np.zeros((), x._array.dtype)
                                                                        if x.dtype != _dtypes.string else b"")
                return execute(PAD_DYNAMIC, (inputs[0], t, fill))
        shape = t._array.shape
        if len(shape) != 2 or shape[1] != 2:
            raise conversion.kernel_error(op, inputs, f"paddings must be a matrix with 2 columns: {dims_text(shape)}",
                                          fallback)
        pairs = _pairs_of(t.numpy() if not isinstance(t, SymbolicTensor) else constant_value(t))
    attrs["paddings"] = pairs
    try:
        return execute(op, inputs, attrs)
    except errors.OpError as e:
        raise conversion.worded(e, *args) from None

