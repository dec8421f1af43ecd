"""The object graph a checkpoint saves: which objects depend on which, and under what names.

TensorFlow names every saved value by the path of dependency names from the root object
to it (`model/layers/0/w/.ATTRIBUTES/VARIABLE_VALUE`), found by a breadth-first walk in
which each object keeps the path of its first discovery and its node id is its discovery
order. This module reproduces that walk for eagerflow's objects:

  Variable        a leaf with one attribute, `VARIABLE_VALUE`.
  Module          its attributes in assignment order (as TF's AutoTrackable tracks them),
                  those that hold trackable values; lists and dicts are always nodes,
                  tuples only when they hold something trackable.
  list / tuple    children "0", "1", ... for trackable items (TF's ListWrapper).
  dict            children named by key, in insertion order (TF's _DictWrapper).
  Optimizer       the Keras 3 layout TF 2.21 saves (`_variables`, `_trainable_variables`,
                  `_trainable_variables_indices`, `_iterations`, `_learning_rate`, then one
                  list per slot kind such as `_momentums`).
  anything with   `_checkpoint_children()` (e.g. `tf.train.Checkpoint`): the (name, child)
                  pairs it returns; a `Trackable` (Keras 3's layers, optimizers and
                  variables) names its tracked dependencies through `_trackable_children`.

An object that overrides `_serialize_to_tensors` (Keras's variable, a mutable hash table) is
saved by it: one attribute per returned name, `<path>/.ATTRIBUTES/<name>`.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from eagerflow._src.checkpoint import trackable as trackable_lib
from eagerflow._src.checkpoint.formats import protos
from eagerflow._src.module import DEFERRED_RESTORATIONS, Module, camel_to_snake
from eagerflow._src.optimizers.optimizer import Optimizer
from eagerflow._src.variables import Variable

VARIABLE_VALUE = "VARIABLE_VALUE"
_ESCAPE = "."

# Keras 3's name for each slot list, per optimizer class (TF 2.21 / Keras 3.x).
OPTIMIZER_SLOT_LISTS: dict[str, tuple[tuple[str, str], ...]] = {
    "Adam": (("_momentums", "momentum"), ("_velocities", "velocity")),
    "SGD": (("momentums", "momentum"),),
}


def escape_local_name(name: str) -> str:
    """TF's escaping of a dependency name inside a key: "." -> "..", "/" -> ".S"."""
    return name.replace(_ESCAPE, _ESCAPE + _ESCAPE).replace("/", _ESCAPE + "S")


def object_path_key(path: Iterable[str]) -> str:
    """The key prefix of an object reached through `path` (`model/layers/0/w`)."""
    return "/".join(escape_local_name(name) for name in path)


def variable_key(path: Iterable[str]) -> str:
    return f"{object_path_key(path)}/.ATTRIBUTES/{VARIABLE_VALUE}"


def is_trackable(value: Any) -> bool:
    """Whether a value assigned to a module becomes a node of the object graph."""
    if isinstance(value, (Variable, Module, Optimizer, list, dict)):
        return True
    if isinstance(value, tuple):
        return any(is_trackable(item) for item in value)
    return hasattr(value, "_checkpoint_children")


def children(obj: Any, variables: "VariableSet | None" = None) -> list[tuple[str, Any]]:
    """The (local name, child) dependencies of `obj`, in TF's order.

    Args:
      variables: the variables reachable from the root, used to find which variables an
        optimizer was built for (see `_optimizer_children`).
    """
    if isinstance(obj, Variable):
        return []
    if isinstance(obj, trackable_lib.Trackable):
        return list(obj._trackable_children("checkpoint").items())
    if isinstance(obj, Module):
        return [(name, value) for name, value in vars(obj).items()
                if name != DEFERRED_RESTORATIONS and is_trackable(value)]
    if isinstance(obj, Optimizer):
        return _optimizer_children(obj, variables)
    if isinstance(obj, (list, tuple)):
        return [(str(i), item) for i, item in enumerate(obj) if is_trackable(item)]
    if isinstance(obj, dict):
        result = []
        for key, value in obj.items():
            if not is_trackable(value):
                continue
            if not isinstance(key, str):
                # TF's _DictWrapper refuses to save such a dictionary too.
                raise ValueError(
                    f"Unable to save the object {obj!r} (a dictionary wrapper constructed automatically on "
                    "attribute assignment). The wrapped dictionary contains a non-string key which maps to a "
                    "trackable object or mutable data structure.")
            result.append((key, value))
        return result
    if hasattr(obj, "_checkpoint_children"):
        return list(obj._checkpoint_children())
    return []


