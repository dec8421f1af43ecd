"""Writes src/eagerflow/framework/op_signatures.py from TensorFlow's op registry.

    TF_CPP_MIN_LOG_LEVEL=3 .venv-compat/bin/python tools/gen_op_signatures.py [--check]

For every op eagerflow registers with accepted dtypes (`Op.dtypes`) that has a TF OpDef whose
first input is typed by an attr with an allowed list, it records what TF's "Value for attr 'T'
of ... is not in the list of allowed values" error shows: the attr's name, its allowed types as
the first line lists them, and the OpDef summary TF appends after the NodeDef. The text is rebuilt from the OpDef fields as TF's
C++ `SummarizeOpDef` and `SummarizeAttrValue` write it. `--check` then raises the error in
TensorFlow for every recorded op (a first input of a dtype outside the list) and compares.
"""
from __future__ import annotations

import argparse
import importlib
import json
import math
import pkgutil
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "src" / "eagerflow" / "framework" / "op_signatures.py"
COMMAND = "TF_CPP_MIN_LOG_LEVEL=3 .venv-compat/bin/python tools/gen_op_signatures.py"
sys.path.insert(0, str(ROOT / "src"))

from tensorflow.core.framework import types_pb2  # noqa: E402
from tensorflow.python.framework import op_def_registry  # noqa: E402


def checked_op_names() -> list[str]:
    """The ops eagerflow checks the first input's dtype of (`Op.dtypes` set): importing each
    module under eagerflow.ops declares them all, the lazily loaded random and training ops too."""
    import eagerflow.ops
    from eagerflow.framework.op import REGISTRY

    for module in pkgutil.walk_packages(eagerflow.ops.__path__, "eagerflow.ops."):
        importlib.import_module(module.name)
    return sorted(name for name, op in REGISTRY.items() if op.dtypes is not None)


# --- TF's C++ text, rebuilt ---------------------------------------------------------------------
def type_string(enum: int) -> str:
    """DataTypeString: DT_FLOAT -> float, DT_HALF -> half (the enum name, lowercased)."""
    return types_pb2.DataType.Name(enum)[3:].lower()


def c_escape(text: bytes) -> str:
    """absl::CEscape."""
    named = {ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t", ord('"'): '\\"', ord("'"): "\\'",
             ord("\\"): "\\\\"}
    return "".join(named.get(b) or (chr(b) if 32 <= b < 127 else f"\\{b:03o}") for b in text)


def summarize_string(text: bytes) -> str:
    escaped = c_escape(text)
    if len(escaped) >= 80:  # TF shortens long strings to their ends
        escaped = f"{escaped[:10]}...{escaped[-10:]}"
    return f'"{escaped}"'


def float_string(value: float) -> str:
    """StrCat(float): %g with 6 digits, 9 when 6 do not give the float back."""
    if not math.isfinite(value):
        return str(value)  # inf, -inf, nan
    text = f"{value:.6g}"
    if struct.pack("f", float(text)) != struct.pack("f", value):
        text = f"{value:.9g}"
    return text


def shape_string(shape) -> str:
    """PartialTensorShape::DebugString."""
    if shape.unknown_rank:
        return "<unknown>"
    return "[" + ",".join("?" if d.size < 0 else str(d.size) for d in shape.dim) + "]"


def summarize_attr_value(value) -> str:
    """SummarizeAttrValue (tensorflow/core/framework/attr_value_util.cc), for the kinds OpDefs use."""
    kind = value.WhichOneof("value")
    if kind == "list":
        items = value.list
        if items.s:
            pieces = [summarize_string(s) for s in items.s]
        elif items.i:
            pieces = [str(i) for i in items.i]
        elif items.f:
            pieces = [float_string(f) for f in items.f]
        elif items.b:
            pieces = ["true" if b else "false" for b in items.b]
        elif items.type:
            pieces = [types_pb2.DataType.Name(t) for t in items.type]
        elif items.shape:
            pieces = [shape_string(s) for s in items.shape]
        elif items.tensor or items.func:
            raise NotImplementedError("tensor and function lists are not summarised here")
        else:
            pieces = []
        if len(pieces) >= 30:
            raise NotImplementedError("TF hashes lists of 30 or more; none of our ops has one")
        return "[" + ", ".join(pieces) + "]"
    if kind == "s":
        return summarize_string(value.s)
    if kind == "i":
        return str(value.i)
    if kind == "f":
        return float_string(value.f)
    if kind == "b":
        return "true" if value.b else "false"
    if kind == "type":
        return types_pb2.DataType.Name(value.type)
    if kind == "shape":
        return shape_string(value.shape)
    raise NotImplementedError(f"attr values of kind {kind!r} are not summarised here")


def summarize_args(args) -> str:
    """SummarizeArgs: "x:T, y:int32", "inputs:N*T", "ref:Ref(T)"."""
    pieces = []
    for arg in args:
        text = f"{arg.name}:"
        if arg.is_ref:
            text += "Ref("
        if arg.number_attr:
            text += f"{arg.number_attr}*"
        # A list(type) input has neither, and TF prints nothing after its "name:".
        text += type_string(arg.type) if arg.type != types_pb2.DT_INVALID else arg.type_attr
        if arg.is_ref:
            text += ")"
        pieces.append(text)
    return ", ".join(pieces)


