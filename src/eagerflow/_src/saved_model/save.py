"""`tf.saved_model.save`: writes an object with its variables and traced functions in TF's format.

The directory holds `saved_model.pb` (a `SavedModel` with one `MetaGraphDef` tagged "serve":
the GraphDef's library holds each concrete function as a FunctionDef (export_function.py), the
`SavedObjectGraph` describes the objects, `signature_def` the serving signatures),
`variables/variables.{index,data-00000-of-00001}` (a TF checkpoint whose object graph has the
same node ids as the SavedObjectGraph, as TF writes it) and `fingerprint.pb`.

Objects walked from the root, breadth first: checkpoint dependencies (variables, modules,
lists, dicts) and, on modules, `tf.function` attributes (a method decorated on the class is
bound to the instance) and concrete functions; the root gains `signatures`.
"""
from __future__ import annotations

import hashlib
import os
from typing import Any

import numpy as np

from eagerflow._src.checkpoint import graph as graph_lib
from eagerflow._src.checkpoint.formats import protos as checkpoint_protos
from eagerflow._src.checkpoint.formats.tensor_bundle import write_bundle
from eagerflow._src.checkpoint.trackable import Trackable
from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.function import graph_def as _graph_def
from eagerflow._src.function.concrete_function import ConcreteFunction
from eagerflow._src.function.polymorphic_function import Function
from eagerflow._src.module import Module
from eagerflow._src.saved_model import protos, resources, structure
from eagerflow._src.saved_model.api import (
    DEFAULT_SERVING_SIGNATURE_DEF_KEY, PREDICT_METHOD_NAME, SAVED_MODEL_FILENAME_PB, SERVE_TAG,
    VARIABLES_DIRECTORY, VARIABLES_FILENAME)
from eagerflow._src.saved_model.export_function import FunctionWriter, unique_name
from eagerflow._src.variables import Variable

FINGERPRINT_FILENAME = "fingerprint.pb"
_TF_VERSION = "2.21.0"


class _SignatureMap:
    """The root's `signatures` dependency: signature name -> concrete function."""

    def __init__(self, functions: dict[str, Any]) -> None:
        self.functions = functions


def _function_children(obj: Any) -> list[tuple[str, Any]]:
    """tf.function and concrete-function attributes of a module, as TF's AutoTrackable lists them."""
    found: list[tuple[str, Any]] = []
    seen = set()
    names = list(vars(obj)) + [n for n in dir(type(obj)) if not n.startswith("__") or n == "__call__"]
    for name in names:
        if name in seen:
            continue
        seen.add(name)
        raw = vars(obj).get(name, getattr(type(obj), name, None))
        if not isinstance(raw, (Function, ConcreteFunction)):
            continue
        found.append((name, getattr(obj, name)))
    return found


def _children(obj: Any) -> list[tuple[str, Any]]:
    if isinstance(obj, _SignatureMap):
        return list(obj.functions.items())
    if isinstance(obj, (Function, ConcreteFunction, resources.ResourceFunction, resources.AssetFile,
                        resources.Asset)):
        return []
    if isinstance(obj, resources.InitializerNode):
        return [("_filename", obj.asset)] if obj.asset is not None else []
    if resources.is_table(obj):  # a TrackableResource: initializer and resource functions
        return resources.table_children(obj)
    if resources.is_table(getattr(obj, "_table", None)) and hasattr(obj, "lookup"):
        return [("_table", obj._table)]  # StaticVocabularyTable: the vocabulary's table
    if isinstance(obj, Trackable) and not isinstance(obj, (list, dict)):
        # TF asks for the "savedmodel" children (Keras layers leave out their train functions)
        children = [(k, v) for k, v in obj._trackable_children("savedmodel").items()
                    if graph_lib.is_trackable(v) or isinstance(v, (Function, ConcreteFunction))]
    else:
        children = graph_lib.children(obj)
    if isinstance(obj, Module) or hasattr(obj, "__dict__") and not isinstance(obj, Variable):
        taken = {name for name, _ in children}
        children += [(n, f) for n, f in _function_children(obj) if n not in taken]
    return children


def _concrete_functions(function: Function) -> list[ConcreteFunction]:
    if function.input_signature is not None:
        function.get_concrete_function()
    return function._list_all_concrete_functions()


