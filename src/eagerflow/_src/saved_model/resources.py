"""Lookup tables and assets in a SavedModel, as TF writes them (TF's `TrackableResource`, `Asset`).

Saving: a table is a `resource` node of the object graph with three function children, as TF's
`TrackableResource`: `_create_resource` (a FunctionDef making the table: `HashTableV2`,
`MutableHashTableV2`, ...), `_initialize` (filling a static table: `LookupTableImportV2` of its
keys and values, or `InitializeTableFromTextFileV2` of a vocabulary file, the file copied into
`assets/` and bound as an `asset` node) and `_destroy_resource`. Functions that use the table take
its handle as a bound `resource` argument (export_function.py). A mutable table's contents are
checkpoint values (`table-keys`, `table-values`), as TF saves them.

Loading: each `resource` node becomes a `RestoredResource`; its `_create_resource` FunctionDef runs
(the table op makes a fresh `TableState`), the checkpoint restores a mutable table's contents,
then `_initialize` runs, as TF's loader does. Asset paths are checked to stay inside the
SavedModel's `assets/` directory.
"""
from __future__ import annotations

import os
from typing import Any

import numpy as np

from eagerflow._src.checkpoint.trackable import Trackable
from eagerflow._src.framework import errors
from eagerflow._src.function import graph_def as _graph_def
from eagerflow._src.lookup import table_ops

ASSETS_DIRECTORY = "assets"
_DT_RESOURCE, _DT_STRING, _DT_INT32 = 20, 7, 3
_MAX_BUCKETS = 1 << 28
# TF's table-creating ops: a table handle from attrs (and DenseHashTable's two reserved keys).
CREATE_OPS = ("HashTableV2", "MutableHashTableV2", "MutableHashTableOfTensorsV2", "MutableDenseHashTableV2")
TABLE_OPS = ("LookupTableFindV2", "LookupTableImportV2", "LookupTableInsertV2", "LookupTableRemoveV2",
             "LookupTableSizeV2", "LookupTableExportV2", "InitializeTableFromTextFileV2", "InitializeTableV2")


def is_table(obj: Any) -> bool:
    """Whether `obj` is one of our tables owning a `TableState` (a TF TrackableResource)."""
    return isinstance(getattr(obj, "_state", None), table_ops.TableState) and hasattr(obj, "lookup")


class ResourceFunction:
    """A table's `_create_resource`, `_initialize` or `_destroy_resource` function node."""

    def __init__(self, table: Any, kind: str) -> None:
        self.table, self.kind = table, kind


class SaveableFunction:
    """A mutable table's `saveable_objects` save or restore function (a bare concrete function
    node TF's loader restores the table's checkpointed contents with)."""

    def __init__(self, table: Any, kind: str) -> None:
        self.table, self.kind = table, kind


class AssetFile:
    """An `asset` node: a file the SavedModel copies into `assets/`."""

    def __init__(self, path: str) -> None:
        self.path = path


class Asset(Trackable):
    """A file a SavedModel carries (`tf.saved_model.Asset`): saving copies it into `assets/`,
    and functions that use `asset_path` read the copy's path once loaded.

    Args:
      path: the file's path (a string or a scalar string tensor).
    """

    def __init__(self, path: Any) -> None:
        from eagerflow._src.framework.graph import init_scope

        if hasattr(path, "numpy"):
            path = path.numpy()
        self.path = path.decode() if isinstance(path, bytes) else os.fspath(path)
        import eagerflow as tf

        with init_scope(), tf.device("CPU:0"):
            self._asset_path = tf.constant(self.path)

    @property
    def asset_path(self) -> Any:
        """The file's path, a scalar string tensor."""
        return self._asset_path


class InitializerNode:
    """A table's `_initializer` (a user object; a text-file one has its file as `_filename`)."""

    def __init__(self, initializer: Any) -> None:
        self.initializer = initializer
        self.asset: AssetFile | None = None
        filename = getattr(initializer, "_filename", None)
        if filename is not None:
            path = filename.numpy() if hasattr(filename, "numpy") else filename
            path = path.decode() if isinstance(path, bytes) else os.fspath(path)
            self.asset = AssetFile(path)


def table_children(table: Any) -> list[tuple[str, Any]]:
    """The children TF gives a table's `resource` node."""
    kids: list[tuple[str, Any]] = []
    initializer = getattr(table, "_initializer", None)
    if initializer is not None:
        kids.append(("_initializer", InitializerNode(initializer)))
    kids += [(f"_{kind}", ResourceFunction(table, kind))
             for kind in ("create_resource", "initialize", "destroy_resource")]
    return kids


