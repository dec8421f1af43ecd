"""Gradients of graph `While` loops (the nodes of `graph_control_flow.py`).

- `While`'s gradient is one `WhileGrad` node: its kernel reruns the loop keeping each step's
  loop variables, then walks the steps backwards through a traced vector-Jacobian plan of the
  body (the forward keeps nothing extra).
- `WhileGrad`'s own gradient recomputes that under a tape (`autodiff/recompute.py`): second and
  higher orders.
- A loop with effects (variable updates, reads of variables it updates, stateful ops) is never
  rerun. Its `While` node is given, when a gradient first needs it, one more output holding
  each step's state and the body tensors its vjp reads (`_History`); the vjp is traced from the
  body's nodes (`trace_vjp`), and `WhileGradHistory` walks the steps backwards with it. Each
  read's gradient reaches its variable through a "carrier" read made before the loop (TF 2.21's
  values). Its own gradient (second and higher orders) reruns the steps op by op without their
  updates, each read giving the recorded value (`recorded_read`) and each cond with effects its
  recorded outputs (`recorded_if`), under a tape (`autodiff/recompute.py`).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from eagerflow._src.framework import context
from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.tensor import EagerTensor
from eagerflow._src.ops.graph_control_flow import (
    _differentiable, _function_api, _node_op, _replay_vjp, _single, _spec_of, _stateful, trace_vjp,
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
    if not isinstance(outputs[0], EagerTensor) and _stateful_loop(attrs):
        # The loop has effects (updates, reads of variables it updates): the forward keeps each
        # step's state and the values the body's vjp reads (rerunning it would repeat the
        # updates); gradients reach the variables read through the carriers (TF's values).
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
    seeds = [dys[k] if dys[k] is not None else zeros_like(outputs[k]) for k in float_vars]
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


# --- While loops whose body has effects ----------------------------------------------------------
def updated_variable_reads(body_graph: Any) -> tuple[tuple, list]:
    """Reads, in a loop body or branch, of float variables it reads by reference (those it
    updates, non-trainable ones, see `inline_variable_reads`): the read operations with the index
    of their variable, and those variables (a tape may watch a non-trainable one). Each variable is read once more before the node (a "carrier"
    input) so that tapes route the gradients of all its reads there."""
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
        if not v.dtype.is_floating:
            continue
        index = next((k for k, c in enumerate(carried) if c is v), None)
        if index is None:
            index = len(carried)
            carried.append(v)
        reads.append((node, index))
    return tuple(reads), carried


class _History:
    """A While node keeping its history (its last output): per step, the loop variables and the
    body tensors `extra` (its variable reads, then what the body's vjp reads), from the body
    compiled to also return them (on first use)."""

    def __init__(self, body: Any, extra: list) -> None:
        self.body = body
        self.extra = extra
        self._plan: Any = None

    def plan(self) -> Any:
        if self._plan is None:
            from eagerflow._src.function.plan import compile_plan
            graph = self.body.graph
            self._plan = compile_plan(graph, graph.inputs, list(graph.outputs) + self.extra,
                                      graph.variable_params, graph.input_devices, name="while_body_history")
        return self._plan

    def run(self, state: tuple, cond_caps: tuple, body_caps: tuple, cond: Any) -> tuple:
        """The loop, keeping each step's state and extra values (the node's last output)."""
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


class _HistoryGrad:
    """The gradient of a While keeping its history: the body's vjp traced from its nodes
    (`trace_vjp`: the forward's values, updates not rerun) and where each value it reads comes
    from per step: ("state", k), ("cap", k) or ("extra", j)."""

    def __init__(self, attrs: dict, float_vars: tuple, float_caps: tuple) -> None:
        graph = attrs["body"].graph
        n = len(attrs["_output_specs"])
        reads, carried = attrs.get("_ref_reads", ()), attrs.get("_carried", [])
        sources = ([graph.inputs[k] for k in float_vars] + [graph.inputs[n + k] for k in float_caps]
                   + list(carried))
        targets = [graph.outputs[k] for k in float_vars]
        self.vjp = trace_vjp(graph, targets, sources, "while_body_grad")
        placeholders = {id(ph): k for k, ph in enumerate(graph.inputs)}
        extra = [node.outputs[0] for node, _ in reads]
        at = {id(t): j for j, t in enumerate(extra)}
        self.where = []
        for c in self.vjp.captures:
            k = placeholders.get(id(c))
            if k is not None:
                self.where.append(("state", k) if k < n else ("cap", k - n))
                continue
            if id(c) not in at:
                at[id(c)] = len(extra)
                extra.append(c)
            self.where.append(("extra", at[id(c)]))
        self.extra = extra
        self.n_reads = len(reads)
        # Conds with effects in the body: a higher-order recomputation cannot rerun them; it
        # takes their outputs (kept intermediates included) from the history (`recorded_if`).
        from eagerflow._src.function.plan import live_operations
        live = live_operations(graph, graph.outputs)
        self.effect_ifs: dict = {}
        for node in graph.get_operations():
            op = node.op
            if id(node) not in live or op is None or op.name != "If" or not op.stateful:
                continue
            try:
                for b in (0, 1):
                    node.attrs["_grad"].vjp(node, b, True)  # every intermediate it may need
            except Exception:  # noqa: BLE001 - then higher orders raise UnimplementedError
                continue
            indices = []
            for o in node.outputs:
                if id(o) not in at:
                    at[id(o)] = len(extra)
                    extra.append(o)
                indices.append(at[id(o)])
            self.effect_ifs[id(node)] = indices


def _stateful_loop(attrs: dict) -> bool:
    return attrs.get("n_carry", 0) > 0 or _stateful(attrs["body"].graph) or _stateful(attrs["cond"].graph)


def _keep_history(outputs: list, attrs: dict, grad: _HistoryGrad) -> Any:
    """The While node's history output, added to the node on first need (a graph not yet run:
    its plans compile after this)."""
    from eagerflow._src.framework.symbolic_tensor import SymbolicTensor

    node = outputs[0]._op
    if node.attrs.get("_keep_history") is None:
        n = len(node.outputs)
        node.attrs["_keep_history"] = _History(attrs["body"], grad.extra)
        node.op = _node_op("While", n + 1, node.op.stateful)
        node.outputs.append(SymbolicTensor(node, n, np.dtype(object), ()))
    return node.outputs[-1]


def _while_grad_from_history(ctx: Any, dys: list, outputs: list, body_caps: list, float_vars: tuple,
                             float_caps: tuple) -> list:
    from eagerflow._src.ops.array_ops import zeros_like

    attrs = ctx.attrs
    n_vars, n_cond, n_carry = attrs["n_vars"], attrs["n_cond"], attrs.get("n_carry", 0)
    grad = attrs.get("_history_grad")
    if grad is None:
        grad = attrs["_history_grad"] = _HistoryGrad(attrs, float_vars, float_caps)
    history = _keep_history(outputs, attrs, grad)
    specs = attrs["_output_specs"]
    all_inputs = list(ctx.inputs)
    carriers = all_inputs[len(all_inputs) - n_carry:] if n_carry else []
    seeds = [dys[k] if dys[k] is not None else zeros_like(outputs[k]) for k in float_vars]
    out_specs = tuple([specs[k] for k in float_vars] + [_spec_of(body_caps[k]) for k in float_caps]
                      + [_spec_of(c) for c in carriers])
    op = _node_op("WhileGradHistory", len(out_specs), False)
    grad_attrs = {"grad": grad, "body": attrs["body"], "n_vars": n_vars, "float_vars": float_vars,
                  "float_caps": float_caps, "carrier_of": tuple(index for _, index in attrs.get("_ref_reads", ())),
                  "body_reads": attrs.get("_ref_reads", ()),
                  "_output_specs": out_specs}
    result = execute(op, [*all_inputs[:n_vars], *body_caps, *carriers, history, *seeds], grad_attrs)
    outs = result if isinstance(result, list) else [result]
    grads: list = [None] * len(all_inputs)
    for j, k in enumerate(float_vars):
        grads[k] = outs[j]
    for j, k in enumerate(float_caps):
        grads[n_vars + n_cond + k] = outs[len(float_vars) + j]
    for j in range(n_carry):
        grads[len(all_inputs) - n_carry + j] = outs[len(float_vars) + len(float_caps) + j]
    return grads


def _split_history_inputs(values: Any, attrs: dict) -> tuple:
    """WhileGradHistory's inputs: (initial state, body captures, carriers, history, seeds)."""
    n_vars, n_float = attrs["n_vars"], len(attrs["float_vars"])
    n_carry = len(attrs["_output_specs"]) - n_float - len(attrs["float_caps"])
    n_body = len(values) - n_vars - n_carry - 1 - n_float
    a = n_vars + n_body
    return (values[:n_vars], values[n_vars:a], values[a:a + n_carry], values[a + n_carry],
            values[a + n_carry + 1:])


