"""A traced function's call under a tape: one recorded op whose gradient is a traced function.

TF records a call of a `tf.function` as one `(Stateful)PartitionedCall` op; its gradient calls
a backward function traced from the forward graph, and the forward returns, besides its own
outputs, the intermediates that backward reads. Here:

- `TapeFunctions(concrete, higher)` holds the pair for one `ConcreteFunction` and one order.
  The backward graph is traced by walking the forward graph's operations backwards with the
  tape's own machinery (`GradientTape._backward` over entries made from graph nodes), inside a
  `FuncGraph` whose outer graph is the forward graph: every forward tensor a gradient uses is
  captured, and those captures are exactly what the forward must keep (forward inputs are fed
  from the call's inputs; other captured tensors become extra forward outputs).
- First order (one tape records): the backward seeds the function's differentiable outputs.
  Higher order (several tapes): as TF's `_HigherOrderTapeGradientFunctions`, the backward also
  seeds the extra outputs, which may need more intermediates: repeated until nothing new is
  captured, so the backward's own call (recorded by the outer tape) can be differentiated.
- At gradient time the backward is traced once per set of outputs that got a gradient
  (`missing_as_none`: the tape passes None, not zeros, for the others) and cached; it is called
  through `ConcreteFunction._call_inputs`, so under an outer tape it is itself one recorded op
  with its own traced backward (gradients of any order).
- Tracing the backward can fail where a gradient function needs eager values; the function
  then replays op by op under tapes (`ConcreteFunction._replay`), as before.
"""
from __future__ import annotations

import logging
from typing import Any

from eagerflow._src.framework import context, transfers
from eagerflow._src.framework.execute import _KERNEL_FAILURES
from eagerflow._src.framework.graph import tapes_paused
from eagerflow._src.framework.indexed_slices import IndexedSlices
from eagerflow._src.framework.tensor import EagerTensor
from eagerflow._src.function.func_graph import FuncGraph, tensor_spec, trace
from eagerflow._src.function.plan import compile_plan, live_operations

_thread = context.thread
_EMPTY: dict = {}
_MAX_ROUNDS = 50
_log = logging.getLogger("eagerflow")


class CallOp:
    """What a tape records for one call of a traced function (TF's `(Stateful)PartitionedCall`).

    `grad(ctx, dys)`: `ctx.inputs` are the call's input tensors then the variables it reads;
    `ctx.output` the forward's outputs then its kept intermediates; `dys` one per output, None
    where the output got no gradient (`missing_as_none`)."""

    __slots__ = ("name", "grad", "num_outputs", "resource", "stateful", "missing_as_none")

    def __init__(self, name: str, grad: Any, num_outputs: int) -> None:
        self.name = name
        self.grad = grad
        self.num_outputs = num_outputs
        self.resource = False
        self.stateful = name.startswith("Stateful")
        self.missing_as_none = True

    def __repr__(self) -> str:
        return f"<CallOp {self.name}>"


class _BackwardGraph(FuncGraph):
    """A backward function's graph: forward constants are copied in as constants rather than
    captured (they need not travel as forward outputs)."""

    def capture(self, tensor: Any) -> Any:
        node = tensor._op
        if node.type == "Const" and node.graph is self.outer_graph:
            return self.constant(node.attrs["value"])
        return super().capture(tensor)


def _differentiable_dtype(t: Any) -> bool:
    kind = t._array.dtype.kind
    return kind == "f" or kind == "c" or kind == "V"


def _read_variables(graph: Any, live: set) -> list:
    """The float variables the graph's differentiable resource ops use (reads, gathers)."""
    found: dict[int, Any] = {}
    for node in graph.get_operations():
        op = node.op
        if op is not None and op.resource and op.grad is not None and id(node) in live:
            v = node._inputs[0]
            if id(v) not in found and _differentiable_dtype(v):
                found[id(v)] = v
    return list(found.values())


class _Backward:
    """One traced backward function and where its captured inputs come from at call time."""

    __slots__ = ("function", "sources", "seeded", "slots")

    def __init__(self, function: Any, sources: list, seeded: tuple) -> None:
        self.function = function
        self.sources = sources  # per capture: (True, i) the call's input i; (False, j) output j
        self.seeded = seeded  # indices of the forward outputs it takes a gradient for
        # Per candidate source: its gradient's index among the flat outputs, None for no gradient.
        flat = iter(range(len(function.graph.outputs)))
        self.slots = [None if g is None else next(flat) for g in function.graph.structured_outputs]