def summarize_op_def(op_def) -> str:
    """SummarizeOpDef (tensorflow/core/framework/op_def_util.cc)."""
    text = f"Op<name={op_def.name}; signature={summarize_args(op_def.input_arg)} -> " \
           f"{summarize_args(op_def.output_arg)}"
    for attr in op_def.attr:
        text += f"; attr={attr.name}:{attr.type}"
        if attr.HasField("default_value"):
            text += f",default={summarize_attr_value(attr.default_value)}"
        if attr.has_minimum:
            text += f",min={attr.minimum}"
        if attr.HasField("allowed_values"):
            text += f",allowed={summarize_attr_value(attr.allowed_values)}"
    for flag in ("is_commutative", "is_aggregate", "is_stateful", "allows_uninitialized_input",
                 "is_distributed_communication"):
        if getattr(op_def, flag):
            text += f"; {flag}=true"
    return text + ">"


def checked_attr(op_def):
    """The AttrDef typing the first input (what eagerflow's dtype check stands for), or None."""
    if not op_def.input_arg or not op_def.input_arg[0].type_attr:
        return None
    name = op_def.input_arg[0].type_attr
    attr = next(a for a in op_def.attr if a.name == name)
    return attr if attr.HasField("allowed_values") else None


def signatures(op_names: list[str]) -> dict[str, tuple[str, str, str]]:
    table = {}
    for name in op_names:
        op_def = op_def_registry.get(name)
        attr = checked_attr(op_def) if op_def is not None else None
        if attr is None:
            continue
        allowed = ", ".join(type_string(t) for t in attr.allowed_values.list.type)
        table[name] = (attr.name, allowed, summarize_op_def(op_def))
    return table


def render(table: dict[str, tuple[str, str, str]]) -> str:
    lines = [
        f'"""GENERATED by `{COMMAND}`; do not edit.',
        "",
        "TensorFlow 2.21's text for an op's first input of a dtype it does not accept: op name ->",
        "(the type attr, its allowed types as the error's first line lists them, the OpDef summary",
        "TF appends after the NodeDef). Read only when such an error is raised.",
        '"""',
        "SIGNATURES: dict[str, tuple[str, str, str]] = {",
    ]
    for name, (attr, allowed, summary) in table.items():
        lines.append(f"    {_quote(name)}: ({_quote(attr)}, {_quote(allowed)},")
        lines.append(f"        {_quote(summary)}),")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    return json.dumps(text)  # a double-quoted Python literal for this ASCII text


# --- --check: the same text from TensorFlow itself -----------------------------------------------
_BAD_DTYPES = ("bool", "string", "float32", "int32", "uint8", "int8", "complex64")


def raised_message(op_def, attr) -> tuple[int, str]:
    """(DataType used, TF's error text up to " [Op:") for a first input outside `attr`'s list; the
    op runs through TF's eager executor directly, as its generated Python wrappers call it."""
    import tensorflow as tf
    from tensorflow.python.eager import context, execute

    allowed = {tf.as_dtype(t).name for t in attr.allowed_values.list.type}
    bad = tf.as_dtype(next(d for d in _BAD_DTYPES if d not in allowed))
    attrs = {}
    for a in op_def.attr:
        if a.name == attr.name:
            attrs[a.name] = bad.as_datatype_enum
        elif a.type == "type" and a.HasField("default_value"):
            attrs[a.name] = a.default_value.type
        elif a.type == "type":
            attrs[a.name] = a.allowed_values.list.type[0] if a.HasField("allowed_values") else types_pb2.DT_INT32
        elif a.type == "int" and not a.HasField("default_value"):
            attrs[a.name] = max(2, a.minimum)  # list lengths and the like
    inputs = []
    for arg in op_def.input_arg:
        dtype = tf.as_dtype(arg.type if arg.type != types_pb2.DT_INVALID else attrs[arg.type_attr])
        value = tf.zeros([1], dtype) if dtype != tf.string else tf.constant([""])
        inputs += [value] * (attrs[arg.number_attr] if arg.number_attr else 1)
    outputs = sum(attrs[arg.number_attr] if arg.number_attr else 1 for arg in op_def.output_arg)
    flat = [item for pair in attrs.items() for item in pair]
    try:
        execute.execute(op_def.name, outputs, inputs, tuple(flat), context.context())
    except tf.errors.InvalidArgumentError as e:
        return bad.as_datatype_enum, e.message.split(" [Op:")[0]
    return bad.as_datatype_enum, "<no error>"


def check(table: dict[str, tuple[str, str, str]]) -> int:
    failures = 0
    for name, (attr_name, allowed, summary) in table.items():
        op_def = op_def_registry.get(name)
        dtype, theirs = raised_message(op_def, checked_attr(op_def))
        ours = (f"Value for attr '{attr_name}' of {type_string(dtype)} is not in the list of allowed values: {allowed}"
                f"\n\t; NodeDef: {{{{node {name}}}}}; {summary}")
        if ours != theirs:
            failures += 1
            print(f"{name} ({type_string(dtype)}):\n  ours:   {ours!r}\n  theirs: {theirs!r}")
    print(f"checked {len(table)} ops against TensorFlow: {failures} differ")
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="also compare with errors TF raises")
    args = parser.parse_args()
    table = signatures(checked_op_names())
    OUTPUT.write_text(render(table))
    print(f"wrote {len(table)} ops to {OUTPUT.relative_to(ROOT)}")
    return check(table) if args.check else 0


if __name__ == "__main__":
    sys.exit(main())
