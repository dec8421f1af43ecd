"""`tf.nn.fractional_max_pool` / `fractional_avg_pool` (Graham, 2015): TF 2.21's FractionalMaxPool,
FractionalAvgPool and their Grad kernels.

Rows and columns are cut into pooling regions of floor(ratio) or floor(ratio)+1 cells by TF's
generator: a fresh `GuardedPhiloxRandom(seed, seed2)` per call, the row sequence drawn first, then
the column one (pseudo-random: one `RandDouble` offset u, boundaries ceil(alpha * (i + u)); random:
the K+1 / K lengths shuffled by TF's forward swap loop over `ReserveSamples32` words). So a call with a
seed gives TF's exact sequences and values. Overlapping regions share their boundary row/column.
Gradients: max routes each output's gradient to its region's first maximum (scan order), average
spreads it evenly over the region."""
from __future__ import annotations

import os
from collections import namedtuple
from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.ops import conversion
from eagerflow._src.ops.random.philox import philox_blocks, skip_counter

MASK32, MASK64 = (1 << 32) - 1, (1 << 64) - 1
_TYPES = (_dtypes.float32, _dtypes.float64, _dtypes.int32, _dtypes.int64)
FractionalMaxPool = namedtuple("FractionalMaxPool", ["output", "row_pooling_sequence", "col_pooling_sequence"])
FractionalAvgPool = namedtuple("FractionalAvgPool", ["output", "row_pooling_sequence", "col_pooling_sequence"])


class _Generator:
    """TF's GuardedPhiloxRandom as fractional pooling uses it: ReserveSamples32 hands out whole
    128-bit blocks, read one 32-bit word at a time."""

    def __init__(self, seed: int, seed2: int) -> None:
        if seed == 0 and seed2 == 0:
            seed, seed2 = (int.from_bytes(os.urandom(8), "little") for _ in range(2))
        seed, seed2 = seed & MASK64, seed2 & MASK64
        self.key = (seed & MASK32, seed >> 32)
        self.counter = (0, 0, seed2 & MASK32, seed2 >> 32)

    def reserve32(self, n: int) -> list:
        blocks = (n + 3) // 4
        words = philox_blocks(self.key, self.counter, blocks).reshape(-1)
        self.counter = skip_counter(self.counter, blocks)
        return [int(w) for w in words]


def _uint64_to_double(x0: int, x1: int) -> float:
    bits = (1023 << 52) | ((x0 & 0xFFFFF) << 32) | x1
    return float(np.array([bits], np.uint64).view(np.float64)[0]) - 1.0


