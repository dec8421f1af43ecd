"""`tf.__internal__.smart_cond.smart_cond`: a conditional that branches in Python when it can.

A predicate known now (a Python bool, an eager tensor) runs one branch directly; a predicate
known only when a graph runs becomes a `tf.cond`.
"""
from __future__ import annotations

from typing import Any, Callable

from eagerflow._src.framework.tensor import EagerTensor


def smart_cond(pred: Any, true_fn: Callable | None = None, false_fn: Callable | None = None,
               name: str | None = None) -> Any:
    """`true_fn()` if `pred` else `false_fn()`, decided now when `pred`'s value is known."""
    if not callable(true_fn):
        raise TypeError(f"`true_fn` must be callable. Received: true_fn={true_fn}.")
    if not callable(false_fn):
        raise TypeError(f"`false_fn` must be callable. Received: false_fn={false_fn}.")
    if isinstance(pred, (bool, int)) or type(pred) is EagerTensor:
        return true_fn() if bool(pred) else false_fn()
    if hasattr(pred, "_as_tensor") and not hasattr(pred, "op"):  # a variable: read it now
        value = pred._as_tensor()
        if type(value) is EagerTensor:
            return true_fn() if bool(value) else false_fn()
    from eagerflow._src.ops.control_flow_ops import cond

    return cond(pred, true_fn=true_fn, false_fn=false_fn, name=name)
