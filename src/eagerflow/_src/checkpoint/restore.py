"""Restoring an object graph from a TF checkpoint: matching, checking, assigning.

A restore matches the saved `TrackableObjectGraph` against the live objects by walking
both from their roots through the same local names (as TF's `CheckpointPosition` does),
then checks every matched variable's dtype and shape, reads and verifies every tensor,
and only then assigns them: a failed restore changes nothing.

Saved children with no live counterpart yet are remembered on their live parent (a
`Module` or a `Checkpoint`): when an attribute of that name is assigned later, the new
value receives its saved state then ("deferred restoration", as in TF). A Keras-3-layout
optimizer found unbuilt is built for the saved variables, so its slots are restored too.
"""
from __future__ import annotations

from typing import Any

from eagerflow._src.checkpoint import graph as graph_lib
from eagerflow._src.checkpoint import trackable as trackable_lib
from eagerflow._src.checkpoint.formats import protos
from eagerflow._src.checkpoint.formats.tensor_bundle import BundleReader
from eagerflow._src.checkpoint.progress import ProgressBar
from eagerflow._src.framework import devices, errors, proto_pool
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.tensor import EagerTensor, Tensor
from eagerflow._src.framework.tensor_shape import TensorShape
from eagerflow._src.module import DEFERRED_RESTORATIONS
from eagerflow._src.ops import state_ops
from eagerflow._src.optimizers.optimizer import Optimizer
from eagerflow._src.variables import ResourceVariable, Variable

_MOVE = {"move": True}


class Restoration:
    """The state of one restore: the reader, the saved graph and what matched so far."""

    def __init__(self, save_path: str) -> None:
        self.save_path = save_path
        self.reader = BundleReader(save_path)
        saved = self.reader.object_graph()
        if saved is None:
            raise errors.InvalidArgumentError(
                None, None, f"The checkpoint at {save_path} has no object graph "
                            f"({protos.OBJECT_GRAPH_PROTO_KEY}); name-based checkpoints are not supported")
        _validate(saved, save_path)
        self.saved = saved
        self.names = _saved_paths(saved)
        self.matched: dict[int, Any] = {}  # saved node id -> live object

    # -- matching

    def match(self, live_root: Any, saved_root: int = 0,
              attached: list[tuple[str, Any]] | None = None) -> list[tuple[int, Any]]:
        """Matches the live graph under `live_root` against the saved one under
        `saved_root`; returns the new (saved id, live object) pairs, BFS order.
        `attached`: dependencies the root has for this checkpoint only (`Checkpoint(root=...)`)."""
        attached = attached if attached is not None else []
        live_variables = graph_lib.reachable_variables(live_root, attached)
        new: list[tuple[int, Any]] = []
        seen_live = {id(live_root)}
        queue = [(saved_root, live_root)]
        if saved_root not in self.matched:
            self.matched[saved_root] = live_root
            new.append((saved_root, live_root))
        while queue:
            saved_id, live = queue.pop(0)
            live_children = dict(graph_lib.children(live, live_variables)
                                 + (attached if live is live_root and saved_id == saved_root else []))
            for ref in self.saved.nodes[saved_id].children:
                child = live_children.get(ref.local_name)
                if child is None:
                    self._defer(live, ref.local_name, ref.node_id)
                    continue
                if ref.node_id not in self.matched:
                    self.matched[ref.node_id] = child
                    new.append((ref.node_id, child))
                if id(child) not in seen_live:
                    seen_live.add(id(child))
                    queue.append((ref.node_id, child))
        return new

    def build_optimizers(self) -> bool:
        """Builds each matched, unbuilt optimizer for the variables the checkpoint says it
        was built for (when all are live); returns whether any was built."""
        built_any = False
        for saved_id, live in list(self.matched.items()):
            if not isinstance(live, Optimizer):
                continue
            refs = {ref.local_name: ref.node_id for ref in self.saved.nodes[saved_id].children}
            trainable = refs.get("_trainable_variables")
            if trainable is None:
                continue
            saved_vars = [ref.node_id for ref in self.saved.nodes[trainable].children]
            live_vars = [self.matched.get(node_id) for node_id in saved_vars]
            if not saved_vars or any(not isinstance(v, Variable) for v in live_vars):
                continue
            built = {id(v) for v in live.built_variables}
            if all(id(v) in built for v in live_vars):
                continue
            live.build(live_vars)
            built_any = True
        return built_any

    def _defer(self, parent: Any, name: str, saved_id: int) -> None:
        if not _defers(parent):
            return
        hooks = parent.__dict__.setdefault(DEFERRED_RESTORATIONS, {})

        def attach(value: Any) -> None:  # keeps this restoration alive until the attribute is set
            self.attach(value, saved_id)

        hooks[name] = attach

    def attach(self, value: Any, saved_id: int) -> None:
        """Restores `value`, just assigned where the checkpoint had node `saved_id`."""
        if not graph_lib.is_trackable(value):
            return
        pairs = self.match(value, saved_id)
        self.restore_variables(pairs)

    # -- values

    def restore_variables(self, pairs: list[tuple[int, Any]]) -> None:
        """Checks, reads and assigns the values of the matched objects among `pairs` that save
        values: variables (Keras's too) and objects with `_restore_from_tensors`."""
        plan = []  # (key, variable)
        others = []  # (live, {attribute name: key})
        shapes = None
        for saved_id, live in pairs:
            node = self.saved.nodes[saved_id]
            if not node.attributes:
                continue
            variable = graph_lib.as_variable(live)
            if variable is not None:
                key = _variable_key(node)
                if key is None:
                    continue
                if shapes is None:
                    shapes = self.reader.shape_map()
                entry = self.reader.entry(key)  # NotFoundError when absent
                _check_compatible(variable, key, entry.dtype, shapes[key])
                plan.append((key, variable))
            elif trackable_lib.has_own_tensors(live):
                keys = _tensor_keys(live, node)
                for key in keys.values():
                    self.reader.entry(key)  # NotFoundError when absent
                others.append((live, keys))
        if not plan and not others:
            return
        with ProgressBar("Restoring checkpoint") as bar:
            reader = BundleReader(self.save_path, progress=bar)
            values = reader.get_tensors([key for key, _ in plan]
                                        + [key for _, keys in others for key in keys.values()])
        host = devices.cpu0()
        for key, live in plan:
            # The array was just read and belongs to nobody else: hand it over as a tensor
            # rather than through conversion, which would copy it once more. A plain variable
            # takes the array itself as its buffer (`move`); others (mirrored, ...) assign.
            value = EagerTensor(values.pop(key), host)
            if type(live) is ResourceVariable and value._array.shape == live._array.shape:
                execute(state_ops.ASSIGN, (live, value), _MOVE)
            else:
                live.assign(value, read_value=False)
        for live, keys in others:
            live._restore_from_tensors({name: EagerTensor(values.pop(key), host) for name, key in keys.items()})


