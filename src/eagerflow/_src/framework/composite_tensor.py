"""`CompositeTensor`: a value made of tensors (SparseTensor, RaggedTensor), as TF's.

A composite is not a tensor: ops never receive it. Its `_type_spec` splits it into its component
tensors and builds it back (`_to_components` / `_from_components`), which is what `tf.nest`'s
`expand_composites=True` walks. Gradients flow through the components, which are plain tensors.
"""
from __future__ import annotations

from typing import Any


class CompositeTensor:
    """Base of values made of tensors; `_type_spec` describes one (TF's CompositeTensor)."""

    __slots__ = ("__weakref__",)

    @property
    def _type_spec(self) -> Any:
        raise NotImplementedError

    def _consumers(self) -> list:
        return []


def is_composite(value: Any) -> bool:
    return isinstance(value, CompositeTensor)
