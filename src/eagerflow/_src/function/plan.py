"""A traced graph compiled once into straight-line Python (as torch.fx's generated `forward`).

`compile_plan(graph, inputs, outputs, variable_params)` returns a `Plan`: a function taking one
array per graph input (placeholders: arguments, then captured outer tensors) and one variable
per variable parameter, that calls each op's kernel in graph order on array slots and returns
the output arrays. Everything `execute` decides per call was settled at trace time: devices
(kernels and array namespaces are bound as globals of the generated code), copies between
devices (inserted as calls), dtype checks (done while tracing). Captured variables are bound
by reference (their kernels read `variable._array` at call time, so assigns are seen both
ways); constants are bound as arrays. A slot is deleted after its last use, so a variable's
buffer is not kept referenced by stale reads (its in-place updates stay in place).

The generated source is `plan.source`; `plan.node_at_line(n)` maps a failing line back to the
graph operation (for TF-worded errors).
"""
from __future__ import annotations

from typing import Any

from eagerflow._src.framework import transfers
from eagerflow._src.function import remapper
from eagerflow._src.framework.tensor import EagerTensor


class Plan:
    """A compiled graph: `plan.run(*arrays, *variables) -> tuple of output arrays`."""

    __slots__ = ("run", "source", "_lines", "output_devices", "entry")

    def __init__(self, run: Any, source: str, lines: dict, output_devices: list, entry: Any) -> None:
        self.run = run
        self.entry = entry  # entry(*eager tensors, *variables) -> list of eager tensors
        self.source = source
        self._lines = lines
        self.output_devices = output_devices

    def node_at_line(self, line: int) -> Any:
        return self._lines.get(line)


def live_operations(graph: Any, outputs: list) -> set:
    """Ids of the operations that run: those with effects (variable ops, ops without outputs,
    stateful ops) and what they and the outputs depend on. Other ops are pruned, as TF prunes
    unused stateless ops (its "non-strict" execution)."""
    live: set = set()
    stack = [t._op for t in outputs]
    for node in graph.get_operations():
        op = node.op
        if op is not None and (op.resource or op.stateful or op.num_outputs == 0):
            stack.append(node)
    while stack:
        node = stack.pop()
        if id(node) in live:
            continue
        live.add(id(node))
        for x in node._inputs:
            producer = getattr(x, "_op", None)
            if producer is not None and producer.graph is graph:
                stack.append(producer)
        stack.extend(node.control_inputs)
    return live


