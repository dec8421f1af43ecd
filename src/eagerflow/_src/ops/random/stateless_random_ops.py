"""``tf.random.stateless_*``: outputs are pure functions of a shape-[2] seed.

As in TF 2.21 the seed is first hashed into a Philox key and counter
(``StatelessRandomGetKeyCounter``); the V2 kernels then fill from that
(key, counter). ``tf.random.Generator`` reuses the same V2 kernels with the
key and counter read from its state.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.convert import convert_to_tensor
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.shape_inference import shape_from_input
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import conversion, math_ops
from eagerflow._src.ops.random import distributions, samplers
from eagerflow._src.ops.random.generator_state import ALG_AUTO_SELECT, ALG_PHILOX, ALG_THREEFRY
from eagerflow._src.ops.random.generator_state import words_key_counter
from eagerflow._src.ops.random.op_args import (
    check_accepted, check_attr, check_moments, scale_shift, shape_of, shape_tensor, shape_text,
)
from eagerflow._src.ops.random.random_ops import check_multinomial
from eagerflow._src.ops.random.seeds import stateless_key_counter

_SHAPE_DTYPES = (_dtypes.int32, _dtypes.int64)
_SEED_DTYPES = (_dtypes.int32, _dtypes.int64)
_FLOATS = (_dtypes.float16, _dtypes.bfloat16, _dtypes.float32, _dtypes.float64)
_INTS = (_dtypes.int32, _dtypes.int64, _dtypes.uint32, _dtypes.uint64)
_UNIFORM_DTYPES = _FLOATS + _INTS
_BINOMIAL_DTYPES = (_dtypes.float16, _dtypes.float32, _dtypes.float64, _dtypes.int32,
                    _dtypes.int64)
_GAMMA_DTYPES = (_dtypes.float16, _dtypes.float32, _dtypes.float64)
_CATEGORICAL_DTYPES = (_dtypes.int32, _dtypes.int64)
_ALG_NAMES = {"philox": ALG_PHILOX, "threefry": ALG_THREEFRY, "auto_select": ALG_AUTO_SELECT}


def convert_alg(alg: Any) -> int:
    """``random_ops_util.convert_alg_to_int``: a name, enum or int to TF's algorithm id."""
    if alg is None:
        return ALG_AUTO_SELECT
    value = getattr(alg, "value", alg)
    if isinstance(value, str):
        if value.lower() in _ALG_NAMES:
            return _ALG_NAMES[value.lower()]
    elif isinstance(value, (int, np.integer)) and int(value) in _ALG_NAMES.values():
        return int(value)
    raise ValueError(f"Argument `alg` got unsupported value {alg}. Supported values are philox "
                     "for the Philox algorithm, threefry for the ThreeFry algorithm, and "
                     "auto_select for auto-selection.")


def check_seed_shape(seed: Any) -> None:
    if seed.shape != (2,):
        raise errors.InvalidArgumentError(
            None, None, f"seed must have shape [2], not {shape_text(seed.shape)}")


# --- kernels -----------------------------------------------------------------------------------

def _get_key_counter(xp: Any, seed: Any) -> list:
    check_seed_shape(seed)
    key, counter = stateless_key_counter(samplers.host(seed))
    words = np.array([key[0] | (key[1] << 32), counter[0] | (counter[1] << 32),
                      counter[2] | (counter[3] << 32)], dtype=np.uint64)
    return [xp.asarray(words[:1]), xp.asarray(words[1:])]


def _key_counter(key: Any, counter: Any, alg: int) -> Any:
    if counter.ndim != 1 or counter.shape[0] < 2 or alg == ALG_THREEFRY:
        # TF's CPU kernels only run Philox; ThreeFry's 1-word counter fails this check.
        got = shape_text(counter.shape) if alg != ALG_THREEFRY else "[1]"
        raise errors.InvalidArgumentError(
            None, None, f"counter must be a vector with length at least 2; got shape: {got}. "
            "(Note that batched counters are not supported yet.)")
    return words_key_counter(samplers.host(key).tolist(), samplers.host(counter).tolist())