class VariableSet:
    """Identity set of variables (variables are unhashable)."""

    def __init__(self, items: Iterable[Variable] = ()) -> None:
        self._items: dict[int, Variable] = {}
        for item in items:
            self.add(item)

    def add(self, variable: Variable) -> None:
        self._items[id(variable)] = variable

    def __contains__(self, variable: Any) -> bool:
        return id(variable) in self._items

    def __iter__(self):
        return iter(self._items.values())


def built_variables(optimizer: Optimizer, candidates: Iterable[Variable] = ()) -> list[Variable]:
    """The variables `optimizer` was built for, in build order (Keras's `_trainable_variables`)."""
    return optimizer.built_variables


def slot_lists(optimizer: Optimizer) -> tuple[tuple[str, str], ...]:
    for cls in type(optimizer).__mro__:
        if cls.__name__ in OPTIMIZER_SLOT_LISTS:
            return OPTIMIZER_SLOT_LISTS[cls.__name__]
    return ()


def _optimizer_children(optimizer: Optimizer, variables: VariableSet | None) -> list[tuple[str, Any]]:
    built = built_variables(optimizer, variables or ())
    result: list[tuple[str, Any]] = [
        ("_variables", optimizer.variables),
        ("_trainable_variables", built),
        ("_trainable_variables_indices", {}),
        ("_iterations", optimizer.iterations),
        ("_learning_rate", optimizer.learning_rate),
    ]
    if built:
        for list_name, slot_name in slot_lists(optimizer):
            suffix = f"_{slot_name}:0"
            slots = [s for v in built for s in optimizer.slots_for(v) if s.name.endswith(suffix)]
            result.append((list_name, slots))
    return result


def reachable_variables(root: Any, attached: Iterable[tuple[str, Any]] = ()) -> VariableSet:
    """Every variable reachable from `root` (optimizers contribute their own variables)."""
    found = VariableSet()
    seen = {id(root)}
    stack = [root]
    attached = list(attached)
    while stack:
        obj = stack.pop()
        if isinstance(obj, Variable):
            found.add(obj)
        for _, child in children(obj, None) + (attached if obj is root else []):
            if id(child) not in seen:
                seen.add(id(child))
                stack.append(child)
    return found


class ObjectGraph:
    """The breadth-first object graph of `root`, as TF's ObjectGraphView walks it.

    Attributes:
      nodes: objects in node-id order (node 0 is the root).
      paths: for each node, the tuple of local names of its first-discovery path.
      edges: for each node, its (local name, child node id) pairs.
    """

    def __init__(self, root: Any, attached: Iterable[tuple[str, Any]] = ()) -> None:
        """`attached`: (name, object) dependencies the root gains for this checkpoint only
        (`tf.train.Checkpoint(root=obj, **kwargs)`), after its own."""
        attached = list(attached)
        variables = reachable_variables(root, attached)
        self.nodes: list[Any] = [root]
        self.paths: list[tuple[str, ...]] = [()]
        self.edges: list[list[tuple[str, int]]] = []
        self._attributes: list[list[tuple[str, str, Any]]] | None = None
        index = {id(root): 0}
        i = 0
        while i < len(self.nodes):
            refs = []
            for name, child in children(self.nodes[i], variables) + (attached if i == 0 else []):
                child_id = index.get(id(child))
                if child_id is None:
                    child_id = index[id(child)] = len(self.nodes)
                    self.nodes.append(child)
                    self.paths.append(self.paths[i] + (name,))
                refs.append((name, child_id))
            self.edges.append(refs)
            i += 1

    def variables(self) -> list[tuple[int, str, Variable]]:
        """(node id, checkpoint key, variable) for every variable (a Keras variable gives the
        eagerflow variable it holds), in node order."""
        found = []
        for i, obj in enumerate(self.nodes):
            variable = as_variable(obj)
            if variable is not None:
                found.append((i, variable_key(self.paths[i]), variable))
        return found

    def attributes(self) -> list[list[tuple[str, str, dict[str, Any]]]]:
        """For each node, the (attribute name, checkpoint key, {tensor key: value}) it saves
        itself: a variable its `VARIABLE_VALUE`, others one attribute per name that
        `_serialize_to_tensors` returns, or, for an object naming one attribute
        `_checkpoint_saveable_name` (TF's legacy saveables: hash tables' "table"), that one
        attribute holding `<key><name>` for each name. Computed once."""
        if self._attributes is None:
            self._attributes = []
            for i, obj in enumerate(self.nodes):
                prefix = f"{object_path_key(self.paths[i])}/.ATTRIBUTES/"
                tensors = own_tensors(obj)
                legacy = getattr(type(obj), "_checkpoint_saveable_name", None)
                if legacy is not None and tensors:
                    key = prefix + escape_local_name(legacy)
                    found = [(legacy, key, {key + name: value for name, value in tensors.items()})]
                else:
                    found = []
                    for name, value in tensors.items():
                        key = prefix + escape_local_name(name)
                        found.append((name, key, {key: value}))
                self._attributes.append(found)
        return self._attributes

    def proto(self) -> Any:
        """The `TrackableObjectGraph` TF writes for this graph."""
        attributes = self.attributes()
        has_values = [bool(found) for found in attributes]
        parents: list[list[int]] = [[] for _ in self.nodes]
        for parent, refs in enumerate(self.edges):
            for _, child in refs:
                parents[child].append(parent)
        queue = [i for i, value in enumerate(has_values) if value]
        while queue:
            node = queue.pop()
            for parent in parents[node]:
                if not has_values[parent]:
                    has_values[parent] = True
                    queue.append(parent)
        owners = {id(v): obj for obj in self.nodes if isinstance(obj, Optimizer) for v in obj.variables}
        graph = protos.TrackableObjectGraph()
        for i, obj in enumerate(self.nodes):
            node = graph.nodes.add()
            for name, child in self.edges[i]:
                node.children.add(node_id=child, local_name=name)
            for name, key, _ in attributes[i]:
                node.attributes.add(name=name, full_name=full_name(obj, owners.get(id(obj))), checkpoint_key=key)
            node.has_checkpoint_values.value = has_values[i]
        return graph


