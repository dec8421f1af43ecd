"""Runs a TensorFlow `FunctionDef` with eagerflow's ops (the functions of a loaded SavedModel).

`FunctionRunner.run(name, inputs)` walks the function's nodes in dependency order and runs each
through `execute` (or, for the ops whose TF tensor inputs are attrs of ours, through the public
function that takes them as tensors): eagerly it computes, inside a trace it builds our graph,
which is how a loaded function becomes a `tf.function`. `(Stateful)PartitionedCall` nodes run
the called function in place. Node inputs are resolved by TF's `node:output_arg:index` names
through TF's OpDefs (`op_defs.py`). Nothing in the file is executed as code: an op eagerflow does
not know raises TF's "Op type not registered" error.
"""
from __future__ import annotations

import inspect
from typing import Any, Callable

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.context import thread as _thread
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.graph import init_scope
from eagerflow._src.framework.tensor import EagerTensor
from eagerflow._src.framework.op import REGISTRY
from eagerflow._src.saved_model import resources
from eagerflow._src.saved_model.export_function import ATTR_INPUTS
from eagerflow._src.saved_model.op_defs import OP_DEFS


_MAX_CONST_ELEMENTS = 1 << 31


_ALL_OPS_IMPORTED = False
# string attrs that eagerflow's kernels take as bytes
_BYTES_ATTRS = {"StaticRegexReplace": ("pattern", "rewrite"), "StaticRegexFullMatch": ("pattern",),
                "StringJoin": ("separator",), "ReduceJoin": ("separator",), "UnsortedSegmentJoin": ("separator",)}


def _registered(op_type: str) -> Any:
    """The Op named `op_type`, importing every op module first if it is not registered yet (ops
    of namespaces eagerflow loads lazily, such as tf.strings', register on import)."""
    global _ALL_OPS_IMPORTED
    op = REGISTRY.get(op_type)
    if op is None and not _ALL_OPS_IMPORTED:
        import importlib
        import pkgutil

        import eagerflow._src.io as io_package
        import eagerflow._src.ops as ops_package

        _ALL_OPS_IMPORTED = True
        for package in (ops_package, io_package):
            for module in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
                try:
                    importlib.import_module(module.name)
                except ImportError:
                    continue
        op = REGISTRY.get(op_type)
    return op


def _not_registered(op_type: str) -> Exception:
    return errors.NotFoundError(
        None, None, f"Op type not registered '{op_type}' in binary running eagerflow. Make sure the Op and "
                    "Kernel are registered in the binary running in this process.")


def tensor_value(proto: Any) -> Any:
    """A TensorProto as an eager tensor (the `Const` value)."""
    from eagerflow._src.io.io_ops import parse_tensor

    count = 1
    for dim in proto.tensor_shape.dim:
        count *= max(dim.size, 0)
        if count > _MAX_CONST_ELEMENTS:  # a hostile file must not make us allocate without bound
            raise errors.InvalidArgumentError(None, None, "A SavedModel constant is too large to build.")
    try:
        dtype = _dtypes.as_dtype(proto.dtype)
    except (TypeError, KeyError, ValueError):
        raise errors.InvalidArgumentError(None, None, f"Unsupported TensorProto dtype {proto.dtype}") from None
    return parse_tensor(proto.SerializeToString(), dtype)


def attr_value(value: Any) -> Any:
    """An AttrValue as the Python value our ops take (types as NumPy dtypes)."""
    kind = value.WhichOneof("value")
    if kind == "type":
        return _np_dtype(value.type)
    if kind == "s":
        return value.s.decode("utf-8", "replace")
    if kind in ("i", "f", "b"):
        return getattr(value, kind)
    if kind == "shape":
        return _shape_value(value.shape)
    if kind == "tensor":
        return tensor_value(value.tensor)
    if kind == "func":
        return value.func.name
    if kind == "list":
        lv = value.list
        for field in ("i", "f", "b", "s", "type", "shape"):
            items = list(getattr(lv, field))
            if items:
                if field == "type":
                    return [_np_dtype(t) for t in items]
                if field == "s":
                    return [s.decode("utf-8", "replace") for s in items]
                if field == "shape":
                    return [_shape_value(s) for s in items]
                return items
        return []
    return None


