"""A traced `ConcreteFunction` as TensorFlow's `FunctionDef` (what a SavedModel's library holds).

Nodes take TF's form from TF's OpDefs (`op_defs.py`, generated): inputs are named
`node:output_arg:index`, every type attr (`T`, `Tidx`, `N`, ...) is filled in from the input and
output dtypes, and attrs our ops keep where TF takes a tensor input (a reduction's `axis`,
`Reshape`'s `shape`) become `Const` nodes feeding that input (`ATTR_INPUTS`). Captured variables
become `resource` arguments after the function's own; captured eager tensors become `Const`
nodes.
"""
from __future__ import annotations

import re
from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.function import graph_def as _graph_def
from eagerflow._src.saved_model.op_defs import OP_DEFS

# TF input arg -> the attr of ours holding it, for ops whose TF input is an attr here.
ATTR_INPUTS: dict[str, dict[str, str]] = {
    **{name: {"reduction_indices": "axis"} for name in ("Sum", "Mean", "Max", "Min", "Prod", "All", "Any",
                                                          "EuclideanNorm")},
    "ArgMax": {"dimension": "axis"}, "ArgMin": {"dimension": "axis"},
    "BroadcastTo": {"shape": "shape"}, "Reshape": {"shape": "shape"}, "Transpose": {"perm": "perm"},
    "Tile": {"multiples": "multiples"}, "ExpandDims": {"dim": "axis"}, "Pad": {"paddings": "paddings"},
    "PadV2": {"paddings": "paddings"}, "MirrorPad": {"paddings": "paddings"}, "ReverseV2": {"axis": "axis"},
    "Slice": {"begin": "begin", "size": "size"}, "Cumsum": {"axis": "axis"}, "Cumprod": {"axis": "axis"},
    "ConcatV2": {"axis": "axis"}, "GatherV2": {"axis": "axis"}, "OneHot": {"depth": "depth"},
    "TopKV2": {"k": "k"}, "Fill": {"dims": "dims"}, "Split": {"split_dim": "axis"},
    "SplitV": {"size_splits": "size_splits", "split_dim": "axis"},
    **{name: {"alg": "alg"} for name in ("StatelessRandomUniformV2", "StatelessRandomNormalV2",
                                         "StatelessTruncatedNormalV2", "StatelessRandomUniformIntV2",
                                         "StatelessRandomUniformFullIntV2")},
}
# TF attr -> our attr of the same meaning under another name.
ATTR_RENAMES: dict[str, dict[str, str]] = {
    **{name: {"keep_dims": "keepdims"} for name in ("Sum", "Mean", "Max", "Min", "Prod", "All", "Any",
                                                      "EuclideanNorm")},
    "BatchMatMulV2": {"adj_x": "transpose_a", "adj_y": "transpose_b"},
    "BatchMatMulV3": {"adj_x": "transpose_a", "adj_y": "transpose_b"},
}
# Ops of ours that are TF ops under another name (same inputs and attrs).
OP_RENAMES: dict[str, str] = {
    "DynamicReshape": "Reshape", "DynamicBroadcastTo": "BroadcastTo", "DynamicFill": "Fill",
    "MirrorPadDynamic": "MirrorPad",
}
_ARG_NAME = re.compile(r"[^a-z0-9_]")


def arg_name(name: str, taken: set[str]) -> str:
    """A valid, unused FunctionDef argument name (TF's `[a-z][a-z0-9_]*`) made from `name`."""
    base = _ARG_NAME.sub("_", name.split(":")[0].lower()) or "arg"
    if not base[0].isalpha():
        base = "arg_" + base
    return unique_name(base, taken)


def unique_name(name: str, taken: set[str]) -> str:
    """`name`, or `name_1`, `name_2`, ... : the first not in `taken` (which then holds it)."""
    candidate, k = name, 0
    while candidate in taken:
        k += 1
        candidate = f"{name}_{k}"
    taken.add(candidate)
    return candidate