def _tf_dtype(np_dtype: Any) -> int:
    return _DT_STRING if np.dtype(np_dtype) == object else _graph_def._dtype_enum(np.dtype(np_dtype))


def _const(fdef: Any, name: str, array: np.ndarray) -> str:
    node = fdef.node_def.add(name=name, op="Const")
    node.attr["dtype"].type = _tf_dtype(array.dtype)
    _graph_def._tensor_proto(node.attr["value"].tensor, array)
    return f"{name}:output:0"


def _return_one(fdef: Any, after: list[str]) -> None:
    """TF's resource functions return the int32 scalar 1 once their ops have run."""
    one = _const(fdef, "Const", np.array(1, np.int32))
    node = fdef.node_def.add(name="Identity", op="Identity")
    node.input.append(one)
    node.input.extend(f"^{a}" for a in after)
    node.attr["T"].type = _DT_INT32
    fdef.signature.output_arg.add(name="identity", type=_DT_INT32)
    fdef.ret["identity"] = "Identity:output:0"


def key_np_dtype(table: Any) -> Any:
    from eagerflow._src.lookup.tables import _np_dtype

    return _np_dtype(table.key_dtype)


def create_function(fdef: Any, table: Any, shared_name: str) -> None:
    """`_create_resource`: the op that makes `table`'s kind of table, returning its handle."""
    state = table._state
    sig = fdef.signature
    key_enum, value_enum = _tf_dtype(key_np_dtype(table)), _tf_dtype(state.np_dtype)
    if state.static:
        op = "HashTableV2"
    elif state.empty_key is not None:
        op = "MutableDenseHashTableV2"
    elif state.value_shape:
        op = "MutableHashTableOfTensorsV2"
    else:
        op = "MutableHashTableV2"
    node = fdef.node_def.add(name="hash_table", op=op)
    if op == "MutableDenseHashTableV2":
        key_dtype = key_np_dtype(table)
        node.input.append(_const(fdef, "empty_key", np.asarray(state.empty_key, dtype=key_dtype)))
        node.input.append(_const(fdef, "deleted_key", np.asarray(state.deleted_key, dtype=key_dtype)))
        node.attr["initial_num_buckets"].i = int(state.num_buckets)
        node.attr["max_load_factor"].f = 0.8
    node.attr["key_dtype"].type = key_enum
    node.attr["value_dtype"].type = value_enum
    node.attr["shared_name"].s = shared_name.encode()
    node.attr["use_node_name_sharing"].b = False
    if op in ("MutableHashTableOfTensorsV2", "MutableDenseHashTableV2"):
        _graph_def._set_shape(node.attr["value_shape"].shape, tuple(state.value_shape))
    sig.output_arg.add(name="identity", type=_DT_RESOURCE)
    fdef.ret["identity"] = "hash_table:table_handle:0"
    sig.is_stateful = True


def initialize_function(fdef: Any, table: Any, asset: AssetFile | None) -> None:
    """`_initialize`: fills a static table from its initializer's keys and values or its file."""
    sig = fdef.signature
    sig.input_arg.add(name="table_handle", type=_DT_RESOURCE)
    initializer = getattr(table, "_initializer", None)
    after: list[str] = []
    if asset is not None:
        sig.input_arg.add(name="asset_path", type=_DT_STRING)
        node = fdef.node_def.add(name="text_file_init", op="InitializeTableFromTextFileV2")
        node.input.extend(["table_handle", "asset_path"])
        node.attr["key_index"].i = int(initializer._key_index)
        node.attr["value_index"].i = int(initializer._value_index)
        node.attr["vocab_size"].i = -1 if initializer._vocab_size is None else int(initializer._vocab_size)
        node.attr["delimiter"].s = initializer._delimiter.encode()
        node.attr["offset"].i = int(initializer._offset)
        after.append(node.name)
    elif initializer is not None and hasattr(initializer, "_keys"):
        keys = np.asarray(initializer._keys.numpy())
        values = np.asarray(initializer._values.numpy())
        node = fdef.node_def.add(name="key_value_init", op="LookupTableImportV2")
        node.input.extend(["table_handle", _const(fdef, "keys", keys), _const(fdef, "values", values)])
        node.attr["Tin"].type = _tf_dtype(keys.dtype)
        node.attr["Tout"].type = _tf_dtype(values.dtype)
        after.append(node.name)
    for name in after:
        sig.control_output.append(name)
        fdef.control_ret[name] = name
    sig.is_stateful = bool(after)
    _return_one(fdef, after)