def while_grad_history_forward(xp: Any, *arrays: Any, grad: _HistoryGrad, float_caps: tuple, **attrs: Any) -> Any:
    _, body_caps, carriers, steps, dys = _split_history_inputs(arrays, {"float_caps": float_caps, **attrs})
    dys = list(dys)
    n_float = len(dys)
    vjp = grad.vjp
    run = vjp.function._compiled().run
    slots = vjp.slots
    dcaps = [xp.zeros_like(body_caps[k]) for k in float_caps]
    dcarry = [xp.zeros_like(c) for c in carriers]
    n_caps = len(float_caps)
    for state, extra in reversed(steps[()]):
        values = [state[k] if kind == "state" else body_caps[k] if kind == "cap" else extra[k]
                  for kind, k in grad.where]
        out = run(*dys, *values)
        dys = [xp.zeros_like(dys[j]) if slots[j] is None else out[slots[j]] for j in range(n_float)]
        for k in range(n_caps):
            slot = slots[n_float + k]
            if slot is not None:
                dcaps[k] = dcaps[k] + out[slot]
        for k in range(len(carriers)):
            slot = slots[n_float + n_caps + k]
            if slot is not None:
                dcarry[k] = dcarry[k] + out[slot]
    return _single((*dys, *dcaps, *dcarry))


