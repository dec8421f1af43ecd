"""``tf.random.Generator``: a Philox stream whose state is an int64 ``Variable``.

The state ``[counter_lo, counter_hi, key]`` lives in a non-trainable int64
variable of shape [3] on the device current when the generator was made.
Every draw runs ``RngReadAndSkip`` on it (advancing it in place by 256 blocks
per output element) and feeds the old key and counter to the same V2 kernels
the stateless ops use, so streams match TF 2.21 bit for bit (``binomial``:
state only). The variable sits in ``_state_var``, TF's checkpoint key.
"""

from __future__ import annotations

import enum
import os
from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.convert import convert_to_tensor
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import math_ops
from eagerflow._src.ops.random import generator_ops, stateless_random_ops
from eagerflow._src.ops.random.generator_state import (
    ALG_AUTO_SELECT, ALG_PHILOX, ALG_THREEFRY, PHILOX_STATE_SIZE, key_counter_words,
    state_from_seed,
)
from eagerflow._src.ops.random.op_args import check_attr, check_moments, scale_shift, shape_tensor
from eagerflow._src.ops.random.samplers import host
from eagerflow._src.variables import Variable

_STATE_DTYPE = _dtypes.int64
_INT_DTYPES = (_dtypes.int32, _dtypes.int64, _dtypes.uint32, _dtypes.uint64)


class Algorithm(enum.Enum):
    """RNG algorithms (``tf.random.Algorithm``)."""

    PHILOX = ALG_PHILOX
    THREEFRY = ALG_THREEFRY
    AUTO_SELECT = ALG_AUTO_SELECT


def _state_size(alg: int) -> int:
    return 2 if alg == ALG_THREEFRY else PHILOX_STATE_SIZE


def _shapes_incompatible(got: tuple, size: int) -> ValueError:
    return ValueError(f"Shapes {got} and [{size}] are incompatible")


def _state_array(state: Any, size: int) -> np.ndarray:
    """A state argument as int64 host values, with TF's shape error."""
    if isinstance(state, (Tensor, Variable)):
        array = np.asarray(state.numpy())
    else:
        array = np.array([_uint_to_int(v) for v in np.asarray(state, dtype=object).reshape(-1)]
                         if np.ndim(state) else state)
    array = np.asarray(array).astype(np.int64)
    if array.shape != (size,):
        raise _shapes_incompatible(array.shape, size)
    return array


def _uint_to_int(v: Any) -> int:
    v = int(v)
    return v - 2**64 if v >= 2**63 else v


def _key_counter_state(key: Any, counter: Any, alg: int) -> np.ndarray:
    counter_a = np.array([_uint_to_int(v) for v in np.asarray(
        host(counter.numpy()) if hasattr(counter, "numpy") else counter).reshape(-1)], np.int64)
    key_a = np.asarray(host(key.numpy()) if hasattr(key, "numpy") else key)
    if counter_a.shape != (_state_size(alg) - 1,):
        raise _shapes_incompatible(counter_a.shape, _state_size(alg) - 1)
    if key_a.shape != ():
        raise ValueError(f"Shapes {key_a.shape} and () are incompatible")
    return np.concatenate([counter_a, [_uint_to_int(key_a)]]).astype(np.int64)