def save_function(fdef: Any, table: Any) -> None:
    """TF's legacy saveable `save_fn`: (name, slice spec, tensor) of the keys, then of the values."""
    sig = fdef.signature
    sig.input_arg.add(name="checkpoint_key", type=_DT_STRING)
    sig.input_arg.add(name="table_handle", type=_DT_RESOURCE)
    export = fdef.node_def.add(name="export", op="LookupTableExportV2")
    export.input.append("table_handle")
    export.attr["Tkeys"].type = _tf_dtype(key_np_dtype(table))
    export.attr["Tvalues"].type = _tf_dtype(table._state.np_dtype)
    k = 0
    for suffix, output, dtype in (("-keys", "keys", key_np_dtype(table)), ("-values", "values", table._state.np_dtype)):
        add = fdef.node_def.add(name=f"add{suffix}", op="Add")
        add.input.extend(["checkpoint_key", _const(fdef, f"suffix{suffix}", np.array(suffix.encode(), object))])
        add.attr["T"].type = _DT_STRING
        refs = [(f"add{suffix}:z:0", _DT_STRING), (_const(fdef, f"slice{suffix}", np.array(b"", object)), _DT_STRING),
                (f"export:{output}:0", _tf_dtype(dtype))]
        for ref, enum in refs:
            name = f"identity_{k}" if k else "identity"
            sig.output_arg.add(name=name, type=enum)
            fdef.ret[name] = ref
            k += 1
    sig.is_stateful = True


def restore_function(fdef: Any, table: Any) -> None:
    """TF's legacy saveable `restore_fn`: imports the restored keys and values into the table."""
    sig = fdef.signature
    sig.input_arg.add(name="restored_tensors_0", type=_tf_dtype(key_np_dtype(table)))
    sig.input_arg.add(name="restored_tensors_1", type=_tf_dtype(table._state.np_dtype))
    sig.input_arg.add(name="table_handle", type=_DT_RESOURCE)
    node = fdef.node_def.add(name="table_restore", op="LookupTableImportV2")
    node.input.extend(["table_handle", "restored_tensors_0", "restored_tensors_1"])
    node.attr["Tin"].type = _tf_dtype(key_np_dtype(table))
    node.attr["Tout"].type = _tf_dtype(table._state.np_dtype)
    sig.control_output.append(node.name)
    fdef.control_ret[node.name] = node.name
    sig.is_stateful = True
    _return_one(fdef, [node.name])


def destroy_function(fdef: Any) -> None:
    """`_destroy_resource`: nothing to do (TF's also only returns 1)."""
    _return_one(fdef, [])


def copy_assets(assets: list[AssetFile], export_dir: str) -> dict[int, str]:
    """Copies each asset file into `assets/`; returns id(asset) -> its file name there."""
    import shutil

    names: dict[int, str] = {}
    used: dict[str, str] = {}
    target = os.path.join(export_dir, ASSETS_DIRECTORY)
    for asset in assets:
        source = os.path.abspath(asset.path)
        base = os.path.basename(source)
        name, k = base, 0
        while name in used and used[name] != source:
            k += 1
            name = f"{base}_{k}"
        if name not in used:
            used[name] = source
            try:
                shutil.copyfile(source, os.path.join(target, name))
            except FileNotFoundError:
                raise errors.NotFoundError(None, None, f"{asset.path}; No such file or directory") from None
        names[id(asset)] = name
    return names


# --- loading ---------------------------------------------------------------------------------------
def asset_path(export_dir: str, filename: str) -> str:
    """The path of a saved asset, refused unless it names a file inside `assets/`."""
    assets = os.path.realpath(os.path.join(export_dir, ASSETS_DIRECTORY))
    if not filename or os.path.isabs(filename) or "\x00" in filename:
        raise errors.InvalidArgumentError(None, None, f"Asset file name {filename!r} is not a relative path.")
    path = os.path.realpath(os.path.join(assets, filename))
    if os.path.commonpath([assets, path]) != assets or path == assets:
        raise errors.InvalidArgumentError(
            None, None, f"Asset file name {filename!r} points outside the SavedModel's assets directory.")
    return path


