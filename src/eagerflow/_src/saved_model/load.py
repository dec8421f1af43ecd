"""`tf.saved_model.load`: rebuilds a SavedModel's objects with eagerflow's variables and functions.

Each object of the SavedObjectGraph becomes: a `tf.Variable` (values read from the checkpoint
in `variables/`, matched by node id as TF writes them), a restored function (a `tf.function`
per saved concrete function, whose Python body runs the FunctionDef's nodes with our ops:
import_function.py), or a plain trackable object carrying its children as attributes. The
root's `signatures` map returns dicts of tensors and takes keyword arguments only, as TF's.
The files are untrusted: parsing errors raise TF's error classes; nothing is executed but ops.
"""
from __future__ import annotations

import os
from typing import Any

import numpy as np

from eagerflow._src.checkpoint.formats import protos as checkpoint_protos
from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.lookup import table_ops
from eagerflow._src.module import Module
from eagerflow._src.saved_model import protos, resources, structure
from eagerflow._src.saved_model.import_function import FunctionRunner
from eagerflow._src.saved_model.resource import TrackableResource
from eagerflow._src.saved_model.api import SAVED_MODEL_FILENAME_PB, VARIABLES_DIRECTORY, VARIABLES_FILENAME


class _UserObject(Module):
    """A loaded object: its saved children as attributes (TF's `_UserObject`)."""

    def __init__(self) -> None:
        super().__init__(name=None)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        call = self.__dict__.get("__call__")
        if call is None:
            raise TypeError(f"'{type(self).__name__}' object is not callable")
        return call(*args, **kwargs)


class RestoredResource(_UserObject, TrackableResource):
    """A loaded lookup table (TF's `RestoredResource`): its `_create_resource`, `_initialize` and
    `_destroy_resource` functions as attributes; `resource_handle` the table made on load."""

    def __init__(self, device: str = "") -> None:
        super().__init__()
        self._state = None
        self._resource_device = device

    @property
    def resource_handle(self) -> Any:
        return self._state


class _SignatureMap(dict):
    """`loaded.signatures`: signature key -> concrete function taking keyword arguments."""

    def __init__(self) -> None:
        super().__init__()


def _flat_specs(signature: Any) -> list:
    import eagerflow as tf

    return [s for s in tf.nest.flatten(signature) if isinstance(s, tf.TensorSpec)]


class _FunctionBody:
    """The Python body of a restored function: runs the FunctionDef, packs the outputs. An object
    per function (not a closure), so tf.function's retracing warning, which groups functions by
    their code, counts each restored function apart, as TF's own restored functions are."""

    def __init__(self, name: str, runner: FunctionRunner, bound: list, output_signature: Any,
                 out_specs: list) -> None:
        self.name, self.runner, self.bound = name, runner, bound
        self.output_signature, self.out_specs = output_signature, out_specs

    def __call__(self, *flat: Any) -> Any:
        import eagerflow as tf

        outputs = self.runner.run(self.name, list(flat) + list(self.bound))
        if not self.out_specs:
            return outputs
        it = iter(outputs)
        filled = [next(it) if isinstance(s, tf.TensorSpec) else s for s in self.out_specs]
        return tf.nest.pack_sequence_as(self.output_signature, filled)


