"""A `While` node's loop as one generated Python function.

The cond's and body's kernel calls are written inline in a `while True:` (no plan call,
argument tuple or output tuple per step), and stateless `If` nodes inside become Python
if/else over their branches' kernel calls. Built when every node runs on the loop's device
with no copies (the common case); `fuse` returns None otherwise and the node loops over the
two compiled plans instead.
"""
from __future__ import annotations

from typing import Any, Callable


class _NotFusable(Exception):
    pass


class _FusedLoop:
    """The loop of a `While` node as one generated Python function: the cond's and body's
    kernel calls inline in a `while True:` (no per-step plan calls or tuple packing). Built
    when every node runs on one device with no copies (the common case); else None."""

    __slots__ = ("loop", "source")

    def __init__(self, loop: Callable, source: str) -> None:
        self.loop = loop
        self.source = source


def _statements(graph: Any, outputs: list, names: dict, prefix: str, env: dict, device: Any) -> tuple:
    from eagerflow._src.function.plan import live_operations

    live = live_operations(graph, outputs)
    lines = []
    count = 0
    for node in graph.get_operations():
        if node.type == "Placeholder":
            if id(node.outputs[0]) not in names:
                raise _NotFusable
            continue
        if node.type == "Const":
            value = node.attrs["value"]
            if value._device is not device:
                raise _NotFusable
            key = f"c{len(env)}"
            env[key] = value._array
            names[id(node.outputs[0])] = key
            continue
        op = node.op
        if op is None or id(node) not in live:
            continue
        if node.placed is not device or device.needs_switch:
            raise _NotFusable
        if op.name == "Identity":
            names[id(node.outputs[0])] = names[id(node._inputs[0])]
            continue
        if op.name == "If" and not op.stateful:
            lines.extend(_inline_if(node, names, f"{prefix}{count}_", env, device))
            count += 1
            continue
        args = []
        for k, x in enumerate(node._inputs):
            if op.resource and k == 0:
                key = f"var{len(env)}"
                env[key] = x
                args.append(key)
            else:
                args.append(names[id(x)])
        kernel = f"f{len(env)}"
        env[kernel] = _small_kernel(op.forward, node)
        infix = _infix(op, node, env[kernel])
        if infix is not None:  # the kernel is exactly `x <op> y`: written inline, no call
            target = f"{prefix}{count}"
            names[id(node.outputs[0])] = target
            lines.append(f"{target} = {args[0]} {infix} {args[1]}")
            count += 1
            continue
        call_args = ["xp"] + args
        for key, value in node.attrs.items():
            attr = f"a{len(env)}"
            env[attr] = value
            call_args.append(f"{key}={attr}")
        call = f"{kernel}({', '.join(call_args)})"
        if op.num_outputs == 0:
            lines.append(call)
        elif op.num_outputs == 1:
            target = f"{prefix}{count}"
            names[id(node.outputs[0])] = target
            lines.append(f"{target} = {call}")
        else:
            targets = [f"{prefix}{count}_{j}" for j in range(len(node.outputs))]
            for out, target in zip(node.outputs, targets):
                names[id(out)] = target
            lines.append(f"{', '.join(targets)}, = {call}")
        count += 1
    return lines, [names[id(t)] for t in outputs]


# Ops whose plain NumPy kernel is exactly one Python operator on its two arrays.
_INFIX = {"Mul": "*", "Sub": "-", "Less": "<", "LessEqual": "<=", "Greater": ">",
          "GreaterEqual": ">=", "AddV2": "+"}


def _infix(op: Any, node: Any, kernel: Callable) -> str | None:
    """The operator to write for `node` instead of a kernel call: only for the plain kernel (the
    arrays proven small, or an op never split over threads) on numeric arrays, without attrs."""
    symbol = _INFIX.get(op.name)
    if symbol is None or node.attrs or len(node._inputs) != 2 or op.num_outputs != 1:
        return None
    if getattr(kernel, "__name__", "") == "parallel_kernel":
        return None
    if any(getattr(getattr(x, "_array", None), "dtype", None) in (None, object) for x in node._inputs):
        return None  # string AddV2 concatenates through its kernel
    return symbol


