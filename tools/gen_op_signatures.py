"""Writes src/eagerflow/framework/op_signatures.py from TensorFlow's op registry.

    TF_CPP_MIN_LOG_LEVEL=3 .venv-compat/bin/python tools/gen_op_signatures.py [--check]

For every op eagerflow registers that has a TF OpDef with a type attr restricted to a list, it
records what TF's "Value for attr 'T' of ... is not in the list of allowed values" errors show:
the attr typing the first input, each restricted attr's allowed types as the first line lists
them, and the OpDef summary TF appends after the NodeDef (the same whichever attr failed). The
text is rebuilt from the OpDef fields as TF's C++ `SummarizeOpDef` and `SummarizeAttrValue`
write it. For the ops in `NO_KERNEL_OPS` it also records the kernel list TF's NotFoundError
prints when the OpDef accepts a dtype no CPU kernel takes. `--check` then raises each error in
TensorFlow (an input of a dtype outside each list; a dtype without a kernel) and compares.
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
OUTPUT = ROOT / "src" / "eagerflow" / "_src" / "framework" / "op_signatures.py"
COMMAND = "TF_CPP_MIN_LOG_LEVEL=3 .venv-compat/bin/python tools/gen_op_signatures.py"
sys.path.insert(0, str(ROOT / "src"))

from tensorflow.core.framework import types_pb2  # noqa: E402
from tensorflow.python.framework import op_def_registry  # noqa: E402


def registered_op_names() -> list[str]:
    """Every op eagerflow declares: importing each module under eagerflow._src.ops declares them all,
    the lazily loaded random and training ops too."""
    import eagerflow._src.ops
    from eagerflow._src.framework.op import REGISTRY

    for module in pkgutil.walk_packages(eagerflow._src.ops.__path__, "eagerflow._src.ops."):
        importlib.import_module(module.name)
    return sorted(REGISTRY)


# Ops whose TF OpDef accepts dtypes no CPU kernel takes, for which eagerflow raises TF's
# NotFoundError (its message lists every kernel registered for the op).
NO_KERNEL_OPS = ("Einsum", "Multinomial", "ScatterNd", "StatelessMultinomial", "StatelessRandomBinomial",
                 "TensorScatterUpdate")


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


def restricted_attrs(op_def) -> list:
    """The op's type attrs that carry an allowed list (the ones TF checks an input's dtype against)."""
    return [a for a in op_def.attr if a.type == "type" and a.HasField("allowed_values")]


def first_input_attr(op_def) -> str:
    """The restricted attr typing the first input (what `Op.dtypes` stands for), or ""."""
    if not op_def.input_arg or not op_def.input_arg[0].type_attr:
        return ""
    name = op_def.input_arg[0].type_attr
    return name if any(a.name == name for a in restricted_attrs(op_def)) else ""


def signatures(op_names: list[str]) -> dict[str, tuple[str, dict[str, str], str]]:
    table = {}
    for name in op_names:
        op_def = op_def_registry.get(name)
        if op_def is None or not restricted_attrs(op_def):
            continue
        allowed = {a.name: ", ".join(type_string(t) for t in a.allowed_values.list.type)
                   for a in restricted_attrs(op_def)}
        table[name] = (first_input_attr(op_def), allowed, summarize_op_def(op_def))
    return table


def kernels_text(name: str) -> str:
    """KernelsRegisteredForOp (tensorflow/core/framework/op_kernel.cc): one line per kernel."""
    from tensorflow.python.framework import kernels

    import tensorflow as tf

    tf.zeros([1]) + 1  # running an op registers the XLA JIT kernels TF's message lists too
    text = ""
    for kernel in kernels.get_registered_kernels_for_op(name).kernel:
        text += f"  device='{kernel.device_type}'"
        if kernel.label:
            text += f"; label='{kernel.label}'"
        for constraint in kernel.constraint:
            text += f"; {constraint.name} in {summarize_attr_value(constraint.allowed_values)}"
        text += "\n"
    return text or "  <no registered kernels>\n"


def render(table: dict[str, tuple[str, dict[str, str], str]], kernels: dict[str, str]) -> str:
    lines = [
        f'"""GENERATED by `{COMMAND}`; do not edit.',
        "",
        "TensorFlow 2.21's text for inputs of a dtype an op does not accept, read only when such an",
        "error is raised. SIGNATURES: op name -> (the type attr of its first input, or \"\"; each",
        "restricted type attr's allowed types as the error's first line lists them; the OpDef summary",
        "TF appends after the NodeDef). KERNELS: op name -> the kernels TF's NotFoundError lists when",
        "its OpDef accepts a dtype that no CPU kernel takes.",
        '"""',
        "SIGNATURES: dict[str, tuple[str, dict[str, str], str]] = {",
    ]
    for name, (first, allowed, summary) in table.items():
        lines.append(f"    {_quote(name)}: ({_quote(first)}, {{")
        for attr, types in allowed.items():
            lines.append(f"        {_quote(attr)}: {_quote(types)},")
        lines.append(f"    }}, {_quote(summary)}),")
    lines.append("}")
    lines.append("KERNELS: dict[str, str] = {")
    for name, text in kernels.items():
        lines.append(f"    {_quote(name)}: (")
        lines.extend(f"        {_quote(line + chr(10))}" for line in text.splitlines())
        lines.append("    ),")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    return json.dumps(text)  # a double-quoted Python literal for this ASCII text


# --- --check: the same text from TensorFlow itself -----------------------------------------------
_BAD_DTYPES = ("bool", "string", "float32", "int32", "uint8", "int8", "complex64", "resource")