def _shape_value(shape: Any) -> tuple | None:
    """A TensorShapeProto as a tuple (None for an unknown dimension), or None for unknown rank."""
    return None if shape.unknown_rank else tuple(None if d.size < 0 else d.size for d in shape.dim)


def _np_dtype(enum: int) -> Any:
    try:
        dtype = _dtypes.as_dtype(enum)
    except (TypeError, KeyError, ValueError):
        raise errors.InvalidArgumentError(None, None, f"Unknown DataType {enum} in a SavedModel") from None
    return dtype._np if dtype._np is not None else np.dtype(object)


def _ints(t: Any) -> Any:
    """A constant index input as Python ints (a scalar as an int, a vector as a list); inside a
    trace, a value that folds from constants and static shapes (TF's `constant_value`)."""
    import eagerflow as tf

    value = tf.get_static_value(t)
    if value is None:
        raise errors.UnimplementedError(
            None, None, f"eagerflow needs a constant here, where TensorFlow's graph computes {t!r} at run time.")
    return np.asarray(value).tolist()


def _public() -> dict[str, Callable[..., Any]]:
    """TF ops whose tensor inputs are attrs of ours, run through the public function taking them."""
    import eagerflow as tf

    def reduce(fn: Callable) -> Callable:
        return lambda ins, at: fn(ins[0], ins[1], keepdims=bool(at.get("keep_dims", False)))

    return {
        "Sum": reduce(tf.reduce_sum), "Mean": reduce(tf.reduce_mean), "Max": reduce(tf.reduce_max),
        "Min": reduce(tf.reduce_min), "Prod": reduce(tf.reduce_prod), "All": reduce(tf.reduce_all),
        "Any": reduce(tf.reduce_any), "EuclideanNorm": reduce(tf.math.reduce_euclidean_norm),
        "ArgMax": lambda ins, at: tf.argmax(ins[0], ins[1], output_type=at.get("output_type", np.int64)),
        "ArgMin": lambda ins, at: tf.argmin(ins[0], ins[1], output_type=at.get("output_type", np.int64)),
        "BroadcastTo": lambda ins, at: tf.broadcast_to(ins[0], ins[1]),
        "Reshape": lambda ins, at: tf.reshape(ins[0], ins[1]),
        "Transpose": lambda ins, at: tf.transpose(ins[0], ins[1]),
        "Tile": lambda ins, at: tf.tile(ins[0], ins[1]),
        "ExpandDims": lambda ins, at: tf.expand_dims(ins[0], _ints(ins[1])),
        "Pad": lambda ins, at: tf.pad(ins[0], ins[1]),
        "PadV2": lambda ins, at: tf.pad(ins[0], ins[1], constant_values=ins[2]),
        "MirrorPad": lambda ins, at: tf.pad(ins[0], ins[1], mode=at.get("mode", "REFLECT")),
        "ReverseV2": lambda ins, at: tf.reverse(ins[0], ins[1]),
        "Slice": lambda ins, at: tf.slice(ins[0], ins[1], ins[2]),
        "Cumsum": lambda ins, at: tf.math.cumsum(ins[0], _ints(ins[1]), exclusive=at.get("exclusive", False),
                                                 reverse=at.get("reverse", False)),
        "Cumprod": lambda ins, at: tf.math.cumprod(ins[0], _ints(ins[1]), exclusive=at.get("exclusive", False),
                                                   reverse=at.get("reverse", False)),
        "ConcatV2": lambda ins, at: tf.concat(list(ins[:-1]), _ints(ins[-1])),
        "GatherV2": lambda ins, at: tf.gather(ins[0], ins[1], axis=_ints(ins[2]), batch_dims=at.get("batch_dims", 0)),
        "OneHot": lambda ins, at: tf.one_hot(ins[0], _ints(ins[1]), ins[2], ins[3], axis=at.get("axis", -1)),
        "TopKV2": lambda ins, at: list(tf.math.top_k(ins[0], _ints(ins[1]), sorted=at.get("sorted", True))),
        "Fill": lambda ins, at: tf.fill(ins[0], ins[1]),
        "Split": lambda ins, at: tf.split(ins[1], at["num_split"], axis=_ints(ins[0])),
        "SplitV": lambda ins, at: tf.split(ins[0], ins[1], axis=_ints(ins[2])),
        "StridedSlice": lambda ins, at: tf.strided_slice(
            ins[0], ins[1], ins[2], ins[3], begin_mask=at.get("begin_mask", 0), end_mask=at.get("end_mask", 0),
            ellipsis_mask=at.get("ellipsis_mask", 0), new_axis_mask=at.get("new_axis_mask", 0),
            shrink_axis_mask=at.get("shrink_axis_mask", 0)),
        "BatchMatMulV2": lambda ins, at: tf.linalg.matmul(ins[0], ins[1], adjoint_a=at.get("adj_x", False),
                                                          adjoint_b=at.get("adj_y", False)),
        "BatchMatMulV3": lambda ins, at: tf.linalg.matmul(ins[0], ins[1], adjoint_a=at.get("adj_x", False),
                                                          adjoint_b=at.get("adj_y", False),
                                                          output_type=at.get("Tout")),
        "Shape": lambda ins, at: _shape(ins[0], at.get("out_type", np.int32)),
        "Cast": lambda ins, at: tf.cast(ins[0], at["DstT"]),
        "Pack": lambda ins, at: tf.stack(list(ins), axis=at.get("axis", 0)),
        "Unpack": lambda ins, at: tf.unstack(ins[0], num=at.get("num"), axis=at.get("axis", 0)),
        "Einsum": lambda ins, at: tf.einsum(at["equation"], *ins),
        "AddN": lambda ins, at: tf.add_n(list(ins)),
        "Range": lambda ins, at: tf.range(ins[0], ins[1], ins[2]),
        "StringSplitV2": lambda ins, at: _string_split(ins, at),
        "RaggedTensorToTensor": lambda ins, at: _ragged_to_tensor(ins, at),
        "DenseBincount": lambda ins, at: tf.math.bincount(
            ins[0], weights=None if ins[2].shape.as_list() == [0] else ins[2], minlength=ins[1],
            maxlength=ins[1], dtype=at.get("T", np.int32), binary_output=at.get("binary_output", False),
            axis=-1 if ins[0].shape.rank == 2 else None),
        "Bincount": lambda ins, at: tf.math.bincount(
            ins[0], weights=None if ins[2].shape.as_list() == [0] else ins[2], minlength=ins[1],
            maxlength=ins[1], dtype=at.get("T", np.int32)),
    }