def _signature_outputs(concrete: ConcreteFunction) -> dict[str, Any]:
    """A signature's outputs by name: a dict's keys, else `output_0`, `output_1`, ..."""
    structured = concrete.structured_outputs
    if isinstance(structured, dict):
        return {str(k): v for k, v in structured.items()}
    flat = concrete.outputs
    return {f"output_{i}": t for i, t in enumerate(flat)}


def _spec(t: Any, name: str) -> Any:
    from eagerflow._src.framework.tensor_spec import TensorSpec

    return TensorSpec(t.shape, t.dtype, name=name)


def _canonical_signature(concrete: ConcreteFunction) -> Any:
    args, kwargs = concrete.structured_input_signature
    return (tuple(args), dict(kwargs))


def _output_signature(concrete: ConcreteFunction) -> Any:
    from eagerflow._src.framework.symbolic_tensor import SymbolicTensor
    from eagerflow._src.function import _structure

    return _structure.map_structure(
        lambda t: _spec(t, t.name.split(":")[0]) if isinstance(t, SymbolicTensor) else t,
        concrete.structured_outputs)


def _fullargspec(args: list[str], kwonly: list[str], varargs: str | None = None, varkw: str | None = None,
                 defaults: tuple | None = None) -> Any:
    import collections

    spec = collections.namedtuple("FullArgSpec", ["args", "varargs", "varkw", "defaults", "kwonlyargs",
                                                  "kwonlydefaults", "annotations"])
    return spec(list(args), varargs, varkw, defaults, list(kwonly), None, {})


def _encodable(value: Any) -> bool:
    return value is None or isinstance(value, (bool, int, float, str))