def compile_plan(graph: Any, inputs: list, outputs: list, variable_params: list,
                 input_devices: list, name: str = "plan", profile: bool = False) -> Plan:
    """Generates and compiles the straight-line code of `graph` (see the module docstring).

    `inputs`: the placeholder tensors fed by the caller, in parameter order; `input_devices`:
    the device each arrives on; `variable_params`: variables that are parameters (passed per
    call) rather than captured; `outputs`: the tensors returned (symbolic tensors of `graph`).
    `profile`: each kernel records an event into the running tf.profiler session.
    """
    env: dict[str, Any] = {"_copy": transfers.copy_array}
    slot: dict[int, str] = {}  # id(symbolic tensor) -> local name
    where: dict[int, Any] = {}  # id(symbolic tensor) -> device its array lives on
    params = []
    for i, (t, device) in enumerate(zip(inputs, input_devices)):
        slot[id(t)] = f"i{i}"
        where[id(t)] = device
        params.append(f"i{i}")
    var_names: dict[int, str] = {}
    for k, v in enumerate(variable_params):
        var_names[id(v)] = f"V{k}"
        params.append(f"V{k}")

    def global_name(prefix: str, value: Any) -> str:
        key = f"{prefix}{len(env)}"
        env[key] = value
        return key

    def variable_name(v: Any) -> str:
        found = var_names.get(id(v))
        if found is None:
            found = var_names[id(v)] = global_name("var", v)
        return found

    live = live_operations(graph, outputs)
    # Pass 1: statements (without deletions), and the last statement using each slot.
    statements: list[tuple[str, Any, list[str]]] = []  # (code, node, local names it reads)
    const_copies: dict[tuple, str] = {}
    for node in remapper.remap(graph, graph.get_operations(), live, outputs):
        if node.type == "Placeholder":
            if id(node.outputs[0]) not in slot:
                raise ValueError(f"Graph input {node.outputs[0].name} is not fed by the caller.")
            continue
        if node.type == "Const":
            value = node.attrs["value"]
            out = node.outputs[0]
            slot[id(out)] = global_name("c", value._array)
            where[id(out)] = value._device
            continue
        op = node.op
        if op is None or id(node) not in live:
            continue  # recorded for inspection only, or pruned (TF's non-strict execution)
        device = node.placed
        if op.name == "Identity" and where[id(node._inputs[0])] is device:
            slot[id(node.outputs[0])] = slot[id(node._inputs[0])]  # an alias, no call
            where[id(node.outputs[0])] = device
            continue
        args = []
        reads = []
        for k, x in enumerate(node._inputs):
            if op.resource and k == 0:
                args.append(variable_name(x))
                continue
            name = slot[id(x)]
            source = where[id(x)]
            if source is not device:
                if name.startswith("c"):  # a constant: copied once, now
                    key = (name, id(device))
                    copied = const_copies.get(key)
                    if copied is None:
                        copied = const_copies[key] = global_name(
                            "c", transfers.copy_array(env[name], source, device))
                    name = copied
                else:
                    reads.append(name)
                    name = f"_copy({name}, {global_name('d', source)}, {global_name('d', device)})"
            else:
                if not name.startswith("c"):
                    reads.append(name)
            args.append(name)
        shape_only = op.name in _SHAPE_ONLY and _static(node._inputs[0])
        if (shape_only or not reads) and not op.resource and not op.stateful and op.num_outputs != 0 \
                and not device.needs_switch:
            values = [device.xp.zeros(node._inputs[0]._array.shape, node._inputs[0]._array.dtype)] \
                if shape_only else [env[a] for a in args]
            folded = _fold(op, node, device, values)
            if folded is not None:  # constants only in, computed once here (TF's constant folding)
                for out, value in zip(node.outputs, folded):
                    slot[id(out)] = global_name("c", value)
                    where[id(out)] = device
                continue
        kernel_fn = _kernel(op, node)
        if profile:  # tf.profiler's plan: each kernel call an event "<node>:<op type>"
            from eagerflow._src.profiler.profiler import timed_kernel

            kernel_fn = timed_kernel(kernel_fn, f"{node.name}:{op.name}", op.name)
        kernel = global_name("f", kernel_fn)
        xp = global_name("xp", device.xp)
        call_args = [xp] + args
        for key, value in node.attrs.items():
            call_args.append(f"{key}={global_name('a', value)}")
        call = f"{kernel}({', '.join(call_args)})"
        n = len(statements)
        if op.num_outputs == 0:
            code = call
        elif op.num_outputs == 1:
            out = node.outputs[0]
            slot[id(out)] = f"v{n}"
            code = f"v{n} = {call}"
        else:
            names = []
            for j, out in enumerate(node.outputs):
                slot[id(out)] = f"v{n}_{j}"
                names.append(f"v{n}_{j}")
            code = f"{', '.join(names)}, = {call}"
        for out in node.outputs:
            where[id(out)] = device
        if device.needs_switch:
            d = global_name("d", device)
            code = f"with {d}.backend.device_context({d}.backend_index):\n        {code}"
        statements.append((code, node, reads))

    result_names = []
    output_devices = []
    for t in outputs:
        name = slot.get(id(t))
        if name is None:
            raise ValueError(f"Output {t!r} is not computed by the graph.")
        result_names.append(name)
        output_devices.append(where[id(t)])
    statements = _without_dead(statements, result_names)
    last_use: dict[str, int] = {}
    for n, (_, _, reads) in enumerate(statements):
        for name in reads:
            last_use[name] = n
    keep = set(result_names)
    lines = [f"def plan({', '.join(params)}):"]
    line_nodes: dict[int, Any] = {}
    for n, (code, node, reads) in enumerate(statements):
        line_nodes[len(lines) + 1] = node
        if code.startswith("with "):
            line_nodes[len(lines) + 2] = node
        lines.append(f"    {code}")
        dead = {r for r in reads if last_use.get(r) == n and r not in keep}
        # Results nobody reads (a variable read kept for its order) go at once: a live
        # reference to a variable's buffer would make its next in-place update copy.
        dead.update(p for p in _produced(code) if p not in last_use and p not in keep)
        dead = sorted(dead)
        if dead:
            lines.append(f"    del {', '.join(dead)}")
    body = lines[1:]
    if len(result_names) == 1:
        lines.append(f"    return ({result_names[0]},)")
    else:
        lines.append(f"    return ({', '.join(result_names)}{',' if result_names else ''})")
    # `entry`: the same body taking eager tensors (copied to their trace-time device when
    # elsewhere) and returning eager tensors; the plan's lines come first (error lines map).
    env["_E"] = EagerTensor
    entry = [f"def entry({', '.join([f't{i}' for i in range(len(inputs))] + params[len(inputs):])}):"]
    for i, device in enumerate(input_devices):
        d = global_name("d", device)
        entry.append(f"    i{i} = t{i}._array if t{i}._device is {d} else _copy(t{i}._array, t{i}._device, {d})")
    entry.extend(body)
    wrapped = [f"_E({r}, {global_name('d', d)})" for r, d in zip(result_names, output_devices)]
    entry.append(f"    return [{', '.join(wrapped)}]")
    source = "\n".join(lines) + "\n"
    code = compile(source + "\n".join(entry) + "\n", f"<tf.function plan {name}>", "exec")
    exec(code, env)  # noqa: S102 - our own generated code (see the module docstring)
    return Plan(env["plan"], source, line_nodes, output_devices, env["entry"])


