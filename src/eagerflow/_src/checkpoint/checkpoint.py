"""`tf.train.Checkpoint`: saves and restores an object graph in TensorFlow's format."""
from __future__ import annotations

import os
from typing import Any

import numpy as np

from eagerflow._src.checkpoint import graph as graph_lib
from eagerflow._src.checkpoint import restore as restore_lib
from eagerflow._src.checkpoint import state as state_lib
from eagerflow._src.checkpoint.formats import protos
from eagerflow._src.checkpoint.formats.tensor_bundle import write_bundle
from eagerflow._src.checkpoint.progress import ProgressBar
from eagerflow._src.checkpoint.trackable import run_deferred_restoration
from eagerflow._src.framework import dtypes, errors
from eagerflow._src.framework.scopes import device
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.framework.convert import convert_to_tensor
from eagerflow._src.module import DEFERRED_RESTORATIONS
from eagerflow._src.variables import Variable

# Attributes of Checkpoint itself, never dependencies.
_OWN_ATTRIBUTES = frozenset(("_children", "_save_counter", "_root", "_attached", DEFERRED_RESTORATIONS))


class Checkpoint:
    """Manages saving and restoring trackable values (`tf.train.Checkpoint`).

    `Checkpoint(model=module, optimizer=opt)` saves `model`, `optimizer` and everything
    they depend on, under keys that follow the dependency names
    (`model/layer/w/.ATTRIBUTES/VARIABLE_VALUE`), with TF's `_CHECKPOINTABLE_OBJECT_GRAPH`,
    so TensorFlow can restore what this writes and the reverse.

    With `root`, that object is the root of the saved graph (its own dependencies are
    saved at the top level, `layer/kernel/...`); the keyword arguments, `root` itself (a
    dependency of itself named "root") and `save_counter` are added to it for this
    checkpoint only, after its own dependencies, as TF does.

    Args:
      root: an optional trackable object to save as the root.
      **kwargs: trackable objects (variables, modules, optimizers, checkpoints, and
        lists, tuples or dicts of them), attached in sorted name order as TF does.

    Raises:
      ValueError: a keyword value is not trackable, or `root` already has a different
        dependency of a keyword's name (TF's messages).
    """

    def __init__(self, root: Any = None, **kwargs: Any) -> None:
        object.__setattr__(self, "_children", {})
        object.__setattr__(self, "_save_counter", None)
        object.__setattr__(self, "_root", root)
        object.__setattr__(self, "_attached", [] if root is not None else None)
        if root is not None:
            _check_trackable("root", root)
            kwargs["root"] = root
        for name, value in sorted(kwargs.items(), key=lambda item: item[0]):
            _check_trackable(name, value)
            setattr(self, name, value)
            if root is None:
                continue
            existing = dict(graph_lib.children(root)).get(name)
            if existing is None:
                self._attached.append((name, value))
            elif existing is not value:
                raise ValueError(f"Cannot create a Checkpoint with keyword argument {name} if root.{name} "
                                 "already exists.")

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        if name in _OWN_ATTRIBUTES:
            return
        if graph_lib.is_trackable(value):
            self._children[name] = value
        else:
            self._children.pop(name, None)
        hooks = self.__dict__.get(DEFERRED_RESTORATIONS)
        if hooks and name in hooks:
            hooks.pop(name)(value)

    def __delattr__(self, name: str) -> None:
        object.__delattr__(self, name)
        self._children.pop(name, None)

    def _graph_root(self) -> tuple[Any, list[tuple[str, Any]] | None]:
        """The root of the saved graph and the dependencies added to it for this checkpoint."""
        if self._root is None:
            return self, None
        return self._root, self._attached

    def _checkpoint_children(self) -> list[tuple[str, Any]]:
        """Dependencies in TF's order: keyword arguments sorted, later attributes, save_counter."""
        children = list(self._children.items())
        if self._save_counter is not None:
            children.append(("save_counter", self._save_counter))
        return children

    # -- save counter

    @property
    def save_counter(self) -> Variable:
        """An int64 variable counting `save` calls; numbers the checkpoints. Created lazily."""
        self._maybe_create_save_counter()
        return self._save_counter

    def _maybe_create_save_counter(self) -> None:
        if self._save_counter is None:
            with device("CPU:0"):
                counter = Variable(0, dtype=dtypes.int64, trainable=False, name="save_counter")
            object.__setattr__(self, "_save_counter", counter)
            if self._root is not None:
                self._attached.append(("save_counter", counter))
                run_deferred_restoration(self._root, "save_counter", counter)
            else:
                run_deferred_restoration(self, "save_counter", counter)

    # -- saving

    def write(self, file_prefix: str | os.PathLike, options: Any = None) -> str:
        """Writes the checkpoint `file_prefix.index` + `file_prefix.data-00000-of-00001`.

        Does not number the checkpoint or update the `checkpoint` state file (see `save`).
        Returns the prefix.
        """
        file_prefix = os.fspath(file_prefix)
        write_graph(*self._graph_root(), file_prefix=file_prefix)
        return file_prefix

    def save(self, file_prefix: str | os.PathLike, options: Any = None) -> str:
        """Saves to `f"{file_prefix}-{save_counter}"` after incrementing `save_counter`,
        and records it in the directory's `checkpoint` state file. Returns the path."""
        file_prefix = os.fspath(file_prefix)
        number = int(self.save_counter.assign_add(1).numpy())
        path = self.write(f"{file_prefix}-{number}")
        state_lib.update_checkpoint_state(os.path.dirname(path), path, [path], save_relative_paths=True)
        return path

    # -- restoring

    def read(self, save_path: str | os.PathLike, options: Any = None) -> restore_lib.CheckpointLoadStatus:
        """Restores from a checkpoint written by `write` (does not create `save_counter`).

        Every matched variable's dtype and shape is checked, and every tensor read and
        verified, before any variable is assigned. Values for objects not created yet are
        given to them when they are attached (deferred restoration).

        Returns:
          A status with `assert_consumed`, `assert_existing_objects_matched`,
          `assert_nontrivial_match` and `expect_partial`.

        Raises:
          NotFoundError: no checkpoint at `save_path`.
          DataLossError: a corrupt checkpoint (nothing is changed).
          InvalidArgumentError: a dtype mismatch (nothing is changed).
          ValueError: a shape mismatch (nothing is changed).
        """
        root, attached = self._graph_root()
        return restore_lib.restore(root, os.fspath(save_path), attached)

    def restore(self, save_path: str | os.PathLike | None, options: Any = None) -> Any:
        """Restores from `save_path` (a prefix such as `/tmp/ckpt-3`), like `read`, and
        creates `save_counter` so it is restored as well. `None` restores nothing."""
        if save_path is None:
            return restore_lib.InitializationOnlyStatus()
        original = save_path
        try:
            status = self.read(save_path, options)
        except errors.NotFoundError as e:
            raise errors.NotFoundError(
                None, None, f"Error when restoring from checkpoint or SavedModel at {original}: {e.message}\n"
                            "Please double-check that the path is correct. You may be missing the checkpoint "
                            "suffix (e.g. the '-1' in 'path/to/ckpt-1').") from None
        self._maybe_create_save_counter()
        return status

    def sync(self) -> None:
        """Nothing to wait for: saves are synchronous."""