class _Saver:
    def __init__(self, root: Any, signatures: dict[str, ConcreteFunction]) -> None:
        self.m = protos.messages()
        self.sig_map = _SignatureMap({})
        self.nodes: list[Any] = [root]
        self.edges: list[list[tuple[str, int]]] = []
        index = {id(root): 0}
        i = 0
        while i < len(self.nodes):
            refs = []
            kids = _children(self.nodes[i])
            if i == 0:
                kids = kids + [("signatures", self.sig_map)]
            for name, child in kids:
                child_id = index.get(id(child))
                if child_id is None:
                    child_id = index[id(child)] = len(self.nodes)
                    self.nodes.append(child)
                    inner = graph_lib.as_variable(child)
                    if inner is not None and inner is not child:  # a Keras variable: functions capture
                        index.setdefault(id(inner), child_id)     # the eagerflow variable it holds
                refs.append((name, child_id))
            self.edges.append(refs)
            if i == 0:
                # the signature functions join the walk as children of the signature map
                self.sig_map.functions.update(signatures)
            i += 1
        for i, obj in list(enumerate(self.nodes)):
            if resources.is_table(obj):  # functions bind a table's state to its node
                index.setdefault(id(obj._state), i)
                if not obj._state.static:  # TF's saveable functions restore its contents
                    for kind in ("save", "restore"):
                        fn = resources.SaveableFunction(obj, kind)
                        index[id(fn)] = len(self.nodes)
                        self.nodes.append(fn)
                        self.edges.append([])
        self.index = index
        # the tables' resource functions: (FunctionDef name, FunctionDef, bound node ids,
        # input signature, output signature)
        self.resource_functions: list[tuple[str, Any, list[int], Any, Any]] = []
        # tf.saved_model.Asset path tensors: functions capturing one bind the asset node
        self.asset_tensors = {id(o.asset_path): o for o in self.nodes if isinstance(o, resources.Asset)}
        self.assets: list[Any] = []
        # (id(concrete), is signature) -> (FunctionDef name, FunctionDef, bound variables, concrete)
        self.library: dict[tuple[int, bool], tuple[str, Any, list, ConcreteFunction]] = {}
        self.nested: list[Any] = []  # FunctionDefs of If/While branches and bodies

    def _function_name(self, concrete: ConcreteFunction, signature: bool = False) -> str:
        entry = self.library.get((id(concrete), signature))
        if entry is not None:
            return entry[0]
        base = "signature_wrapper" if signature else concrete.graph.name
        name = f"__inference_{base}_{concrete._number}"
        n_args = len(concrete.graph.inputs) - len(concrete.graph.captures)
        # a signature takes its arguments in keyword order, as TF's signature wrapper (its
        # loader flattens the keyword arguments sorted by name)
        layout = self._signature_inputs(concrete) if signature else None
        writer = FunctionWriter(concrete.graph, name, n_args, layout=layout, library=self.nested,
                                assets=self.asset_tensors)
        fdef, variables = writer.build()
        self.library[(id(concrete), signature)] = (name, fdef, variables, concrete)
        return name

    def _variable_node_ids(self, variables: list) -> list[int]:
        ids = []
        for v in variables:
            node_id = self.index.get(id(v))
            if node_id is None:
                raise ValueError(
                    f"Tried to export a function which references an 'untracked' resource. TensorFlow "
                    f"requires every resource a saved function uses to be tracked: {v!r}. Assign it to an "
                    "attribute of the saved object.")
            ids.append(node_id)
        return ids

    def object_graph(self) -> tuple[Any, Any]:
        """The SavedObjectGraph and the checkpoint's TrackableObjectGraph (same node ids)."""
        m = self.m
        saved = m["SavedObjectGraph"]()
        ckpt = checkpoint_protos.TrackableObjectGraph()
        self.tensors: dict[str, Any] = {}
        for i, obj in enumerate(self.nodes):
            node = saved.nodes.add()
            cnode = ckpt.nodes.add()
            for name, child in self.edges[i]:
                node.children.add(node_id=child, local_name=name)
                cnode.children.add(node_id=child, local_name=name)
            variable = graph_lib.as_variable(obj)
            if variable is not None:
                node.variable.dtype = variable.dtype.as_datatype_enum
                _graph_def._set_shape(node.variable.shape, tuple(variable.shape))
                node.variable.trainable = bool(getattr(variable, "trainable", True))
                node.variable.name = variable.name.split(":")[0]
                key = f"{graph_lib.object_path_key(self._path(i))}/.ATTRIBUTES/VARIABLE_VALUE"
                cnode.attributes.add(name="VARIABLE_VALUE", full_name=node.variable.name, checkpoint_key=key)
                self.tensors[key] = np.asarray(variable.read_value())
            elif resources.is_table(obj):
                node.resource.device = ""
                node.resource.SetInParent()
                if not obj._state.static:  # a mutable table's contents: checkpoint values, as TF's
                    saveable = node.saveable_objects["table"]
                    saveable.save_function = self._saveable(obj, "save")
                    saveable.restore_function = self._saveable(obj, "restore")
                    prefix = f"{graph_lib.object_path_key(self._path(i))}/.ATTRIBUTES/table"
                    cnode.attributes.add(name="table", full_name=str(getattr(obj, "_name", "") or ""),
                                         checkpoint_key=prefix)
                    keys, values = obj.export()
                    self.tensors[prefix + "-keys"] = np.asarray(keys)
                    self.tensors[prefix + "-values"] = np.asarray(values)
            elif isinstance(obj, resources.ResourceFunction):
                node.function.concrete_functions.append(self._resource_function(obj))
                structure.encode(_fullargspec([], []), node.function.function_spec.fullargspec)
                structure.encode((), node.function.function_spec.input_signature)
            elif isinstance(obj, resources.SaveableFunction):
                bare = node.bare_concrete_function
                bare.concrete_function_name = self._resource_function(obj)
                keywords = ["checkpoint_key"] if obj.kind == "save" else ["restored_tensors_0", "restored_tensors_1"]
                bare.argument_keywords.extend(keywords)
                bare.allowed_positional_arguments = len(keywords)
            elif isinstance(obj, (resources.AssetFile, resources.Asset)):
                node.asset.asset_file_def_index = len(self.assets)
                self.assets.append(obj)
            elif isinstance(obj, Function):
                names = [self._function_name(c) for c in _concrete_functions(obj)]
                node.function.concrete_functions.extend(names)
                self._function_spec(node.function.function_spec, obj)
            elif isinstance(obj, ConcreteFunction):
                signature = any(obj is c for c in self.sig_map.functions.values()) and self._parent_is_sigmap(i)
                bare = node.bare_concrete_function
                bare.concrete_function_name = self._function_name(obj, signature)
                if signature:
                    bare.argument_keywords.extend(self._signature_arg_names(obj))
                    bare.allowed_positional_arguments = len(bare.argument_keywords)
                else:
                    bare.argument_keywords.extend(obj._arg_names)
                    bare.allowed_positional_arguments = len(obj._arg_names)
            elif isinstance(obj, _SignatureMap):
                node.user_object.identifier = "signature_map"
                node.user_object.version.producer = 1
                node.user_object.version.min_consumer = 1
            else:
                identifier = "_generic_user_object"
                if isinstance(obj, list):
                    identifier = "trackable_list_wrapper"
                elif isinstance(obj, dict):
                    identifier = "trackable_dict_wrapper"
                elif isinstance(obj, tuple):
                    identifier = "trackable_tuple_wrapper"
                node.user_object.identifier = identifier
                node.user_object.version.producer = 1
                node.user_object.version.min_consumer = 1
        for key, (name, fdef, variables, concrete) in self.library.items():
            entry = saved.concrete_functions[name]
            entry.bound_inputs.extend(self._variable_node_ids(variables))
            if key[1]:
                specs = {ph._op.name: _spec(ph, ph._op.name) for ph in self._signature_inputs(concrete)}
                structure.encode(((), specs), entry.canonicalized_input_signature)
                outputs = {k: _spec(t, k) for k, t in _signature_outputs(concrete).items()}
                structure.encode(outputs, entry.output_signature)
            else:
                structure.encode(_canonical_signature(concrete), entry.canonicalized_input_signature)
                structure.encode(_output_signature(concrete), entry.output_signature)
        from eagerflow._src.framework.tensor_spec import TensorSpec

        for name, _, bound, in_sig, out_sig in self.resource_functions:
            entry = saved.concrete_functions[name]
            entry.bound_inputs.extend(bound)
            structure.encode(in_sig, entry.canonicalized_input_signature)
            structure.encode(out_sig, entry.output_signature)
        has_values = [bool(n.attributes) for n in ckpt.nodes]
        changed = True
        while changed:
            changed = False
            for i, refs in enumerate(self.edges):
                if not has_values[i] and any(has_values[c] for _, c in refs):
                    has_values[i] = changed = True
        for cnode, value in zip(ckpt.nodes, has_values):
            cnode.has_checkpoint_values.value = value
        return saved, ckpt

    def _saveable(self, table: Any, kind: str) -> int:
        return next(i for i, o in enumerate(self.nodes)
                    if isinstance(o, resources.SaveableFunction) and o.table is table and o.kind == kind)

    def _resource_function(self, fn: Any) -> str:
        """Writes a table's `_create_resource` / `_initialize` / `_destroy_resource` FunctionDef,
        or a mutable table's saveable `save_fn` / `restore_fn`."""
        from eagerflow._src.framework.tensor_spec import TensorSpec

        table = fn.table
        table_id = self.index[id(table)]
        kind = {"create_resource": "creator", "initialize": "initializer", "destroy_resource": "destroyer",
                "save": "save_fn", "restore": "restore_fn"}[fn.kind]
        name = f"__inference__{kind}_{len(self.resource_functions) + 1}"
        fdef = self.m["FunctionDef"]()
        fdef.signature.name = name
        bound: list[int] = []
        in_sig: Any = ((), {})
        out_sig: Any = TensorSpec([], _dtypes.int32)
        key_dtype, value_dtype = table.key_dtype, table.value_dtype
        if fn.kind == "save":
            resources.save_function(fdef, table)
            bound = [table_id]
            in_sig = ((TensorSpec([], _dtypes.string, name="checkpoint_key"),), {})
            out_sig = [{"name": TensorSpec([], _dtypes.string, name=f"tensor_{k}_name"),
                        "slice_spec": TensorSpec([], _dtypes.string, name=f"tensor_{k}_slice_spec"),
                        "tensor": TensorSpec(None, dtype, name=f"tensor_{k}_tensor")}
                       for k, dtype in enumerate((key_dtype, value_dtype))]
        elif fn.kind == "restore":
            resources.restore_function(fdef, table)
            bound = [table_id]
            in_sig = ((TensorSpec(None, key_dtype, name="restored_tensors_0"),
                       TensorSpec(None, value_dtype, name="restored_tensors_1")), {})
        elif fn.kind == "create_resource":
            out_sig = TensorSpec([], _dtypes.resource)
            resources.create_function(fdef, table, f"hash_table_{table_id}")
        elif fn.kind == "initialize":
            asset = None
            for local, child in self.edges[table_id]:
                obj = self.nodes[child]
                if local == "_initializer" and isinstance(obj, resources.InitializerNode):
                    asset = obj.asset
            resources.initialize_function(fdef, table, asset)
            bound = [table_id] + ([self.index[id(asset)]] if asset is not None else [])
        else:
            resources.destroy_function(fdef)
        self.resource_functions.append((name, fdef, bound, in_sig, out_sig))
        return name

    def _parent_is_sigmap(self, i: int) -> bool:
        sig_id = self.index[id(self.sig_map)]
        return any(child == i for _, child in self.edges[sig_id])

    def _signature_inputs(self, concrete: ConcreteFunction) -> list[Any]:
        """A signature's argument placeholders, sorted by name."""
        n_args = len(concrete.graph.inputs) - len(concrete.graph.captures)
        return sorted(concrete.graph.inputs[:n_args], key=lambda ph: ph._op.name)

    def _signature_arg_names(self, concrete: ConcreteFunction) -> list[str]:
        n_args = len(concrete.graph.inputs) - len(concrete.graph.captures)
        names = []
        for ph in concrete.graph.inputs[:n_args]:
            names.append(ph._op.name)
        return names

    def _path(self, node_id: int) -> tuple[str, ...]:
        paths: dict[int, tuple[str, ...]] = {0: ()}
        queue = [0]
        while queue:
            parent = queue.pop(0)
            for name, child in self.edges[parent]:
                if child not in paths:
                    paths[child] = paths[parent] + (name,)
                    queue.append(child)
        return paths[node_id]

    def _function_spec(self, spec: Any, function: Function) -> None:
        import inspect

        python_function = getattr(function, "_method_of", None) or function.python_function
        try:
            params = list(inspect.signature(python_function).parameters.values())
        except (TypeError, ValueError):
            params = []
        is_method = getattr(function, "_method_of", None) is not None
        if is_method and params:
            params = params[1:]
        positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        kwonly = [p.name for p in params if p.kind is p.KEYWORD_ONLY]
        varargs = next((p.name for p in params if p.kind is p.VAR_POSITIONAL), None)
        varkw = next((p.name for p in params if p.kind is p.VAR_KEYWORD), None)
        defaults = tuple(p.default for p in positional if p.default is not p.empty)
        if not all(_encodable(d) for d in defaults):
            defaults = ()
        structure.encode(_fullargspec([p.name for p in positional], kwonly, varargs, varkw, defaults or None),
                         spec.fullargspec)
        if function.input_signature is not None:
            structure.encode(tuple(function.input_signature), spec.input_signature)
        else:
            spec.input_signature.none_value.SetInParent()

    def meta_graph(self, saved_graph: Any, options: Any = None) -> Any:
        m = self.m
        meta = m["MetaGraphDef"]()
        for alias, fn in (getattr(options, "function_aliases", None) or {}).items():
            concretes = _concrete_functions(fn) if isinstance(fn, Function) else [fn]
            for concrete in concretes:
                entry = self.library.get((id(concrete), False))
                if entry is None:
                    raise ValueError(f"Function alias '{alias}' names a function that is not saved with the "
                                     "object: make it an attribute of the saved object.")
                meta.meta_info_def.function_aliases[entry[0]] = alias
        meta.meta_info_def.tags.append(SERVE_TAG)
        meta.meta_info_def.tensorflow_version = _TF_VERSION
        meta.meta_info_def.tensorflow_git_version = "eagerflow"
        meta.meta_info_def.stripped_default_attrs = True
        graph = meta.graph_def
        graph.versions.producer = _graph_def._PRODUCER
        graph.versions.min_consumer = 12
        for name, fdef, _, _ in self.library.values():
            graph.library.function.append(fdef)
        graph.library.function.extend(self.nested)
        graph.library.function.extend(entry[1] for entry in self.resource_functions)
        for k, asset in enumerate(self.assets):
            entry = meta.asset_file_def.add(filename=self.asset_names[id(asset)])
            entry.tensor_info.name = f"asset_path_initializer{'_' + str(k) if k else ''}:0"
            entry.tensor_info.dtype = _dtypes.string.as_datatype_enum
        # Graph nodes a TF1-style consumer (saved_model_cli, TF Serving) looks for: one
        # VarHandleOp per variable and, per signature, placeholders fed to a call.
        handles: dict[int, str] = {}
        taken: set[str] = set()
        for i, obj in enumerate(self.nodes):
            variable = graph_lib.as_variable(obj)
            if variable is None:
                continue
            name = unique_name(variable.name.split(":")[0].replace("/", "_") or "Variable", taken)
            node = graph.node.add(name=name, op="VarHandleOp")
            node.attr["dtype"].type = variable.dtype.as_datatype_enum
            _graph_def._set_shape(node.attr["shape"].shape, tuple(variable.shape))
            node.attr["shared_name"].s = name.encode()
            handles[id(variable)] = name
        for i, obj in enumerate(self.nodes):
            if resources.is_table(obj):
                name = unique_name(f"hash_table_{i}", taken)
                node = graph.node.add(name=name, op="HashTableV2" if obj._state.static else "MutableHashTableV2")
                node.attr["key_dtype"].type = obj.key_dtype.as_datatype_enum
                node.attr["value_dtype"].type = obj.value_dtype.as_datatype_enum
                node.attr["shared_name"].s = name.encode()
                handles[id(obj._state)] = name
            elif isinstance(obj, resources.Asset):
                name = unique_name("asset_path_initializer", taken)
                node = graph.node.add(name=name, op="Placeholder")
                node.attr["dtype"].type = _dtypes.string.as_datatype_enum
                _graph_def._set_shape(node.attr["shape"].shape, ())
                handles[id(obj)] = name
        for key, concrete in self.sig_map.functions.items():
            fname, _, variables, _ = self.library[(id(concrete), True)]
            sig = meta.signature_def[key]
            sig.method_name = PREDICT_METHOD_NAME
            call = f"StatefulPartitionedCall_{len(taken)}" if taken & {"StatefulPartitionedCall"} \
                else "StatefulPartitionedCall"
            call = unique_name(call, taken)
            inputs, types = [], []
            for ph in self._signature_inputs(concrete):
                arg_name = ph._op.name
                ph_name = unique_name(f"{key}_{arg_name}", taken)
                node = graph.node.add(name=ph_name, op="Placeholder")
                node.attr["dtype"].type = _graph_def._dtype_enum(ph._array.dtype)
                _graph_def._set_shape(node.attr["shape"].shape, ph._array.shape)
                info = sig.inputs[arg_name]
                info.name = f"{ph_name}:0"
                info.dtype = _graph_def._dtype_enum(ph._array.dtype)
                _graph_def._set_shape(info.tensor_shape, ph._array.shape)
                inputs.append(ph_name)
                types.append(info.dtype)
            for v in variables:
                inputs.append(handles[id(v)])
                types.append((_dtypes.string if isinstance(v, resources.Asset) else _dtypes.resource).as_datatype_enum)
            node = graph.node.add(name=call, op="StatefulPartitionedCall")
            node.input.extend(inputs)
            node.attr["f"].func.name = fname
            node.attr["Tin"].list.type.extend(types)
            outs = _signature_outputs(concrete)
            node.attr["Tout"].list.type.extend(_graph_def._dtype_enum(t._array.dtype) for t in concrete.outputs)
            flat_index = {id(t): j for j, t in enumerate(concrete.outputs)}
            for out_name, t in outs.items():
                info = sig.outputs[out_name]
                info.name = f"{call}:{flat_index.get(id(t), 0)}"
                info.dtype = _graph_def._dtype_enum(t._array.dtype)
                _graph_def._set_shape(info.tensor_shape, t._array.shape)
        meta.object_graph_def.CopyFrom(saved_graph)
        return meta