def _small_kernel(forward: Callable, node: Any) -> Callable:
    """The plain kernel under host_threads' chunk-parallel wrapper when the node's static
    shapes prove its arrays stay below the wrapper's threshold (it would call it directly)."""
    if getattr(forward, "__name__", "") != "parallel_kernel" or not forward.__closure__:
        return forward
    from eagerflow._src.backends import host_threads

    limit = getattr(host_threads, "THRESHOLD", None)
    sizes = [x._array.size for x in node._inputs if hasattr(x, "_array")]
    if limit is None or not sizes or any(size is None or size >= limit for size in sizes):
        return forward
    names = forward.__code__.co_freevars
    if "kernel" not in names:
        return forward
    return forward.__closure__[names.index("kernel")].cell_contents


def _inline_if(node: Any, names: dict, prefix: str, env: dict, device: Any) -> list:
    """A stateless `If` node as a Python if/else over its branches' statements."""
    attrs = node.attrs
    n_then = attrs["n_then"]
    pred = names[id(node._inputs[0])]
    captures = node._inputs[1:]
    targets = [f"{prefix}o{j}" for j in range(len(node.outputs))]
    lines = [f"if {pred}:"]
    for k, (function, part) in enumerate(((attrs["then_branch"], captures[:n_then]),
                                          (attrs["else_branch"], captures[n_then:]))):
        graph = function.graph
        inner = {id(ph): names[id(x)] for ph, x in zip(graph.inputs, part)}
        body, results = _statements(graph, graph.outputs, inner, f"{prefix}{'te'[k]}", env, device)
        if targets:
            body.append(f"{', '.join(targets)}, = {', '.join(results)},")
        lines.extend("    " + line for line in (body or ["pass"]))
        if k == 0:
            lines.append("else:")
    for out, target in zip(node.outputs, targets):
        names[id(out)] = target
    return lines


def fuse(cond_graph: Any, body_graph: Any, n_vars: int, device: Any) -> _FusedLoop | None:
    env: dict = {"xp": device.xp}
    state = [f"s{k}" for k in range(n_vars)]
    try:
        for graph in (cond_graph, body_graph):
            if any(d is not device for d in graph.input_devices):
                raise _NotFusable
        cond_names = {id(ph): s for ph, s in zip(cond_graph.inputs, state)}
        cond_caps = [f"k{k}" for k in range(len(cond_graph.inputs) - n_vars)]
        cond_names.update({id(ph): c for ph, c in zip(cond_graph.inputs[n_vars:], cond_caps)})
        cond_lines, (test,) = _statements(cond_graph, cond_graph.outputs, cond_names, "t", env, device)
        body_names = {id(ph): s for ph, s in zip(body_graph.inputs, state)}
        body_caps = [f"b{k}" for k in range(len(body_graph.inputs) - n_vars)]
        body_names.update({id(ph): c for ph, c in zip(body_graph.inputs[n_vars:], body_caps)})
        body_lines, results = _statements(body_graph, body_graph.outputs, body_names, "v", env, device)
    except _NotFusable:
        return None
    pad = "        "
    source = "\n".join([
        "def loop(state, cond_caps, body_caps):",
        f"    {', '.join(state)}, = state",
        f"    {', '.join(cond_caps)}, = cond_caps" if cond_caps else "",
        f"    {', '.join(body_caps)}, = body_caps" if body_caps else "",
        "    while True:",
        *[pad + line for line in cond_lines],
        f"{pad}if not {test}:",
        f"{pad}    break",
        *[pad + line for line in body_lines],
        f"{pad}{', '.join(state)}, = {', '.join(results)},",
        f"    return [{', '.join(state)}]",
    ])
    namespace = dict(env)
    exec(compile(source, "<While loop>", "exec"), namespace)  # noqa: S102 - our generated code
    return _FusedLoop(namespace["loop"], source)