def _string_split(ins: list, attrs: dict) -> list:
    """TF's `StringSplitV2` (sparse outputs) from eagerflow's ragged split."""
    import eagerflow as tf

    sep = tf.get_static_value(ins[1])
    if sep is None:
        raise errors.UnimplementedError(None, None, "eagerflow needs a constant separator for StringSplitV2.")
    sep = sep.item() if hasattr(sep, "item") else sep
    source = ins[0]
    if source.shape.rank is None:  # TF's StringSplitV2 takes a vector (a traced input may not say)
        source = tf.reshape(source, [-1])
    sparse = tf.strings.split(source, sep or None, maxsplit=attrs.get("maxsplit", -1)).to_sparse()
    return [sparse.indices, sparse.values, sparse.dense_shape]


def _ragged_to_tensor(ins: list, attrs: dict) -> Any:
    """TF's `RaggedTensorToTensor` with any row partitions: eagerflow's kernel takes row splits,
    so FIRST_DIM_SIZE + VALUE_ROWIDS partitions become splits first."""
    import eagerflow as tf
    from eagerflow._src.framework.execute import execute as run
    from eagerflow._src.ragged.ragged_kernels import TO_TENSOR

    kinds = attrs.get("row_partition_types") or ["ROW_SPLITS"] * (len(ins) - 3)
    shape, values, default, partitions = ins[0], ins[1], ins[2], list(ins[3:])
    if len(kinds) != len(partitions):
        raise errors.InvalidArgumentError(None, None, "RaggedTensorToTensor: row_partition_types and "
                                                      "row_partition_tensors differ in length.")
    splits, nrows = [], None
    for kind, tensor in zip(kinds, partitions):
        if kind == "FIRST_DIM_SIZE":
            nrows = tf.cast(tensor, tf.int64)
        elif kind == "ROW_SPLITS":
            splits.append(tf.cast(tensor, tf.int64))
            nrows = None
        elif kind == "VALUE_ROWIDS":
            rowids = tf.cast(tensor, tf.int64)
            if nrows is None:
                nrows = tf.cast(splits[-1][-1], tf.int64) if splits else tf.size(rowids, tf.int64)
            # splits[i] counts the (sorted) row ids below i
            bounds = tf.range(tf.cast(nrows, tf.int64) + 1, dtype=tf.int64)
            below = tf.cast(tf.less(tf.expand_dims(rowids, 0), tf.expand_dims(bounds, 1)), tf.int64)
            splits.append(tf.reduce_sum(below, axis=1))
            nrows = tf.size(rowids, tf.int64)
        else:
            raise errors.UnimplementedError(None, None, f"RaggedTensorToTensor row partition {kind!r}.")
    return run(TO_TENSOR, (shape, values, default, *splits))