def _signatures(obj: Any, signatures: Any) -> dict[str, ConcreteFunction]:
    if signatures is None:
        # TF's find_function_to_export: the root's `_default_save_signature`, else its one
        # function with an input signature.
        try:
            default = getattr(obj, "_default_save_signature", None)
        except Exception:  # TF ignores an attribute that fails (a Keras model never built)
            default = None
        if isinstance(default, Function) and default.input_signature is not None:
            return {DEFAULT_SERVING_SIGNATURE_DEF_KEY: default.get_concrete_function()}
        if isinstance(default, ConcreteFunction):
            return {DEFAULT_SERVING_SIGNATURE_DEF_KEY: default}
        found = [f.get_concrete_function() for _, f in _children(obj)
                 if isinstance(f, Function) and f.input_signature is not None]
        found = [c for c in found if c.outputs]  # TF's _valid_signature: it returns tensors
        if len(found) == 1:
            return {DEFAULT_SERVING_SIGNATURE_DEF_KEY: found[0]}
        return {}
    if not isinstance(signatures, dict):
        signatures = {DEFAULT_SERVING_SIGNATURE_DEF_KEY: signatures}
    found = {}
    for key, fn in signatures.items():
        if isinstance(fn, Function):
            if fn.input_signature is None:
                raise ValueError(
                    "Exporting an object with no tf.saved_model.save(..., signatures=...) argument specified, "
                    f"and with a tf.function '{key}' that has no input_signature: call get_concrete_function "
                    "with the signature's specs first.")
            fn = fn.get_concrete_function()
        if not isinstance(fn, ConcreteFunction):
            raise ValueError(f"Expected a TensorFlow function for which to generate a signature, but got {fn}. "
                             "Only `tf.functions` with an input signature or concrete functions can be used as "
                             "a signature.")
        found[key] = fn
    return found