class TapeCalls:
    """What one `ConcreteFunction` offers tapes: the candidate sources of its calls (inputs,
    eager tensors it holds as constants, variables it reads) and a `TapeFunctions` per (order,
    which candidates some tape tracks); False for a function whose backward cannot be traced."""

    def __init__(self, concrete: Any) -> None:
        graph = concrete.graph
        self.concrete = concrete
        self.live = live_operations(graph, graph.outputs)
        consts = [node for node in graph.get_operations()
                  if node.type == "Const" and id(node) in self.live and _differentiable_dtype(node.outputs[0])]
        self.const_outputs = [node.outputs[0] for node in consts]
        # TF captures a closed-over eager tensor as an input: a tape watching it gets its gradient.
        self.const_values = [node.attrs["value"] for node in consts]
        self.variables = _read_variables(graph, self.live)
        self.pairs: dict[tuple, Any] = {}

    def call(self, inputs: list, variables: list) -> list | None:
        """The call's flat outputs, recorded as one op; None when it must be replayed."""
        tapes = _thread.tapes
        if variables:
            mapping = {id(p): v for p, v in zip(self.concrete.graph.variable_params, variables)}
            read = [mapping.get(id(v), v) for v in self.variables]
        else:
            read = self.variables
        recorded = (*inputs, *self.const_values, *read)
        mask = []
        n_variables_from = len(recorded) - len(read)
        for k, t in enumerate(recorded):
            key = id(t)
            wanted = False
            if _differentiable_dtype(t):
                for tape in tapes:
                    if key in tape._tracked or (k >= n_variables_from and tape._watch_accessed and t._trainable):
                        wanted = True
                        break
            mask.append(wanted)
        if True not in mask:
            return self.concrete._run_plan(inputs, variables)
        key = (len(tapes) > 1, tuple(mask))
        functions = self.pairs.get(key)
        if functions is None:
            try:
                functions = TapeFunctions(self, key[0], key[1])
            except Exception:  # noqa: BLE001 - a gradient that needs eager values: replay instead
                _log.debug("tf.function %s: backward not traced, replaying under tapes",
                           self.concrete.name, exc_info=True)
                functions = False
            self.pairs[key] = functions
        if functions is False:
            return None
        return functions.call(inputs, variables, recorded)