def _normal_v2(xp: Any, shape: Any, key: Any, counter: Any, dtype: Any, alg: int) -> Any:
    k, c = _key_counter(key, counter, alg)
    return distributions.fill_normal(shape_of(shape), dtype, k, c, xp)


def _uniform_v2(xp: Any, shape: Any, key: Any, counter: Any, dtype: Any, alg: int) -> Any:
    k, c = _key_counter(key, counter, alg)
    return distributions.fill_uniform(shape_of(shape), dtype, k, c, xp)


def _truncated_normal_v2(xp: Any, shape: Any, key: Any, counter: Any, dtype: Any,
                         alg: int) -> Any:
    k, c = _key_counter(key, counter, alg)
    return distributions.fill_truncated_normal(shape_of(shape), dtype, k, c, xp)


def _bound(name: str, array: Any) -> int:
    if array.ndim != 0:
        raise errors.InvalidArgumentError(
            None, None, f"{name} must be 0-D, got shape {shape_text(array.shape)}")
    return int(array)


def _uniform_int_v2(xp: Any, shape: Any, key: Any, counter: Any, minval: Any, maxval: Any,
                    alg: int) -> Any:
    dims = shape_of(shape)
    k, c = _key_counter(key, counter, alg)
    lo, hi = _bound("minval", minval), _bound("maxval", maxval)
    if distributions.size_of(dims) and lo >= hi:
        raise errors.InvalidArgumentError(None, None, f"Need minval < maxval, got {lo} >= {hi}")
    return distributions.fill_uniform_int(dims, lo, hi, minval.dtype, k, c, xp)


def _uniform_full_int_v2(xp: Any, shape: Any, key: Any, counter: Any, dtype: Any,
                         alg: int) -> Any:
    k, c = _key_counter(key, counter, alg)
    return distributions.fill_uniform_full_int(shape_of(shape), dtype, k, c, xp)


def _stateless_multinomial(xp: Any, logits: Any, num_samples: Any, seed: Any,
                           output_dtype: Any) -> Any:
    count = check_multinomial(logits, num_samples)
    check_seed_shape(seed)
    key, counter = stateless_key_counter(samplers.host(seed))
    return samplers.categorical_from_stream(logits, count, key, counter, output_dtype, xp)


def _stateless_binomial(xp: Any, shape: Any, seed: Any, counts: Any, probs: Any,
                        dtype: Any) -> Any:
    dims = shape_of(shape)
    check_seed_shape(seed)
    key, counter = stateless_key_counter(samplers.host(seed))
    return samplers.binomial_sample(dims, counts, probs, dtype, key, counter, xp)


def _gamma_v3(xp: Any, shape: Any, key: Any, counter: Any, alpha: Any, alg: int) -> Any:
    dims = shape_of(shape)
    k, c = _key_counter(key, counter, alg)
    a = samplers.host(alpha)
    if a.ndim > len(dims) or tuple(dims[len(dims) - a.ndim:]) != a.shape:
        raise errors.InvalidArgumentError(None, None, "Shape passed in must end with broadcasted shape.")
    return samplers.gamma_sample((), np.broadcast_to(a, dims), alpha.dtype, k, c, xp)


GET_KEY_COUNTER = Op("StatelessRandomGetKeyCounter", _get_key_counter, num_outputs=2)
NORMAL_V2 = Op("StatelessRandomNormalV2", _normal_v2, dtypes=_SHAPE_DTYPES)
UNIFORM_V2 = Op("StatelessRandomUniformV2", _uniform_v2, dtypes=_SHAPE_DTYPES)
UNIFORM_INT_V2 = Op("StatelessRandomUniformIntV2", _uniform_int_v2, dtypes=_SHAPE_DTYPES)
UNIFORM_FULL_INT_V2 = Op("StatelessRandomUniformFullIntV2", _uniform_full_int_v2,
                         dtypes=_SHAPE_DTYPES)
