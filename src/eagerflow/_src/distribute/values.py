"""Distributed values: one component per replica (`PerReplica`), or the same value on every
device (`Mirrored`), and the helpers that split and regroup nested structures of them.

Distributed values stay out of the op pipeline: converted to a tensor, a value is its
current replica's component in replica context and its primary component otherwise.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from eagerflow._src.distribute import context
from eagerflow._src.framework.composite_tensor import CompositeTensor
from eagerflow._src.framework.tensor import EagerTensor, Tensor


class DistributedValues:
    """A value with one component per local replica (`tf.distribute.DistributedValues`)."""

    def __init__(self, values: Sequence[Any]) -> None:
        self._values = tuple(values)

    @property
    def values(self) -> tuple:
        """The per-replica components, in replica order."""
        return self._values

    @property
    def _primary(self) -> Any:
        return self._values[0]

    def _get_on_device_or_primary(self) -> Any:
        index = context.state.local_index
        if index is None or index >= len(self._values):
            return self._values[0]
        return self._values[index]

    def _as_tensor(self, dtype: Any = None) -> Any:
        from eagerflow._src.framework.convert import convert_to_tensor

        return convert_to_tensor(self._get_on_device_or_primary(), dtype=dtype)

    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        import numpy as np

        return np.asarray(self._get_on_device_or_primary(), dtype=dtype)

    def __repr__(self) -> str:
        items = ",\n".join(f"  {i}: {v!r}" for i, v in enumerate(self._values))
        return f"{type(self).__name__}:{{\n{items}\n}}"

    def __str__(self) -> str:
        items = ",\n".join(f"  {i}: {v!s}" for i, v in enumerate(self._values))
        return f"{type(self).__name__}:{{\n{items}\n}}"


class PerReplica(DistributedValues, CompositeTensor):
    """Holds a different value for each replica (`tf.distribute.PerReplica` in TF's values).

    A `CompositeTensor` as in TF (Keras tells per-replica results from reduced ones by it).
    """


    @property
    def _type_spec(self) -> "PerReplicaSpec":
        from eagerflow._src.framework.tensor_spec import TensorSpec

        return PerReplicaSpec(*(getattr(v, "_type_spec", None) or TensorSpec(v.shape, v.dtype)
                                for v in self._values))


class PerReplicaSpec:
    """The type of a `PerReplica` value: one spec per replica (TF's `values.PerReplicaSpec`)."""

    def __init__(self, *value_specs: Any) -> None:
        self._value_specs = tuple(value_specs)

    @property
    def _component_specs(self) -> tuple:
        return self._value_specs

    def _to_components(self, value: PerReplica) -> tuple:
        return value._values

    def _from_components(self, components: Sequence[Any]) -> PerReplica:
        return PerReplica(components)

    def _from_component_specs(self, specs: Sequence[Any]) -> "PerReplicaSpec":
        return PerReplicaSpec(*specs)

    def __eq__(self, other: Any) -> bool:
        return type(other) is PerReplicaSpec and other._value_specs == self._value_specs

    def __hash__(self) -> int:
        return hash(self._value_specs)

    def __repr__(self) -> str:
        return f"PerReplicaSpec({', '.join(repr(s) for s in self._value_specs)})"


class Mirrored(DistributedValues):
    """Holds the same value on every replica's device."""


def select_replica(index: int, structure: Any) -> Any:
    """`structure` with every distributed value replaced by its `index`-th component."""
    return map_structure(lambda v: v._values[index] if _splits(v) else v, structure)


def _splits(value: Any) -> bool:
    """Per-replica and mirrored values split into their components; distributed variables
    (also `DistributedValues`) stay whole, as TF's `select_replica` keeps them."""
    return isinstance(value, DistributedValues) and not hasattr(value, "_distribute")


def regroup(per_replica: Sequence[Any], wrap: type = PerReplica) -> Any:
    """Zips replicas' outputs (same structure) into one structure of `PerReplica` leaves.

    A leaf that is the same object in every replica stays that object, as in TF.
    """
    first = per_replica[0]
    if isinstance(first, (list, tuple)) and not hasattr(first, "_as_tensor"):
        if any(len(p) != len(first) for p in per_replica):
            raise ValueError("Replicas returned structures of different lengths")
        parts = [regroup([p[i] for p in per_replica], wrap) for i in range(len(first))]
        if hasattr(first, "_fields"):  # namedtuple
            return type(first)(*parts)
        return type(first)(parts)
    if isinstance(first, dict):
        return type(first)((k, regroup([p[k] for p in per_replica], wrap)) for k in first)
    if all(p is first for p in per_replica):
        return first
    return wrap(per_replica)


def map_structure(fn: Callable[[Any], Any], structure: Any) -> Any:
    """Applies `fn` to every leaf of nested lists, tuples and dicts."""
    kind = type(structure)
    if kind is list or kind is tuple:  # the plain containers first: this walks every gradient
        return kind([map_structure(fn, s) for s in structure])
    if kind is dict:
        return {k: map_structure(fn, v) for k, v in structure.items()}
    if kind is EagerTensor:
        return fn(structure)
    if isinstance(structure, (list, tuple)) and not hasattr(structure, "_as_tensor"):
        mapped = [map_structure(fn, s) for s in structure]
        if hasattr(structure, "_fields"):
            return type(structure)(*mapped)
        return type(structure)(mapped)
    if isinstance(structure, dict):
        return type(structure)((k, map_structure(fn, v)) for k, v in structure.items())
    return fn(structure)


def flatten(structure: Any) -> list:
    """The leaves of nested lists, tuples and dicts, in order."""
    leaves: list = []
    map_structure(leaves.append, structure)
    return leaves


def local_results(value: Any) -> tuple:
    """The local components of a distributed value, or `(value,)` (`experimental_local_results`)."""
    if isinstance(value, DistributedValues):
        return value._values
    from eagerflow._src.distribute.distributed_variables import DistributedVariable

    if isinstance(value, DistributedVariable):
        return value._values
    return (value,)