def _enum(dtype: Any) -> int:
    return _graph_def._dtype_enum(dtype)


def _unsupported(op_type: str, known: bool = False) -> Exception:
    why = ("its inputs in eagerflow differ from TensorFlow's OpDef" if known
           else "TensorFlow has no op of that name")
    return errors.UnimplementedError(None, None, f"eagerflow cannot write op '{op_type}' to a SavedModel: {why}.")


def _index_to_strided(index: tuple, rank: int | None) -> tuple[list, list, list, dict[str, int]]:
    """Our StridedSlice `index` (slices, ints, None, Ellipsis) as TF's begin/end/strides and masks."""
    begin, end, strides = [], [], []
    masks = dict(begin_mask=0, end_mask=0, ellipsis_mask=0, new_axis_mask=0, shrink_axis_mask=0)
    for i, item in enumerate(index):
        bit = 1 << i
        if item is Ellipsis:
            masks["ellipsis_mask"] |= bit
            begin.append(0), end.append(0), strides.append(1)
        elif item is None:
            masks["new_axis_mask"] |= bit
            begin.append(0), end.append(0), strides.append(1)
        elif isinstance(item, slice):
            step = 1 if item.step is None else int(item.step)
            if item.start is None:
                masks["begin_mask"] |= bit
            if item.stop is None:
                masks["end_mask"] |= bit
            begin.append(0 if item.start is None else int(item.start))
            end.append(0 if item.stop is None else int(item.stop))
            strides.append(step)
        else:
            masks["shrink_axis_mask"] |= bit
            begin.append(int(item)), end.append(int(item) + 1), strides.append(1)
    return begin, end, strides, masks


def _table_states(graph: Any) -> list[Any]:
    """The lookup tables (their `TableState`s) the graph's table ops use, in first-use order."""
    found: dict[int, Any] = {}
    for operation in graph.get_operations():
        table = operation.attrs.get("table") if operation.attrs else None
        if table is not None and id(table) not in found:
            found[id(table)] = table
    return list(found.values())


