"""Statistics over tensors: `tf.math.reduce_variance`/`reduce_std`/`reduce_euclidean_norm`,
`cumulative_logsumexp`, `bincount`, `confusion_matrix`, `tf.histogram_fixed_width(_bins)`.

Built from existing ops the way TF builds them (so gradients come from the parts), except the
counting kernels, which are ops of their own (integer outputs: no gradient).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import array_ops, conversion, math_ops, reduce_ops
from eagerflow._src.ops.array_args import invalid, static_shape


def reduce_variance(input_tensor: Any, axis: Any = None, keepdims: bool = False, name: str | None = None) -> Tensor:
    """Mean squared deviation from the mean; complex inputs give a real variance (`tf.math.reduce_variance`)."""
    x = conversion.tensor(input_tensor)
    mean = reduce_ops.reduce_mean(x, axis=axis, keepdims=True)
    if mean.dtype.is_integer:
        raise TypeError(f"Input must be either real or complex. Received integer type {mean.dtype}.")
    deviation = math_ops.subtract(x, mean)
    if x.dtype.is_complex:  # |d|^2 as TF takes it: real(conj(d) * d)
        squared = math_ops.real(math_ops.multiply(math_ops.conj(deviation), deviation))
    else:
        squared = math_ops.square(deviation)
    return reduce_ops.reduce_mean(squared, axis=axis, keepdims=keepdims)


def reduce_std(input_tensor: Any, axis: Any = None, keepdims: bool = False, name: str | None = None) -> Tensor:
    """Standard deviation, sqrt of `reduce_variance` (`tf.math.reduce_std`)."""
    return math_ops.sqrt(reduce_variance(input_tensor, axis=axis, keepdims=keepdims))


def _euclidean_norm(xp: Any, x: Any, axis: tuple, keep_dims: bool) -> Any:
    if x.dtype.kind in "iu":
        total = xp.sum(x.astype(np.float64) ** 2, axis=axis, keepdims=keep_dims)
        return xp.sqrt(total).astype(x.dtype)
    magnitude = x * xp.conj(x) if x.dtype.kind == "c" else x * x
    return xp.sqrt(xp.sum(magnitude, axis=axis, keepdims=keep_dims)).astype(x.dtype)


def _euclidean_norm_grad(ctx: Any, dy: Tensor) -> tuple:
    x = ctx.inputs[0]
    axis, keep = ctx.attrs["axis"], ctx.attrs["keep_dims"]
    norm = ctx.output
    if not keep:  # (reduce_ops' keepdims reshape: dims known only at run time too)
        from eagerflow._src.ops.reduce_ops import _kept_dims

        norm = _kept_dims(norm, x, axis, False)
        dy = _kept_dims(dy, x, axis, False)
    return (math_ops.multiply(dy, math_ops.divide_no_nan(x, norm)),)


EUCLIDEAN_NORM = Op("EuclideanNorm", _euclidean_norm, grad=_euclidean_norm_grad)


def reduce_euclidean_norm(input_tensor: Any, axis: Any = None, keepdims: bool = False,
                          name: str | None = None) -> Tensor:
    """sqrt(sum(x**2)) over `axis` (`tf.math.reduce_euclidean_norm`)."""
    x = conversion.tensor(input_tensor)
    rank = x._array.ndim
    if rank is None:  # traced with unknown rank: the axes as given, resolved when the graph runs
        axes = None if axis is None else tuple(int(a) for a in np.asarray(axis).reshape(-1))
    elif axis is None:
        axes = tuple(range(rank))
    else:
        values = np.asarray(axis.numpy() if isinstance(axis, Tensor) else axis).reshape(-1)
        axes = tuple(sorted({int(a) % rank if rank else 0 for a in values}))
    return conversion.run(EUCLIDEAN_NORM, (x,), {"axis": axes, "keep_dims": bool(keepdims)}, False)


def cumulative_logsumexp(x: Any, axis: int = 0, exclusive: bool = False, reverse: bool = False,
                         name: str | None = None) -> Tensor:
    """log(cumsum(exp(x))) along `axis`, computed stably (`tf.math.cumulative_logsumexp`)."""
    x = conversion.tensor(x)
    if not x.dtype.is_floating:
        raise TypeError(f"Value passed to parameter 'x' has DataType {x.dtype.name} not in list of allowed "
                        "values: float16, float32, float64, bfloat16")
    from eagerflow._src.autodiff.custom_gradient import stop_gradient  # StopGradient is declared there

    shift = stop_gradient(reduce_ops.reduce_max(x, axis=axis, keepdims=True))
    finite = math_ops.is_finite(shift)
    shift = math_ops.select(finite, shift, math_ops.zeros_like_same(shift))
    summed = reduce_ops.cumsum(math_ops.exp(math_ops.subtract(x, shift)), axis=axis, exclusive=exclusive,
                               reverse=reverse)
    return math_ops.add(math_ops.log(summed), shift)


# --- counting ---------------------------------------------------------------------------------------
def _bincount(xp: Any, arr: Any, size: int, weights: Any, binary_output: bool = False) -> Any:
    if arr.size and int(arr.min()) < 0:
        raise invalid("Input arr must be non-negative!")
    flat = arr.reshape(-1, arr.shape[-1]) if arr.ndim == 2 else arr.reshape(1, -1)
    w = None if weights is None or weights.size == 0 else weights.reshape(flat.shape)
    dtype = weights.dtype if weights is not None and weights.size else arr.dtype
    out = xp.zeros((flat.shape[0], size), dtype=dtype)
    for row in range(flat.shape[0]):
        keep = flat[row] < size
        ids = flat[row][keep]
        if binary_output:
            out[row, ids] = 1
        elif w is None:
            out[row] = xp.bincount(ids, minlength=size)[:size].astype(dtype)
        else:
            out[row] = xp.bincount(ids, weights=w[row][keep], minlength=size)[:size].astype(dtype)
    return out if arr.ndim == 2 else out.reshape(size)


def _static_size(x: Any) -> int | None:
    from eagerflow._src.framework import shape_inference

    value = shape_inference.constant_value(x) if isinstance(x._array, shape_inference.AbstractArrayLike) \
        else x._array
    return None if value is None else int(np.asarray(value))


def _bincount_shape(inputs: Any, attrs: dict) -> list:
    arr, size, weights = inputs[-3:]
    n = _static_size(size)
    dtype = weights._array.dtype if weights._array.shape != (0,) else np.dtype(attrs["dtype"])
    if len(inputs) == 4:  # RaggedBincount: one row per ragged row
        rows = inputs[0]._array.shape
        return [(dtype, (None if rows is None or rows[0] is None else rows[0] - 1, n))]
    shape = arr._array.shape
    if shape is not None and len(shape) == 2:
        return [(dtype, (shape[0], n))]
    return [(dtype, (n,))]


def _dense_bincount(xp: Any, arr: Any, size: Any, weights: Any, binary_output: bool, dtype: Any) -> Any:
    out = _bincount(xp, arr, int(size), weights if weights.size else None, binary_output)
    return out if weights.size else out.astype(dtype)


def _ragged_bincount(xp: Any, splits: Any, values: Any, size: Any, weights: Any, binary_output: bool,
                     dtype: Any) -> Any:
    s = np.asarray(splits.get() if hasattr(splits, "get") else splits).astype(np.int64)
    n = int(size)
    if values.size and int(values.min()) < 0:
        raise invalid("Input arr must be non-negative!")
    rows = xp.asarray(np.repeat(np.arange(s.shape[0] - 1), np.diff(s)))
    out = xp.zeros((s.shape[0] - 1, n), dtype=weights.dtype if weights.size else dtype)
    keep = values < n
    if binary_output:
        out[rows[keep], values[keep]] = 1
    else:
        xp.add.at(out, (rows[keep], values[keep]), weights[keep] if weights.size else 1)
    return out


# TF's signatures: DenseBincount(input, size, weights), RaggedBincount(splits, values, size, weights).
DENSE_BINCOUNT = Op("DenseBincount", _dense_bincount, shape_fn=_bincount_shape)
RAGGED_BINCOUNT = Op("RaggedBincount", _ragged_bincount, shape_fn=_bincount_shape)


def _symbolic_size(values: Tensor, minlength: Any, maxlength: Any) -> Tensor:
    """The bincount size through ops: max value + 1, raised to minlength, cut to maxlength."""
    from eagerflow._src.ops import join_split_ops

    flat = join_split_ops.concat([array_ops.reshape(values, (-1,)),
                                  conversion.tensor(np.asarray([-1], values.dtype.as_numpy_dtype))], axis=0)
    size = math_ops.add(reduce_ops.reduce_max(flat), conversion.tensor(np.asarray(1, values.dtype.as_numpy_dtype)))
    if minlength is not None:
        size = math_ops.maximum(size, math_ops.cast(conversion.tensor(minlength), values.dtype))
    if maxlength is not None:
        size = math_ops.minimum(size, math_ops.cast(conversion.tensor(maxlength), values.dtype))
    return size


def bincount(arr: Any, weights: Any = None, minlength: Any = None, maxlength: Any = None,
             dtype: Any = _dtypes.int32, name: str | None = None, axis: Any = None,
             binary_output: bool = False) -> Tensor:
    """Counts of each value in the non-negative ints `arr` (weighted sums with `weights`), over
    the whole tensor or (axis=-1) per row (`tf.math.bincount`)."""
    from eagerflow._src.framework.symbolic_tensor import SymbolicTensor

    ragged = getattr(arr, "flat_values", None) is not None and hasattr(arr, "nested_row_splits")
    if ragged and (axis is None or arr.ragged_rank != 1):
        arr = arr.flat_values
        weights = weights.flat_values if getattr(weights, "flat_values", None) is not None else weights
        ragged = False
    if ragged:
        splits, values = arr.row_splits, arr.values
        weights = weights.values if weights is not None else None
    else:
        values = arr = conversion.tensor(arr)
    if not values.dtype.is_integer:  # TF casts non-integer values to int32 first
        values = math_ops.cast(values, _dtypes.int32)
        arr = arr if ragged else values
    if axis is None:
        arr = values = array_ops.reshape(values, (-1,))
        if weights is not None:
            weights = array_ops.reshape(conversion.tensor(weights), (-1,))
    elif axis not in (0, -1):
        raise ValueError(f"Unsupported axis value {axis}. Only 0 and -1 are currently supported.")
    if weights is not None:
        weights = conversion.tensor(weights)
    else:
        weights = conversion.tensor(np.zeros((0,), dtype=_dtypes.as_dtype(dtype).as_numpy_dtype))
    static = None
    if minlength is not None and maxlength is not None and not isinstance(minlength, SymbolicTensor) \
            and not isinstance(maxlength, SymbolicTensor) and int(minlength) == int(maxlength):
        static = max(int(minlength), 0)
    elif not isinstance(values, SymbolicTensor):
        host = values.numpy()
        static = max(int(host.max()) + 1 if host.size else 0, 0)
        if minlength is not None:
            static = max(static, int(minlength))
        if maxlength is not None:
            static = min(static, int(maxlength))
    if static is not None:
        size = conversion.tensor(np.asarray(static, values.dtype.as_numpy_dtype))
    else:
        size = _symbolic_size(values, minlength, maxlength)
    attrs = {"binary_output": bool(binary_output), "dtype": _dtypes.as_dtype(dtype).as_numpy_dtype}
    if ragged:
        return conversion.run(RAGGED_BINCOUNT, (splits, values, size, weights), attrs, False)
    return conversion.run(DENSE_BINCOUNT, (arr, size, weights), attrs, False)


def confusion_matrix(labels: Any, predictions: Any, num_classes: Any = None, weights: Any = None,
                     dtype: Any = _dtypes.int32, name: str | None = None) -> Tensor:
    """matrix[i, j]: how many (or how much weight of) examples of label i were predicted j
    (`tf.math.confusion_matrix`)."""
    from eagerflow._src.ops.gather_scatter_ops import scatter_nd  # a sibling family

    dtype = _dtypes.as_dtype(dtype)
    labels = math_ops.cast(conversion.tensor(labels), _dtypes.int64)
    predictions = math_ops.cast(conversion.tensor(predictions), _dtypes.int64)
    lab, pred = labels.numpy(), predictions.numpy()
    if lab.size and (lab.min() < 0 or pred.min() < 0):
        raise invalid("`labels` contains negative values." if lab.min() < 0 else "`predictions` contains negative values.")
    if num_classes is None:
        n = int(max(lab.max(initial=-1), pred.max(initial=-1))) + 1
    else:
        n = int(num_classes)
        if lab.size and (lab.max() >= n or pred.max() >= n):
            which = "labels" if lab.max() >= n else "predictions"
            raise invalid(f"`{which}` out of bound")
    indices = conversion.tensor(np.stack([lab.reshape(-1), pred.reshape(-1)], axis=1).astype(np.int64))
    values = math_ops.cast(conversion.tensor(weights), dtype) if weights is not None else \
        array_ops.ones((lab.size,), dtype=dtype)
    return scatter_nd(indices, array_ops.reshape(values, (-1,)), np.asarray([n, n], np.int64))


def _histogram(xp: Any, values: Any, value_range: Any, nbins: int, dtype: Any) -> Any:
    lo, hi = value_range[0], value_range[1]
    scaled = (values.astype(np.float64) - float(lo)) / (float(hi) - float(lo))
    bins = xp.clip(xp.floor(scaled * nbins), 0, nbins - 1).astype(np.int64)
    return bins.astype(dtype)


HISTOGRAM_BINS = Op("HistogramFixedWidthBins", lambda xp, values, value_range, nbins, dtype: _histogram(
    xp, values, value_range, nbins, dtype))


def histogram_fixed_width_bins(values: Any, value_range: Any, nbins: int = 100, dtype: Any = _dtypes.int32,
                               name: str | None = None) -> Tensor:
    """The bin index of each value among `nbins` equal bins over `value_range`; values outside
    go to the first or last bin (`tf.histogram_fixed_width_bins`)."""
    values = conversion.tensor(values)
    value_range = conversion.like(value_range, values)
    if int(nbins) <= 0:
        raise invalid(f"nbins should be a positive number, but got '{int(nbins)}'")
    return conversion.run(HISTOGRAM_BINS, (values, value_range),
                          {"nbins": int(nbins), "dtype": _dtypes.as_dtype(dtype).as_numpy_dtype}, False)


def histogram_fixed_width(values: Any, value_range: Any, nbins: int = 100, dtype: Any = _dtypes.int32,
                          name: str | None = None) -> Tensor:
    """Counts of `values` in `nbins` equal bins over `value_range` (`tf.histogram_fixed_width`)."""
    bins = histogram_fixed_width_bins(values, value_range, nbins, _dtypes.int64)
    counts = bincount(array_ops.reshape(bins, (-1,)), minlength=int(nbins), maxlength=int(nbins),
                      dtype=_dtypes.as_dtype(dtype))
    return math_ops.cast(counts, _dtypes.as_dtype(dtype))


def sobol_sample(dim: Any, num_results: Any, skip: Any = 0, dtype: Any = _dtypes.float32,
                 name: str | None = None) -> Tensor:
    """Points `skip + 1 ...` of the `dim`-dimensional Sobol sequence (`tf.math.sobol_sample`):
    SciPy's unscrambled Sobol generator (the same direction numbers), without its origin point."""
    import warnings

    from scipy.stats import qmc  # first use only

    dtype = _dtypes.as_dtype(dtype)
    if dtype not in (_dtypes.float32, _dtypes.float64):
        raise TypeError(f"Value passed to parameter 'dtype' has DataType {dtype.name} not in list of allowed "
                        "values: float32, float64")
    dim, num_results, skip = int(dim), int(num_results), int(skip)
    if dim < 1:
        raise invalid("dim must be at least one")
    engine = qmc.Sobol(dim, scramble=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SciPy's balance warning for non-powers of two
        engine.fast_forward(1 + skip)
        points = engine.random(num_results)
    return conversion.tensor(points.astype(dtype.as_numpy_dtype))