class Generator:
    """Random-number generator with its state in a ``tf.Variable`` (``tf.random.Generator``).

    Args:
      copy_from: a generator to copy (its algorithm and current state).
      state: int64 state vector (length 3 for Philox), or a Variable to use as is.
      alg: ``Algorithm``, its name ("philox", "threefry", "auto_select") or id.
    """

    @classmethod
    def from_state(cls, state: Any, alg: Any) -> "Generator":
        """A generator starting at ``state``."""
        return cls(state=state, alg=alg)

    @classmethod
    def from_seed(cls, seed: Any, alg: Any = None) -> "Generator":
        """A generator whose state is derived from an int (or int sequence) ``seed``."""
        alg_id = stateless_random_ops.convert_alg(ALG_PHILOX if alg is None else alg)
        return cls(state=state_from_seed(seed), alg=alg_id)

    @classmethod
    def from_non_deterministic_state(cls, alg: Any = None) -> "Generator":
        """A generator seeded from the operating system's entropy."""
        alg_id = stateless_random_ops.convert_alg(ALG_PHILOX if alg is None else alg)
        words = np.frombuffer(os.urandom(8 * _state_size(alg_id)), dtype=np.int64)
        return cls(state=words.copy(), alg=alg_id)

    @classmethod
    def from_key_counter(cls, key: Any, counter: Any, alg: Any) -> "Generator":
        """A generator from a Philox ``key`` (scalar) and ``counter`` (length 2)."""
        alg_id = stateless_random_ops.convert_alg(alg)
        return cls(state=_key_counter_state(key, counter, alg_id), alg=alg_id)

    def __init__(self, copy_from: "Generator | None" = None, state: Any = None,
                 alg: Any = None) -> None:
        if copy_from is not None:
            self._alg = copy_from.algorithm
            self._state_var = self._create_variable(copy_from.state.numpy())
            return
        if state is None or alg is None:
            raise ValueError("Generator needs `copy_from`, or both `state` and `alg`.")
        self._alg = stateless_random_ops.convert_alg(alg)
        size = _state_size(self._alg)
        if isinstance(state, Variable):
            if tuple(state.shape.as_list()) != (size,):
                raise _shapes_incompatible(tuple(state.shape.as_list()), size)
            self._state_var = state
        else:
            self._state_var = self._create_variable(_state_array(state, size))

    @staticmethod
    def _create_variable(value: np.ndarray) -> Variable:
        return Variable(value, dtype=_STATE_DTYPE, trainable=False, name="StateVar")

    # --- state ---------------------------------------------------------------------------------
    def _checkpoint_children(self) -> list:
        """The object-graph edge TF saves: `<name>/_state_var/.ATTRIBUTES/VARIABLE_VALUE`."""
        return [("_state_var", self._state_var)]

    @property
    def state(self) -> Variable:
        """The int64 state variable (non-trainable; updated in place by every draw)."""
        return self._state_var

    @property
    def algorithm(self) -> int:
        """The RNG algorithm id (1 Philox, 2 ThreeFry, 3 auto-select)."""
        return self._alg

    @property
    def key(self) -> Tensor:
        """The Philox key: the last word of the state."""
        return self._state_var.read_value()[-1]

    def reset(self, state: Any) -> None:
        """Sets the state to ``state``."""
        self._state_var.assign(_state_array(state, _state_size(self._alg)))

    def reset_from_seed(self, seed: Any) -> None:
        """Resets to the state ``from_seed(seed)`` would start with."""
        self._state_var.assign(state_from_seed(seed))

    def reset_from_key_counter(self, key: Any, counter: Any) -> None:
        """Resets to a Philox key and counter."""
        self._state_var.assign(_key_counter_state(key, counter, self._alg))

    def skip(self, delta: Any) -> Tensor:
        """Advances the state as ``delta`` outputs would; returns the state before."""
        delta_t = convert_to_tensor(int(np.asarray(delta)) & (2**64 - 1), dtype=_dtypes.uint64)
        alg_t = convert_to_tensor(self._alg, dtype=_dtypes.int32)
        return execute(generator_ops.RNG_READ_AND_SKIP, (self._state_var, alg_t, delta_t))

    def _key_counter(self, shape_t: Tensor) -> tuple[Tensor, Tensor]:
        old = self.skip(int(np.prod(shape_t.numpy(), dtype=np.int64)))
        key, counter = key_counter_words(host(old.numpy()).tolist())
        return convert_to_tensor(key), convert_to_tensor(counter)

    # --- draws ---------------------------------------------------------------------------------
    def normal(self, shape: Any, mean: Any = 0.0, stddev: Any = 1.0,
               dtype: Any = _dtypes.float32, name: str | None = None) -> Tensor:
        """Normal samples, advancing the state."""
        return self._gaussian(stateless_random_ops.NORMAL_V2, shape, mean, stddev, dtype)

    def truncated_normal(self, shape: Any, mean: Any = 0.0, stddev: Any = 1.0,
                         dtype: Any = _dtypes.float32, name: str | None = None) -> Tensor:
        """Truncated-normal samples (within 2 stddev), advancing the state."""
        return self._gaussian(stateless_random_ops.TRUNCATED_NORMAL_V2, shape, mean, stddev, dtype)

    def _gaussian(self, op: Any, shape: Any, mean: Any, stddev: Any, dtype: Any) -> Tensor:
        """`op` drawn from this generator's stream (advancing it), then `* stddev + mean`."""
        dt = _dtypes.as_dtype(dtype)
        shape_t = shape_tensor(shape)
        check_moments(mean, stddev, dt)  # TF's conversion errors come before any draw
        key, counter = self._key_counter(shape_t)
        rnd = execute(op, (shape_t, key, counter), {"dtype": dt._np, "alg": self._alg})
        return scale_shift(rnd, stddev, mean, dt)

    def uniform(self, shape: Any, minval: Any = 0, maxval: Any = None,
                dtype: Any = _dtypes.float32, name: str | None = None) -> Tensor:
        """Uniform samples in ``[minval, maxval)``; integers with no bounds are full-range.

        Raises:
          ValueError: an integer dtype with exactly one bound given.
          InvalidArgumentError: integer ``minval >= maxval``, or an unsupported dtype.
        """
        dt = _dtypes.as_dtype(dtype)
        if dt.is_integer:
            if (minval is None) != (maxval is None):
                raise ValueError(f"For integer dtype {dt}, minval and maxval must be both "
                                 f"`None` or both non-`None`; got minval={minval} and "
                                 f"maxval={maxval}")
        elif maxval is None:
            maxval = 1
        shape_t = shape_tensor(shape)
        if dt.is_integer and minval is None:
            return self._uniform_full_int(shape_t, dt)
        minval_t = convert_to_tensor(minval, dtype=dt)
        maxval_t = convert_to_tensor(maxval, dtype=dt)
        if dt.is_integer:
            check_attr("StatelessRandomUniformIntV2", "dtype", dt, _INT_DTYPES)
            key, counter = self._key_counter(shape_t)
            return execute(stateless_random_ops.UNIFORM_INT_V2,
                           (shape_t, key, counter, minval_t, maxval_t), {"alg": self._alg})
        key, counter = self._key_counter(shape_t)
        rnd = execute(stateless_random_ops.UNIFORM_V2, (shape_t, key, counter),
                      {"dtype": dt._np, "alg": self._alg})
        return math_ops.add(math_ops.multiply(rnd, math_ops.subtract(maxval_t, minval_t)),
                            minval_t)

    def _uniform_full_int(self, shape_t: Tensor, dt: _dtypes.DType) -> Tensor:
        check_attr("StatelessRandomUniformFullIntV2", "dtype", dt, _INT_DTYPES)
        key, counter = self._key_counter(shape_t)
        return execute(stateless_random_ops.UNIFORM_FULL_INT_V2, (shape_t, key, counter),
                       {"dtype": dt._np, "alg": self._alg})

    def uniform_full_int(self, shape: Any, dtype: Any = _dtypes.uint64,
                         name: str | None = None) -> Tensor:
        """Uniform integers over the dtype's whole range."""
        return self._uniform_full_int(shape_tensor(shape), _dtypes.as_dtype(dtype))

    def binomial(self, shape: Any, counts: Any, probs: Any, dtype: Any = _dtypes.int32,
                 name: str | None = None) -> Tensor:
        """Binomial draws; ``counts``/``probs`` broadcast to the trailing dims of ``shape``.

        The state advances exactly as TF's does; the values are exact in distribution only.
        """
        dt = _dtypes.as_dtype(dtype)
        counts_t = convert_to_tensor(counts)
        probs_t = convert_to_tensor(probs)
        alg_t = convert_to_tensor(self._alg, dtype=_dtypes.int32)
        return execute(generator_ops.STATEFUL_RANDOM_BINOMIAL,
                       (self._state_var, alg_t, shape_tensor(shape), counts_t, probs_t),
                       {"dtype": dt._np})

    def make_seeds(self, count: int = 1) -> Tensor:
        """``[2, count]`` int64 seeds for the stateless ops, advancing the state."""
        keys = self.uniform_full_int([count], dtype=_dtypes.int64)
        stacked = np.stack([keys.numpy(), np.zeros(count, dtype=np.int64)])
        return convert_to_tensor(stacked)

    def split(self, count: int = 1) -> list["Generator"]:
        """``count`` independent new generators (on the current device), advancing this one."""
        keys = self.uniform_full_int([count], dtype=_dtypes.int64).numpy()
        size = _state_size(self._alg)
        return [Generator(state=np.array([0] * (size - 1) + [int(k)], dtype=np.int64),
                          alg=self._alg) for k in keys]


_global_generator: Generator | None = None


def get_global_generator() -> Generator:
    """The global generator, made from non-deterministic state on first use."""
    global _global_generator
    if _global_generator is None:
        _global_generator = Generator.from_non_deterministic_state()
    return _global_generator


def set_global_generator(generator: Generator) -> None:
    """Replaces the global generator."""
    global _global_generator
    _global_generator = generator