def save(obj: Any, export_dir: str | os.PathLike, signatures: Any = None, options: Any = None) -> None:
    """`tf.saved_model.save` (documented in api.py)."""
    export_dir = os.fspath(export_dir)
    saver = _Saver(obj, _signatures(obj, signatures))
    saved_graph, ckpt_graph = saver.object_graph()
    os.makedirs(os.path.join(export_dir, "assets"), exist_ok=True)
    saver.asset_names = resources.copy_assets(saver.assets, export_dir)
    meta = saver.meta_graph(saved_graph, options)
    model = saver.m["SavedModel"](saved_model_schema_version=1)
    model.meta_graphs.append(meta)
    os.makedirs(os.path.join(export_dir, VARIABLES_DIRECTORY), exist_ok=True)
    os.makedirs(os.path.join(export_dir, "assets"), exist_ok=True)
    tensors = dict(saver.tensors)
    tensors[checkpoint_protos.OBJECT_GRAPH_PROTO_KEY] = ckpt_graph.SerializeToString()
    write_bundle(os.path.join(export_dir, VARIABLES_DIRECTORY, VARIABLES_FILENAME), tensors)
    data = model.SerializeToString(deterministic=True)
    _write_atomic(os.path.join(export_dir, SAVED_MODEL_FILENAME_PB), data)
    fingerprint = saver.m["FingerprintDef"]()
    fingerprint.saved_model_checksum = int.from_bytes(hashlib.sha256(data).digest()[:8], "little")
    fingerprint.graph_def_program_hash = int.from_bytes(
        hashlib.sha256(meta.graph_def.SerializeToString(deterministic=True)).digest()[:8], "little")
    fingerprint.saved_object_graph_hash = int.from_bytes(
        hashlib.sha256(saved_graph.SerializeToString(deterministic=True)).digest()[:8], "little")
    signatures_bytes = b"".join(meta.signature_def[k].SerializeToString(deterministic=True)
                                for k in sorted(meta.signature_def))
    fingerprint.signature_def_hash = _hash64(signatures_bytes)
    with open(os.path.join(export_dir, VARIABLES_DIRECTORY, VARIABLES_FILENAME + ".index"), "rb") as f:
        fingerprint.checkpoint_hash = _hash64(f.read())
    fingerprint.version.producer = 1
    _write_atomic(os.path.join(export_dir, FINGERPRINT_FILENAME), fingerprint.SerializeToString())


def _hash64(data: bytes) -> int:
    return int.from_bytes(hashlib.sha256(data).digest()[:8], "little")


def _write_atomic(path: str, data: bytes) -> None:
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