TRUNCATED_NORMAL_V2 = Op("StatelessTruncatedNormalV2", _truncated_normal_v2, dtypes=_SHAPE_DTYPES)
STATELESS_MULTINOMIAL = Op("StatelessMultinomial", _stateless_multinomial, dtypes=_FLOATS)
# The output shape is the shape input's value (unknown dims where it is known only at run time).
STATELESS_GAMMA_V3 = Op("StatelessRandomGammaV3", _gamma_v3, dtypes=_SHAPE_DTYPES,
                        shape_fn=shape_from_input(dtype_input=3))
STATELESS_BINOMIAL = Op("StatelessRandomBinomial", _stateless_binomial, dtypes=_SHAPE_DTYPES,
                        shape_fn=shape_from_input("dtype"))


# --- public functions --------------------------------------------------------------------------

def seed_tensor(seed: Any, op: Op, fallback: bool) -> Tensor:
    """A stateless seed as `op`'s wrapper converts it (TF's `Tseed` attr, int64 by default),
    with TF's error for a non-integer one."""
    (seed_t,) = conversion.typed_operands(op, "Tseed", [seed], _SEED_DTYPES, _dtypes.int64, fallback)
    return seed_t


def key_counter_alg(seed: Any, alg: Any) -> tuple[Tensor, Tensor, int]:
    """``random_ops_util.get_key_counter_alg`` (Philox and auto_select hash alike)."""
    alg_id = convert_alg(alg)
    fallback = conversion.takes_fallback(seed)
    seed_t = seed_tensor(seed, GET_KEY_COUNTER, fallback)
    if alg_id == ALG_THREEFRY:
        host_seed = np.asarray(seed_t.numpy()).astype(np.uint32).astype(np.uint64)
        key = convert_to_tensor(host_seed[:1] | (host_seed[1:2] << np.uint64(32)))
        return key, convert_to_tensor(np.zeros(1, np.uint64)), alg_id
    key, counter = conversion.run(GET_KEY_COUNTER, (seed_t,), {}, fallback)
    return key, counter, alg_id


def stateless_random_normal(shape: Any, seed: Any, mean: Any = 0.0, stddev: Any = 1.0,
                            dtype: Any = _dtypes.float32, name: str | None = None,
                            alg: Any = "auto_select") -> Tensor:
    """Deterministic normal samples for a shape-[2] int seed (``tf.random.stateless_normal``)."""
    return _stateless_gaussian(NORMAL_V2, shape, seed, mean, stddev, dtype, alg)


def stateless_truncated_normal(shape: Any, seed: Any, mean: Any = 0.0, stddev: Any = 1.0,
                               dtype: Any = _dtypes.float32, name: str | None = None,
                               alg: Any = "auto_select") -> Tensor:
    """Deterministic truncated-normal samples (``tf.random.stateless_truncated_normal``)."""
    return _stateless_gaussian(TRUNCATED_NORMAL_V2, shape, seed, mean, stddev, dtype, alg)


def _stateless_gaussian(op: Op, shape: Any, seed: Any, mean: Any, stddev: Any, dtype: Any,
                        alg: Any) -> Tensor:
    """`op` (normal or truncated normal) drawn for `seed`, then `* stddev + mean` as TF does."""
    dt = _dtypes.as_dtype(dtype)
    shape_t = shape_tensor(shape)
    check_moments(mean, stddev, dt)  # TF's conversion errors come before any draw
    key, counter, alg_id = key_counter_alg(seed, alg)
    rnd = execute(op, (shape_t, key, counter), {"dtype": dt._np, "alg": alg_id})
    return scale_shift(rnd, stddev, mean, dt)