def _tensor_keys(live: Any, node: Any) -> dict[str, str]:
    """{name `_restore_from_tensors` takes: checkpoint key} for a saved node (see
    `ObjectGraph.attributes` for the legacy one-attribute layout)."""
    if getattr(type(live), "_checkpoint_saveable_name", None) is not None and len(node.attributes) == 1:
        key = node.attributes[0].checkpoint_key
        return {name: key + name for name in live._serialize_to_tensors()}
    return {attribute.name: attribute.checkpoint_key for attribute in node.attributes}


def _defers(obj: Any) -> bool:
    from eagerflow._src.module import Module

    return isinstance(obj, Module) or hasattr(obj, "_checkpoint_children")


def _variable_key(node: Any) -> str | None:
    for attribute in node.attributes:
        if attribute.name == graph_lib.VARIABLE_VALUE:
            return attribute.checkpoint_key
    return None


def _check_compatible(variable: Variable, key: str, data_type: int, shape: tuple[int, ...]) -> None:
    if data_type != variable.dtype.as_datatype_enum:
        stored = proto_pool.DATA_TYPE_NAMES.get(data_type, f"DataType {data_type}")
        # TF's RestoreV2 message for a dtype mismatch.
        raise errors.InvalidArgumentError(
            None, None, f"tensor_name = {key}; expected dtype {variable.dtype.name} does not equal original "
                        f"dtype {stored[3:].lower() if stored.startswith('DT_') else stored}")
    if not variable.shape.is_compatible_with(shape):
        # TF's ResourceVariable._restore_from_tensors message.
        raise ValueError(f"Received incompatible tensor with shape {TensorShape(shape)} when attempting to "
                         f"restore variable with shape {variable.shape} and name {variable.name}.")


def _validate(saved: Any, save_path: str) -> None:
    """Every child reference and slot reference must name an existing node."""
    count = len(saved.nodes)
    if count == 0:
        raise errors.DataLossError(None, None, f"The object graph of {save_path} has no nodes")
    for i, node in enumerate(saved.nodes):
        for ref in node.children:
            if not 0 <= ref.node_id < count:
                raise errors.DataLossError(
                    None, None, f"The object graph of {save_path}: node {i} has child {ref.node_id!r} "
                                f"out of range ({count} nodes)")
        for slot in node.slot_variables:
            for node_id in (slot.original_variable_node_id, slot.slot_variable_node_id):
                if not 0 <= node_id < count:
                    raise errors.DataLossError(
                        None, None, f"The object graph of {save_path}: node {i} has slot node {node_id!r} "
                                    f"out of range ({count} nodes)")


