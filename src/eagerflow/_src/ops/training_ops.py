"""Fused optimizer updates (TF's `ResourceApply*` ops): one op per variable per step, in place.

The variable is the op's first input; slot variables come in `attrs["slots"]`. Each kernel
writes through `state_ops.writable`, so a tensor read earlier from any of them never changes.
"""
from __future__ import annotations

from typing import Any

from eagerflow._src.framework.op import Op
from eagerflow._src.ops.state_ops import writable


def _gradient_descent(xp: Any, var: Any, grad: Any, lr: Any) -> None:
    with var._lock:
        target = writable(xp, var)
        target -= lr * grad


def _keras_momentum(xp: Any, var: Any, grad: Any, lr: Any, momentum: Any, slots: tuple = (),
                    use_nesterov: bool = False) -> None:
    (accum,) = slots
    with var._lock:
        m = writable(xp, accum)
        m *= momentum
        m -= lr * grad
        target = writable(xp, var)
        if use_nesterov:
            target += momentum * m - lr * grad
        else:
            target += m


def _adam(xp: Any, var: Any, grad: Any, lr: Any, beta1: Any, beta2: Any, epsilon: Any,
          slots: tuple = ()) -> None:
    m_var, v_var = slots
    with var._lock:
        m = writable(xp, m_var)
        v = writable(xp, v_var)
        m += (grad - m) * (1 - beta1)
        v += (grad * grad - v) * (1 - beta2)
        target = writable(xp, var)
        target -= lr * m / (xp.sqrt(v) + epsilon)


APPLY_GRADIENT_DESCENT = Op("ResourceApplyGradientDescent", _gradient_descent, resource=True, num_outputs=0)
APPLY_KERAS_MOMENTUM = Op("ResourceApplyKerasMomentum", _keras_momentum, resource=True, num_outputs=0)
APPLY_ADAM = Op("ResourceApplyAdam", _adam, resource=True, num_outputs=0)