class RestoredConcreteFunction:
    """One saved concrete function: a `tf.function` over its flat inputs (specs from the file)."""

    def __init__(self, name: str, runner: FunctionRunner, bound: list, input_signature: Any,
                 output_signature: Any) -> None:
        import eagerflow as tf

        self.name = name
        self._input_signature = input_signature
        self._output_signature = output_signature
        specs = _flat_specs(input_signature)
        self._specs = specs
        out_specs = tf.nest.flatten(output_signature)

        body = _FunctionBody(name, runner, bound, output_signature, out_specs)
        self._function = tf.function(body, input_signature=[
            tf.TensorSpec(s.shape, s.dtype, name=s.name) for s in specs], autograph=False)
        self._concrete = None

    @property
    def structured_input_signature(self) -> Any:
        return self._input_signature

    @property
    def structured_outputs(self) -> Any:
        return self._output_signature

    def get_concrete_function(self) -> Any:
        if self._concrete is None:
            self._concrete = self._function.get_concrete_function()
        return self._concrete

    @property
    def graph(self) -> Any:
        return self.get_concrete_function().graph

    @property
    def inputs(self) -> list:
        return self.get_concrete_function().inputs

    @property
    def outputs(self) -> list:
        return self.get_concrete_function().outputs

    @property
    def variables(self) -> tuple:
        return self.get_concrete_function().variables

    def _call_flat(self, flat: list) -> Any:
        return self.get_concrete_function()(*flat)

    def matches(self, args: tuple, kwargs: dict) -> list | None:
        """The flat tensors of a call when it fits this function's input signature, else None."""
        import eagerflow as tf

        sig_args, sig_kwargs = self._input_signature
        if len(args) > len(sig_args):
            return None
        # fill positional parameters from keywords by the specs' names
        args = list(args)
        kwargs = dict(kwargs)
        names = [s.name if isinstance(s, tf.TensorSpec) else None for s in sig_args]
        for i in range(len(args), len(sig_args)):
            name = names[i]
            if name is not None and name in kwargs:
                args.append(kwargs.pop(name))
            else:
                return None
        if set(kwargs) != set(sig_kwargs):
            return None
        try:
            flat_sig = tf.nest.flatten((tuple(sig_args), dict(sig_kwargs)))
            flat_call = tf.nest.flatten((tuple(args), kwargs))
        except (TypeError, ValueError):
            return None
        if len(flat_sig) != len(flat_call):
            return None
        tensors = []
        for spec, value in zip(flat_sig, flat_call):
            if isinstance(spec, tf.TensorSpec):
                try:
                    t = tf.convert_to_tensor(value, dtype_hint=spec.dtype)
                except (TypeError, ValueError):
                    return None
                if t.dtype != spec.dtype or not spec.shape.is_compatible_with(t.shape):
                    return None
                tensors.append(t)
            elif spec != value:
                return None
        return tensors

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        tensors = self.matches(args, kwargs)
        if tensors is None:
            raise TypeError(f"Could not find a saved concrete function {self.name} matching the arguments "
                            f"{args!r}, {kwargs!r}; its signature is {self._input_signature!r}.")
        return self.get_concrete_function()(*tensors)


class RestoredSignature(RestoredConcreteFunction):
    """A signature function: keyword arguments only, returns a dict."""

    keywords: list[str] = []
    allowed_positional = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # TF binds up to `allowed_positional_arguments` positional arguments to the keywords in order
        if len(args) > self.allowed_positional:
            raise TypeError(f"Binding inputs to tf.function failed due to `too many positional arguments`. "
                            f"signature_wrapper takes {self.allowed_positional} positional arguments, got "
                            f"{len(args)}.")
        for name, value in zip(self.keywords, args):
            if name in kwargs:
                raise TypeError(f"Binding inputs to tf.function failed: got multiple values for argument '{name}'.")
            kwargs[name] = value
        return super().__call__(**kwargs)


class RestoredFunction:
    """A saved `tf.function`: calls the first of its concrete functions whose signature fits."""

    def __init__(self, concrete: list[RestoredConcreteFunction], input_signature: Any) -> None:
        self._concrete = concrete
        self.input_signature = input_signature

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not self._concrete:
            raise ValueError("Found zero restored functions for caller function.")
        for concrete in self._concrete:
            tensors = concrete.matches(args, kwargs)
            if tensors is not None:
                return concrete.get_concrete_function()(*tensors)
        raise ValueError(
            "Could not find matching concrete function to call loaded from the SavedModel. Got:\n"
            f"  Positional arguments ({len(args)} total): {args!r}\n  Keyword arguments: {kwargs!r}\n\n"
            f"Expected these arguments to match one of the following {len(self._concrete)} option(s):\n"
            + "\n".join(f"Option {i + 1}: {c._input_signature!r}" for i, c in enumerate(self._concrete)))

    def get_concrete_function(self, *args: Any, **kwargs: Any) -> Any:
        if not args and not kwargs and len(self._concrete) == 1:
            return self._concrete[0].get_concrete_function()
        for concrete in self._concrete:
            if concrete.matches(args, kwargs) is not None or not args and not kwargs:
                return concrete.get_concrete_function()
        raise ValueError("No saved concrete function matches these arguments.")

    def _list_all_concrete_functions(self) -> list:
        return [c.get_concrete_function() for c in self._concrete]