def as_variable(obj: Any) -> Variable | None:
    """The eagerflow variable `obj` is or holds (Keras 3's variable holds one), else None."""
    if isinstance(obj, Variable):
        return obj
    if getattr(type(obj), "_should_act_as_resource_variable", False):
        value = obj.__dict__.get("_value")
        if isinstance(value, Variable):
            return value
    return None


def saves_tensors(obj: Any) -> bool:
    """Whether `obj` saves values of its own (a variable, or a `_serialize_to_tensors` override)."""
    return isinstance(obj, Variable) or trackable_lib.has_own_tensors(obj)


def own_tensors(obj: Any) -> dict[str, Any]:
    """The values `obj` saves itself, by attribute name (empty for most objects)."""
    if isinstance(obj, Variable):
        return {VARIABLE_VALUE: obj}
    if trackable_lib.has_own_tensors(obj):
        return dict(obj._serialize_to_tensors())
    return {}


def full_name(variable: Any, owner: Optimizer | None = None) -> str:
    """The `full_name` TF records: the variable's name without ":0"; Keras prefixes an
    optimizer's own variables with the optimizer's name in snake case (`sgd/iteration`
    for the optimizer named "SGD"). A Keras variable gives its `_shared_name` (its path);
    an object that is no variable, "" (TF's `_get_full_name`)."""
    if not isinstance(variable, Variable):
        if getattr(type(variable), "_should_act_as_resource_variable", False):
            return variable._shared_name
        return ""
    name = variable.name[:-2] if variable.name.endswith(":0") else variable.name
    return f"{camel_to_snake(owner.name)}/{name}" if owner is not None else name


class TrackableView:
    """Walks the dependencies of a trackable object (`tf.train.TrackableView`).

    Args:
      root: the object whose descendants `descendants` lists.
    """

    def __init__(self, root: Any) -> None:
        self._root = root

    @classmethod
    def children(cls, obj: Any, save_type: str = "checkpoint", **kwargs: Any) -> dict[str, Any]:
        """The children of `obj` by local name (for a `Trackable`, its `_trackable_children`)."""
        if isinstance(obj, trackable_lib.Trackable):
            return dict(obj._trackable_children(save_type, **kwargs))
        return dict(children(obj))

    @property
    def root(self) -> Any:
        return self._root

    def descendants(self) -> list[Any]:
        """Every object reachable from the root, breadth first, the root first, each once."""
        found = [self.root]
        seen = {id(self.root)}
        i = 0
        while i < len(found):
            for child in self.children(found[i]).values():
                if id(child) not in seen:
                    seen.add(id(child))
                    found.append(child)
            i += 1
        return found