def _saved_paths(saved: Any) -> list[str]:
    """TF's pretty names for saved nodes: `(root).model.layers.0.w`, breadth first."""
    names: list[str | None] = [None] * len(saved.nodes)
    names[0] = "(root)"
    queue = [0]
    while queue:
        node_id = queue.pop(0)
        for ref in saved.nodes[node_id].children:
            if names[ref.node_id] is None:
                names[ref.node_id] = f"{names[node_id]}.{ref.local_name}"
                queue.append(ref.node_id)
    return [name or f"(unreachable node {i})" for i, name in enumerate(names)]


class CheckpointLoadStatus:
    """What `Checkpoint.restore` / `read` return (TF's `CheckpointLoadStatus`)."""

    def __init__(self, restoration: Restoration, root: Any, attached: list[tuple[str, Any]] | None = None) -> None:
        self._restoration = restoration
        self._root = root
        self._attached = attached if attached is not None else []
        self._expect_partial = False

    def assert_consumed(self) -> "CheckpointLoadStatus":
        """Raises AssertionError unless every checkpointed value was matched to a live
        object and every live object in the graph was matched to a checkpointed value."""
        self.assert_existing_objects_matched()
        saved = self._restoration.saved
        for node_id, node in enumerate(saved.nodes):
            if node.attributes and node_id not in self._restoration.matched:
                raise AssertionError(
                    f"Unresolved object in checkpoint {self._restoration.names[node_id]}: {node}")
        return self

    def assert_existing_objects_matched(self) -> "CheckpointLoadStatus":
        """Raises AssertionError if a variable reachable from the root has no value in the
        checkpoint (objects created later are checked when they exist)."""
        matched = {id(obj) for obj in self._restoration.matched.values()}
        unused = [v for v in graph_lib.ObjectGraph(self._root, self._attached).nodes
                  if graph_lib.saves_tensors(v) and id(v) not in matched]
        if unused:
            shown = min(10, len(unused))
            raise AssertionError(
                f"Found {len(unused)} Python objects that were not bound to checkpointed values, likely due to "
                f"changes in the Python program. Showing {shown} of {len(unused)} unmatched objects: "
                f"{unused[:shown]}")
        return self

    def assert_nontrivial_match(self) -> "CheckpointLoadStatus":
        """Raises AssertionError if nothing but the root object matched."""
        if len(self._restoration.matched) <= 1:
            live = [v for v in graph_lib.ObjectGraph(self._root, self._attached).nodes if graph_lib.saves_tensors(v)]
            if live:
                raise AssertionError(
                    "Nothing except the root object matched a checkpointed value. Typically this means that the "
                    "checkpoint does not match the Python program. The following objects have no matching "
                    f"checkpointed value: {live}")
            raise AssertionError(f"Nothing to load. No dependencies have been added to {self._root} yet.")
        return self

    def expect_partial(self) -> "CheckpointLoadStatus":
        """Marks the restore as intentionally partial (TF silences its warnings); returns self."""
        self._expect_partial = True
        return self

    def run_restore_ops(self, session: Any = None) -> None:
        """Nothing to run: eager restores happen immediately."""

    def initialize_or_restore(self, session: Any = None) -> None:
        """Nothing to run: eager restores happen immediately."""


class InitializationOnlyStatus:
    """What `restore(None)` returns: nothing was restored (TF's `InitializationOnlyStatus`)."""

    _MESSAGE = "No checkpoint specified (save_path=None); nothing is being restored."

    def assert_consumed(self) -> "InitializationOnlyStatus":
        raise AssertionError(self._MESSAGE)

    def assert_existing_objects_matched(self) -> "InitializationOnlyStatus":
        raise AssertionError(self._MESSAGE)

    def assert_nontrivial_match(self) -> "InitializationOnlyStatus":
        raise AssertionError(self._MESSAGE)

    def expect_partial(self) -> "InitializationOnlyStatus":
        return self

    def run_restore_ops(self, session: Any = None) -> None:
        """Nothing to run."""

    def initialize_or_restore(self, session: Any = None) -> None:
        """Nothing to run: eager variables are initialized at creation."""


def restore(root: Any, save_path: str, attached: list[tuple[str, Any]] | None = None) -> CheckpointLoadStatus:
    """Restores the object graph of `root` from the checkpoint at `save_path`.

    Raises:
      NotFoundError: no checkpoint at `save_path`.
      DataLossError: the checkpoint is corrupt (nothing is changed).
      InvalidArgumentError: a dtype mismatch (nothing is changed).
      ValueError: a shape mismatch, with TF's message (nothing is changed).
    """
    restoration = Restoration(save_path)
    pairs = restoration.match(root, attached=attached)
    if restoration.build_optimizers():
        pairs += restoration.match(root, attached=attached)
    restoration.restore_variables(pairs)
    return CheckpointLoadStatus(restoration, root, attached)