def _history_recomputed(attrs: dict) -> Callable:
    """WhileGradHistory's computation written with ops, for a tape (second and higher orders):
    the steps rerun from the initial state without their updates, each variable read taking the
    value the forward read (`recorded_read`: its gradient reaches the carrier), then the steps'
    vjps walked backwards."""
    from eagerflow._src.autodiff.recompute import recorded_read
    from eagerflow._src.framework import errors
    from eagerflow._src.function.plan import live_operations
    from eagerflow._src.ops.array_ops import zeros_like
    from eagerflow._src.ops.graph_control_flow import recorded_if
    from eagerflow._src.ops.math_ops import add

    grad: _HistoryGrad = attrs["grad"]
    graph = attrs["body"].graph
    reads = [node for node, _ in attrs["body_reads"]]
    carrier_of = attrs["carrier_of"]
    read_slot = {id(node): k for k, node in enumerate(reads)}
    live = live_operations(graph, list(graph.outputs) + grad.extra)
    for node in graph.get_operations():
        op = node.op
        if id(node) in live and op is not None and op.name in ("If", "While") and op.stateful \
                and id(node) not in grad.effect_ifs:
            raise errors.UnimplementedError(
                None, None, "Higher-order gradients through a tf.while_loop whose body holds control "
                "flow with side effects are not supported (inside tf.function).")
    float_caps = attrs["float_caps"]
    n_float = len(attrs["float_vars"])

    effect_ifs = grad.effect_ifs

    def step(state: list, caps: list, read_values: list, extra: tuple) -> tuple:
        env = {id(ph): v for ph, v in zip(graph.inputs, (*state, *caps))}
        for node in graph.get_operations():
            op = node.op
            if node.type == "Placeholder" or id(node) not in live:
                continue
            if node.type == "Const":
                env[id(node.outputs[0])] = node.attrs["value"]
                continue
            if id(node) in read_slot:
                env[id(node.outputs[0])] = read_values[read_slot[id(node)]]
                continue
            if op is None or op.num_outputs == 0:
                continue  # updates happened in the forward
            ins = [x if op.resource and k == 0 else env[id(x)] for k, x in enumerate(node._inputs)]
            if id(node) in effect_ifs:
                device = ins[0]._device
                result = recorded_if(node, ins, [EagerTensor(extra[j], device) for j in effect_ifs[id(node)]])
                for out, value in zip(node.outputs, result):
                    env[id(out)] = value
                continue
            result = execute(op, ins, node.attrs)
            for out, value in zip(node.outputs, result if op.num_outputs != 1 else [result]):
                env[id(out)] = value
        return [env[id(o)] for o in graph.outputs], env

    def run(*inputs: Any) -> list:
        state0, caps, carriers, history, dys = _split_history_inputs(list(inputs), attrs)
        caps, dys = list(caps), list(dys)
        state = list(state0)
        walked = []
        for _, extra in history._array[()]:
            read_values = [recorded_read(carriers[carrier_of[r]], EagerTensor(extra[r], carriers[carrier_of[r]]._device))
                           for r in range(grad.n_reads)]
            out, env = step(state, caps, read_values, extra)
            walked.append((state, env))
            state = out
        dcaps = [zeros_like(caps[k]) for k in float_caps]
        dcarry = [zeros_like(c) for c in carriers]
        slots = grad.vjp.slots
        n_caps = len(float_caps)
        for state, env in reversed(walked):
            values = [state[k] if kind == "state" else caps[k] if kind == "cap" else env[id(grad.extra[k])]
                      for kind, k in grad.where]
            out = grad.vjp.function._replay([*dys, *values], [])
            dys = [zeros_like(dys[j]) if slots[j] is None else out[slots[j]] for j in range(n_float)]
            for k in range(n_caps):
                if slots[n_float + k] is not None:
                    dcaps[k] = add(dcaps[k], out[slots[n_float + k]])
            for k in range(len(carriers)):
                if slots[n_float + n_caps + k] is not None:
                    dcarry[k] = add(dcarry[k], out[slots[n_float + n_caps + k]])
        return [*dys, *dcaps, *dcarry]

    return run


def while_grad_history_grad(ctx: Any, ddys: Any) -> list:
    """Second-order gradients through a loop keeping its history (`_history_recomputed` under a
    tape, `autodiff/recompute.py`)."""
    from eagerflow._src.autodiff.recompute import recompute_gradient

    ddys = ddys if isinstance(ddys, list) else [ddys]
    return recompute_gradient(_history_recomputed(ctx.attrs), list(ctx.inputs), ddys)


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
