"""Gradient helpers around tapes: `tf.gradients`/`tf.hessians` (graph-only in TF),
`tf.grad_pass_through`, `tf.recompute_grad`, `tf.no_gradient`, `tf.RegisterGradient`,
`tf.AggregationMethod`.
"""
from __future__ import annotations

import functools
from typing import Any, Callable

from eagerflow._src.autodiff.custom_gradient import custom_gradient
from eagerflow._src.framework.op import REGISTRY, GradContext


def gradients(ys: Any, xs: Any, grad_ys: Any = None, name: str = "gradients", gate_gradients: bool = False,
              aggregation_method: Any = None, stop_gradients: Any = None,
              unconnected_gradients: Any = None) -> Any:
    """Symbolic gradients of a graph (`tf.gradients`): TF raises this error under eager execution;
    use `tf.GradientTape`, which also works inside `tf.function`."""
    raise RuntimeError("tf.gradients is not supported when eager execution is enabled. Use tf.GradientTape instead.")


def hessians(ys: Any, xs: Any, gate_gradients: bool = False, aggregation_method: Any = None,
             name: str = "hessians") -> Any:
    """`tf.hessians`: built on `tf.gradients`, so the same error under eager execution."""
    return gradients(ys, xs)


def grad_pass_through(f: Callable) -> Callable:
    """`f` whose gradient is the identity: the upstream gradient passes to `f`'s inputs as if
    `f` were `tf.identity` (`tf.grad_pass_through`)."""
    @functools.wraps(f)
    def wrapper(*args: Any) -> Any:
        @custom_gradient
        def passed(*inputs: Any) -> Any:
            result = f(*inputs)

            def grad(*dys: Any, variables: Any = None) -> Any:
                grads = list(dys) if len(dys) == len(inputs) else [dys[0]] * len(inputs)
                return grads if variables is None else (grads, [None] * len(variables))
            return result, grad
        return passed(*args)
    return wrapper


def recompute_grad(f: Callable) -> Callable:
    """`f`, for memory-saving recomputation of its activations during backprop
    (`tf.recompute_grad`). Eagerly the tape keeps what it recorded: gradients are the same,
    the memory saving is TF's only."""
    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return f(*args, **kwargs)
    return wrapper


def no_gradient(op_type: str) -> None:
    """Declares that ops of type `op_type` have no gradient (`tf.no_gradient`)."""
    if not isinstance(op_type, str):
        raise TypeError("op_type must be a string")
    op = REGISTRY.get(op_type)
    if op is not None:
        op.grad = None
    _NO_GRADIENT.add(op_type)


_NO_GRADIENT: set = set()


class _OpView:
    """What a `tf.RegisterGradient` function sees of the forward op: `inputs`, `outputs`, `type`,
    `get_attr`."""

    def __init__(self, op_type: str, ctx: GradContext) -> None:
        self.type = op_type
        self.inputs = list(ctx.inputs)
        self.outputs = list(ctx.output) if isinstance(ctx.output, list) else [ctx.output]
        self._attrs = ctx.attrs

    def get_attr(self, name: str) -> Any:
        return self._attrs[name]


class RegisterGradient:
    """Decorator registering `f(op, *output_grads)` as the gradient of ops of type `op_type`
    (`tf.RegisterGradient`); it returns one gradient per input."""

    def __init__(self, op_type: str) -> None:
        if not isinstance(op_type, str):
            raise TypeError("op_type must be a string")
        self._op_type = op_type

    def __call__(self, f: Callable) -> Callable:
        op_type = self._op_type
        op = REGISTRY.get(op_type)
        if op is None:
            _PENDING[op_type] = f
            return f
        if op.grad is not None and op_type not in _USER_REGISTERED:
            raise KeyError(f"Registering two gradient with name '{op_type}'! (Previous registration was in "
                           f"{getattr(op.grad, '__module__', '?')})")

        def grad(ctx: GradContext, dy: Any) -> tuple:
            dys = dy if isinstance(dy, list) else [dy]
            result = f(_OpView(op_type, ctx), *dys)
            return tuple(result) if isinstance(result, (list, tuple)) else (result,)

        op.grad = grad
        _USER_REGISTERED.add(op_type)
        return f


_PENDING: dict = {}
_USER_REGISTERED: set = set()


class AggregationMethod:
    """How `tf.gradients` sums gradient contributions (kept for API compatibility: tapes add them)."""

    ADD_N = 0
    DEFAULT = ADD_N
    EXPERIMENTAL_TREE = 1
    EXPERIMENTAL_ACCUMULATE_N = 2

