"""`tf.compat`'s text and number helpers (TF's `util/compat.py` behaviour)."""
from __future__ import annotations

import datetime
import numbers
import os
from typing import Any

import numpy as np

integral_types = (numbers.Integral, np.integer)
real_types = (numbers.Real, np.integer, np.floating)
complex_types = (numbers.Complex, np.number)
bytes_or_text_types = (bytes, str)


def as_bytes(bytes_or_text: Any, encoding: str = "utf-8") -> bytes:
    """`str` encoded (UTF-8 by default) or `bytes`/`bytearray` as bytes; TF's TypeError otherwise."""
    if isinstance(bytes_or_text, bytearray):
        return bytes(bytes_or_text)
    if isinstance(bytes_or_text, str):
        return bytes_or_text.encode(encoding)
    if isinstance(bytes_or_text, bytes):
        return bytes_or_text
    raise TypeError(f"Expected binary or unicode string, got {bytes_or_text!r}")


def as_text(bytes_or_text: Any, encoding: str = "utf-8") -> str:
    """`bytes` decoded (UTF-8 by default) or `str` as str; TF's TypeError otherwise."""
    if isinstance(bytes_or_text, str):
        return bytes_or_text
    if isinstance(bytes_or_text, bytes):
        return bytes_or_text.decode(encoding)
    raise TypeError(f"Expected binary or unicode string, got {bytes_or_text!r}")


as_str = as_text


def as_str_any(value: Any, encoding: str = "utf-8") -> str:
    """`as_str` for bytes, `str(value)` for anything else."""
    return as_str(value, encoding) if isinstance(value, bytes) else str(value)


def path_to_str(path: Any) -> Any:
    """A `PathLike` as its string; anything else unchanged."""
    return os.fspath(path) if isinstance(path, os.PathLike) else path


def dimension_value(dimension: Any) -> Any:
    """The int (or None) of a TensorShape dimension, or the value itself."""
    return getattr(dimension, "value", dimension)


def dimension_at_index(shape: Any, index: int) -> Any:
    """Dimension `index` of `shape` (unknown when the rank is unknown)."""
    from eagerflow._src.framework.tensor_shape import TensorShape, as_shape

    shape = as_shape(shape)
    if shape.rank is None:
        return TensorShape([None])[0]
    return shape[index]


# TF 2.21's forward-compatibility horizon (its graph producers accept newer behaviour after it).
_HORIZON = datetime.date(2026, 1, 16)


def forward_compatible(year: int, month: int, day: int) -> bool:
    """Whether the forward-compatibility horizon is past the given date."""
    return _HORIZON > datetime.date(year, month, day)


def forward_compatibility_horizon(year: int, month: int, day: int) -> Any:
    """Context manager that moves the horizon (for tests), as TF's."""
    import contextlib

    @contextlib.contextmanager
    def scope() -> Any:
        global _HORIZON
        saved, _HORIZON = _HORIZON, datetime.date(year, month, day)
        try:
            yield
        finally:
            _HORIZON = saved

    return scope()