def raised_message(op_def, types: dict[str, int]) -> tuple[str, str]:
    """(error class, TF's error text up to " [Op:") for the op run with the type attrs in `types`
    and defaults (or the first allowed type) for the rest; the op runs through TF's eager executor
    directly, as its generated Python wrappers call it."""
    import tensorflow as tf
    from tensorflow.python.eager import context, execute

    attrs = {}
    for a in op_def.attr:
        if a.name in types:
            attrs[a.name] = types[a.name]
        elif a.type == "type" and a.HasField("default_value"):
            attrs[a.name] = a.default_value.type
        elif a.type == "type":
            attrs[a.name] = a.allowed_values.list.type[0] if a.HasField("allowed_values") else types_pb2.DT_INT32
        elif a.type == "int" and not a.HasField("default_value"):
            attrs[a.name] = max(2, a.minimum)  # list lengths and the like
        elif a.type == "string" and not a.HasField("default_value"):
            # The first allowed value (MirrorPad's mode), else Einsum's equation
            attrs[a.name] = a.allowed_values.list.s[0].decode() if a.HasField("allowed_values") else "i->i"
    inputs = []
    for arg in op_def.input_arg:
        dtype = tf.as_dtype(arg.type if arg.type != types_pb2.DT_INVALID else attrs[arg.type_attr])
        if dtype == tf.resource:  # a variable's handle: attrs are checked before it is read
            value = tf.Variable([0.0])._handle
        else:
            value = tf.zeros([1], dtype) if dtype != tf.string else tf.constant([""])
        inputs += [value] * (attrs[arg.number_attr] if arg.number_attr else 1)
    outputs = sum(attrs[arg.number_attr] if arg.number_attr else 1 for arg in op_def.output_arg)
    flat = [item for pair in attrs.items() for item in pair]
    try:
        execute.execute(op_def.name, outputs, inputs, tuple(flat), context.context())
    except (tf.errors.InvalidArgumentError, tf.errors.NotFoundError) as e:
        return type(e).__name__, e.message.split(" [Op:")[0]
    return "", "<no error>"


def check_signatures(table: dict[str, tuple[str, dict[str, str], str]]) -> int:
    """Each restricted attr of each op set to a dtype outside its list: TF's text against ours."""
    import tensorflow as tf

    failures = checked = 0
    for name, (_, allowed_by_attr, summary) in table.items():
        op_def = op_def_registry.get(name)
        for attr in restricted_attrs(op_def):
            allowed = {tf.as_dtype(t).name for t in attr.allowed_values.list.type}
            bad = tf.as_dtype(next(d for d in _BAD_DTYPES if d not in allowed))
            kind, theirs = raised_message(op_def, {attr.name: bad.as_datatype_enum})
            ours = (f"Value for attr '{attr.name}' of {type_string(bad.as_datatype_enum)} is not in the list of "
                    f"allowed values: {allowed_by_attr[attr.name]}\n\t; NodeDef: {{{{node {name}}}}}; {summary}")
            checked += 1
            if (kind, ours) != ("InvalidArgumentError", theirs):
                failures += 1
                print(f"{name} {attr.name}={bad.name}:\n  ours:   {ours!r}\n  theirs: {kind} {theirs!r}")
    print(f"checked {checked} attrs of {len(table)} ops against TensorFlow: {failures} differ")
    return failures


def _uncovered(op_def, cpu_kernels):
    """(attr, dtype) pairs the OpDef accepts (a few candidates for an attr without a list) and no
    CPU kernel's constraint on that attr takes."""
    candidates = [types_pb2.DataType.Value(f"DT_{n.upper()}") for n in ("int8", "bool", "uint16", "int16")]
    for attr in dict.fromkeys(c.name for k in cpu_kernels for c in k.constraint):
        covered = {t for k in cpu_kernels for c in k.constraint if c.name == attr for t in c.allowed_values.list.type}
        attr_def = next(a for a in op_def.attr if a.name == attr)
        allowed = attr_def.allowed_values.list.type if attr_def.HasField("allowed_values") else candidates
        for t in allowed:
            if t not in covered:
                yield attr, t


def check_kernels(kernels: dict[str, str]) -> int:
    """Each op run with a dtype its OpDef accepts and no CPU kernel takes: TF's kernel list against ours."""
    from tensorflow.python.framework import kernels as tf_kernels

    failures = 0
    for name, text in kernels.items():
        op_def = op_def_registry.get(name)
        cpu = [k for k in tf_kernels.get_registered_kernels_for_op(name).kernel if k.device_type == "CPU"]
        attr, bad = next(_uncovered(op_def, cpu))
        kind, theirs = raised_message(op_def, {attr: bad})
        listed = theirs.partition(f"All kernels registered for op {name}:\n")[2]
        if (kind, listed) != ("NotFoundError", text):
            failures += 1
            print(f"{name} {attr}={type_string(bad)}:\n  ours:   {text!r}\n  theirs: {kind} {theirs!r}")
    print(f"checked the kernel lists of {len(kernels)} ops against TensorFlow: {failures} differ")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="also compare with errors TF raises")
    args = parser.parse_args()
    table = signatures(registered_op_names())
    kernels = {name: kernels_text(name) for name in NO_KERNEL_OPS}
    OUTPUT.write_text(render(table, kernels))
    print(f"wrote {len(table)} ops and {len(kernels)} kernel lists to {OUTPUT.relative_to(ROOT)}")
    if not args.check:
        return 0
    return 1 if check_signatures(table) + check_kernels(kernels) else 0


if __name__ == "__main__":
    sys.exit(main())
