"""TF 2's initializers (`tf.zeros_initializer`, `tf.ones_initializer`, `tf.constant_initializer`,
`tf.random_normal_initializer`, `tf.random_uniform_initializer`): callables making a tensor of
a given shape and dtype. Seeded random ones use the stateless ops with seed `[seed, 0]`, as TF's
`init_ops_v2`, so they draw TF's numbers."""
from __future__ import annotations

from typing import Any

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.convert import constant
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import array_ops

_PARTITION_KWARGS = ["partition_shape", "partition_offset"]


def _check_kwargs(kwargs: dict) -> None:
    for key in kwargs:
        if key not in _PARTITION_KWARGS:
            raise TypeError(f"Keyword argument should be one of {_PARTITION_KWARGS}. Received: {key}")


class Initializer:
    """Base of the initializers: `__call__(shape, dtype)`, `get_config`, `from_config`."""

    def __call__(self, shape: Any, dtype: Any = None, **kwargs: Any) -> Tensor:
        raise NotImplementedError

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> "Initializer":
        config = dict(config)
        config.pop("dtype", None)
        return cls(**config)


def _numeric_or_bool(dtype: Any) -> _dtypes.DType:
    dtype = _dtypes.as_dtype(dtype)
    if not (dtype.is_floating or dtype.is_integer or dtype.is_complex or dtype.is_bool):
        raise ValueError(f"Argument `dtype` expected to be numeric or boolean. Received {dtype}.")
    return dtype


class Zeros(Initializer):
    """Zeros of the requested shape (`tf.zeros_initializer`)."""

    def __call__(self, shape: Any, dtype: Any = _dtypes.float32, **kwargs: Any) -> Tensor:
        _check_kwargs(kwargs)
        return array_ops.zeros(shape, _numeric_or_bool(dtype))


class Ones(Initializer):
    """Ones of the requested shape (`tf.ones_initializer`)."""

    def __call__(self, shape: Any, dtype: Any = _dtypes.float32, **kwargs: Any) -> Tensor:
        _check_kwargs(kwargs)
        return array_ops.ones(shape, _numeric_or_bool(dtype))


class Constant(Initializer):
    """`value` (a scalar filled in, or a value of the requested shape) (`tf.constant_initializer`)."""

    def __init__(self, value: Any = 0) -> None:
        if not (isinstance(value, (int, float, complex, bool, list, tuple)) or hasattr(value, "shape")
                or isinstance(value, Tensor)):
            raise TypeError(f"Invalid type for initial value={value} of type: {type(value).__name__}. Expected "
                            "Python scalar, list or tuple of values, or numpy.ndarray.")
        self.value = value

    def __call__(self, shape: Any, dtype: Any = None, **kwargs: Any) -> Tensor:
        _check_kwargs(kwargs)
        dtype = None if dtype is None else _dtypes.as_dtype(dtype)
        return constant(self.value, dtype=dtype, shape=shape)

    def get_config(self) -> dict:
        return {"value": self.value}


class RandomNormal(Initializer):
    """Normal samples (`tf.random_normal_initializer`)."""

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: Any = None) -> None:
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def __call__(self, shape: Any, dtype: Any = _dtypes.float32, **kwargs: Any) -> Tensor:
        _check_kwargs(kwargs)
        dtype = _dtypes.as_dtype(dtype)
        if not dtype.is_floating:
            raise ValueError(f"Argument `dtype` is expected to be floating point. Received: {dtype}.")
        if self.seed is not None:
            from eagerflow._src.ops.random.stateless_random_ops import stateless_random_normal

            return stateless_random_normal(shape, [self.seed, 0], self.mean, self.stddev, dtype)
        from eagerflow._src.ops.random.random_ops import normal

        return normal(shape, self.mean, self.stddev, dtype)

    def get_config(self) -> dict:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class RandomUniform(Initializer):
    """Uniform samples in [minval, maxval) (`tf.random_uniform_initializer`)."""

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: Any = None) -> None:
        self.minval, self.maxval, self.seed = minval, maxval, seed

    def __call__(self, shape: Any, dtype: Any = _dtypes.float32, **kwargs: Any) -> Tensor:
        _check_kwargs(kwargs)
        dtype = _dtypes.as_dtype(dtype)
        if not dtype.is_floating and not dtype.is_integer:
            raise ValueError(f"Argument `dtype` is expected to be floating point or integer. Received: {dtype}.")
        if self.seed is not None:
            from eagerflow._src.ops.random.stateless_random_ops import stateless_random_uniform

            return stateless_random_uniform(shape, [self.seed, 0], self.minval, self.maxval, dtype)
        from eagerflow._src.ops.random.random_ops import uniform

        return uniform(shape, self.minval, self.maxval, dtype)

    def get_config(self) -> dict:
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}