def _check_trackable(name: str, value: Any) -> None:
    if not graph_lib.is_trackable(value):
        raise ValueError(
            f"`Checkpoint` was expecting {name} to be a trackable object (an object derived from "
            f"`Trackable`), got {value}. If you believe this object should be trackable (i.e. it is "
            "part of the TensorFlow Python API and manages state), please open an issue.")


def write_graph(root: Any, attached: list[tuple[str, Any]] | None = None, *, file_prefix: str) -> dict[str, Any]:
    """Writes the object graph of `root` (plus `attached` dependencies of the root) as a TF
    checkpoint; returns the saved key -> array."""
    graph = graph_lib.ObjectGraph(root, attached or ())
    tensors: dict[str, Any] = {}
    for found in graph.attributes():
        for _, _, values in found:
            for key, value in values.items():
                tensors[key] = _host_array(value)
    tensors[protos.OBJECT_GRAPH_PROTO_KEY] = graph.proto().SerializeToString()
    with ProgressBar("Saving checkpoint") as bar:
        write_bundle(file_prefix, tensors, progress=bar)
    return tensors


def _host_array(value: Any) -> Any:
    """A saved value (a variable, a tensor, anything convertible) as a host array."""
    variable = graph_lib.as_variable(value)
    if variable is not None:
        # A read-only host view, no copy: a value read from a variable never changes later.
        return np.asarray(variable.read_value())
    if not isinstance(value, Tensor):
        value = convert_to_tensor(value)
    return np.asarray(value)
