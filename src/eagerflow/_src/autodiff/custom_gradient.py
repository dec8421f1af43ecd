"""`stop_gradient` and `custom_gradient`: user control over what the tape differentiates."""
from __future__ import annotations

import functools
import inspect
from typing import Any, Callable

import numpy as np

from eagerflow._src.framework import context
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import GradContext, Op
from eagerflow._src.framework.tensor import EagerTensor, Tensor
from eagerflow._src.ops import conversion
from eagerflow._src.variables import Variable

_thread = context.thread

STOP_GRADIENT = Op("StopGradient", lambda xp, x: x, grad=lambda ctx, dy: (None,))


def stop_gradient(input: Any, name: str | None = None) -> Tensor:  # noqa: A002 - TF's name
    """The same values, seen by tapes as a constant (`tf.stop_gradient`)."""
    return execute(STOP_GRADIENT, (conversion.tensor(input),))


class _VariableReads:
    """Collects variables read while a custom-gradient function runs (TF passes them on)."""

    def __init__(self) -> None:
        self.variables: dict[int, Variable] = {}

    def record(self, op: Op, inputs: tuple, attrs: dict, output: Any) -> None:
        if op.name == "ReadVariableOp" and inputs[0]._trainable:
            self.variables.setdefault(id(inputs[0]), inputs[0])


def custom_gradient(f: Callable | None = None) -> Callable:
    """Decorator: `f(*args)` returns `(y, grad_fn)`; tapes use `grad_fn(dy)` for its gradient.

    When `f` reads trainable variables, `grad_fn(dy, variables=...)` must return
    `(input_grads, variable_grads)`, as in TF.
    """
    if f is None:
        return custom_gradient
    op = Op(f"CustomGradient_{f.__name__}", _never_run, grad=_custom_grad)

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if _thread.graph is not None:
            # TF's graph mode converts the arguments first: a variable passed in is read here,
            # outside `f`, so grad_fn answers for it among the inputs, not as a variable.
            args = tuple(conversion.tensor(a) if _is_input(a) or hasattr(a, "__tf_tensor__") else a
                         for a in args)
        tapes = list(_thread.tapes)
        reads = _VariableReads()
        for tape in tapes:
            tape._pop()
        _thread.tapes.append(reads)
        context.add_taping(1)
        try:
            result, grad_fn = f(*args, **kwargs)
        finally:
            _thread.tapes.remove(reads)
            context.add_taping(-1)
            for tape in tapes:
                tape._push()
        flat_args = [a for a in (*args, *kwargs.values()) if _is_input(a)]
        # TF: the variables grad_fn must answer for are those read but not passed as arguments.
        variables = [v for v in reads.variables.values() if all(v is not a for a in flat_args)]
        if variables and not _takes_variables(grad_fn):
            raise TypeError("If using @custom_gradient with a function that uses variables, then "
                            "grad_fn must accept a keyword argument 'variables'.")
        # Arguments become tensors as TF converts them (a variable is read, so tapes reach it).
        inputs = [conversion.tensor(a) for a in flat_args]
        # Fresh output tensors (TF: an identity of each), so that a forward returning its input
        # unchanged still routes the gradient through grad_fn only.
        outputs = [_fresh(conversion.tensor(o))
                   for o in (result if isinstance(result, (list, tuple)) else [result])]
        if _thread.graph is not None:
            outputs = _graph_node(outputs, inputs, variables, grad_fn)
        else:
            recorded = outputs if len(outputs) > 1 else outputs[0]
            attrs = {"grad_fn": grad_fn, "variables": variables}
            for tape in tapes:
                tape._record_custom(op, tuple(inputs + variables), attrs, recorded)
        return type(result)(outputs) if isinstance(result, (list, tuple)) else outputs[0]

    # Library code to autograph, as in TF: `f` runs as written (and the converter must not
    # compile `f`'s source, which `functools.wraps` points at, in place of this wrapper).
    wrapper.__ag_do_not_convert__ = True
    return wrapper


def _graph_node(outputs: list, inputs: list, variables: list, grad_fn: Callable) -> list:
    """In a trace, the outputs pass through one node carrying `grad_fn` (TF's IdentityN with
    a gradient override): tapes inside the function and the function's traced backward both
    use it. The node takes the inputs and the variables' reads too, so gradients reach them."""
    from eagerflow._src.ops.state_ops import READ

    reads = [execute(READ, [v]) for v in variables]
    specs = tuple((o._array.dtype, o._array.shape) for o in outputs)
    count = len(outputs)
    op = _IDENTITY_N.get(count)
    if op is None:
        op = _IDENTITY_N[count] = Op("IdentityN", _identity_n, grad=_identity_n_grad, num_outputs=count,
                                     shape_fn=lambda inputs, attrs: list(attrs["_output_specs"]))
    result = execute(op, [*outputs, *inputs, *reads],
                     {"grad_fn": grad_fn, "variables": variables, "n": count, "_output_specs": specs})
    return result if isinstance(result, list) else [result]


_IDENTITY_N: dict[int, Op] = {}


def _identity_n(xp: Any, *arrays: Any, n: int, **_: Any) -> Any:
    return arrays[0] if n == 1 else list(arrays[:n])


def _identity_n_grad(ctx: GradContext, dys: Any) -> tuple:
    n = ctx.attrs["n"]
    dy = dys if n == 1 else list(dys)
    return (None,) * n + _custom_grad(ctx, dy)


def _is_input(value: Any) -> bool:
    return isinstance(value, (Tensor, Variable, float, int, np.ndarray)) and not isinstance(value, bool)


def _takes_variables(grad_fn: Callable) -> bool:
    parameters = inspect.signature(grad_fn).parameters
    return "variables" in parameters or any(p.kind is p.VAR_KEYWORD for p in parameters.values())


def _fresh(t: Tensor) -> Tensor:
    return EagerTensor(t._array, t._device) if type(t) is EagerTensor else t


def _never_run(xp: Any, *arrays: Any) -> None:
    raise RuntimeError("custom-gradient ops are recorded, never executed")


def _custom_grad(ctx: GradContext, dy: Any) -> tuple:
    grad_fn = ctx.attrs["grad_fn"]
    variables = ctx.attrs["variables"]
    # TF hands grad_fn one upstream gradient per output, as separate arguments.
    dys = dy if isinstance(dy, (list, tuple)) else [dy]
    if variables:
        input_grads, variable_grads = grad_fn(*dys, variables=variables)
    else:
        input_grads, variable_grads = grad_fn(*dys), []
    if not isinstance(input_grads, (list, tuple)):
        input_grads = [input_grads]
    return tuple(input_grads) + tuple(variable_grads)