_FOLD_LIMIT = 1 << 20  # elements: larger results are computed per call rather than kept
# Ops whose output depends only on their input's static shape and dtype: folded when it is known.
_SHAPE_ONLY = frozenset(("OnesLike", "ZerosLike", "Shape", "Size", "Rank"))


def _static(x: Any) -> bool:
    shape = getattr(getattr(x, "_array", None), "shape", None)
    return shape is not None and None not in shape and getattr(x._array, "dtype", None) is not None \
        and x._array.dtype != object


def _produced(code: str) -> list[str]:
    """The local names a generated statement assigns."""
    line = code.rsplit("\n", 1)[-1].strip()
    return line.split(" = ", 1)[0].replace(",", " ").split() if " = " in line else []


def _without_dead(statements: list, result_names: list) -> list:
    """Statements whose results nothing reads any more (their only reader was folded) dropped,
    unless they have effects."""
    used = set(result_names)
    kept = []
    for code, node, reads in reversed(statements):
        op = node.op
        produced = _produced(code)
        if produced and not (op.resource or op.stateful) and not any(p in used for p in produced):
            continue
        used.update(reads)
        kept.append((code, node, reads))
    kept.reverse()
    return kept


def _fold(op: Any, node: Any, device: Any, arrays: list) -> list | None:
    """The outputs of a stateless op whose inputs are all constants, or None (too large, or
    failing: then it runs, and fails, when called, as TF's graph would)."""
    try:
        out = op.forward(device.xp, *arrays, **node.attrs)
    except Exception:  # noqa: BLE001 - left to run time
        return None
    outs = [out] if op.num_outputs == 1 else list(out)
    if len(outs) != len(node.outputs) or sum(getattr(o, "size", 1) for o in outs) > _FOLD_LIMIT:
        return None
    return outs


def _kernel(op: Any, node: Any) -> Any:
    """The op's forward; for a parallel-when-large elementwise kernel whose inputs are known to
    be small, the plain kernel under it (one Python call less per op)."""
    forward = op.forward
    plain = getattr(forward, "__wrapped__", None)
    if plain is None:
        return forward
    from eagerflow._src.backends.host_threads import THRESHOLD

    for x in node._inputs:
        shape = getattr(getattr(x, "_array", None), "shape", None)
        if shape is None or None in shape:
            return forward
        size = 1
        for d in shape:
            size *= d
        if size >= THRESHOLD:
            return forward
    return plain