def _read(path: str, what: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        raise errors.NotFoundError(None, None, f"{what} not found at {path}") from None
    except OSError as e:
        raise errors.PermissionDeniedError(None, None, f"Could not read {path}: {e}") from None


def load(export_dir: str | os.PathLike, tags: Any = None, options: Any = None) -> Any:
    """`tf.saved_model.load` (documented in api.py)."""
    export_dir = os.fspath(export_dir)
    path = os.path.join(export_dir, SAVED_MODEL_FILENAME_PB)
    if not os.path.isfile(path):
        raise OSError(f"SavedModel file does not exist at: {export_dir}{os.sep}"
                      f"{{saved_model.pbtxt|saved_model.pb}}")
    model = protos.parse("SavedModel", _read(path, "SavedModel"), "SavedModel")
    if not model.meta_graphs:
        raise errors.InvalidArgumentError(None, None, f"SavedModel at {export_dir} holds no MetaGraph.")
    meta = model.meta_graphs[0]
    if tags is not None:
        wanted = {tags} if isinstance(tags, str) else set(tags)
        if wanted != set(meta.meta_info_def.tags):
            raise ValueError(f"Got an incompatible argument to `tags`: {sorted(wanted)}. The SavedModel at "
                             f"{export_dir} has one MetaGraph with tags {list(meta.meta_info_def.tags)}. You may "
                             "omit the argument, pass 'None', or pass matching tags.")
    graph = meta.object_graph_def
    if not graph.nodes:
        raise errors.UnimplementedError(None, None, "eagerflow loads TF2 SavedModels only (this one has no "
                                                    "object graph: a TF1 SavedModel).")
    loader = _Loader(export_dir, meta)
    root = loader.root
    if getattr(options, "experimental_load_function_aliases", False) and isinstance(root, _UserObject):
        aliases: dict[str, Any] = {}
        for name, alias in meta.meta_info_def.function_aliases.items():
            concrete = loader.concrete_by_name.get(name) or loader._concrete(name)
            if alias in aliases:
                found = aliases[alias]
                aliases[alias] = (found if isinstance(found, list) else [found]) + [concrete]
            else:
                aliases[alias] = concrete
        object.__setattr__(root, "function_aliases", aliases)
    return root


class _Loader:
    def __init__(self, export_dir: str, meta: Any) -> None:
        import eagerflow as tf

        self.graph = meta.object_graph_def
        library = {f.signature.name: f for f in meta.graph_def.library.function}
        self.runner = FunctionRunner(library)
        self.concrete_by_name: dict[str, RestoredConcreteFunction] = {}
        self._graph_nodes: dict[str, Any] | None = None
        nodes = self.graph.nodes
        n = len(nodes)
        self.objects: list[Any] = [None] * n
        for i, node in enumerate(nodes):
            kind = node.WhichOneof("kind")
            if kind == "variable":
                v = node.variable
                dtype = _dtypes.as_dtype(v.dtype)
                shape = tuple(max(d.size, 0) for d in v.shape.dim)
                with tf.device("CPU:0"):
                    self.objects[i] = tf.Variable(np.zeros(shape, dtype._np), trainable=v.trainable,
                                                  name=v.name or None)
            elif kind == "user_object" and node.user_object.identifier == "signature_map":
                self.objects[i] = _SignatureMap()
            elif kind == "user_object" and node.user_object.identifier == "trackable_list_wrapper":
                self.objects[i] = []
            elif kind == "user_object" and node.user_object.identifier == "trackable_dict_wrapper":
                self.objects[i] = {}
            elif kind in ("function", "bare_concrete_function"):
                continue
            elif kind == "constant":  # a captured constant: a Const node of the MetaGraph's graph
                self.objects[i] = self._constant(meta, node.constant.operation)
            elif kind == "resource":
                self.objects[i] = RestoredResource(node.resource.device)
            elif kind == "asset":
                index = node.asset.asset_file_def_index
                if not 0 <= index < len(meta.asset_file_def):
                    raise errors.InvalidArgumentError(None, None, f"SavedModel node {i} names asset {index}, "
                                                                  f"outside the {len(meta.asset_file_def)} assets.")
                self.objects[i] = resources.Asset(resources.asset_path(export_dir, meta.asset_file_def[index].filename))
            else:
                self.objects[i] = _UserObject()
        self._restore_variables(export_dir)
        signature_maps = {i for i, o in enumerate(self.objects) if isinstance(o, _SignatureMap)}
        sig_children = {c.node_id for i in signature_maps for c in nodes[i].children}
        for i, node in enumerate(nodes):
            kind = node.WhichOneof("kind")
            if kind == "function":
                concretes = [self._concrete(name) for name in node.function.concrete_functions]
                spec = node.function.function_spec
                signature = structure.decode(spec.input_signature) if spec.HasField("input_signature") else None
                self.objects[i] = RestoredFunction(concretes, signature)
            elif kind == "bare_concrete_function":
                bare = node.bare_concrete_function
                restored = self._concrete(bare.concrete_function_name, signature=i in sig_children)
                if isinstance(restored, RestoredSignature):
                    restored.keywords = list(bare.argument_keywords)
                    restored.allowed_positional = min(int(bare.allowed_positional_arguments), len(restored.keywords))
                self.objects[i] = restored
        for i, node in enumerate(nodes):
            parent = self.objects[i]
            for ref in node.children:
                if not 0 <= ref.node_id < n:
                    raise errors.InvalidArgumentError(None, None, f"SavedModel node {i} names child {ref.node_id}, "
                                                                  f"outside the {n} nodes.")
                child = self.objects[ref.node_id]
                if child is None:
                    continue
                if isinstance(parent, dict):
                    parent[ref.local_name] = child
                elif isinstance(parent, list):
                    if ref.local_name.isdigit():
                        parent.append(child)
                elif isinstance(parent, _UserObject):
                    try:
                        object.__setattr__(parent, ref.local_name, child)
                    except (AttributeError, TypeError):
                        pass
        self._make_resources(export_dir)
        self.root = self.objects[0]
        if isinstance(self.root, _UserObject) and not hasattr(self.root, "signatures"):
            object.__setattr__(self.root, "signatures", _SignatureMap())

    def _concrete(self, name: str, signature: bool = False) -> RestoredConcreteFunction:
        entry = self.graph.concrete_functions.get(name)
        if entry is None:
            raise errors.NotFoundError(None, None, f"Concrete function {name} is not described in the SavedModel.")
        bound = []
        for node_id in entry.bound_inputs:
            if not 0 <= node_id < len(self.objects) or self.objects[node_id] is None:
                raise errors.UnimplementedError(
                    None, None, f"Function {name} captures SavedModel node {node_id}, which eagerflow cannot restore.")
            obj = self.objects[node_id]
            bound.append(obj.asset_path if isinstance(obj, resources.Asset) else obj)
        in_sig = structure.decode(entry.canonicalized_input_signature)
        if not (isinstance(in_sig, tuple) and len(in_sig) == 2):
            in_sig = (tuple(in_sig) if isinstance(in_sig, (list, tuple)) else (), {})
        out_sig = structure.decode(entry.output_signature)
        cls = RestoredSignature if signature else RestoredConcreteFunction
        restored = cls(name, self.runner, bound, (tuple(in_sig[0]), dict(in_sig[1] or {})), out_sig)
        if not signature:
            self.concrete_by_name.setdefault(name, restored)
        return restored

    def _constant(self, meta: Any, operation: str) -> Any:
        import eagerflow as tf
        from eagerflow._src.saved_model.import_function import tensor_value

        if self._graph_nodes is None:
            self._graph_nodes = {n.name: n for n in meta.graph_def.node}
        node = self._graph_nodes.get(operation)
        if node is None or node.op != "Const" or "value" not in node.attr:
            raise errors.InvalidArgumentError(None, None, f"SavedModel constant {operation!r} is not a Const node "
                                                          "of its graph.")
        with tf.device("CPU:0"):
            return tf.identity(tensor_value(node.attr["value"].tensor))

    def _resource_function(self, node: Any, name: str) -> tuple[str, list] | None:
        """The FunctionDef name and bound inputs of a resource node's function child `name`."""
        for ref in node.children:
            if ref.local_name != name:
                continue
            child = self.graph.nodes[ref.node_id]
            if child.WhichOneof("kind") != "function" or not child.function.concrete_functions:
                return None
            fname = child.function.concrete_functions[0]
            entry = self.graph.concrete_functions.get(fname)
            ids = list(entry.bound_inputs) if entry is not None else []
            for node_id in ids:
                if not 0 <= node_id < len(self.objects) or self.objects[node_id] is None:
                    raise errors.UnimplementedError(
                        None, None, f"Function {fname} captures SavedModel node {node_id}, which eagerflow cannot "
                                    "restore.")
            bound = [self.objects[k].asset_path if isinstance(self.objects[k], resources.Asset) else self.objects[k]
                     for k in ids]
            return fname, bound
        return None

    def _make_resources(self, export_dir: str) -> None:
        """Creates each table (its `_create_resource`), restores a mutable table's checkpointed
        contents, then runs its `_initialize`, as TF's loader does."""
        tables = [(i, o) for i, o in enumerate(self.objects) if isinstance(o, RestoredResource)]
        if not tables:
            return
        for i, table in tables:
            found = self._resource_function(self.graph.nodes[i], "_create_resource")
            if found is None:
                raise errors.UnimplementedError(None, None, f"SavedModel resource node {i} has no _create_resource "
                                                            "function.")
            outputs = self.runner.run(found[0], found[1])
            if len(outputs) != 1 or not isinstance(outputs[0], table_ops.TableState):
                raise errors.UnimplementedError(
                    None, None, f"SavedModel resource node {i} creates a resource other than a lookup table.")
            table._state = outputs[0]
        self._restore_tables(export_dir, tables)
        for i, table in tables:
            found = self._resource_function(self.graph.nodes[i], "_initialize")
            if found is not None:
                self.runner.run(found[0], found[1])

    def _restore_tables(self, export_dir: str, tables: list) -> None:
        import eagerflow as tf
        from eagerflow._src.checkpoint.reader import CheckpointReader
        from eagerflow._src.framework.execute import execute

        prefix = os.path.join(export_dir, VARIABLES_DIRECTORY, VARIABLES_FILENAME)
        if not os.path.exists(prefix + ".index"):
            return
        reader = CheckpointReader(prefix)
        ckpt_graph = checkpoint_protos.parse_object_graph(
            reader.get_tensor(checkpoint_protos.OBJECT_GRAPH_PROTO_KEY))
        for i, table in tables:
            if i >= len(ckpt_graph.nodes):
                continue
            for attribute in ckpt_graph.nodes[i].attributes:
                key = attribute.checkpoint_key
                if attribute.name != "table" or not reader.has_tensor(key + "-keys"):
                    continue
                keys = reader.get_tensor(key + "-keys")
                values = reader.get_tensor(key + "-values")
                with tf.device("CPU:0"):
                    keys, values = tf.constant(np.asarray(keys)), tf.constant(np.asarray(values))
                execute(table_ops.IMPORT, (keys, values), {"table": table._state})

    def _restore_variables(self, export_dir: str) -> None:
        from eagerflow._src.checkpoint.reader import CheckpointReader

        variables = [(i, o) for i, o in enumerate(self.objects) if o is not None and hasattr(o, "assign")
                     and not isinstance(o, (dict, list))]
        if not variables:
            return
        prefix = os.path.join(export_dir, VARIABLES_DIRECTORY, VARIABLES_FILENAME)
        reader = CheckpointReader(prefix)
        ckpt_graph = checkpoint_protos.parse_object_graph(
            reader.get_tensor(checkpoint_protos.OBJECT_GRAPH_PROTO_KEY))
        values = []
        for i, variable in variables:
            if i >= len(ckpt_graph.nodes):
                raise errors.DataLossError(None, None, "The SavedModel's checkpoint has fewer objects than its graph.")
            keys = [a.checkpoint_key for a in ckpt_graph.nodes[i].attributes if a.name == "VARIABLE_VALUE"]
            if not keys:
                continue
            value = np.asarray(reader.get_tensor(keys[0]))
            if tuple(value.shape) != tuple(variable.shape):
                raise errors.DataLossError(None, None, f"Variable {variable.name} has shape {tuple(variable.shape)} "
                                                       f"in the SavedModel but {value.shape} in its checkpoint.")
            values.append((variable, value))
        for variable, value in values:
            variable.assign(value.astype(variable.dtype._np, copy=False))
