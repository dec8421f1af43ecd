"""Grouping tensors and ordering side effects, eagerly: `tf.identity_n`, `tf.tuple`, `tf.group`,
`tf.no_op`, `tf.guarantee_const`, `tf.timestamp`.

Eager execution runs ops in program order, so what these do in a graph (control dependencies)
is already true; they return what TF's eager versions return (`group`/`no_op`: None).
"""
from __future__ import annotations

import builtins
import time
from typing import Any

import numpy as np

from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import array_ops, conversion


def identity_n(input: Any, name: str | None = None) -> list:  # noqa: A002 - TF's name
    """An identity of each tensor of the list `input` (`tf.identity_n`)."""
    return [array_ops.identity(x) for x in input]


def tuple(tensors: Any, control_inputs: Any = None, name: str | None = None) -> list:  # noqa: A001
    """`tensors` as a list, each after all of them (and `control_inputs`) are computed; None
    entries stay None (`tf.tuple`)."""
    if control_inputs is not None and not isinstance(control_inputs, (list, builtins.tuple)):
        raise TypeError("'control_inputs' must be a list or tuple of operations.")
    return [None if t is None else array_ops.identity(t) for t in tensors]


def group(*inputs: Any, **kwargs: Any) -> None:
    """Runs after all of `inputs` (`tf.group`); eagerly they have already run: None, as TF's."""
    unknown = set(kwargs) - {"name"}
    if unknown:
        raise TypeError(f"Unknown keyword arguments: {', '.join(sorted(unknown))}")
    return None


def no_op(name: str | None = None) -> None:
    """Does nothing (`tf.no_op`); eagerly None, as TF's."""
    return None


def guarantee_const(input: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """`input` unchanged (TF's hint that it is constant; deprecated there)."""
    return array_ops.identity(conversion.tensor(input))


def timestamp(name: str | None = None) -> Tensor:
    """Seconds since the epoch as a float64 scalar (`tf.timestamp`)."""
    return conversion.tensor(np.float64(time.time()))


def parallel_stack(values: Any, name: str = "parallel_stack") -> Tensor:
    """`tf.parallel_stack`: graph-only in TF; eagerly its error."""
    raise RuntimeError("tf.parallel_stack() is not compatible with eager execution.")
