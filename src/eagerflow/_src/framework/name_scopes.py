"""Reading the name-scope and tensor-kind state: `tf.get_current_name_scope`, `tf.is_symbolic_tensor`."""
from __future__ import annotations

from typing import Any

from eagerflow._src.framework import context
from eagerflow._src.framework.tensor import EagerTensor, Tensor


def get_current_name_scope() -> str:
    """The current name scope, without its trailing slash ('' at top level) (`tf.get_current_name_scope`)."""
    return context.thread.name_scope.rstrip("/")


def is_symbolic_tensor(tensor: Any) -> bool:
    """Whether `tensor` is a graph (symbolic) tensor rather than an eager one (`tf.is_symbolic_tensor`)."""
    return isinstance(tensor, Tensor) and type(tensor) is not EagerTensor