def make_table(op_type: str, ins: list, attrs: dict) -> table_ops.TableState:
    """Runs a table-creating op: a fresh, empty `TableState`."""
    def dtype(name: str) -> Any:
        value = attrs.get(name)
        if value is None:
            raise errors.InvalidArgumentError(None, None, f"{op_type} has no '{name}' attr.")
        return _as_np(value)

    key_dtype, value_dtype = dtype("key_dtype"), dtype("value_dtype")
    shape = attrs.get("value_shape") or ()
    if any(d is None or d < 0 for d in shape):
        raise errors.InvalidArgumentError(None, None, f"{op_type}'s value_shape must be fully defined.")
    if op_type == "HashTableV2":
        state = table_ops.TableState(value_dtype, static=True)
    elif op_type == "MutableDenseHashTableV2":
        if len(ins) != 2:
            raise errors.InvalidArgumentError(None, None, "MutableDenseHashTableV2 takes empty_key and deleted_key.")
        empty, deleted = (np.asarray(table_ops._host(getattr(x, "_array", x))) for x in ins)
        if np.array_equal(empty, deleted):
            raise errors.InvalidArgumentError(None, None, "empty_key and deleted_key cannot be equal")
        buckets = int(attrs.get("initial_num_buckets", 131072) or 131072)
        table_ops.check_num_buckets(buckets)
        if buckets > _MAX_BUCKETS:  # a hostile file must not make us allocate without bound
            raise errors.InvalidArgumentError(None, None, f"MutableDenseHashTableV2 asks for {buckets} buckets.")
        state = table_ops.TableState(value_dtype, shape, empty_key=empty.tolist(), deleted_key=deleted.tolist(),
                                     num_buckets=buckets)
    else:
        state = table_ops.TableState(value_dtype, shape if op_type == "MutableHashTableOfTensorsV2" else ())
    state.key_np_dtype = key_dtype
    return state


def is_handle(x: Any) -> bool:
    """Whether `x` is a loaded table (or its state) where a graph passes a resource handle."""
    return isinstance(x, table_ops.TableState) or isinstance(getattr(x, "_state", None), table_ops.TableState)


def _as_np(dtype: Any) -> Any:
    dtype = np.dtype(dtype)
    return np.dtype(object) if dtype.kind in "OSU" else dtype


def _state_of(handle: Any, op_type: str) -> table_ops.TableState:
    state = handle if isinstance(handle, table_ops.TableState) else getattr(handle, "_state", None)
    if not isinstance(state, table_ops.TableState):
        raise errors.InvalidArgumentError(None, None, f"{op_type}'s table_handle is not a lookup table.")
    return state


def run_table_op(op_type: str, ins: list, attrs: dict) -> list:
    """Runs one of TF's table ops on a loaded table (its first input) with eagerflow's kernels."""
    from eagerflow._src.framework.execute import execute

    if not ins:
        raise errors.InvalidArgumentError(None, None, f"{op_type} takes a table handle.")
    state = _state_of(ins[0], op_type)
    rest = list(ins[1:])
    table = {"table": state}
    if op_type == "LookupTableFindV2":
        return [execute(table_ops.FIND, rest, table)]
    if op_type == "LookupTableSizeV2":
        return [execute(table_ops.SIZE, (), table)]
    if op_type == "LookupTableExportV2":
        key_dtype = getattr(state, "key_np_dtype", None)
        if key_dtype is None:
            key_dtype = _as_np(attrs.get("Tkeys", np.dtype(object)))
        return list(execute(table_ops.EXPORT, (), {**table, "key_dtype": key_dtype}))
    if op_type in ("LookupTableImportV2", "InitializeTableV2"):
        execute(table_ops.IMPORT, rest, table)
        return []
    if op_type == "LookupTableInsertV2":
        execute(table_ops.INSERT, rest, table)
        return []
    if op_type == "LookupTableRemoveV2":
        execute(table_ops.REMOVE, rest, table)
        return []
    # InitializeTableFromTextFileV2
    key_dtype = getattr(state, "key_np_dtype", None)
    if key_dtype is None:
        raise errors.InvalidArgumentError(None, None, "InitializeTableFromTextFileV2 needs a table made by the "
                                                      "SavedModel's own creator function.")
    keys, values = execute(table_ops.READ_TEXT_FILE, rest, {
        "key_index": int(attrs.get("key_index", -2)), "value_index": int(attrs.get("value_index", -1)),
        "vocab_size": int(attrs.get("vocab_size", -1)),
        "delimiter": str(attrs.get("delimiter", "\t")),
        "offset": int(attrs.get("offset", 0)), "key_dtype": key_dtype, "value_dtype": state.np_dtype})
    execute(table_ops.IMPORT, (keys, values), table)
    return []
