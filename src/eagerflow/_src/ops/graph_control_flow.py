"""Control flow in graphs: `If` and `While` nodes whose attrs carry traced sub-graphs.

`cond` traces both branches into FuncGraphs (outer tensors they use become captures), checks
they agree (structure, dtypes; shapes merge), and adds one `If` node: inputs are the
predicate then each branch's captured outer tensors; its kernel runs one branch's compiled
plan. `while_loop` traces `cond` and `body` over placeholders shaped like the loop variables
(or their shape invariants) and adds one `While` node whose kernel loops over the two plans,
or over one generated loop function (`fused_loop.py`). Loops built on `While` for autograph
and the functional ops (range, TensorArray and dataset loops) are in `graph_loops.py`.

Gradients: `If`'s gradient is another `cond` whose branches call each branch's vector-Jacobian
function, traced from the branch's nodes (`trace_vjp`); the values it reads are kept by the
forward as extra `If` outputs, added when a gradient first needs them (TF's cond_v2), so a
branch's updates never run again and reads of a variable it updates keep the values they saw.
Variables a branch reads by reference get one "carrier" read before the `If` (an extra input)
where the gradients of those reads arrive. `While`'s gradients are in `while_gradients.py`. All
work eagerly (a tape around a function call) and inside traces (a tape inside a `tf.function`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from eagerflow._src.framework import context, errors
from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.convert import convert_to_tensor
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import EagerTensor, Tensor
from eagerflow._src.framework.tensor_shape import TensorShape, as_shape
from eagerflow._src.ops.control_flow_ops import (
    assert_same_structure, flatten, is_nested, pack_sequence_as, structure_text,
)

_thread = context.thread


def _function_api() -> tuple:
    from eagerflow._src.function.concrete_function import ConcreteFunction
    from eagerflow._src.function.func_graph import output_tensor, tensor_spec, trace
    return trace, ConcreteFunction, output_tensor, tensor_spec


def _is_tensor_array(x: Any) -> bool:
    """A TensorArray, or another value a graph carries as one tensor (`_as_loop_value` and
    `_from_loop_value`: an Optional's variant)."""
    return hasattr(type(x), "_as_loop_value")


def _tensorize(value: Any, dtype: Any = None) -> Any:
    """Python numbers among branch/body results as tensors (TF converts every output)."""
    if isinstance(value, (bool, int, float, complex, np.generic, np.ndarray)):
        return convert_to_tensor(value, dtype) if dtype is not None else convert_to_tensor(value)
    return value


def _tensorize_structure(structure: Any, dtypes: list | None = None) -> Any:
    flat = flatten(structure)
    if dtypes is None:
        dtypes = [None] * len(flat)
    return pack_sequence_as(structure, [_tensorize(x, d) for x, d in zip(flat, dtypes)])


def _spec_of(t: Any) -> tuple:
    array = t._array
    shape = array.shape
    return array.dtype, (None if shape is None else tuple(shape))


def _merge_shapes(a: tuple | None, b: tuple | None) -> tuple | None:
    if a is None or b is None or len(a) != len(b):
        return None
    return tuple(x if x == y else None for x, y in zip(a, b))


def _stateful(graph: Any) -> bool:
    if getattr(graph, "variable_captures", None):
        return True
    for node in graph.get_operations():
        op = node.op
        if op is not None and (op.resource or op.stateful or op.num_outputs == 0):
            return True
    return False


def _graph_shape_fn(inputs: Any, attrs: dict) -> list:
    return list(attrs["_output_specs"])


_OPS: dict = {}


@dataclass(eq=False)
class _NodeOp(Op):
    """A control-flow node's Op: outputs that got no gradient reach its gradient as None, not
    zeros (an `If`'s kept intermediates get gradients only at higher orders)."""

    missing_as_none: bool = True


def _node_op(kind: str, count: int, stateful: bool) -> Op:
    """The `If`/`While` Op with `count` outputs (an Op's output count is part of its declaration)."""
    key = (kind, count, stateful)
    op = _OPS.get(key)
    if op is None:
        forward, grad = _kinds()[kind]
        op = _NodeOp(kind, forward, grad=grad, num_outputs=count, shape_fn=_graph_shape_fn, stateful=stateful)
        _OPS[key] = op
    return op


def _single(outs: tuple) -> Any:
    return outs[0] if len(outs) == 1 else list(outs)


def inline_variable_reads(graph: Any) -> None:
    """Reads of trainable float variables that `graph` (a branch or loop body) never updates
    become captured inputs: the variable is read once outside, before the node, so tapes see
    that read and gradients through the node reach the variable. Variables it updates stay
    captured by reference (their reads must see the updates)."""
    from eagerflow._src.ops.array_ops import IDENTITY
    from eagerflow._src.ops.state_ops import READ

    variables = getattr(graph, "variable_captures", None)
    if not variables:
        return
    reads: dict[int, list] = {}
    updated: set = set()
    nested_effects = False
    for node in graph.get_operations():
        op = node.op
        if op is None:
            continue
        if op.resource:
            key = id(node._inputs[0])
            if op is READ:
                reads.setdefault(key, []).append(node)
            else:
                updated.add(key)
        elif op.stateful and op.name in ("If", "While"):
            nested_effects = True
    if nested_effects:
        return
    outer = graph.outer_graph
    for key, nodes in reads.items():
        variable = variables.get(key)
        if variable is None or key in updated or not getattr(variable, "trainable", False) \
                or not variable.dtype.is_floating:
            continue
        with outer.as_default():
            value = execute(READ, [variable], {})
        placeholder = graph.capture(value)
        for node in nodes:
            node.op, node.type, node._inputs = IDENTITY, "Identity", [placeholder]
        del variables[key]


# --- If -----------------------------------------------------------------------------------------
def _if_forward(xp: Any, pred: Any, *arrays: Any, then_branch: Any, else_branch: Any, n_then: int,
                n_carry: int = 0, _keep: Any = None, **_: Any) -> Any:
    if n_carry:  # the carriers: only for gradients
        arrays = arrays[:len(arrays) - n_carry]
    if _keep is not None:  # a gradient reads the taken branch's intermediates
        return _single(_keep.run(xp, pred, arrays, n_then))
    if pred:
        return _single(then_branch._compiled().run(*arrays[:n_then]))
    return _single(else_branch._compiled().run(*arrays[n_then:]))


def _differentiable(t: Any) -> bool:
    return isinstance(t, Tensor) and t.dtype.is_floating or (isinstance(t, Tensor) and t.dtype.is_complex)


class Vjp:
    """A vector-Jacobian product traced over a sub-graph's nodes (`trace_vjp`).

    `function(*seeds, *values)`: `values` feed `captures`, the sub-graph tensors it reads
    (placeholders of the sub-graph, or intermediates its forward must keep); its flat outputs
    hold, for source k, the gradient at `slots[k]` (None: no gradient reaches that source)."""

    __slots__ = ("function", "captures", "slots")

    def __init__(self, function: Any, captures: list, slots: list) -> None:
        self.function = function
        self.captures = captures
        self.slots = slots


def trace_vjp(graph: Any, targets: list, sources: list, name: str) -> Vjp:
    """The gradients of `targets` (tensors of `graph`, a branch or loop body) for `sources` (its
    placeholders and variables it reads by reference), traced from `graph`'s nodes with the
    tape's own backward pass, as TF's cond_v2/while_v2 gradients: the forward values it needs
    are captured, never recomputed, so variable updates are not rerun and reads keep the
    values the forward saw."""
    from eagerflow._src.framework.graph import tapes_paused
    from eagerflow._src.function.plan import live_operations
    from eagerflow._src.function.tape_functions import _BackwardGraph, _dense, _prune_captures, tape_over

    trace, ConcreteFunction, _, tensor_spec = _function_api()
    live = live_operations(graph, targets)

    def backward(*dys: Any) -> list:
        grads = tape_over(graph, live, sources)._backward(list(targets), list(dys), list(sources))
        return [_dense(grads.get(id(s))) for s in sources]

    specs = tuple(tensor_spec(t._array.shape, t.dtype) for t in targets)
    b_graph = _BackwardGraph(name, graph)
    with tapes_paused():
        trace(backward, specs, {}, name, graph=b_graph, arg_names=[f"dy_{k}" for k in range(len(specs))])
    _prune_captures(b_graph)
    flat = iter(range(len(b_graph.outputs)))
    slots = [None if g is None else next(flat) for g in b_graph.structured_outputs]
    return Vjp(ConcreteFunction(b_graph), [outer for outer, _ in b_graph.captures], slots)


def _dummy(xp: Any, spec: tuple) -> Any:
    """A kept intermediate of the branch that did not run (never read): zeros, shared."""
    dtype, shape = spec
    array = xp.zeros(() if shape is None else tuple(0 if d is None else d for d in shape), dtype)
    if isinstance(array, np.ndarray):
        array.setflags(write=False)
    return array


class _IfKeep:
    """An `If` node's intermediates for its gradient: after its outputs, the branch tensors
    `kept` (branch index, tensor) in order; the branch that did not run gives zeros there.
    Immutable: each extension makes a new one (plans compiled earlier keep theirs)."""

    def __init__(self, functions: tuple, kept: tuple) -> None:
        self.functions = functions
        self.kept = kept
        self.specs = [_spec_of(t) for _, t in kept]
        self._plans: list = [None, None]
        self._fills: dict = {}

    def _plan(self, b: int) -> Any:
        plan = self._plans[b]
        if plan is None:
            from eagerflow._src.function.plan import compile_plan
            graph = self.functions[b].graph
            outputs = list(graph.outputs) + [t for kb, t in self.kept if kb == b]
            plan = self._plans[b] = compile_plan(graph, graph.inputs, outputs, graph.variable_params,
                                                 graph.input_devices, name="cond_branch_keep")
        return plan

    def run(self, xp: Any, pred: Any, arrays: tuple, n_then: int) -> list:
        b = 0 if pred else 1
        outs = self._plan(b).run(*(arrays[:n_then] if b == 0 else arrays[n_then:]))
        fill = self._fills.get((b, id(xp)))
        if fill is None:  # per kept output: its index in `outs`, or a zero array made once
            n = len(self.functions[b].graph.outputs)
            fill = self._fills[(b, id(xp))] = []
            for (kb, _), spec in zip(self.kept, self.specs):
                if kb == b:
                    fill.append(n)
                    n += 1
                else:
                    fill.append(_dummy(xp, spec))
        result = list(outs[:len(outs) - sum(1 for kb, _ in self.kept if kb == b)])
        for f in fill:
            result.append(outs[f] if type(f) is int else f)
        return result


class _IfGrad:
    """What an `If` node's gradients built, shared by the node's successive attrs: the kept
    intermediates (node outputs `n_out` on) and a traced vjp per (branch, seeds)."""

    def __init__(self, n_out: int, carried: tuple) -> None:
        self.n_out = n_out
        self.carried = carried  # the variables of the carrier inputs, in order
        self.kept: list = []
        self.vjps: dict = {}

    def vjp(self, node: Any, b: int, full: bool) -> tuple:
        """(Vjp, node outputs it seeds, where each capture comes from, source positions).
        `full`: the kept intermediates are seeded too (higher order)."""
        key = (b, full)
        found = self.vjps.get(key)
        if found is not None:
            return found
        from eagerflow._src.ops.state_ops import READ

        graph = node.attrs[("then_branch", "else_branch")[b]].graph
        n = self.n_out
        n_then = node.attrs["n_then"]
        n_caps = len(node._inputs) - 1 - len(self.carried)
        offset = 0 if b == 0 else n_then
        placeholders = {id(ph): i for i, ph in enumerate(graph.inputs)}
        sources, positions = [], []
        for i, ph in enumerate(graph.inputs):
            if _differentiable(ph):
                sources.append(ph)
                positions.append(offset + i)
        read = {id(node_._inputs[0]) for node_ in graph.get_operations() if node_.op is READ}
        for c, v in enumerate(self.carried):
            if id(v) in read:
                sources.append(v)
                positions.append(n_caps + c)
        for _ in range(50):
            kept_at = {id(t): n + j for j, (kb, t) in enumerate(self.kept) if kb == b}
            seeded = [k for k, o in enumerate(graph.outputs) if _differentiable(o)]
            if full:
                seeded += [n + j for j, (kb, t) in enumerate(self.kept) if kb == b and _differentiable(t)]
            targets = [graph.outputs[k] if k < n else self.kept[k - n][1] for k in seeded]
            vjp = trace_vjp(graph, targets, sources, f"{graph.name}_grad")
            new = [c for c in vjp.captures if id(c) not in placeholders and id(c) not in kept_at]
            if not new:
                break
            self._extend(node, b, new)
            if not full:  # its captures are all kept now
                break
        else:
            raise ValueError("no fixed point for the cond branch's intermediates")
        kept_at = {id(t): n + j for j, (kb, t) in enumerate(self.kept) if kb == b}
        where = [(True, offset + placeholders[id(c)]) if id(c) in placeholders else (False, kept_at[id(c)])
                 for c in vjp.captures]
        found = self.vjps[key] = (vjp, seeded, where, positions)
        return found

    def _extend(self, node: Any, b: int, tensors: list) -> None:
        """Adds `tensors` (of branch `b`) to the node's outputs; tapes that recorded the node see
        the new outputs (a higher-order gradient reaches the node through them)."""
        from eagerflow._src.framework.symbolic_tensor import SymbolicTensor

        first = len(node.outputs)
        for t in tensors:
            self.kept.append((b, t))
            dtype, shape = _spec_of(t)
            node.outputs.append(SymbolicTensor(node, len(node.outputs), dtype, shape))
        attrs = node.attrs
        node.op = _node_op("If", len(node.outputs), node.op.stateful)
        keep = _IfKeep((attrs["then_branch"], attrs["else_branch"]), tuple(self.kept))
        node.attrs = {**attrs, "_keep": keep,
                      "_output_specs": tuple(attrs["_output_specs"]) + tuple(keep.specs[first - self.n_out:])}
        out0 = node.outputs[0]
        for tape in _thread.tapes:
            entries = tape._entries
            for i, entry in enumerate(entries):
                out = entry[3]
                if out is out0 or (type(out) is list and out and out[0] is out0):
                    entries[i] = (node.op, entry[1], node.attrs, list(node.outputs))
                    for o in node.outputs[first:]:
                        if _differentiable(o):
                            tape._tracked[id(o)] = o


def _run_vjp(found: tuple, dys: list, caps: list, outs: list) -> list:
    """(source position, gradient) pairs from running a branch's traced vjp (`_IfGrad.vjp`'s
    `found`) seeded by `dys` for the node outputs `outs`, whose inputs after the predicate are
    `caps`; unseeded outputs are seeded with zeros."""
    from eagerflow._src.ops.array_ops import zeros_like
    from eagerflow._src.function.tape_functions import _dense

    vjp, seeded, where, positions = found
    seeds = [_dense(dys[k]) if k < len(dys) and dys[k] is not None else zeros_like(outs[k]) for k in seeded]
    values = [caps[i] if from_input else outs[i] for from_input, i in where]
    flat = vjp.function._call_inputs(seeds + values, [])
    return [(position, flat[slot]) for position, slot in zip(positions, vjp.slots) if slot is not None]


def _if_grad(ctx: Any, dys: Any) -> list:
    """The gradient of a traced `If`: a `cond` on the same predicate whose branches run each
    branch's traced vjp on the intermediates the forward kept (TF's cond_v2 gradient)."""
    dys = dys if isinstance(dys, list) else [dys]
    outputs = ctx.output if isinstance(ctx.output, list) else [ctx.output]
    if isinstance(outputs[0], EagerTensor):  # an If run op by op: replay its branch
        return _if_grad_replayed(ctx, dys)
    node = outputs[0]._op
    state = node.attrs["_grad"]
    full = any(d is not None for d in dys[state.n_out:])
    try:
        vjps = [state.vjp(node, b, full) for b in (0, 1)]
    except errors.UnimplementedError:
        raise
    except Exception:  # noqa: BLE001 - a gradient that needs eager values: replay the branch
        if state.kept:
            raise
        return _if_grad_replayed(ctx, dys)
    from eagerflow._src.ops.array_ops import zeros_like
    from eagerflow._src.ops.control_flow_ops import cond as tf_cond

    pred, caps = ctx.inputs[0], list(ctx.inputs[1:])
    outs = list(node.outputs)

    def branch(b: int) -> Callable:
        def grads() -> list:
            found = _run_vjp(vjps[b], dys, caps, outs)
            result = [zeros_like(c) if _differentiable(c) else None for c in caps]
            for position, grad in found:
                result[position] = grad
            return result
        return grads

    return [None, *tf_cond(pred, branch(0), branch(1))]


def _recorded_if_forward(xp: Any, *arrays: Any, n_in: int, **_: Any) -> Any:
    return _single(arrays[n_in:])


def _recorded_if_grad(ctx: Any, dys: Any) -> list:
    """The gradient of an `If` node's recorded run (`recorded_if`): its traced vjp for the branch
    that ran, on the recorded intermediates."""
    dys = dys if isinstance(dys, list) else [dys]
    node, n_in = ctx.attrs["node"], ctx.attrs["n_in"]
    ins = list(ctx.inputs[:n_in])
    outs = ctx.output if isinstance(ctx.output, list) else [ctx.output]  # differentiable in turn
    state = node.attrs["_grad"]
    count = len(node.outputs)
    b = 0 if bool(ins[0]._array) else 1
    found = state.vjp(node, b, any(d is not None for d in dys[state.n_out:]))
    if len(node.outputs) != count:
        raise errors.UnimplementedError(None, None, "This higher-order gradient through a tf.cond with "
                                        "side effects needs intermediates its forward did not keep.")
    result: list = [None] * len(ctx.inputs)
    for position, grad in _run_vjp(found, dys, ins[1:], outs):
        result[1 + position] = grad
    return result


_RECORDED_IF: dict = {}


def recorded_if(node: Any, inputs: list, outputs: list) -> list:
    """The outputs of `If` node `node` from a run that already happened (`outputs`, its kept
    intermediates included), as an op whose gradient is the node's for that run: a recomputation
    (higher-order loop gradients) uses it instead of running the branch's effects again."""
    op = _RECORDED_IF.get(len(outputs))
    if op is None:
        op = _RECORDED_IF[len(outputs)] = _NodeOp(
            "RecordedIf", _recorded_if_forward, grad=_recorded_if_grad, num_outputs=len(outputs),
            shape_fn=lambda ins, attrs: [_spec_of(o) for o in ins[attrs["n_in"]:]])
    result = execute(op, [*inputs, *outputs], {"node": node, "n_in": len(inputs)})
    return result if isinstance(result, list) else [result]


def _replay_vjp(function: Any, inputs: list, outputs_dys: list) -> list:
    """Gradients of `function`'s outputs (weighted by `outputs_dys`) w.r.t. `inputs`, by
    replaying its graph under a tape; zeros for float inputs it does not use, None for others."""
    from eagerflow._src.autodiff.tape import GradientTape, UnconnectedGradients

    watched = [x for x in inputs if _differentiable(x)]
    with GradientTape() as tape:
        for x in watched:
            tape.watch(x)
        outs = function._replay(list(inputs), [], effects=False)  # the forward updated already
    targets, seeds = [], []
    for o, dy in zip(outs, outputs_dys):
        if dy is not None and _differentiable(o):
            targets.append(o)
            seeds.append(dy)
    if watched and targets:
        grads = tape.gradient(targets, watched, output_gradients=seeds,
                              unconnected_gradients=UnconnectedGradients.ZERO)
    else:
        from eagerflow._src.ops.array_ops import zeros_like
        grads = [zeros_like(x) for x in watched]
    it = iter(grads)
    return [next(it) if _differentiable(x) else None for x in inputs]


def _check_replayable(function: Any) -> None:
    """A branch's replayed gradient reruns it without its updates; that reproduces its values
    unless it reads a variable it also updates (the replay would read the updated value)."""
    from eagerflow._src.ops.state_ops import READ

    reads, updated = set(), set()
    for node in function.graph.get_operations():
        op = node.op
        if op is not None and op.resource:
            (reads if op is READ else updated).add(id(node._inputs[0]))
    both = reads & updated
    if both:
        raise errors.UnimplementedError(
            None, None, "Gradients through a tf.cond branch that reads a variable it also updates "
            "are not supported when the cond runs op by op; update the variable outside the cond.")


def _if_grad_replayed(ctx: Any, dys: list) -> list:
    """The gradient of an `If` that ran op by op (its outputs are eager): a `cond` whose branches
    replay the taken branch under a tape."""
    from eagerflow._src.ops.array_ops import zeros_like
    from eagerflow._src.ops.control_flow_ops import cond as tf_cond

    attrs = ctx.attrs
    n = attrs["n_then"]
    n_carry = attrs.get("n_carry", 0)
    pred, captures = ctx.inputs[0], list(ctx.inputs[1:len(ctx.inputs) - n_carry])

    for function in (attrs["then_branch"], attrs["else_branch"]):
        _check_replayable(function)

    def branch(function: Any, start: int, stop: int) -> Callable:
        def grads() -> list:
            mine = _replay_vjp(function, captures[start:stop], dys)
            full = [zeros_like(c) if _differentiable(c) else None for c in captures]
            full[start:stop] = mine
            return full
        return grads

    result = tf_cond(pred, branch(attrs["then_branch"], 0, n), branch(attrs["else_branch"], n, len(captures)))
    return [None, *result, *[None] * n_carry]


def _branch_outputs_error(t_out: Any, f_out: Any, detail: str) -> TypeError:
    return TypeError(
        "true_fn and false_fn arguments to tf.cond must have the same number, type, and overall "
        f"structure of return values.\n\ntrue_fn output: {t_out}\nfalse_fn output: {f_out}\n\n"
        f"Error details:\n{detail}")


def cond(pred: Any, true_fn: Callable, false_fn: Callable, name: Any = None,
         reconcile: Callable | None = None) -> Any:
    """One `If` node choosing between the traced branches (see the module docstring).

    `reconcile(true_out, false_out) -> (true_out, false_out)` (used by autograph) may adjust the
    branches' results before they are checked, e.g. to raise errors naming variables.
    """
    trace, ConcreteFunction, output_tensor, _ = _function_api()
    if pred.dtype != _dtypes.bool:
        raise errors.InvalidArgumentError(
            None, None, f"Input 'pred' passed {pred.dtype.name} expected bool while building NodeDef "
            "'cond/switch_pred' using Op<name=Switch; signature=data:T, pred:bool -> output_false:T, "
            "output_true:T; attr=T:type>")
    if pred.shape.rank not in (None, 0):
        raise errors.InvalidArgumentError(
            None, None, f"The second input must be a scalar, but it has shape {pred.shape.as_list()}")
    arrays: dict = {}

    def flows(structure: Any) -> Any:
        flat = flatten(structure)
        for k, x in enumerate(flat):
            if _is_tensor_array(x):
                arrays[k] = x
                flat[k] = x._as_loop_value()
        return pack_sequence_as(structure, flat)

    true_graph = trace(lambda: flows(_tensorize_structure(true_fn())), (), {}, "cond_true")
    false_graph = trace(lambda: flows(_tensorize_structure(false_fn())), (), {}, "cond_false")
    inline_variable_reads(true_graph)
    inline_variable_reads(false_graph)
    t_out, f_out = true_graph.structured_outputs, false_graph.structured_outputs
    if reconcile is not None:
        t_out, f_out = reconcile(t_out, f_out)
    try:
        assert_same_structure(t_out, f_out, check_types=False)
    except ValueError as e:
        raise ValueError(f"true_fn and false_fn arguments to tf.cond must have the same number, type, "
                         f"and overall structure of return values.\n\ntrue_fn output: {structure_text(t_out)}\n"
                         f"false_fn output: {structure_text(f_out)}\n\nError details:\n{e}") from None
    t_flat, f_flat = flatten(t_out), flatten(f_out)
    # SparseTensor/RaggedTensor results: their component tensors are the If's outputs.
    from eagerflow._src.function import _structure
    composite = any(_structure._composite_spec(x) is not None for x in t_flat)
    if composite:
        t_flat, f_flat = _structure.flatten(t_out), _structure.flatten(f_out)
    t_tensors, f_tensors, specs, slots = [], [], [], []
    for a, b in zip(t_flat, f_flat):
        a_t, b_t = isinstance(a, Tensor), isinstance(b, Tensor)
        if a_t and b_t:
            if a.dtype != b.dtype:
                raise _branch_outputs_error(t_out, f_out, f"{a!r} and {b!r} have different types")
            ta, fa = output_tensor(true_graph, a), output_tensor(false_graph, b)
            t_tensors.append(ta)
            f_tensors.append(fa)
            (dtype, a_shape), (_, b_shape) = _spec_of(ta), _spec_of(fa)
            specs.append((dtype, _merge_shapes(a_shape, b_shape)))
            slots.append(True)
        elif a_t or b_t:
            raise ValueError(
                "Lengths of branch outputs of cond must match.\n"
                f"len(graphs[0].outputs): {len(true_graph.outputs)}\n"
                f"len(graphs[1].outputs): {len(false_graph.outputs)}")
        else:
            if not (a is b or _same_python_value(a, b)):
                raise _branch_outputs_error(t_out, f_out, f"{a!r} and {b!r} are different Python values")
            slots.append(False)
    true_graph.outputs, false_graph.outputs = t_tensors, f_tensors
    inputs = [pred, *true_graph.external_captures, *false_graph.external_captures]
    carried = _carried_variables(true_graph, false_graph)
    if carried:  # read before the If: tapes route the gradients of the branches' reads there
        from eagerflow._src.ops.state_ops import READ
        inputs.extend(execute(READ, [v], {}) for v in carried)
    stateful = _stateful(true_graph) or _stateful(false_graph)
    op = _node_op("If", len(specs), stateful)
    attrs = {"then_branch": ConcreteFunction(true_graph), "else_branch": ConcreteFunction(false_graph),
             "n_then": len(true_graph.external_captures), "_output_specs": tuple(specs),
             "_grad": _IfGrad(len(specs), tuple(carried))}
    if carried:
        attrs["n_carry"] = len(carried)
    result = execute(op, inputs, attrs)
    outs = [] if result is None else (result if isinstance(result, list) else [result])
    it = iter(outs)
    values = [next(it) if slot else leaf for slot, leaf in zip(slots, t_flat)]
    if composite:
        return _structure.pack(t_out, iter(values))
    values = [arrays[k]._from_loop_value(v) if k in arrays else v for k, v in enumerate(values)]
    return pack_sequence_as(t_out, values)


def _carried_variables(*graphs: Any) -> list:
    """The float variables the branches read by reference (those they update, or all
    when they hold control flow with effects), each once: one "carrier" read of each before the
    `If` takes the gradients of their reads inside (TF's values: each read's gradient reaches
    the variable)."""
    from eagerflow._src.ops.while_gradients import updated_variable_reads

    carried: list = []
    for graph in graphs:
        for v in updated_variable_reads(graph)[1]:
            if not any(v is c for c in carried):
                carried.append(v)
    return carried


def _same_python_value(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - objects whose == is not a bool are different
        return False


def case(pairs: list, default: Callable | None, exclusive: bool, name: Any) -> Any:
    """Nested `If`s: the first true predicate's branch, else `default` (or the last branch)."""
    if default is None:
        pairs, default = pairs[:-1], pairs[-1][1]

    def build(index: int) -> Any:
        if index == len(pairs):
            return default()
        pred, fn = pairs[index]
        return _dispatch_cond(pred, fn, lambda: build(index + 1))

    return build(0)


def _dispatch_cond(pred: Any, true_fn: Callable, false_fn: Callable) -> Any:
    from eagerflow._src.ops.control_flow_ops import cond as tf_cond
    if isinstance(pred, Tensor) and pred.shape.rank == 1:
        from eagerflow._src.ops.array_ops import reshape
        pred = reshape(pred, [])
    return tf_cond(pred, true_fn, false_fn)


def switch_case(index: Any, fns: list, default: Callable, name: Any) -> Any:
    """Nested `If`s over `index == k` (out-of-range indices take `default`)."""
    from eagerflow._src.ops.math_ops import equal

    def build(k: int) -> Any:
        if k == len(fns):
            return default()
        return _dispatch_cond(equal(index, k), fns[k], lambda: build(k + 1))

    return build(0)


# --- While --------------------------------------------------------------------------------------
def _while_forward(xp: Any, *arrays: Any, cond: Any, body: Any, n_vars: int, n_cond: int, n_carry: int = 0,
                   _keep_history: Any = None, **attrs: Any) -> Any:
    state = arrays[:n_vars]
    cond_caps = arrays[n_vars:n_vars + n_cond]
    body_caps = arrays[n_vars + n_cond:len(arrays) - n_carry]  # carriers: only for gradients
    if _keep_history is not None:  # a gradient needs each step (while_gradients.py)
        return _keep_history.run(state, cond_caps, body_caps, cond)
    fused = attrs.get("_fused")
    if fused is not None:
        return _single(fused.loop(state, cond_caps, body_caps))
    test = cond._compiled().run
    step = body._compiled().run
    while test(*state, *cond_caps)[0]:
        state = step(*state, *body_caps)
    return _single(state)


def _shape_text(shape: tuple | None) -> str:
    return str(TensorShape(None if shape is None else list(shape)))


def _fits(shape: tuple | None, invariant: tuple | None) -> bool:
    """Whether a body output of `shape` keeps the loop variable's `invariant` shape."""
    if invariant is None:
        return True
    if shape is None or len(shape) != len(invariant):
        return False
    return all(i is None or s == i for s, i in zip(shape, invariant))


def while_loop(cond: Callable, body: Callable, loop_vars: Any, shape_invariants: Any,
               maximum_iterations: Any, parallel_iterations: int, back_prop: bool, name: Any) -> Any:
    """One `While` node over the traced `cond` and `body` (see the module docstring)."""
    trace, ConcreteFunction, output_tensor, tensor_spec = _function_api()
    structure = loop_vars
    flat = [x if isinstance(x, Tensor) or _is_tensor_array(x) else convert_to_tensor(x) for x in flatten(loop_vars)]
    # TensorArrays travel as their flow values; wrapped again around placeholders and outputs.
    templates = {k: x for k, x in enumerate(flat) if _is_tensor_array(x)}
    flat = [x._as_loop_value() if k in templates else x for k, x in enumerate(flat)]
    counter = maximum_iterations is not None
    if shape_invariants is not None:
        invariants = [None if s is None else as_shape(s) for s in flatten(shape_invariants)] \
            if is_nested(shape_invariants) else [as_shape(shape_invariants)]
        if len(invariants) != len(flat):
            raise ValueError("shape_invariants must have the same structure as loop_vars")
    else:
        invariants = [None] * len(flat)
    specs = []
    for x, inv in zip(flat, invariants):
        dtype, shape = _spec_of(x)
        if inv is not None:
            inv_dims = None if inv.rank is None else tuple(inv.as_list())
            if not _fits(shape, inv_dims) and shape is not None and inv_dims is not None and \
                    not TensorShape(list(shape)).is_compatible_with(inv):
                raise ValueError(f"The shape invariant specified for {_var_name(x, 0)} is not compatible with "
                                 f"the initial shape of the loop variable. It enters the loop with shape "
                                 f"{_shape_text(shape)}, but the specified shape invariant is {inv}.")
            shape = inv_dims
        specs.append((dtype, shape))
    if counter:
        limit = maximum_iterations if isinstance(maximum_iterations, Tensor) else convert_to_tensor(maximum_iterations)
        flat = [convert_to_tensor(0, limit.dtype), *flat]
        specs = [(_spec_of(flat[0])[0], ()), *specs]

    def spec_args() -> tuple:
        return tuple(tensor_spec(list(s) if s is not None else None, _dtypes.from_numpy(d)) for d, s in specs)

    def unpack(values: tuple) -> list:
        values = [templates[k]._from_loop_value(v) if k in templates else v for k, v in enumerate(values)]
        packed = pack_sequence_as(structure, list(values))
        return list(packed) if isinstance(structure, (list, tuple)) else [packed]

    def cond_fn(*values: Any) -> Any:
        if counter:
            from eagerflow._src.ops.math_ops import less, logical_and
            from eagerflow._src.ops.control_flow_ops import cond as tf_cond
            i, rest = values[0], values[1:]
            within = less(i, limit)
            return tf_cond(within, lambda: _as_bool_tensor(cond(*unpack(rest))), lambda: within)
        return _as_bool_tensor(cond(*unpack(values)))

    def body_fn(*values: Any) -> tuple:
        rest = values[1:] if counter else values
        result = body(*unpack(rest))
        if not isinstance(structure, (list, tuple)) or (
                len(flatten(structure)) == 1 and not isinstance(result, (list, tuple)) and not is_nested(result)):
            if isinstance(structure, (list, tuple)) and not isinstance(result, (list, tuple)):
                result = [result]
        if isinstance(structure, (list, tuple)) and isinstance(result, (list, tuple)):
            assert_same_structure(list(structure), list(result), check_types=False)
        else:
            assert_same_structure(structure, result, check_types=False)
        out = flatten(result)
        for k, o in enumerate(out):
            if _is_tensor_array(o):
                if k in templates:
                    templates[k] = o  # its element shape (inferred from writes) carries on
                out[k] = o._as_loop_value()
        out = [_tensorize(o, flat[k + counter].dtype if isinstance(flat[k + counter], Tensor) else None)
               for k, o in enumerate(out)]
        if counter:
            out = [values[0] + 1, *out]
        return tuple(out)

    cond_graph = trace(cond_fn, spec_args(), {}, "while_cond")
    body_graph = trace(body_fn, spec_args(), {}, "while_body")
    inline_variable_reads(cond_graph)
    inline_variable_reads(body_graph)
    body_outputs = list(body_graph.structured_outputs)
    outputs = []
    for k, (x, o) in enumerate(zip(flat, body_outputs)):
        dtype, shape = specs[k]
        if not isinstance(o, Tensor):
            raise TypeError(f"Loop var {_var_name(x, k)} is not a tensor after one iteration: {o!r}")
        o_dtype, o_shape = _spec_of(o)
        if o_dtype != dtype:
            name_ = _var_name(x, k)
            raise TypeError(f"Loop var {name_} enters the loop with type {_dtypes.from_numpy(dtype)} but has "
                            f"type {_dtypes.from_numpy(o_dtype)} after 1 iteration. {name_} type should "
                            "remain constant.")
        if not _fits(o_shape, shape):
            raise ValueError(
                f"Input tensor `{_var_name(x, k)}` enters the loop with shape {_shape_text(shape)}, but has "
                f"shape {_shape_text(o_shape)} after one iteration. To allow the shape to vary across "
                "iterations, use the `shape_invariants` argument of tf.while_loop to specify a "
                "less-specific shape.")
        outputs.append(output_tensor(body_graph, o))
    body_graph.outputs = outputs
    cond_out = cond_graph.structured_outputs
    cond_graph.outputs = [output_tensor(cond_graph, cond_out)]
    inputs = [*flat, *cond_graph.external_captures, *body_graph.external_captures]
    from eagerflow._src.ops.while_gradients import updated_variable_reads
    ref_reads, carried = updated_variable_reads(body_graph)
    if carried:
        from eagerflow._src.ops.state_ops import READ
        inputs.extend(execute(READ, [v], {}) for v in carried)
    stateful = _stateful(cond_graph) or _stateful(body_graph)
    op = _node_op("While", len(flat), stateful)
    attrs = {"cond": ConcreteFunction(cond_graph), "body": ConcreteFunction(body_graph), "n_vars": len(flat),
             "n_cond": len(cond_graph.external_captures), "_output_specs": tuple(specs),
             "parallel_iterations": parallel_iterations}
    if carried:
        attrs["n_carry"] = len(carried)
        attrs["_ref_reads"] = ref_reads
        attrs["_carried"] = tuple(carried)
    device = _loop_device(flat)
    if device is not None:
        from eagerflow._src.ops.fused_loop import fuse
        attrs["_fused"] = fuse(cond_graph, body_graph, len(flat), device)
    result = execute(op, inputs, attrs)
    outs = result if isinstance(result, list) else [result]
    if counter:
        outs = outs[1:]
    outs = [templates[k]._from_loop_value(v) if k in templates else v for k, v in enumerate(outs)]
    return pack_sequence_as(structure, outs)


def _loop_device(flat: list) -> Any:
    """The device the loop's kernels run on when it is the default one (fused loops)."""
    from eagerflow._src.framework.execute import creation_device
    if _thread.device_name:
        return None
    return creation_device()


def _as_bool_tensor(value: Any) -> Any:
    if isinstance(value, Tensor):
        if value.dtype != _dtypes.bool:
            raise errors.InvalidArgumentError(
                None, None, f"Input 'input' passed {value.dtype.name} expected bool while building NodeDef "
                "'while/LoopCond' using Op<name=LoopCond; signature=input:bool -> output:bool>")
        if value.shape.rank not in (None, 0):
            raise errors.InvalidArgumentError(
                None, None, f"The second input must be a scalar, but it has shape {value.shape.as_list()}")
        return value
    return convert_to_tensor(bool(value))


def _var_name(x: Any, k: int) -> str:
    name = getattr(x, "name", None) if not isinstance(x, EagerTensor) else None
    return name or f"loop_var_{k}:0"


def _kinds() -> dict:
    """Each node kind's (forward, gradient); the loop gradients live in while_gradients.py."""
    global _KINDS
    if _KINDS is None:
        from eagerflow._src.ops import while_gradients as wg
        _KINDS = {
            "If": (_if_forward, _if_grad),
            "While": (_while_forward, wg.while_grad),
            "WhileGrad": (wg.while_grad_forward, wg.while_grad_grad),
            "WhileGradHistory": (wg.while_grad_history_forward, wg.while_grad_history_grad),
        }
    return _KINDS


_KINDS: dict | None = None