_PUBLIC: dict[str, Callable[..., Any]] | None = None


def _shape(x: Any, out_type: Any) -> Any:
    """`Shape`: a constant when the static shape is fully known (so sizes computed from it,
    such as a `top_k`'s k, stay constants in a trace, as TF's grappler folds them)."""
    import eagerflow as tf

    dims = x.shape.as_list() if x.shape.rank is not None else None
    if dims is not None and all(d is not None for d in dims):
        return tf.constant(dims, dtype=out_type)
    return tf.shape(x, out_type=out_type)


def _attr_names(op: Any) -> set[str] | None:
    """The keyword attrs an op's forward takes (None: it takes any)."""
    forward = getattr(op.forward, "__wrapped__", op.forward)
    try:
        params = inspect.signature(forward).parameters.values()
    except (TypeError, ValueError):
        return None
    if any(p.kind is p.VAR_KEYWORD for p in params):
        return None
    return {p.name for p in params if p.kind is not p.VAR_POSITIONAL}


class FunctionRunner:
    """Runs the functions of one FunctionDefLibrary.

    Args:
      library: FunctionDef name -> FunctionDef.
    """

    def __init__(self, library: dict[str, Any]) -> None:
        self.library = library
        self._order: dict[str, list] = {}

    def signature(self, name: str) -> Any:
        return self._function(name).signature

    def _function(self, name: str) -> Any:
        fdef = self.library.get(name)
        if fdef is None:
            raise errors.NotFoundError(None, None, f"Function {name} is not in the SavedModel's library.")
        return fdef

    def _nodes_in_order(self, name: str) -> list:
        order = self._order.get(name)
        if order is not None:
            return order
        fdef = self._function(name)
        nodes = {n.name: n for n in fdef.node_def}
        if len(nodes) != len(fdef.node_def):
            raise errors.InvalidArgumentError(None, None, f"Function {name} has duplicate node names.")
        order, state = [], {}
        for root in nodes:
            stack = [(root, False)]
            while stack:
                node_name, done = stack.pop()
                if done:
                    state[node_name] = 2
                    order.append(nodes[node_name])
                    continue
                if state.get(node_name) == 2:
                    continue
                if state.get(node_name) == 1:
                    raise errors.InvalidArgumentError(None, None, f"Function {name} has a cycle at {node_name}.")
                state[node_name] = 1
                stack.append((node_name, True))
                for ref in nodes[node_name].input:
                    dep = ref.lstrip("^").split(":")[0]
                    if dep in nodes and state.get(dep) != 2:
                        stack.append((dep, False))
        self._order[name] = order
        return order

    def run(self, name: str, inputs: list, depth: int = 0) -> list:
        """Runs function `name` on `inputs` (tensors; variables for resource arguments)."""
        if depth > 64:
            raise errors.InvalidArgumentError(None, None, "Function calls nested too deeply in the SavedModel.")
        fdef = self._function(name)
        sig = fdef.signature
        if len(inputs) != len(sig.input_arg):
            raise errors.InvalidArgumentError(
                None, None, f"Function {name} takes {len(sig.input_arg)} inputs, got {len(inputs)}.")
        values: dict[str, Any] = {arg.name: x for arg, x in zip(sig.input_arg, inputs)}
        outputs: dict[str, list] = {}
        offsets: dict[str, dict[str, int]] = {}
        for node in self._nodes_in_order(name):
            ins = [self._resolve(ref, values, outputs, offsets, name) for ref in node.input if not ref.startswith("^")]
            result = self._run_node(node, ins, depth)
            outputs[node.name] = result
            offsets[node.name] = self._output_offsets(node)
        return [self._resolve(fdef.ret[arg.name], values, outputs, offsets, name) for arg in sig.output_arg]

    def _resolve(self, ref: str, values: dict, outputs: dict, offsets: dict, fname: str) -> Any:
        if ref in values:
            return values[ref]
        parts = ref.split(":")
        node = parts[0]
        if node not in outputs:
            raise errors.InvalidArgumentError(None, None, f"Function {fname}: input '{ref}' names no node or argument.")
        result = outputs[node]
        if len(parts) == 2:  # "node:index" (GraphDef style)
            index = int(parts[1])
        elif len(parts) == 3:
            base = offsets[node].get(parts[1])
            if base is None:
                raise errors.InvalidArgumentError(None, None, f"Function {fname}: '{ref}' names no output of {node}.")
            index = base + int(parts[2])
        else:
            index = 0
        if index >= len(result):
            raise errors.InvalidArgumentError(None, None, f"Function {fname}: '{ref}' is out of range.")
        return result[index]

    def _output_offsets(self, node: Any) -> dict[str, int]:
        op_def = OP_DEFS.get(node.op)
        if op_def is None:
            return {}
        offsets, k = {}, 0
        for arg, _, number_attr, list_attr in op_def[1]:
            offsets[arg] = k
            if number_attr:
                k += node.attr[number_attr].i if number_attr in node.attr else 0
            elif list_attr:
                k += len(node.attr[list_attr].list.type) if list_attr in node.attr else 0
            else:
                k += 1
        return offsets

    def _run_node(self, node: Any, ins: list, depth: int) -> list:
        global _PUBLIC
        op_type = node.op
        attrs = {k: attr_value(v) for k, v in node.attr.items() if not k.startswith("_")}
        if op_type == "Const":
            return [tensor_value(node.attr["value"].tensor)]
        if op_type == "NoOp":
            return []
        if op_type in ("IdentityN",):
            return list(ins)
        if op_type in ("PartitionedCall", "StatefulPartitionedCall"):
            return self.run(node.attr["f"].func.name, ins, depth + 1)
        if op_type in ("If", "StatelessIf"):
            return self._if(node, ins, depth)
        if op_type in ("While", "StatelessWhile"):
            return self._while(node, ins, depth)
        if op_type in resources.CREATE_OPS:  # a lookup table: its state is the handle
            return [resources.make_table(op_type, ins, attrs)]
        if op_type == "Identity" and ins and resources.is_handle(ins[0]):
            return [ins[0]]  # a table handle passed on
        if op_type in resources.TABLE_OPS:
            return resources.run_table_op(op_type, ins, attrs)
        op = REGISTRY.get(op_type)
        if ins and _thread.graph is not None and all(type(x) is EagerTensor for x in ins) \
                and not (op is not None and (op.stateful or op.resource)):
            # Constant folding (TF's grappler does it): a stateless op of constants runs now,
            # so values such as a top_k's k computed from static shapes stay constants.
            with init_scope():
                return self._compute(op_type, ins, attrs)
        return self._compute(op_type, ins, attrs)

    def _if(self, node: Any, ins: list, depth: int) -> list:
        """TF's functional `If`: `tf.cond` over the two branch functions."""
        import eagerflow as tf

        then_name, else_name = node.attr["then_branch"].func.name, node.attr["else_branch"].func.name
        pred, args = ins[0], ins[1:]
        pred = tf.cast(pred, tf.bool) if pred.dtype != tf.bool else pred
        outputs = tf.cond(pred, lambda: self.run(then_name, list(args), depth + 1),
                          lambda: self.run(else_name, list(args), depth + 1))
        return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]

    def _while(self, node: Any, ins: list, depth: int) -> list:
        """TF's functional `While`: `tf.while_loop` over the cond and body functions; resource
        loop variables (variables the body uses) pass through unchanged."""
        import eagerflow as tf

        cond_name, body_name = node.attr["cond"].func.name, node.attr["body"].func.name
        is_tensor = [isinstance(x, tf.Tensor) for x in ins]
        fixed = {k: x for k, x in enumerate(ins) if not is_tensor[k]}

        def full(loop_vars: tuple) -> list:
            it = iter(loop_vars)
            return [fixed[k] if k in fixed else next(it) for k in range(len(ins))]

        def cond(*loop_vars: Any) -> Any:
            value = self.run(cond_name, full(loop_vars), depth + 1)[0]
            return tf.cast(value, tf.bool) if value.dtype != tf.bool else value

        def body(*loop_vars: Any) -> Any:
            out = self.run(body_name, full(loop_vars), depth + 1)
            return [x for k, x in enumerate(out) if is_tensor[k]]

        loop_vars = [x for x in ins if isinstance(x, tf.Tensor)]
        result = tf.while_loop(cond, body, loop_vars)
        result = list(result) if isinstance(result, (list, tuple)) else [result]
        return full(tuple(result))

    def _compute(self, op_type: str, ins: list, attrs: dict) -> list:
        global _PUBLIC
        if _PUBLIC is None:
            _PUBLIC = _public()
        public = _PUBLIC.get(op_type)
        if public is not None:
            result = public(ins, attrs)
            return list(result) if isinstance(result, (list, tuple)) else [result]
        op = _registered(op_type)
        op_def = OP_DEFS.get(op_type)
        if op is None or op_def is None:
            raise _not_registered(op_type)
        attr_inputs = ATTR_INPUTS.get(op_type)
        if attr_inputs:  # TF inputs that are attrs of ours: constants, read as Python values
            kept = []
            for (arg, *_), x in zip(op_def[0], ins):
                if arg in attr_inputs:
                    attrs[attr_inputs[arg]] = _ints(x)
                else:
                    kept.append(x)
            ins = kept
        typing = {a[1] for a in op_def[0] if isinstance(a[1], str)} | {a[2] for a in op_def[0]} \
            | {a[3] for a in op_def[0]}
        accepted = _attr_names(op)
        ours = {k: v for k, v in attrs.items() if k not in typing and (accepted is None or k in accepted)}
        if accepted is not None:
            for name, kind, default in op_def[2]:
                if name in accepted and name not in ours and name not in typing and default != "<none>":
                    ours[name] = _np_dtype(default) if kind == "type" else default
        for name in _BYTES_ATTRS.get(op_type, ()):
            if isinstance(ours.get(name), str):  # these kernels take their patterns as bytes
                ours[name] = ours[name].encode("utf-8", "surrogateescape")
        result = execute(op, ins, ours)
        if result is None:
            return []
        return list(result) if isinstance(result, (list, tuple)) else [result]