def stateless_random_uniform(shape: Any, seed: Any, minval: Any = 0, maxval: Any = None,
                             dtype: Any = _dtypes.float32, name: str | None = None,
                             alg: Any = "auto_select") -> Tensor:
    """Deterministic uniform samples (``tf.random.stateless_uniform``).

    Integer dtypes take both bounds, or neither for full-range bits
    (int32/int64/uint32/uint64).

    Raises:
      ValueError: an unsupported dtype, or one bound given without the other.
      InvalidArgumentError: a bad seed shape, or integer ``minval >= maxval``.
    """
    dt = _dtypes.as_dtype(dtype)
    check_accepted(dt, _UNIFORM_DTYPES)
    if dt.is_integer:
        if (minval is None) != (maxval is None):
            raise ValueError(f"For integer `dtype` argument {dt}, argument `minval` and `maxval` "
                             f"must be both None or not None. Got `minval`={minval} and "
                             f"`maxval`={maxval}.")
        if minval is not None and dt in (_dtypes.uint32, _dtypes.uint64):
            raise ValueError(f"Argument `dtype` got invalid value {dt} when argument `minval` "
                             "is not None. Please don't use unsigned integers in this case.")
    elif maxval is None:
        maxval = 1
    shape_t = shape_tensor(shape)
    if dt.is_integer and minval is None:
        key, counter, alg_id = key_counter_alg(seed, alg)
        return execute(UNIFORM_FULL_INT_V2, (shape_t, key, counter),
                       {"dtype": dt._np, "alg": alg_id})
    minval_t = convert_to_tensor(minval, dtype=dt)
    maxval_t = convert_to_tensor(maxval, dtype=dt)
    key, counter, alg_id = key_counter_alg(seed, alg)
    if dt.is_integer:
        return execute(UNIFORM_INT_V2, (shape_t, key, counter, minval_t, maxval_t),
                       {"alg": alg_id})
    rnd = execute(UNIFORM_V2, (shape_t, key, counter), {"dtype": dt._np, "alg": alg_id})
    if _is_zero_one(minval, maxval):
        return rnd  # rnd * 1 + 0 changes no bit
    return math_ops.add(math_ops.multiply(rnd, math_ops.subtract(maxval_t, minval_t)), minval_t)


def _is_zero_one(minval: Any, maxval: Any) -> bool:
    return (type(minval) in (int, float) and minval == 0
            and type(maxval) in (int, float) and maxval == 1)


def stateless_categorical(logits: Any, num_samples: Any, seed: Any,
                          dtype: Any = _dtypes.int64, name: str | None = None) -> Tensor:
    """Deterministic class draws (``tf.random.stateless_categorical``; not bit-exact).

    Raises:
      NotFoundError: integer logits (TF's OpDef takes them, no CPU kernel does).
    """
    logits_t = convert_to_tensor(logits)
    dt = _dtypes.as_dtype(dtype) if dtype else _dtypes.int64
    check_accepted(dt, _CATEGORICAL_DTYPES)
    fallback = conversion.takes_fallback(num_samples, seed)
    count = convert_to_tensor(num_samples, dtype=_dtypes.int32)
    seed_t = seed_tensor(seed, STATELESS_MULTINOMIAL, fallback)
    if logits_t.dtype not in _FLOATS and STATELESS_MULTINOMIAL.allows(logits_t.dtype, "T"):
        raise conversion.no_kernel_error(
            STATELESS_MULTINOMIAL, {"T": logits_t.dtype, "Tseed": seed_t.dtype, "output_dtype": dt}, fallback)
    return conversion.run(STATELESS_MULTINOMIAL, (logits_t, count, seed_t), {"output_dtype": dt._np}, fallback)


