"""`tf.types.experimental`: abstract base classes TF's public types derive from.

They are ABCs with structural subclass hooks, so eagerflow's own functions and concrete
functions count as instances (`isinstance(tf.function(f), tf.types.experimental.GenericFunction)`)
without the function layer importing this one.
"""
from __future__ import annotations

import abc
import inspect
from typing import Any, Protocol, Union, runtime_checkable

import numpy as np

from eagerflow._src.framework.tensor import Tensor


def _has(cls: type, *names: str) -> bool:
    return all(any(name in klass.__dict__ for klass in cls.__mro__) for name in names)


class Callable(abc.ABC):
    """Base class for TF callables (functions and concrete functions)."""

    @property
    def function_type(self) -> Any:
        """The function's type (its signature, with TF's trace types)."""
        raise NotImplementedError

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError


class ConcreteFunction(Callable):
    """A function traced for one input signature (what `get_concrete_function` returns)."""

    @classmethod
    def __subclasshook__(cls, other: type) -> Any:
        if cls is ConcreteFunction and _has(other, "structured_input_signature", "graph"):
            return True
        return NotImplemented

    @property
    def inference_fn(self) -> Any:
        raise NotImplementedError


class PolymorphicFunction(Callable):
    """A function that traces a concrete function per input signature (`tf.function`'s result)."""

    @classmethod
    def __subclasshook__(cls, other: type) -> Any:
        if cls is PolymorphicFunction and _has(other, "get_concrete_function"):
            return True
        return NotImplemented

    def get_concrete_function(self, *args: Any, **kwargs: Any) -> ConcreteFunction:
        raise NotImplementedError

    def experimental_get_compiler_ir(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError


GenericFunction = PolymorphicFunction  # TF: one class under both names


class AtomicFunction(Callable):
    """A function call with its captures bound (TF's lowest-level callable)."""

    def call_with_captures(self, args: Any, kwargs: Any, captures: Any) -> Any:
        raise NotImplementedError


class FunctionType(inspect.Signature):
    """A function's signature whose parameters carry trace types."""

    @classmethod
    def from_callable(cls, obj: Any, *, follow_wrapped: bool = True) -> "FunctionType":
        return super().from_callable(obj, follow_wrapped=follow_wrapped)  # type: ignore[return-value]


class TraceType(abc.ABC):
    """The type of a value as tf.function's tracing sees it (decides retracing)."""

    @abc.abstractmethod
    def is_subtype_of(self, other: "TraceType") -> bool:
        """Whether this type is a subtype of `other`."""

    @abc.abstractmethod
    def most_specific_common_supertype(self, others: Any) -> "TraceType | None":
        """The most specific supertype of this type and `others`, or None."""

    def placeholder_value(self, placeholder_context: Any) -> Any:
        raise NotImplementedError

    def to_tensors(self, value: Any) -> list:
        return []

    def from_tensors(self, tensors: Any) -> Any:
        return None

    def flatten(self) -> list:
        return []

    def cast(self, value: Any, cast_context: Any) -> Any:
        return value


@runtime_checkable
class SupportsTracingProtocol(Protocol):
    """A value that gives tf.function its own trace type."""

    def __tf_tracing_type__(self, context: Any) -> TraceType:
        ...


# Anything TF converts to a tensor (TF's `tf.types.experimental.TensorLike`).
TensorLike = Union[Tensor, int, float, bool, str, bytes, complex, tuple, list, np.ndarray, np.generic]
