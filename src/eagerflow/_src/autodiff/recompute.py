"""Gradients by recomputation: the vector-Jacobian product of an eager Python function, as one op.

Some ops' gradients are themselves ops with no gradient of their own written beside them
(`WhileGrad`, which reruns a loop and walks its steps backwards). Their gradient is
`recompute_gradient(fn, inputs, dys)`: one `RecomputeVJP` op whose kernel recomputes `fn`
(the op's outputs as a function of its inputs, written with eagerflow ops) under a tape and
returns the gradients for the float inputs. Its own gradient is the same construction over
that computation, so gradients of any order exist. Works eagerly and inside traces (the node
runs when the graph runs).
"""
from __future__ import annotations

from typing import Any, Callable

from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import EagerTensor, Tensor


def _float(t: Any) -> bool:
    return isinstance(t, Tensor) and (t.dtype.is_floating or t.dtype.is_complex)


def vjp_function(fn: Callable, n_inputs: int, seeded: tuple | None = None) -> Callable:
    """`g(*inputs, *dys)`: gradients of `fn(*inputs)` (weighted by `dys`, the gradients of the
    outputs at `seeded`, default all) for the float inputs, zeros where one does not reach the
    outputs."""
    def vjp(*values: Any) -> list:
        from eagerflow._src.autodiff.tape import GradientTape, UnconnectedGradients
        from eagerflow._src.ops.array_ops import zeros_like

        inputs, dys = values[:n_inputs], values[n_inputs:]
        if seeded is not None:
            full: list = [None] * (max(seeded) + 1 if seeded else 0)
            for k, dy in zip(seeded, dys):
                full[k] = dy
            dys = full
        watched = [x for x in inputs if _float(x)]
        with GradientTape() as tape:
            for x in watched:
                tape.watch(x)
            outs = fn(*inputs)
        targets, seeds = [], []
        for o, dy in zip(outs, dys):
            if dy is not None and _float(o):
                targets.append(o)
                seeds.append(dy)
        if not targets:
            return [zeros_like(x) for x in watched]
        return tape.gradient(targets, watched, output_gradients=seeds,
                             unconnected_gradients=UnconnectedGradients.ZERO)

    return vjp


def _forward(xp: Any, *arrays: Any, fn: Callable, **_: Any) -> Any:
    """Runs `fn` eagerly on the arrays as tensors (tapes of this thread paused: they recorded
    this op already)."""
    from eagerflow._src.framework.execute import creation_device
    from eagerflow._src.framework.graph import init_scope, tapes_paused

    with init_scope(), tapes_paused():
        device = creation_device()
        outs = fn(*[EagerTensor(a, device) for a in arrays])
        arrays_out = [o._array for o in outs]
    return arrays_out[0] if len(arrays_out) == 1 else arrays_out


def _grad(ctx: Any, dys: Any) -> list:
    fn = ctx.attrs["fn"]
    return recompute_gradient(fn, list(ctx.inputs), dys if isinstance(dys, list) else [dys])


def _shape_fn(inputs: Any, attrs: dict) -> list:
    return list(attrs["_output_specs"])


_OPS: dict[int, Op] = {}


def _op(count: int) -> Op:
    op = _OPS.get(count)
    if op is None:
        op = _OPS[count] = Op("RecomputeVJP", _forward, grad=_grad, num_outputs=count, shape_fn=_shape_fn)
    return op


def recompute_gradient(fn: Callable, inputs: list, dys: list) -> list:
    """The gradient for each of `inputs` (None for non-float ones) of an op computing
    `fn(*inputs)`, given the gradients `dys` of its outputs (zeros where none)."""
    floats = [k for k, x in enumerate(inputs) if _float(x)]
    result: list = [None] * len(inputs)
    if not floats:
        return result
    specs = tuple((x._array.dtype, None if x._array.shape is None else tuple(x._array.shape))
                  for x in (inputs[k] for k in floats))
    seeded = tuple(k for k, dy in enumerate(dys) if dy is not None)  # None: no gradient there
    out = execute(_op(len(floats)), [*inputs, *[dys[k] for k in seeded]],
                  {"fn": vjp_function(fn, len(inputs), seeded), "_output_specs": specs})
    outs = out if isinstance(out, list) else [out]
    for k, g in zip(floats, outs):
        result[k] = g
    return result


# --- A read that keeps the forward's value -----------------------------------------------------------
def _recorded_read_grad(ctx: Any, dy: Any) -> list:
    return [dy, None]


_RECORDED_READ = Op("RecordedRead", lambda xp, carrier, value: value, grad=_recorded_read_grad,
                    shape_fn=lambda inputs, attrs: [(inputs[1]._array.dtype, inputs[1]._array.shape)])


def recorded_read(carrier: Any, value: Any) -> Any:
    """`value` (what a variable read gave in a forward that already ran), with the gradient of a
    read: it reaches `carrier` (a read of that variable the tapes saw), so a recomputation that
    must not rerun updates still routes the read's gradient to the variable."""
    return execute(_RECORDED_READ, [carrier, value], {})