def pooling_sequence(input_length: int, output_length: int, gen: _Generator, pseudo_random: bool) -> list:
    """TF's GeneratePoolingSequence: the cumulative region starts (output_length + 1 of them)."""
    if input_length % output_length == 0:
        diff = [input_length // output_length] * output_length
    elif pseudo_random:
        alpha = input_length / output_length
        k = input_length // output_length
        max_u = min((k + 2) / alpha - 1, (input_length + 1 - k) / alpha - (output_length - 1))
        words = gen.reserve32(2)
        u = _uint64_to_double(words[0], words[1]) * max_u
        cum = [1] + [int(np.ceil(alpha * (i + u))) for i in range(1, output_length)] + [input_length + 1]
        diff = [cum[i + 1] - cum[i] for i in range(output_length)]
    else:
        k, extra = divmod(input_length, output_length)
        diff = [k + 1] * extra + [k] * (output_length - extra)
        words = gen.reserve32(output_length)
        for i in range(output_length - 1):  # TF's RandomShuffle: swap i with i + uniform(n - i)
            j = i + words[i] % (output_length - i)
            diff[i], diff[j] = diff[j], diff[i]
    cum = [0]
    for d in diff:
        cum.append(cum[-1] + d)
    return cum


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _regions(seq: Any, limit: int, overlapping: bool) -> list:
    """(start, end exclusive) of each pooling region, as the kernels clip them."""
    seq = [int(s) for s in seq]
    out = []
    for i in range(len(seq) - 1):
        end = seq[i + 1] if overlapping else seq[i + 1] - 1
        out.append((seq[i], min(end, limit - 1) + 1))
    return out


def _pool_forward(kind: str) -> Any:
    def forward(xp: Any, x: Any, pooling_ratio: tuple, pseudo_random: bool, overlapping: bool, deterministic: bool,
                seed: int, seed2: int) -> list:
        if len(pooling_ratio) != 4:
            raise _invalid("pooling_ratio field must specify 4 dimensions")
        if pooling_ratio[0] != 1 or pooling_ratio[3] != 1:
            raise errors.UnimplementedError(None, None, f"Fractional {'max' if kind == 'max' else 'average'} pooling "
                                            "is not yet supported on the batch nor channel dimension.")
        for r in pooling_ratio:
            if r < 1:
                raise _invalid(f"pooling_ratio cannot be smaller than 1, got: {r:g}")
        if x.ndim != 4:
            raise _invalid("tensor_in must be 4-dimensional")
        out_sizes = []
        for i in range(4):
            if x.shape[i] < pooling_ratio[i]:
                raise _invalid(f"Pooling ratio is higher than input dimension size for dimension {i}. Input dim size: "
                               f"{x.shape[i]} pooling ratio: {pooling_ratio[i]:g}")
            out_sizes.append(int(np.floor(x.shape[i] / pooling_ratio[i])))
        gen = _Generator(seed, seed2)
        rows = pooling_sequence(x.shape[1], out_sizes[1], gen, pseudo_random)
        cols = pooling_sequence(x.shape[2], out_sizes[2], gen, pseudo_random)
        a = np.asarray(x.get() if hasattr(x, "get") else x)
        out = np.empty((a.shape[0], out_sizes[1], out_sizes[2], a.shape[3]), a.dtype)
        for i, (r0, r1) in enumerate(_regions(rows, a.shape[1], overlapping)):
            for j, (c0, c1) in enumerate(_regions(cols, a.shape[2], overlapping)):
                region = a[:, r0:r1, c0:c1, :]
                if kind == "max":
                    out[:, i, j, :] = region.max(axis=(1, 2))
                else:
                    out[:, i, j, :] = _average(region)
        return [xp.asarray(out), xp.asarray(np.array(rows, np.int64)), xp.asarray(np.array(cols, np.int64))]
    return forward


def _average(region: Any) -> Any:
    count = region.shape[1] * region.shape[2]
    total = region.sum(axis=(1, 2), dtype=region.dtype)
    if region.dtype.kind == "f":
        return total / region.dtype.type(count)
    return np.sign(total) * (np.abs(total) // count)  # C++ integer division truncates toward zero


def _check_sequences(rows: Any, cols: Any, out_rows: int, out_cols: int) -> None:
    if rows.ndim != 1 or cols.ndim != 1:
        raise _invalid("row_seq_tensor and col_seq_tensor must be 1-dimensional")
    if rows.shape[0] < out_rows + 1 or cols.shape[0] < out_cols + 1:
        raise _invalid("Given out_backprop shape does not match the pooling sequences")


def _max_grad_forward(xp: Any, x: Any, y: Any, dy: Any, rows: Any, cols: Any, overlapping: bool) -> Any:
    a, dy_h = (np.asarray(v.get() if hasattr(v, "get") else v) for v in (x, dy))
    rows, cols = (np.asarray(v.get() if hasattr(v, "get") else v) for v in (rows, cols))
    _check_sequences(rows, cols, dy_h.shape[1], dy_h.shape[2])
    grad = np.zeros(a.shape, a.dtype)
    batch, depth = np.arange(a.shape[0])[:, None], np.arange(a.shape[3])[None, :]
    for i, (r0, r1) in enumerate(_regions(rows[:dy_h.shape[1] + 1], a.shape[1], overlapping)):
        for j, (c0, c1) in enumerate(_regions(cols[:dy_h.shape[2] + 1], a.shape[2], overlapping)):
            region = a[:, r0:r1, c0:c1, :].reshape(a.shape[0], -1, a.shape[3])
            first = region.argmax(axis=1)  # the first maximum in row-major scan order, as TF's loop
            width = c1 - c0
            np.add.at(grad, (batch, r0 + first // width, c0 + first % width, depth), dy_h[:, i, j, :])
    return xp.asarray(grad)


def _avg_grad_forward(xp: Any, shape: Any, dy: Any, rows: Any, cols: Any, overlapping: bool) -> Any:
    shape, dy_h, rows, cols = (np.asarray(v.get() if hasattr(v, "get") else v) for v in (shape, dy, rows, cols))
    if shape.ndim != 1 or shape.shape[0] != 4:
        raise _invalid("Original input tensor shape must be 1-dimensional and 4 elements")
    _check_sequences(rows, cols, dy_h.shape[1], dy_h.shape[2])
    in_shape = tuple(int(s) for s in shape)
    grad = np.zeros(in_shape, np.float64)
    for i, (r0, r1) in enumerate(_regions(rows[:dy_h.shape[1] + 1], in_shape[1], overlapping)):
        for j, (c0, c1) in enumerate(_regions(cols[:dy_h.shape[2] + 1], in_shape[2], overlapping)):
            count = (r1 - r0) * (c1 - c0)
            grad[:, r0:r1, c0:c1, :] += (dy_h[:, i, j, :].astype(np.float64) / count)[:, None, None, :]
    return xp.asarray(grad.astype(dy_h.dtype))


def _max_pool_grad(ctx: Any, dys: Any) -> tuple:
    out, rows, cols = ctx.output
    return (execute(FRACTIONAL_MAX_POOL_GRAD, (ctx.inputs[0], out, dys[0], rows, cols),
                    {"overlapping": ctx.attrs["overlapping"]}),)


def _avg_pool_grad(ctx: Any, dys: Any) -> tuple:
    _, rows, cols = ctx.output
    shape = conversion.tensor(np.array(ctx.inputs[0].shape.as_list(), np.int64))
    return (execute(FRACTIONAL_AVG_POOL_GRAD, (shape, dys[0], rows, cols), {"overlapping": ctx.attrs["overlapping"]}),)


def _pool_shape(inputs: Any, attrs: dict) -> list:
    x = inputs[0]._array
    shape = None
    rows = cols = None
    if x.shape is not None and len(x.shape) == 4:
        shape = tuple(None if d is None else int(np.floor(d / r)) for d, r in zip(x.shape, attrs["pooling_ratio"]))
        rows = None if shape[1] is None else shape[1] + 1
        cols = None if shape[2] is None else shape[2] + 1
    return [(x.dtype, shape), (np.dtype(np.int64), (rows,)), (np.dtype(np.int64), (cols,))]


def _max_grad_shape(inputs: Any, attrs: dict) -> list:
    x = inputs[0]._array
    return [(x.dtype, x.shape)]


def _avg_grad_shape(inputs: Any, attrs: dict) -> list:
    from eagerflow._src.framework.shape_inference import constant_value
    value = constant_value(inputs[0])
    shape = None if value is None else tuple(int(v) for v in value)
    return [(inputs[1]._array.dtype, shape)]


FRACTIONAL_MAX_POOL_GRAD = Op("FractionalMaxPoolGrad", _max_grad_forward, dtypes=_TYPES, shape_fn=_max_grad_shape)
FRACTIONAL_AVG_POOL_GRAD = Op("FractionalAvgPoolGrad", _avg_grad_forward, shape_fn=_avg_grad_shape)
FRACTIONAL_MAX_POOL = Op("FractionalMaxPool", _pool_forward("max"), grad=_max_pool_grad, num_outputs=3, dtypes=_TYPES,
                         shape_fn=_pool_shape, stateful=True)
FRACTIONAL_AVG_POOL = Op("FractionalAvgPool", _pool_forward("avg"), grad=_avg_pool_grad, num_outputs=3, dtypes=_TYPES,
                         shape_fn=_pool_shape, stateful=True)


def _pooling_ratio(pooling_ratio: Any) -> tuple:
    if isinstance(pooling_ratio, (list, tuple)):
        if pooling_ratio[0] != 1.0 or pooling_ratio[-1] != 1.0:
            raise ValueError("`pooling_ratio` should have first and last elements with value 1.0. "
                             f"Received: pooling_ratio={pooling_ratio}")
        for element in pooling_ratio:
            if element < 1.0:
                raise ValueError(f"`pooling_ratio` elements should be >= 1.0. Received: pooling_ratio={pooling_ratio}")
        values = list(pooling_ratio)
    elif isinstance(pooling_ratio, (int, float)):
        if pooling_ratio < 1.0:
            raise ValueError(f"`pooling_ratio` should be >= 1.0. Received: pooling_ratio={pooling_ratio}")
        values = [pooling_ratio]
    else:
        raise ValueError(f"`pooling_ratio` should be an int or a list of ints. Received: pooling_ratio={pooling_ratio}")
    if len(values) == 1:
        values = [1, values[0], values[0], 1]
    elif len(values) == 2:
        values = [1, values[0], values[1], 1]
    elif len(values) != 4:
        raise ValueError(f"pooling_ratio should be of length 1, 2 or 4. Received: pooling_ratio={pooling_ratio} "
                         f"of length {len(values)}")
    return values


def _summary(op: Op) -> str:
    return (f"Op<name={op.name}; signature=value:T -> output:T, row_pooling_sequence:int64, col_pooling_sequence:int64; "
            "attr=pooling_ratio:list(float),min=4; attr=pseudo_random:bool,default=false; "
            "attr=overlapping:bool,default=false; attr=deterministic:bool,default=false; attr=seed:int,default=0; "
            "attr=seed2:int,default=0; attr=T:type,allowed=[DT_FLOAT, DT_DOUBLE, DT_INT32, DT_INT64]>")


def _fractional_pool(op: Op, result: Any, name: str, value: Any, ratio: Any, pseudo_random: bool,
                     overlapping: bool, seed: int) -> Any:
    if not isinstance(ratio, (list, tuple)):
        raise TypeError(f"Expected list for 'pooling_ratio' argument to '{name}' Op, not {ratio!r}.")
    # TF's generated wrapper leaves its fast path for a float-list attr holding Python ints.
    fallback = any(type(v) is not float for v in ratio) or conversion.takes_fallback(value)
    if len(ratio) < 4:
        raise errors.op_error(errors.InvalidArgumentError,
                              f"Length for attr 'pooling_ratio' of {len(ratio)} must be at least minimum 4\n\t; "
                              f"NodeDef: {{{{node {op.name}}}}}; {_summary(op)}", op.name, fallback)
    if seed == 0:
        deterministic, seed1, seed2 = False, 0, 0
    else:
        from eagerflow._src.ops.random.seeds import kernel_streams
        seed1, seed2 = kernel_streams().get_seed(seed)
        deterministic = True
    x = conversion.tensor(value)
    if x.dtype not in _TYPES:
        raise errors.op_error(errors.InvalidArgumentError,
                              f"Value for attr 'T' of {x.dtype.name.replace('float16', 'half')} is not in the list of "
                              f"allowed values: float, double, int32, int64\n\t; NodeDef: {{{{node {op.name}}}}}; "
                              f"{_summary(op)}", op.name, fallback)
    return result(*conversion.run(op, (x,), {
        "pooling_ratio": tuple(float(v) for v in ratio), "pseudo_random": bool(pseudo_random),
        "overlapping": bool(overlapping), "deterministic": deterministic, "seed": int(seed1 or 0),
        "seed2": int(seed2 or 0)}, fallback))


def fractional_max_pool(value: Any, pooling_ratio: Any, pseudo_random: bool = False, overlapping: bool = False,
                        seed: int = 0, name: str | None = None) -> Any:
    """Fractional max pooling over height and width: `(output, row_pooling_sequence, col_pooling_sequence)`."""
    ratio = _pooling_ratio(pooling_ratio)
    if seed == 0:
        from eagerflow._src.framework.runtime_options import is_op_determinism_enabled
        if is_op_determinism_enabled():
            raise ValueError(f"tf.nn.fractional_max_pool requires a non-zero seed to be passed in when determinism "
                             f"is enabled, but got seed={seed}. Please pass in a non-zero seed, e.g. by passing "
                             '"seed=1".')
    return _fractional_pool(FRACTIONAL_MAX_POOL, FractionalMaxPool, "fractional_max_pool", value, ratio,
                            pseudo_random, overlapping, seed)


def fractional_avg_pool(value: Any, pooling_ratio: Any, pseudo_random: bool = False, overlapping: bool = False,
                        seed: int = 0, name: str | None = None) -> Any:
    """Fractional average pooling over height and width: `(output, row_pooling_sequence, col_pooling_sequence)`."""
    return _fractional_pool(FRACTIONAL_AVG_POOL, FractionalAvgPool, "fractional_avg_pool", value, pooling_ratio,
                            pseudo_random, overlapping, seed)
