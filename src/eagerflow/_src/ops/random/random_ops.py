"""``tf.random`` ops seeded by the global and op-level seeds (TF's stateful kernels).

Each op is declared once with TF's name; its forward draws from the kernel's
``PhiloxStream`` (keyed, as TF's eager kernel cache is, by op name and attrs)
and fills the output on ``xp``. ``set_seed`` resets the global seed, the
op-seed sequence and every kernel's stream, as TF does.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.convert import convert_to_tensor
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.shape_inference import multinomial, same_as_first, shape_from_input
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import conversion, math_ops
from eagerflow._src.ops.random import distributions, samplers
from eagerflow._src.ops.random.op_args import (
    attr_error, check_accepted, check_moments, named_tensor, scale_shift, seed_attr, shape_of, shape_tensor,
    shape_text,
)
from eagerflow._src.ops.random.seeds import kernel_streams

_SHAPE_DTYPES = (_dtypes.int32, _dtypes.int64)
_FLOATS = (_dtypes.float16, _dtypes.bfloat16, _dtypes.float32, _dtypes.float64)
_UNIFORM_DTYPES = _FLOATS + (_dtypes.int32, _dtypes.int64)
_GAMMA_DTYPES = (_dtypes.float16, _dtypes.float32, _dtypes.float64)
_POISSON_DTYPES = (_dtypes.float16, _dtypes.float32, _dtypes.float64, _dtypes.int32,
                   _dtypes.int64)
_CATEGORICAL_DTYPES = (_dtypes.int32, _dtypes.int64)


def _reserve(op_name: str, attrs: tuple, seed: int, seed2: int, n_outputs: int) -> Any:
    return kernel_streams().stream(op_name, attrs, seed, seed2).reserve_outputs(n_outputs)


# --- kernels -----------------------------------------------------------------------------------

def _standard_normal(xp: Any, shape: Any, dtype: Any, seed: int, seed2: int) -> Any:
    dims = shape_of(shape)
    key, counter = _reserve("RandomStandardNormal", (dtype.name, shape.dtype.name), seed, seed2,
                            distributions.size_of(dims))
    return distributions.fill_normal(dims, dtype, key, counter, xp)


def _uniform(xp: Any, shape: Any, dtype: Any, seed: int, seed2: int) -> Any:
    dims = shape_of(shape)
    key, counter = _reserve("RandomUniform", (dtype.name, shape.dtype.name), seed, seed2,
                            distributions.size_of(dims))
    return distributions.fill_uniform(dims, dtype, key, counter, xp)


def _scalar_bound(name: str, array: Any) -> int:
    if array.ndim != 0:
        raise errors.InvalidArgumentError(
            None, None, f"{name} must be 0-D, got shape {shape_text(array.shape)}")
    return int(array)


def _uniform_int(xp: Any, shape: Any, minval: Any, maxval: Any, seed: int, seed2: int) -> Any:
    dims = shape_of(shape)
    lo, hi = _scalar_bound("minval", minval), _scalar_bound("maxval", maxval)
    n = distributions.size_of(dims)
    if n and lo >= hi:
        raise errors.InvalidArgumentError(None, None, f"Need minval < maxval, got {lo} >= {hi}")
    key, counter = _reserve("RandomUniformInt", (minval.dtype.name, shape.dtype.name), seed,
                            seed2, n)
    return distributions.fill_uniform_int(dims, lo, hi, minval.dtype, key, counter, xp)


def _truncated_normal(xp: Any, shape: Any, dtype: Any, seed: int, seed2: int) -> Any:
    dims = shape_of(shape)
    key, counter = _reserve("TruncatedNormal", (dtype.name, shape.dtype.name), seed, seed2,
                            distributions.size_of(dims))
    return distributions.fill_truncated_normal(dims, dtype, key, counter, xp)


def _shuffle(xp: Any, value: Any, seed: int, seed2: int) -> Any:
    stream = kernel_streams().stream("RandomShuffle", (value.dtype.name,), seed, seed2)
    if value.ndim == 0 or value.shape[0] <= 1:
        return value
    # ReserveSamples32(n - 1) == ReserveSamples128(ceil((n - 1) / 4)).
    key, counter = stream.reserve(-(-(value.shape[0] - 1) // 4))
    return samplers.shuffle_from_stream(value, key, counter, xp)


def check_multinomial(logits: Any, num_samples_array: Any) -> int:
    """The Multinomial kernels' argument checks, with TF's messages; the number of samples."""
    if logits.ndim != 2:
        raise errors.InvalidArgumentError(
            None, None, f"logits should be a matrix, got shape {shape_text(logits.shape)}")
    if num_samples_array.ndim != 0:
        raise errors.InvalidArgumentError(
            None, None, f"num_samples should be a scalar, got shape {shape_text(num_samples_array.shape)}")
    num_samples = int(num_samples_array)
    if num_samples < 0:
        raise errors.InvalidArgumentError(
            None, None, f"num_samples should be non-negative, got {num_samples}")
    if logits.shape[1] <= 0:
        raise errors.InvalidArgumentError(
            None, None, f"num_classes should be positive, got {logits.shape[1]}")
    return num_samples


def _multinomial(xp: Any, logits: Any, num_samples: Any, output_dtype: Any, seed: int,
                 seed2: int) -> Any:
    count = check_multinomial(logits, num_samples)
    key, counter = _reserve("Multinomial", (logits.dtype.name, output_dtype.name), seed, seed2,
                            logits.shape[0] * count)
    return samplers.categorical_from_stream(logits, count, key, counter, output_dtype, xp)


def _gamma(xp: Any, shape: Any, alpha: Any, broadcast: tuple, seed: int, seed2: int) -> Any:
    dims = shape_of(shape)
    alpha = xp.broadcast_to(alpha, broadcast)
    key, counter = _reserve("RandomGamma", (alpha.dtype.name, shape.dtype.name), seed, seed2,
                            distributions.size_of(dims) * alpha.size)
    return samplers.gamma_sample(dims, alpha, alpha.dtype, key, counter, xp)


def _poisson(xp: Any, shape: Any, rate: Any, dtype: Any, seed: int, seed2: int) -> Any:
    dims = shape_of(shape)
    key, counter = _reserve("RandomPoissonV2", (rate.dtype.name, dtype.name, shape.dtype.name),
                            seed, seed2, distributions.size_of(dims) * rate.size)
    return samplers.poisson_sample(dims, rate, dtype, key, counter, xp)


# Stateful: in a tf.function they run on every call and never while tracing (shape rules).
RANDOM_STANDARD_NORMAL = Op("RandomStandardNormal", _standard_normal, dtypes=_SHAPE_DTYPES,
                            stateful=True, shape_fn=shape_from_input("dtype"))
RANDOM_UNIFORM = Op("RandomUniform", _uniform, dtypes=_SHAPE_DTYPES, stateful=True,
                    shape_fn=shape_from_input("dtype"))
RANDOM_UNIFORM_INT = Op("RandomUniformInt", _uniform_int, dtypes=_SHAPE_DTYPES, stateful=True,
                        shape_fn=shape_from_input(dtype_input=1))
TRUNCATED_NORMAL = Op("TruncatedNormal", _truncated_normal, dtypes=_SHAPE_DTYPES, stateful=True,
                      shape_fn=shape_from_input("dtype"))
RANDOM_SHUFFLE = Op("RandomShuffle", _shuffle, stateful=True, shape_fn=same_as_first)
MULTINOMIAL = Op("Multinomial", _multinomial, dtypes=_FLOATS, stateful=True, shape_fn=multinomial)
RANDOM_GAMMA = Op("RandomGamma", _gamma, dtypes=_SHAPE_DTYPES, stateful=True,
                  shape_fn=shape_from_input(dtype_input=1, suffix_input=1))
RANDOM_POISSON_V2 = Op("RandomPoissonV2", _poisson, dtypes=_SHAPE_DTYPES, stateful=True,
                       shape_fn=shape_from_input("dtype", suffix_input=1))


# --- public functions --------------------------------------------------------------------------

def set_seed(seed: Any) -> None:
    """Sets the global random seed (``tf.random.set_seed``).

    Also restarts the sequence of op seeds drawn for ops without ``seed=``
    and every random kernel's internal counter, so calls repeat exactly.
    """
    kernel_streams().set_seed(seed_attr(seed))


def get_seed(op_seed: Any) -> tuple[int | None, int | None]:
    """The ``(seed, seed2)`` an op uses given its ``seed=`` (``random_seed.get_seed``)."""
    return kernel_streams().get_seed(seed_attr(op_seed))


def _seeds(seed: Any) -> dict:
    s, s2 = get_seed(seed)
    return {"seed": s or 0, "seed2": s2 or 0}


def normal(shape: Any, mean: Any = 0.0, stddev: Any = 1.0, dtype: Any = _dtypes.float32,
           seed: Any = None, name: str | None = None) -> Tensor:
    """Outputs random values from a normal distribution (``tf.random.normal``).

    Args:
      shape: 1-D integer tensor or Python list: the output shape.
      mean, stddev: tensors or Python values of ``dtype``, broadcast against the output.
      dtype: float16, bfloat16, float32 or float64.
      seed: op-level seed, combined with the global seed (see ``set_seed``).

    Returns:
      A tensor of ``shape`` with ``N(mean, stddev**2)`` samples.
    """
    dt = _dtypes.as_dtype(dtype)
    shape_t = shape_tensor(shape)
    check_moments(mean, stddev, dt)  # TF's conversion errors come before any draw
    rnd = execute(RANDOM_STANDARD_NORMAL, (shape_t,), {"dtype": dt._np, **_seeds(seed)})
    return scale_shift(rnd, stddev, mean, dt)


def uniform(shape: Any, minval: Any = 0, maxval: Any = None, dtype: Any = _dtypes.float32,
            seed: Any = None, name: str | None = None) -> Tensor:
    """Outputs random values from a uniform distribution (``tf.random.uniform``).

    Floats fall in ``[minval, maxval)`` (default ``[0, 1)``); integers need
    ``maxval`` and are ``minval + bits % (maxval - minval)`` (slightly biased).

    Raises:
      ValueError: for an unsupported dtype, or an integer dtype without ``maxval``.
      InvalidArgumentError: integer ``minval >= maxval``.
    """
    dt = _dtypes.as_dtype(dtype)
    check_accepted(dt, _UNIFORM_DTYPES)
    if maxval is None:
        if dt.is_integer:
            raise ValueError(f"Must specify maxval for integer dtype {dt!r}")
        maxval = 1
    shape_t = shape_tensor(shape)
    minval_is_zero = isinstance(minval, int) and minval == 0
    maxval_is_one = isinstance(maxval, int) and maxval == 1
    if not minval_is_zero or not maxval_is_one or dt.is_integer:
        minval = convert_to_tensor(minval, dtype=dt)
        maxval = convert_to_tensor(maxval, dtype=dt)
    seeds = _seeds(seed)
    if dt.is_integer:
        return execute(RANDOM_UNIFORM_INT, (shape_t, minval, maxval), seeds)
    rnd = execute(RANDOM_UNIFORM, (shape_t,), {"dtype": dt._np, **seeds})
    if minval_is_zero:
        return rnd if maxval_is_one else math_ops.multiply(rnd, maxval)
    return math_ops.add(math_ops.multiply(rnd, math_ops.subtract(maxval, minval)), minval)


def truncated_normal(shape: Any, mean: Any = 0.0, stddev: Any = 1.0,
                     dtype: Any = _dtypes.float32, seed: Any = None,
                     name: str | None = None) -> Tensor:
    """Normal samples with ``|x - mean| < 2 stddev``, redrawn otherwise (``tf.random.truncated_normal``)."""
    dt = _dtypes.as_dtype(dtype)
    shape_t = shape_tensor(shape)
    check_moments(mean, stddev, dt)  # TF's conversion errors come before any draw
    rnd = execute(TRUNCATED_NORMAL, (shape_t,), {"dtype": dt._np, **_seeds(seed)})
    return scale_shift(rnd, stddev, mean, dt)


def shuffle(value: Any, seed: Any = None, name: str | None = None) -> Tensor:
    """Randomly shuffles a tensor along its first dimension (``tf.random.shuffle``)."""
    return execute(RANDOM_SHUFFLE, (convert_to_tensor(value),), _seeds(seed))


def categorical(logits: Any, num_samples: Any, dtype: Any = None, seed: Any = None,
                name: str | None = None) -> Tensor:
    """Draws class indices from ``[batch, classes]`` unnormalized log-probabilities.

    Returns:
      A ``[batch, num_samples]`` tensor of ``dtype`` (int64 by default).
      Not bit-exact with TF (exact in distribution); see ``samplers``.

    Raises:
      NotFoundError: integer logits (TF's OpDef takes them, no CPU kernel does).
    """
    logits_t = convert_to_tensor(logits)
    dt = _dtypes.as_dtype(dtype) if dtype else _dtypes.int64
    check_accepted(dt, _CATEGORICAL_DTYPES)
    seeds = _seeds(seed)
    fallback = conversion.takes_fallback(num_samples)
    count = convert_to_tensor(num_samples, dtype=_dtypes.int32)
    if logits_t.dtype not in _FLOATS and MULTINOMIAL.allows(logits_t.dtype, "T"):
        raise conversion.no_kernel_error(
            MULTINOMIAL, {"T": logits_t.dtype, "output_dtype": dt, **seeds}, fallback)
    return conversion.run(MULTINOMIAL, (logits_t, count), {"output_dtype": dt._np, **seeds}, fallback)


def gamma(shape: Any, alpha: Any, beta: Any = None, dtype: Any = _dtypes.float32,
          seed: Any = None, name: str | None = None) -> Tensor:
    """Gamma samples of shape ``shape + broadcast(alpha, beta).shape`` (``tf.random.gamma``).

    Not bit-exact with TF (exact in distribution); see ``samplers``.

    Raises:
      ValueError: ``shape``, ``alpha`` or ``beta`` a tensor of another dtype (TF's message starts
        with the argument's name), or an integer ``dtype`` (TF's ``np.finfo`` fails first).
    """
    dt = _dtypes.as_dtype(dtype)
    shape_t = named_tensor(shape, _dtypes.int32, "shape")
    alpha_t = named_tensor(alpha, dt, "alpha")
    beta_t = named_tensor(1 if beta is None else beta, dt, "beta")
    broadcast = np.broadcast_shapes(tuple(alpha_t.shape.as_list()), tuple(beta_t.shape.as_list()))
    seeds = _seeds(seed)
    tiny = np.finfo(dt._np).tiny  # TF computes this before running the op
    if dt not in _GAMMA_DTYPES:
        raise attr_error("RandomGamma", "T", dt)
    rnd = execute(RANDOM_GAMMA, (shape_t, alpha_t), {"broadcast": broadcast, **seeds})
    return math_ops.maximum(convert_to_tensor(tiny, dtype=dt), math_ops.realdiv(rnd, beta_t))


def poisson(shape: Any, lam: Any, dtype: Any = _dtypes.float32, seed: Any = None,
            name: str | None = None) -> Tensor:
    """Poisson samples of shape ``shape + lam.shape`` (``tf.random.poisson``).

    Not bit-exact with TF (exact in distribution); see ``samplers``.
    """
    dt = _dtypes.as_dtype(dtype)
    shape_t = named_tensor(shape, _dtypes.int32, "shape")
    seeds = _seeds(seed)
    fallback = conversion.takes_fallback(lam)
    if dt not in _POISSON_DTYPES:
        raise attr_error("RandomPoissonV2", "dtype", dt, fallback)
    (lam_t,) = conversion.typed_operands(RANDOM_POISSON_V2, "R", [lam], _POISSON_DTYPES, _dtypes.float64,
                                         fallback)
    return conversion.run(RANDOM_POISSON_V2, (shape_t, lam_t), {"dtype": dt._np, **seeds}, fallback)
