"""Cross-worker collectives as ops, so a traced function runs them each time it is called.

Eagerly the multi-worker strategy hands NumPy arrays to its `MpiCommunicator` at once. While a
`tf.function` traces, a collective must instead become a node of the graph whose kernel calls
the communicator when the plan runs (TF's CollectiveReduceV2 / CollectiveGatherV2): tracing
itself must not talk to the other workers. The nodes are stateful, so they are never pruned,
folded or reordered: every worker traces the same function into the same op order (replicas
trace in turn, see mirrored_run.py) and so calls the same collectives in the same order.

One all-reduce node takes every tensor of a reduction (all gradients of a step), so the
communicator packs them into a few buffers as it does eagerly.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.scopes import device as device_scope


def device_of(tensor: Any) -> Any:
    """The device a symbolic tensor will live on when the graph runs (its producing node's)."""
    op = getattr(tensor, "_op", None)
    return getattr(op, "placed", None)


def all_reduce(communicator: Any, tensors: list, op: str, device: Any) -> list:
    """Graph nodes reducing `tensors` (symbolic, on `device`) over all workers: one node,
    one packed collective per run."""
    signature = [(t._array.dtype, t._array.shape) for t in tensors]
    n = len(tensors)
    backend = device.backend

    def kernel(xp: Any, *arrays: Any) -> Any:
        hosts = [np.asarray(backend.to_host(a)) for a in arrays]
        reduced = communicator.all_reduce(hosts, op)
        out = [_readonly(backend.from_host(r, device.backend_index)) for r in reduced]
        return out[0] if n == 1 else out

    node = Op("CollectiveReduceV2", kernel, num_outputs=n, stateful=True,
              shape_fn=lambda inputs, attrs: signature)
    with device_scope(device.name):
        outputs = execute(node, list(tensors))
    return [outputs] if n == 1 else list(outputs)


def all_gather(communicator: Any, tensor: Any, axis: int, device: Any) -> Any:
    """A graph node concatenating every worker's `tensor` along `axis`, in rank order."""
    shape = tensor._array.shape
    if shape is not None:
        shape = tuple(None if i == axis % len(shape) else d for i, d in enumerate(shape))
    signature = [(tensor._array.dtype, shape)]
    backend = device.backend

    def kernel(xp: Any, array: Any) -> Any:
        gathered = communicator.all_gather(np.asarray(backend.to_host(array)), axis)
        return _readonly(backend.from_host(np.ascontiguousarray(gathered), device.backend_index))

    node = Op("CollectiveGatherV2", kernel, stateful=True, shape_fn=lambda inputs, attrs: signature)
    with device_scope(device.name):
        return execute(node, [tensor])


def _readonly(array: Any) -> Any:
    if isinstance(array, np.ndarray):
        array.flags.writeable = False  # tensors are immutable
    return array