def stateless_random_binomial(shape: Any, seed: Any, counts: Any, probs: Any,
                              output_dtype: Any = _dtypes.int32,
                              name: str | None = None) -> Tensor:
    """Deterministic binomial draws (``tf.random.stateless_binomial``; not bit-exact).

    ``counts`` and ``probs`` broadcast against the trailing dims of ``shape``.

    Raises:
      NotFoundError: integer ``counts`` and ``probs`` (TF's OpDef takes them, no CPU kernel does).
    """
    dt = _dtypes.as_dtype(output_dtype)
    shape_t = shape_tensor(shape)
    probs_t = convert_to_tensor(probs, dtype_hint=_dtypes.float32)
    counts_t = convert_to_tensor(counts, dtype_hint=probs_t.dtype)
    fallback = conversion.takes_fallback(seed)
    seed_t = seed_tensor(seed, STATELESS_BINOMIAL, fallback)
    check_attr("StatelessRandomBinomial", "T", counts_t.dtype, _BINOMIAL_DTYPES, fallback)
    check_attr("StatelessRandomBinomial", "dtype", dt, _BINOMIAL_DTYPES, fallback)
    if counts_t.dtype not in _FLOATS:  # TF's OpDef takes int32/int64, its CPU kernels do not
        raise conversion.no_kernel_error(STATELESS_BINOMIAL, {
            "S": shape_t.dtype, "T": counts_t.dtype, "Tseed": seed_t.dtype, "dtype": dt}, fallback)
    # TF compares the inputs' dtypes with the kernel's once it has found one.
    conversion.typed_operands(STATELESS_BINOMIAL, "T", [counts_t, probs_t], _BINOMIAL_DTYPES, None, fallback,
                              positions=(2, 3))
    return conversion.run(STATELESS_BINOMIAL, (shape_t, seed_t, counts_t, probs_t), {"dtype": dt._np}, fallback)


def stateless_random_gamma(shape: Any, seed: Any, alpha: Any, beta: Any = None,
                           dtype: Any = _dtypes.float32, name: str | None = None) -> Tensor:
    """Deterministic gamma draws of shape ``shape`` (``tf.random.stateless_gamma``; exact in
    distribution, not bit-exact). ``alpha`` and ``beta`` broadcast against its trailing dims;
    no gradient reaches ``alpha`` (TF's implicit reparameterization is not implemented)."""
    dt = _dtypes.as_dtype(dtype)
    shape_t = shape_tensor(shape)
    alpha_t = convert_to_tensor(alpha, dtype=dt)
    beta_t = convert_to_tensor(1 if beta is None else beta, dtype=dt)
    check_attr("StatelessRandomGammaV3", "dtype", dt, _GAMMA_DTYPES, False)
    from eagerflow._src.ops.array_ops import broadcast_to

    if alpha_t.shape.is_fully_defined() and beta_t.shape.is_fully_defined():
        broadcast = np.broadcast_shapes(tuple(alpha_t.shape.as_list()), tuple(beta_t.shape.as_list()))
        alpha_b = alpha_t if tuple(alpha_t.shape.as_list()) == broadcast else broadcast_to(alpha_t, broadcast)
    else:  # traced with unknown dims: the broadcast shape found when the plan runs (as TF does)
        from eagerflow._src.ops.array_ops import shape as shape_of_tensor
        from eagerflow._src.ops.shape_check_ops import broadcast_dynamic_shape

        alpha_b = broadcast_to(alpha_t, broadcast_dynamic_shape(shape_of_tensor(alpha_t), shape_of_tensor(beta_t)))
    key, counter, alg_id = key_counter_alg(seed, "auto_select")
    rnd = execute(STATELESS_GAMMA_V3, (shape_t, key, counter, alpha_b), {"alg": alg_id})
    tiny = convert_to_tensor(np.finfo(dt._np).tiny, dtype=dt)
    return math_ops.maximum(tiny, math_ops.realdiv(rnd, beta_t))


def stateless_split(seed: Any, num: int = 2, alg: Any = "auto_select") -> Tensor:
    """``tf.random.experimental.stateless_split``: ``num`` new seeds, shape ``[num, 2]``."""
    seed_t = convert_to_tensor(seed)
    return stateless_random_uniform([num, 2], seed_t, dtype=seed_t.dtype, minval=None,
                                    maxval=None, alg=alg)


def stateless_fold_in(seed: Any, data: Any, alg: Any = "auto_select") -> Tensor:
    """``tf.random.experimental.stateless_fold_in``: a new seed mixing in ``data``."""
    data_t = convert_to_tensor(data)
    first = stateless_random_uniform([], seed, dtype=data_t.dtype, minval=None, maxval=None,
                                     alg=alg)
    return convert_to_tensor(np.stack([first.numpy(), data_t.numpy()]))
