"""Gradients of graph `While` loops (the nodes of `graph_control_flow.py`).

- `While`'s gradient is one `WhileGrad` node: its kernel reruns the loop keeping each step's
  loop variables, then walks the steps backwards through a traced vector-Jacobian plan of the
  body (the forward keeps nothing extra).
- `WhileGrad`'s own gradient recomputes that under a tape (`autodiff/recompute.py`): second and
  higher orders.
- A body that updates variables it reads cannot be rerun (the updates would repeat). There the
  `While` node is given, when a gradient first needs it, one more output holding each step's
  state and read values (`_History`); `WhileGradHistory` walks those, and each read's gradient
  reaches its variable through a "carrier" read made before the loop (TF 2.21's values).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from eagerflow._src.framework import context
from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.tensor import EagerTensor
from eagerflow._src.ops.graph_control_flow import (
    _differentiable, _function_api, _node_op, _replay_vjp, _single, _spec_of,
)

_thread = context.thread


def while_grad_forward(xp: Any, *arrays: Any, cond: Any, body: Any, vjp: Any, n_vars: int, n_cond: int,
                        n_body: int, float_vars: tuple, float_caps: tuple, **_: Any) -> Any:
    state = arrays[:n_vars]
    cond_caps = arrays[n_vars:n_vars + n_cond]
    body_caps = arrays[n_vars + n_cond:n_vars + n_cond + n_body]
    dys = list(arrays[n_vars + n_cond + n_body:])
    test = cond._compiled().run
    step = body._compiled().run
    history = []
    while test(*state, *cond_caps)[0]:
        history.append(state)
        state = step(*state, *body_caps)
    run = vjp._compiled().run
    n_float = len(dys)
    dcaps = None
    for saved in reversed(history):
        out = run(*saved, *body_caps, *dys)
        dys = list(out[:n_float])
        step_caps = out[n_float:]
        dcaps = list(step_caps) if dcaps is None else [a + b for a, b in zip(dcaps, step_caps)]
    if dcaps is None:
        dcaps = [xp.zeros_like(body_caps[i]) for i in float_caps]
    return _single((*dys, *dcaps))


def while_grad(ctx: Any, dys: Any) -> list:
    trace, ConcreteFunction, _, tensor_spec = _function_api()
    from eagerflow._src.ops.array_ops import zeros_like

    dys = dys if isinstance(dys, list) else [dys]
    attrs = ctx.attrs
    n_vars, n_cond = attrs["n_vars"], attrs["n_cond"]
    n_carry = attrs.get("n_carry", 0)
    all_inputs = list(ctx.inputs)
    inputs = all_inputs[:len(all_inputs) - n_carry]
    body_caps = inputs[n_vars + n_cond:]
    specs = attrs["_output_specs"]
    float_vars = tuple(k for k, (d, _) in enumerate(specs) if np.dtype(d).kind in "fc")
    float_caps = tuple(k for k, c in enumerate(body_caps) if _differentiable(c))
    if not float_vars:
        return [None] * len(all_inputs)
    outputs = ctx.output if isinstance(ctx.output, list) else [ctx.output]
    if n_carry and not isinstance(outputs[0], EagerTensor):
        # The body updates variables it reads: the forward keeps each step's state and reads
        # (rerunning it would repeat the updates); gradients reach the variables (TF's values).
        return _while_grad_from_history(ctx, dys, outputs, body_caps, float_vars, float_caps)
    vjp = attrs.get("_vjp")
    if vjp is None:
        body = attrs["body"]
        n = len(specs)

        def vjp_fn(*values: Any) -> tuple:
            state, caps, seeds = values[:n], values[n:n + len(body_caps)], values[n + len(body_caps):]
            full_dys = [None] * n
            for k, s in zip(float_vars, seeds):
                full_dys[k] = s
            grads = _replay_vjp(body, list(state) + list(caps), full_dys)
            d_state = [grads[k] for k in float_vars]
            d_caps = [grads[n + k] for k in float_caps]
            return tuple(d_state + d_caps)

        def spec(d: Any, s: Any) -> Any:
            return tensor_spec(None if s is None else list(s), _dtypes.from_numpy(np.dtype(d)))

        args = tuple([spec(d, s) for d, s in specs] + [spec(*_spec_of(c)) for c in body_caps]
                     + [spec(*specs[k]) for k in float_vars])
        outer = _thread.graph
        graph = trace(vjp_fn, args, {}, "while_body_grad", outer_graph=outer)
        graph.outputs = list(graph.structured_outputs)
        vjp = attrs["_vjp"] = ConcreteFunction(graph)
    seeds = [dys[k] if dys[k] is not None else zeros_like(ctx.output[k] if isinstance(ctx.output, list)
                                                           else ctx.output) for k in float_vars]
    out_specs = tuple([specs[k] for k in float_vars] + [_spec_of(body_caps[k]) for k in float_caps])
    op = _node_op("WhileGrad", len(out_specs), False)
    grad_attrs = {"cond": attrs["cond"], "body": attrs["body"], "vjp": vjp, "n_vars": n_vars,
                  "n_cond": n_cond, "n_body": len(body_caps), "float_vars": float_vars,
                  "float_caps": float_caps, "_output_specs": out_specs}
    result = execute(op, [*inputs, *seeds], grad_attrs)
    outs = result if isinstance(result, list) else [result]
    grads: list = [None] * len(all_inputs)
    for j, k in enumerate(float_vars):
        grads[k] = outs[j]
    for j, k in enumerate(float_caps):
        grads[n_vars + n_cond + k] = outs[len(float_vars) + j]
    return grads


# --- While loops that update variables they read ----------------------------------------------------
def updated_variable_reads(body_graph: Any) -> tuple[tuple, list]:
    """Reads, in a loop body, of trainable float variables the body also updates (those stay
    captured by reference, see `inline_variable_reads`): the read operations with the index of
    their variable, and those variables. Each variable is read once more before the loop (a
    "carrier" input of the While node) so that tapes route the gradients of all its reads there."""
    from eagerflow._src.ops.state_ops import READ

    variables = getattr(body_graph, "variable_captures", None)
    if not variables:
        return (), []
    carried: list = []
    reads = []
    for node in body_graph.get_operations():
        if node.op is not READ:
            continue
        v = node._inputs[0]
        if not getattr(v, "trainable", False) or not v.dtype.is_floating:
            continue
        index = next((k for k, c in enumerate(carried) if c is v), None)
        if index is None:
            index = len(carried)
            carried.append(v)
        reads.append((node, index))
    return tuple(reads), carried


class _History:
    """What a While node keeping its history needs: the body compiled to also return the
    values of its variable reads (compiled on first use)."""

    def __init__(self, body: Any, reads: tuple) -> None:
        self.body = body
        self.reads = reads
        self._plan: Any = None

    def plan(self) -> Any:
        if self._plan is None:
            from eagerflow._src.function.plan import compile_plan
            graph = self.body.graph
            self._plan = compile_plan(graph, graph.inputs, list(graph.outputs) + [n.outputs[0] for n, _ in self.reads],
                                      graph.variable_params, graph.input_devices, name="while_body_history")
        return self._plan

    def run(self, state: tuple, cond_caps: tuple, body_caps: tuple, cond: Any) -> tuple:
        """The loop, keeping each step's state and read values (the node's last output)."""
        test = cond._compiled().run
        step = self.plan().run
        n = len(state)
        steps = []
        while test(*state, *cond_caps)[0]:
            out = step(*state, *body_caps)
            steps.append((state, out[n:]))
            state = out[:n]
        kept = np.empty((), object)
        kept[()] = steps
        return (*state, kept)



def _keep_history(outputs: list, attrs: dict) -> Any:
    """The While node's history output, added to the node on first need (a graph not yet run:
    its plans compile after this)."""
    from eagerflow._src.framework.symbolic_tensor import SymbolicTensor

    node = outputs[0]._op
    if node.attrs.get("_keep_history") is None:
        n = len(node.outputs)
        node.attrs["_keep_history"] = _History(attrs["body"], attrs["_ref_reads"])
        node.op = _node_op("While", n + 1, node.op.stateful)
        node.outputs.append(SymbolicTensor(node, n, np.dtype(object), ()))
    return node.outputs[-1]


def _while_grad_from_history(ctx: Any, dys: list, outputs: list, body_caps: list, float_vars: tuple,
                             float_caps: tuple) -> list:
    from eagerflow._src.ops.array_ops import zeros_like

    attrs = ctx.attrs
    n_vars, n_cond, n_carry = attrs["n_vars"], attrs["n_cond"], attrs["n_carry"]
    history = _keep_history(outputs, attrs)
    vjp = attrs.get("_history_vjp")
    if vjp is None:
        vjp = attrs["_history_vjp"] = _history_vjp(attrs, body_caps, float_vars, float_caps)
    specs = attrs["_output_specs"]
    carriers = list(ctx.inputs[len(ctx.inputs) - n_carry:])
    seeds = [dys[k] if dys[k] is not None else zeros_like(outputs[k]) for k in float_vars]
    out_specs = tuple([specs[k] for k in float_vars] + [_spec_of(body_caps[k]) for k in float_caps]
                      + [_spec_of(c) for c in carriers])
    op = _node_op("WhileGradHistory", len(out_specs), False)
    grad_attrs = {"vjp": vjp, "n_float": len(float_vars), "float_caps": float_caps,
                  "carrier_of": tuple(index for _, index in attrs["_ref_reads"]), "_output_specs": out_specs}
    result = execute(op, [*body_caps, *carriers, history, *seeds], grad_attrs)
    outs = result if isinstance(result, list) else [result]
    grads: list = [None] * len(ctx.inputs)
    for j, k in enumerate(float_vars):
        grads[k] = outs[j]
    for j, k in enumerate(float_caps):
        grads[n_vars + n_cond + k] = outs[len(float_vars) + j]
    for j in range(n_carry):
        grads[len(ctx.inputs) - n_carry + j] = outs[len(float_vars) + len(float_caps) + j]
    return grads


def _history_vjp(attrs: dict, body_caps: list, float_vars: tuple, float_caps: tuple) -> Any:
    """The traced vector-Jacobian product of one body step, its variable reads taken as inputs
    (the values the forward saw) and its updates left out."""
    trace, ConcreteFunction, _, tensor_spec = _function_api()
    from eagerflow._src.autodiff.tape import GradientTape, UnconnectedGradients
    from eagerflow._src.function.plan import live_operations

    body = attrs["body"].graph
    reads = attrs["_ref_reads"]
    read_slot = {id(node): k for k, (node, _) in enumerate(reads)}
    specs = attrs["_output_specs"]
    n, n_caps, n_reads = len(specs), len(body_caps), len(reads)
    live = live_operations(body, body.outputs)

    def vjp_fn(*values: Any) -> tuple:
        state, caps = values[:n], values[n:n + n_caps]
        read_values = values[n + n_caps:n + n_caps + n_reads]
        seeds = values[n + n_caps + n_reads:]
        env = {id(ph): v for ph, v in zip(body.inputs, (*state, *caps))}
        watched = [state[k] for k in float_vars] + [caps[k] for k in float_caps] + list(read_values)
        with GradientTape() as tape:
            for x in watched:
                tape.watch(x)
            for node in body.get_operations():
                op = node.op
                if node.type == "Placeholder" or id(node) not in live:
                    continue
                if node.type == "Const":
                    env[id(node.outputs[0])] = node.attrs["value"]
                    continue
                if id(node) in read_slot:
                    env[id(node.outputs[0])] = read_values[read_slot[id(node)]]
                    continue
                if op is None or op.num_outputs == 0 or (op.resource and op.name != "ReadVariableOp"):
                    continue  # updates already happened in the forward
                ins = [x if op.resource and k == 0 else env[id(x)] for k, x in enumerate(node._inputs)]
                result = execute(op, ins, node.attrs)
                for out, value in zip(node.outputs, result if op.num_outputs != 1 else [result]):
                    env[id(out)] = value
            outs = [env[id(o)] for o in body.outputs]
        targets = [outs[k] for k in float_vars]
        grads = tape.gradient(targets, watched, output_gradients=list(seeds),
                              unconnected_gradients=UnconnectedGradients.ZERO)
        return tuple(grads)

    def spec(d: Any, s: Any) -> Any:
        return tensor_spec(None if s is None else list(s), _dtypes.from_numpy(np.dtype(d)))

    args = tuple([spec(d, s) for d, s in specs] + [spec(*_spec_of(c)) for c in body_caps]
                 + [spec(*_spec_of(node.outputs[0])) for node, _ in reads] + [spec(*specs[k]) for k in float_vars])
    graph = trace(vjp_fn, args, {}, "while_body_grad", outer_graph=_thread.graph)
    graph.outputs = list(graph.structured_outputs)
    return ConcreteFunction(graph)


def while_grad_history_forward(xp: Any, *arrays: Any, vjp: Any, n_float: int, float_caps: tuple,
                                carrier_of: tuple, _output_specs: tuple, **_: Any) -> Any:
    n_caps = len(float_caps)
    n_carry = len(_output_specs) - n_float - n_caps
    n_body = len(arrays) - n_carry - 1 - n_float
    body_caps = arrays[:n_body]
    carriers = arrays[n_body:n_body + n_carry]
    steps = arrays[n_body + n_carry][()]
    dys = list(arrays[n_body + n_carry + 1:])
    run = vjp._compiled().run
    dcaps = [xp.zeros_like(body_caps[k]) for k in float_caps]
    dcarry = [xp.zeros_like(c) for c in carriers]
    for state, reads in reversed(steps):
        out = run(*state, *body_caps, *reads, *dys)
        dys = list(out[:n_float])
        for k in range(n_caps):
            dcaps[k] = dcaps[k] + out[n_float + k]
        for k, index in enumerate(carrier_of):
            dcarry[index] = dcarry[index] + out[n_float + n_caps + k]
    return _single((*dys, *dcaps, *dcarry))


def _while_grad_recomputed(attrs: dict) -> Callable:
    """`WhileGrad`'s computation written with ops (each step's graph replayed through
    `execute`), so a tape can differentiate it: the loop rerun keeping each step's state, then
    the steps' vector-Jacobian products walked backwards."""
    from eagerflow._src.ops.math_ops import add
    from eagerflow._src.ops.array_ops import zeros_like

    cond, body, vjp = attrs["cond"], attrs["body"], attrs["vjp"]
    n_vars, n_cond, n_body = attrs["n_vars"], attrs["n_cond"], attrs["n_body"]

    def run(*inputs: Any) -> list:
        state = list(inputs[:n_vars])
        cond_caps = list(inputs[n_vars:n_vars + n_cond])
        body_caps = list(inputs[n_vars + n_cond:n_vars + n_cond + n_body])
        dys = list(inputs[n_vars + n_cond + n_body:])
        history = []
        while bool(cond._replay(state + cond_caps, [])[0]._array):
            history.append(state)
            state = body._replay(state + body_caps, [])
        n_float = len(dys)
        dcaps = None
        for saved in reversed(history):
            out = vjp._replay(saved + body_caps + dys, [])
            dys = out[:n_float]
            dcaps = out[n_float:] if dcaps is None else [add(a, b) for a, b in zip(dcaps, out[n_float:])]
        if dcaps is None:
            dcaps = [zeros_like(body_caps[k]) for k in attrs["float_caps"]]
        return [*dys, *dcaps]

    return run


def while_grad_grad(ctx: Any, ddys: Any) -> list:
    """Second-order gradients through a graph loop: the vector-Jacobian product of `WhileGrad`,
    recomputed under a tape (`autodiff/recompute.py`)."""
    from eagerflow._src.autodiff.recompute import recompute_gradient

    ddys = ddys if isinstance(ddys, list) else [ddys]
    return recompute_gradient(_while_grad_recomputed(ctx.attrs), list(ctx.inputs), ddys)