class TapeFunctions:
    """The forward/backward pair of one `ConcreteFunction` for tapes (see the module docstring)."""

    def __init__(self, calls: TapeCalls, higher: bool, mask: tuple) -> None:
        from eagerflow._src.function.concrete_function import ConcreteFunction

        self._concrete_type = ConcreteFunction
        concrete = calls.concrete
        graph = concrete.graph
        self.concrete = concrete
        self.graph = graph
        self.n_user = len(graph.outputs)
        self.live = calls.live
        self.variables = calls.variables
        self.candidates = [*graph.inputs, *calls.const_outputs, *calls.variables]
        self.sources = [c for c, wanted in zip(self.candidates, mask) if wanted]
        self._backwards: dict[tuple, _Backward] = {}
        outputs = list(graph.outputs)
        with tapes_paused():
            for _ in range(_MAX_ROUNDS):
                seeded = tuple(k for k, o in enumerate(outputs) if _differentiable_dtype(o))
                backward, extra = self._trace_backward(outputs, seeded)
                if not extra:
                    break
                outputs = outputs + extra
                if not higher:  # first order: the extras are kept, never differentiated
                    break
            else:
                raise ValueError("no fixed point for the forward's intermediates")
        self.outputs = outputs
        self.full = backward
        self._backwards[seeded] = backward
        self.plan = compile_plan(graph, graph.inputs, outputs, graph.variable_params,
                                 graph.input_devices, name=f"{concrete.name}_forward")
        stateful = any(op is not None and (op.resource or op.stateful)
                       for op in (node.op for node in graph.get_operations()))
        self.op = CallOp("StatefulPartitionedCall" if stateful else "PartitionedCall",
                         self.gradient, len(outputs))

    # --- tracing ---------------------------------------------------------------------------------
    def _trace_backward(self, outputs: list, seeded: tuple) -> tuple[_Backward, list]:
        """The backward for gradients of `outputs[k]` (k in `seeded`) and the forward tensors it
        captures that are neither inputs nor among `outputs`."""
        graph = self.graph
        targets = [outputs[k] for k in seeded]
        sources = self.sources
        candidates = self.candidates
        live = self.live

        def backward(*dys: Any) -> list:
            grads = tape_over(graph, live, sources)._backward(targets, list(dys), sources)
            return [_dense(grads.get(id(c))) for c in candidates]

        specs = tuple(tensor_spec(t._array.shape, t.dtype) for t in targets)
        b_graph = _BackwardGraph(f"{graph.name}_backward", graph)
        trace(backward, specs, {}, b_graph.name, graph=b_graph,
              arg_names=[f"dy_{k}" for k in range(len(specs))])
        _prune_captures(b_graph)
        position = {id(t): (True, i) for i, t in enumerate(graph.inputs)}
        for j, t in enumerate(outputs):
            position.setdefault(id(t), (False, j))
        where, extra = [], []
        for outer, _ in b_graph.captures:
            found = position.get(id(outer))
            if found is None:
                found = position[id(outer)] = (False, len(outputs) + len(extra))
                extra.append(outer)
            where.append(found)
        function = self._concrete_type(b_graph)
        return _Backward(function, where, seeded), extra

    def _backward_for(self, seeded: tuple) -> _Backward:
        found = self._backwards.get(seeded)
        if found is None:
            with tapes_paused():
                found, extra = self._trace_backward(self.outputs, seeded)
            if extra:  # needs intermediates this forward did not keep: seed all, zeros for the rest
                found = self.full
            self._backwards[seeded] = found
        return found

    # --- calling ---------------------------------------------------------------------------------
    def call(self, inputs: list, variables: list, recorded: tuple) -> list:
        """Runs the forward (outputs and kept intermediates), offers the tapes one op with
        inputs `recorded`; returns the flat outputs of the function itself."""
        concrete = self.concrete
        arrays = []
        for t, device in zip(inputs, self.graph.input_devices):
            arrays.append(t._array if t._device is device else transfers.copy_array(t._array, t._device, device))
        plan = self.plan
        try:
            outs = plan.run(*arrays, *variables)
        except _KERNEL_FAILURES as e:
            raise concrete._runtime_error(e, plan) from None
        outputs = [EagerTensor(a, d) for a, d in zip(outs, plan.output_devices)]
        for tape in _thread.tapes:
            tape._record_custom(self.op, recorded, _EMPTY, outputs)
        return outputs[:self.n_user]

    def gradient(self, ctx: Any, dys: list) -> list:
        """Gradients for the call's inputs and read variables, from the traced backward."""
        seeded = tuple(k for k, d in enumerate(dys) if d is not None)
        backward = self._backward_for(seeded)
        seeds = []
        outputs = ctx.output
        for k in backward.seeded:
            d = dys[k]
            if d is None:
                from eagerflow._src.ops.math_ops import zeros_like_same

                d = zeros_like_same(outputs[k])
            seeds.append(d)
        inputs = ctx.inputs
        for from_input, i in backward.sources:
            seeds.append(inputs[i] if from_input else outputs[i])
        flat = backward.function._call_inputs(seeds, [])
        return [None if i is None else flat[i] for i in backward.slots]


def _prune_captures(graph: FuncGraph) -> None:
    """Drops captures only dead code reads (a gradient computed for an input no one needs), so
    the forward does not keep their values."""
    live = live_operations(graph, graph.outputs)
    used = {id(t) for t in graph.outputs}
    for node in graph.get_operations():
        if id(node) in live:
            used.update(id(x) for x in node._inputs)
    dead = [(outer, inner) for outer, inner in graph._captures if id(inner) not in used]
    if not dead:
        return
    dead_ids = {id(inner) for _, inner in dead}
    keep = [k for k, t in enumerate(graph.inputs) if id(t) not in dead_ids]
    graph.inputs = [graph.inputs[k] for k in keep]
    graph.input_devices = [graph.input_devices[k] for k in keep]
    graph._captures = [c for c in graph._captures if id(c[1]) not in dead_ids]
    for outer, _ in dead:
        del graph._capture_map[id(outer)]
    graph._operations = [node for node in graph._operations
                         if not (node.type == "Placeholder" and id(node.outputs[0]) in dead_ids)]


def tape_over(graph: Any, live: Any, sources: Any) -> Any:
    """A never-pushed persistent GradientTape holding `graph`'s live nodes as recorded ops and
    tracking `sources`: its `_backward` traces the graph's vector-Jacobian function (the tape's own
    unbroadcast, accumulation and None rules)."""
    from eagerflow._src.autodiff.tape import GradientTape

    tape = GradientTape(persistent=True)
    tracked = tape._tracked
    for s in sources:
        tracked[id(s)] = s
    for node in graph.get_operations():
        op = node.op
        if op is None or op.num_outputs == 0 or id(node) not in live:
            continue
        tape.record(op, tuple(node._inputs), node.attrs, node.outputs[0] if op.num_outputs == 1 else list(node.outputs))
    return tape


def _dense(g: Any) -> Any:
    return g._as_tensor() if type(g) is IndexedSlices else g