class FunctionWriter:
    """Builds one FunctionDef from a FuncGraph.

    Args:
      graph: the traced graph.
      name: the FunctionDef's name (`__inference_<fn>_<n>`).
      n_args: how many of the graph's inputs are the function's own (the rest are captures).
    """

    def __init__(self, graph: Any, name: str, n_args: int, layout: list | None = None,
                 extra_rets: list[int] | None = None, library: list | None = None,
                 assets: dict[int, Any] | None = None) -> None:
        self.m = _graph_def.messages()
        self.graph = graph
        self.fdef = self.m["FunctionDef"]()
        self.fdef.signature.name = name
        self.refs: dict[int, str] = {}  # id(symbolic tensor or variable) -> reference string
        self.taken: set[str] = {op.name for op in graph.get_operations()}
        self.n_args = n_args
        self.variables: list[Any] = []
        # Arguments: graph inputs (a placeholder) or unused ones (a NumPy dtype) where a TF
        # functional op passes one input list to several functions; `extra_rets`: arguments
        # returned unchanged after the outputs (a While body's loop-invariant inputs).
        self.layout = layout if layout is not None else list(graph.inputs[:n_args])
        self.extra_rets = extra_rets or []
        self.library = library if library is not None else []  # FunctionDefs of nested If/While
        self.assets = assets or {}  # id(asset path tensor) -> tf.saved_model.Asset: a bound argument

    def build(self) -> tuple[Any, list[Any]]:
        """The FunctionDef and the variables (and lookup tables' states) its resource arguments
        bind, in argument order."""
        sig = self.fdef.signature
        graph = self.graph
        captured = {id(inner): outer for outer, inner in graph.captures}
        arg_names = []
        for i, ph in enumerate(self.layout):
            is_input = hasattr(ph, "_op")
            name = arg_name(ph._op.name if is_input else f"unused_{i}", self.taken)
            sig.input_arg.add(name=name, type=_enum(ph._array.dtype if is_input else ph))
            arg_names.append(name)
            if is_input:
                self.refs[id(ph)] = name
                self.fdef.arg_attr[i].attr["_user_specified_name"].s = ph._op.name.encode()
        for variable in graph.variable_captures.values():
            name = arg_name(getattr(variable, "name", "resource").split(":")[0] + "_resource", self.taken)
            arg = sig.input_arg.add(name=name, type=_dtypes.resource.as_datatype_enum)
            handle = arg.handle_data.add(dtype=_enum(variable.dtype))
            _graph_def._set_shape(handle.shape, tuple(variable.shape))
            self.refs[id(variable)] = name
            self.variables.append(variable)
        for table in _table_states(graph):  # lookup tables: a resource argument each, as variables
            name = arg_name("table_handle", self.taken)
            sig.input_arg.add(name=name, type=_dtypes.resource.as_datatype_enum)
            self.refs[id(table)] = name
            self.variables.append(table)
        stateful = False
        previous = None
        for operation in graph.get_operations():
            if operation.type == "Placeholder":
                if id(operation.outputs[0]) in self.refs:
                    continue
                if id(operation.outputs[0]) in captured:
                    outer = captured[id(operation.outputs[0])]
                    if self._asset_argument(operation, outer):
                        continue
                    self._const(operation.name, np.asarray(outer))
                    self.refs[id(operation.outputs[0])] = f"{operation.name}:output:0"
                continue
            if operation.type == "Const":
                value = operation.attrs["value"]
                if self._asset_argument(operation, value):
                    continue
                self._const(operation.name, np.asarray(value._device.backend.to_host(value._array)))
                self.refs[id(operation.outputs[0])] = f"{operation.name}:output:0"
                continue
            node = self._node(operation)
            if operation.op is not None and (operation.op.stateful or operation.op.resource):
                # TF runs a function's nodes in dataflow order and prunes what no output needs:
                # stateful ops are chained in trace order and kept as control outputs (TF's
                # automatic control dependencies, made coarser: one chain for all resources).
                if previous is not None:
                    node.input.append(f"^{previous}")
                previous = node.name
                sig.control_output.append(node.name)
                self.fdef.control_ret[node.name] = node.name
                stateful = True
        for i, t in enumerate(graph.outputs):
            out_name = f"identity_{i}" if i else "identity"
            sig.output_arg.add(name=out_name, type=_enum(t._array.dtype))
            self.fdef.ret[out_name] = self.refs[id(t)]
        for k, position in enumerate(self.extra_rets, start=len(graph.outputs)):
            out_name = f"identity_{k}" if k else "identity"
            sig.output_arg.add(name=out_name, type=sig.input_arg[position].type)
            self.fdef.ret[out_name] = arg_names[position]
        sig.is_stateful = stateful
        return self.fdef, self.variables

    def _asset_argument(self, operation: Any, value: Any) -> bool:
        """A `tf.saved_model.Asset`'s path becomes a string argument bound to the asset node (the
        loaded SavedModel passes its own copy's path); False for any other value."""
        asset = self.assets.get(id(value))
        if asset is None:
            return False
        name = arg_name("asset_path", self.taken)
        self.fdef.signature.input_arg.add(name=name, type=_dtypes.string.as_datatype_enum)
        self.refs[id(operation.outputs[0])] = name
        self.variables.append(asset)
        return True

    def _const(self, name: str, array: np.ndarray) -> str:
        node = self.fdef.node_def.add(name=name, op="Const")
        node.attr["dtype"].type = _enum(array.dtype)
        _graph_def._tensor_proto(node.attr["value"].tensor, array)
        return f"{name}:output:0"

    def _input_ref(self, x: Any) -> str:
        ref = self.refs.get(id(x))
        if ref is None:
            raise errors.InvalidArgumentError(None, None, f"Input {x!r} of the function is not in its graph.")
        return ref

    def _function(self, graph: Any, kind: str, layout: list, extra_rets: list[int] | None = None) -> str:
        """Writes a branch, condition or body graph as a library FunctionDef; returns its name."""
        if graph.variable_captures or _table_states(graph):
            raise errors.UnimplementedError(
                None, None, "eagerflow cannot write a tf.cond/tf.while_loop whose branches use variables "
                            "directly to a SavedModel yet.")
        name = f"{self.fdef.signature.name}_{kind}_{len(self.library)}"
        writer = FunctionWriter(graph, name, 0, layout, extra_rets, self.library)
        fdef, _ = writer.build()
        self.library.append(fdef)
        return name

    def _functional(self, operation: Any) -> Any:
        """Our `If` / `While` node as TF's functional `If` / `While` (one input list for all the
        functions it calls: each gets unused arguments for the inputs that are not its own)."""
        attrs = operation.attrs
        inputs = list(operation._inputs)
        if operation.type == "If":
            pred, args = inputs[0], inputs[1:]
            n_then = attrs["n_then"]
            dtypes_ = [x._array.dtype for x in args]
            then_graph, else_graph = attrs["then_branch"].graph, attrs["else_branch"].graph
            then_layout = list(then_graph.inputs) + dtypes_[n_then:]
            else_layout = dtypes_[:n_then] + list(else_graph.inputs)
            node = self.fdef.node_def.add(name=operation.name, op="StatelessIf" if not operation.op.stateful else "If")
            node.input.extend([self._input_ref(pred)] + [self._input_ref(x) for x in args])
            node.attr["Tcond"].type = _enum(pred._array.dtype)
            node.attr["then_branch"].func.name = self._function(then_graph, "then", then_layout)
            node.attr["else_branch"].func.name = self._function(else_graph, "else", else_layout)
        else:
            if attrs.get("n_carry"):
                raise errors.UnimplementedError(None, None, "eagerflow cannot write this tf.while_loop (it updates "
                                                            "variables it reads) to a SavedModel yet.")
            n_vars, n_cond = attrs["n_vars"], attrs["n_cond"]
            args = inputs
            dtypes_ = [x._array.dtype for x in args]
            cond_graph, body_graph = attrs["cond"].graph, attrs["body"].graph
            cond_layout = list(cond_graph.inputs) + dtypes_[n_vars + n_cond:]
            body_layout = list(body_graph.inputs[:n_vars]) + dtypes_[n_vars:n_vars + n_cond] \
                + list(body_graph.inputs[n_vars:])
            node = self.fdef.node_def.add(name=operation.name,
                                          op="While" if operation.op.stateful else "StatelessWhile")
            node.input.extend(self._input_ref(x) for x in args)
            node.attr["cond"].func.name = self._function(cond_graph, "cond", cond_layout)
            node.attr["body"].func.name = self._function(body_graph, "body", body_layout,
                                                         list(range(n_vars, len(args))))
            node.attr["parallel_iterations"].i = int(attrs.get("parallel_iterations", 10))
        tin = [_enum(x._array.dtype) for x in args]
        (node.attr["T"] if operation.type == "While" else node.attr["Tin"]).list.type.extend(tin)
        outputs = operation.outputs
        if operation.type == "If":
            node.attr["Tout"].list.type.extend(_enum(o._array.dtype) for o in outputs)
        node.attr["output_shapes"].list.SetInParent()
        for k, o in enumerate(outputs):
            self.refs[id(o)] = f"{operation.name}:output:{k}"
        return node

    def _emit(self, name: str, op: str, inputs: list[str], dtype: Any, attrs: dict | None = None) -> str:
        """Adds one plain TF node typed `T` (`dtype`); returns its output reference."""
        node = self.fdef.node_def.add(name=name, op=op)
        node.input.extend(inputs)
        if dtype is not None:
            node.attr["T"].type = _enum(dtype)
        for key, value in (attrs or {}).items():
            if isinstance(value, bool):
                node.attr[key].b = value
            elif isinstance(value, int):
                node.attr[key].i = value
            elif isinstance(value, np.dtype):
                node.attr[key].type = _enum(value)
            else:
                node.attr[key].list.i.extend(value)
        out = OP_DEFS[op][1][0][0]
        return f"{name}:{out}:0"

    def _string_split(self, operation: Any) -> Any:
        """Our `StringSplitV2` (ragged: values, row splits) as TF's (sparse: indices, values,
        shape) followed by the row splits TF's RaggedTensor.from_value_rowids computes."""
        base = operation.name
        sep = operation.attrs.get("sep")
        sep = b"" if sep is None else (sep if isinstance(sep, bytes) else str(sep).encode())
        i64, i32 = np.dtype(np.int64), np.dtype(np.int32)
        node = self.fdef.node_def.add(name=base, op="StringSplitV2")
        node.input.extend([self._input_ref(operation._inputs[0]),
                           self._const(f"{base}/sep", np.array(sep, dtype=object))])
        node.attr["maxsplit"].i = int(operation.attrs.get("maxsplit", -1))
        values, splits = operation.outputs
        self.refs[id(values)] = f"{base}:values:0"
        slice_attrs = {"Index": i32}
        rows = self._emit(f"{base}/rows", "StridedSlice", [
            f"{base}:indices:0", self._const(f"{base}/rows/begin", np.array([0, 0], np.int32)),
            self._const(f"{base}/rows/end", np.array([0, 1], np.int32)),
            self._const(f"{base}/rows/strides", np.array([1, 1], np.int32))], i64,
            {**slice_attrs, "begin_mask": 1, "end_mask": 1, "shrink_axis_mask": 2})
        nrows = self._emit(f"{base}/nrows", "StridedSlice", [
            f"{base}:shape:0", self._const(f"{base}/nrows/begin", np.array([0], np.int32)),
            self._const(f"{base}/nrows/end", np.array([1], np.int32)),
            self._const(f"{base}/nrows/strides", np.array([1], np.int32))], i64,
            {**slice_attrs, "shrink_axis_mask": 1})
        rows32 = self._emit(f"{base}/rows32", "Cast", [rows], None, {"SrcT": i64, "DstT": i32})
        nrows32 = self._emit(f"{base}/nrows32", "Cast", [nrows], None, {"SrcT": i64, "DstT": i32})
        counts = self._emit(f"{base}/counts", "Bincount", [
            rows32, nrows32, self._const(f"{base}/no_weights", np.zeros([0], np.int64))], i64)
        cums = self._emit(f"{base}/cumsum", "Cumsum", [counts, self._const(f"{base}/axis0", np.array(0, np.int32))],
                          i64, {"Tidx": i32})
        out = self._emit(f"{base}/row_splits", "ConcatV2", [
            self._const(f"{base}/zero", np.zeros([1], np.int64)), cums,
            self._const(f"{base}/concat_axis", np.array(0, np.int32))], i64, {"Tidx": i32, "N": 2})
        self.refs[id(splits)] = out
        return node

    def _logsumexp(self, operation: Any) -> Any:
        """`ReduceLogSumExp` (an op TF does not have) as TF's `reduce_logsumexp` builds it: the
        max, kept out of gradients and zeroed where infinite, shifts the exponentials."""
        x = operation._inputs[0]
        shape = x._array.shape
        axis = operation.attrs.get("axis")
        keepdims = bool(operation.attrs.get("keepdims", False))
        if axis is None:
            axis = list(range(len(shape)))
        axes = np.asarray(axis, np.int32).reshape(-1)
        axes = np.where(axes < 0, axes + len(shape), axes).astype(np.int32)
        dt = x._array.dtype
        base = operation.name
        idx = np.dtype(np.int32)
        axes_ref = self._const(f"{base}/axes", axes)
        x_ref = self._input_ref(x)
        raw_max = self._emit(f"{base}/Max", "Max", [x_ref, axes_ref], dt, {"Tidx": idx, "keep_dims": True})
        finite = self._emit(f"{base}/IsFinite", "IsFinite", [raw_max], dt)
        zeros = self._emit(f"{base}/ZerosLike", "ZerosLike", [raw_max], dt)
        shift = self._emit(f"{base}/SelectV2", "SelectV2", [finite, raw_max, zeros], dt)
        shift = self._emit(f"{base}/StopGradient", "StopGradient", [shift], dt)
        diff = self._emit(f"{base}/Sub", "Sub", [x_ref, shift], dt)
        exp = self._emit(f"{base}/Exp", "Exp", [diff], dt)
        total = self._emit(f"{base}/Sum", "Sum", [exp, axes_ref], dt, {"Tidx": idx, "keep_dims": keepdims})
        log = self._emit(f"{base}/Log", "Log", [total], dt)
        if not keepdims:
            shift = self._emit(f"{base}/Squeeze", "Squeeze", [shift], dt, {"squeeze_dims": [int(a) for a in axes]})
        out = self._emit(base, "AddV2", [log, shift], dt)
        self.refs[id(operation.outputs[0])] = out
        return self.fdef.node_def[-1]

    def _node(self, operation: Any) -> Any:
        if operation.type == "ReduceLogSumExp":
            return self._logsumexp(operation)
        if operation.type == "StringSplitV2":
            return self._string_split(operation)
        if operation.type in ("If", "While") and operation.op is not None and "n_then" in operation.attrs \
                or operation.type == "While" and "n_vars" in operation.attrs:
            return self._functional(operation)
        op_type = OP_RENAMES.get(operation.type, operation.type)
        op_def = OP_DEFS.get(op_type)
        if op_def is None or operation.op is None:
            raise _unsupported(op_type)
        in_args, out_args, attr_defs = op_def
        attrs = dict(operation.attrs)
        inputs = list(operation._inputs)
        if "table" in attrs:  # a lookup-table op: the table is TF's first input, a resource
            inputs.insert(0, attrs.pop("table"))
            attrs.pop("key_dtype", None)
        node = self.fdef.node_def.add(name=operation.name, op=op_type)
        if operation.device:
            node.device = operation.device
        if op_type == "StridedSlice":
            x = inputs[0]
            rank = None if x._array.shape is None else len(x._array.shape)
            begin, end, strides, masks = _index_to_strided(attrs.pop("index"), rank)
            attrs.pop("error", None)
            attrs.update(begin=begin, end=end, strides=strides, **masks)
            attr_inputs = {"begin": "begin", "end": "end", "strides": "strides"}
        else:
            # attrs of ours that are TF inputs; an op taking the tensor as an input (our dynamic
            # Reshape/Fill/BroadcastTo, named as TF's) has no such attr
            attr_inputs = {arg: ours for arg, ours in ATTR_INPUTS.get(operation.type, {}).items()
                           if ours in attrs or arg == "reduction_indices"}
        renames = ATTR_RENAMES.get(op_type, {})
        tf_attrs: dict[str, Any] = {}
        remaining = list(inputs)
        for i, (arg, type_spec, number_attr, list_attr) in enumerate(in_args):
            if arg in attr_inputs:
                value = attrs.get(attr_inputs[arg])
                if value is None and arg == "reduction_indices":
                    x = inputs[0]
                    value = list(range(len(x._array.shape)))
                array = np.asarray(value)
                if isinstance(type_spec, int):  # a fixed type (OneHot's depth is int32)
                    array = array.astype(_dtypes.as_dtype(type_spec)._np)
                elif array.dtype.kind in "iub" and (array.size == 0 or np.abs(array).max() < 2**31):
                    array = array.astype(np.int32)  # TF's default index type
                ref = self._const(f"{operation.name}/{arg}", array)
                node.input.append(ref)
                if isinstance(type_spec, str) and type_spec:
                    tf_attrs.setdefault(type_spec, array.dtype)
                continue
            if number_attr or list_attr:
                later = sum(1 for a in in_args[i + 1:] if a[0] not in attr_inputs)
                take = len(remaining) - later
                group, remaining = remaining[:take], remaining[take:]
                for x in group:
                    node.input.append(self._input_ref(x))
                if number_attr:
                    tf_attrs[number_attr] = len(group)
                    if type_spec and isinstance(type_spec, str):
                        tf_attrs[type_spec] = self._dtype_of(group[0]) if group else np.float32
                else:
                    tf_attrs[list_attr] = [self._dtype_of(x) for x in group]
                continue
            if not remaining:
                raise _unsupported(op_type, known=True)
            x = remaining.pop(0)
            node.input.append(self._input_ref(x))
            if isinstance(type_spec, str) and type_spec:
                tf_attrs.setdefault(type_spec, self._dtype_of(x))
        outputs = operation.outputs
        k = 0
        for arg, type_spec, number_attr, list_attr in out_args:
            if number_attr:
                count = int(tf_attrs.get(number_attr, attrs.get(number_attr, len(outputs) - k)))
                tf_attrs.setdefault(number_attr, count)
            elif list_attr:
                count = len(outputs) - k
                tf_attrs.setdefault(list_attr, [o._array.dtype for o in outputs[k:k + count]])
            else:
                count = 1
            for j in range(count):
                if k + j < len(outputs):
                    self.refs[id(outputs[k + j])] = f"{operation.name}:{arg}:{j}"
                    if isinstance(type_spec, str) and type_spec and type_spec not in tf_attrs:
                        tf_attrs[type_spec] = outputs[k + j]._array.dtype
            k += count
        for name, _, _ in attr_defs:
            if name in tf_attrs:
                continue
            ours = renames.get(name, name)
            if ours in attrs and attrs[ours] is not None:
                tf_attrs[name] = attrs[ours]
        if op_type == "RaggedTensorToTensor":  # ours takes row splits only
            tf_attrs.setdefault("row_partition_types", ["ROW_SPLITS"] * int(tf_attrs.get("num_row_partition_tensors", 1)))
        for name, kind, _ in attr_defs:
            if name not in tf_attrs:
                continue
            value = tf_attrs[name]
            target = node.attr[name]
            if kind == "type":
                target.type = _enum(value)
            elif kind == "list(type)":
                target.list.type.extend(_enum(v) for v in value)
                target.list.SetInParent()
            elif kind == "shape":
                _graph_def._set_shape(target.shape, value)
            elif kind == "list(int)":
                target.list.i.extend(int(v) for v in np.ravel(value))
                target.list.SetInParent()
            elif kind == "list(string)":
                target.list.s.extend(v if isinstance(v, bytes) else str(v).encode() for v in value)
                target.list.SetInParent()
            elif kind == "list(float)":
                target.list.f.extend(float(v) for v in np.ravel(value))
                target.list.SetInParent()
            elif kind == "int":
                target.i = int(value)
            elif kind == "float":
                target.f = float(value)
            elif kind == "bool":
                target.b = bool(value)
            elif kind == "string":
                target.s = value if isinstance(value, bytes) else str(value).encode()
            elif kind == "tensor":
                _graph_def._tensor_proto(target.tensor, np.asarray(value))
            elif not _graph_def._set_attr(target, value):
                del node.attr[name]
        for dep in operation.control_inputs:
            node.input.append(f"^{dep.name}")
        return node

    def _dtype_of(self, x: Any) -> Any:
        if any(x is v for v in self.variables):
            return _dtypes.resource
        array = getattr(x, "_array", None)
        return array.dtype if array is not None else _dtypes.resource
