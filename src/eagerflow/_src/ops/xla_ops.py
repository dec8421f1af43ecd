"""XLA's dynamic slicing ops (`tf2xla.python.xla.dynamic_slice` / `dynamic_update_slice`).

Start indices are a tensor; as in XLA they are clamped so that the slice lies inside the
operand. Each op is the other's gradient.
"""
from __future__ import annotations

import builtins
from typing import Any

from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import conversion
from eagerflow._src.ops.array_ops import ZEROS_LIKE


def _window(shape: tuple, starts: Any, sizes: tuple) -> tuple:
    """XLA's clamping: each start moves into [0, dim - size]."""
    begins = [int(v) for v in starts.reshape(-1).tolist()]
    if len(begins) != len(shape):
        from eagerflow._src.ops.array_args import invalid

        raise invalid(f"index must be a vector with length equal to the number of input "
                      f"dimensions ({len(shape)}), got {len(begins)}")
    return tuple(builtins.slice(b, b + n) for b, n in
                 ((min(max(b, 0), d - n), n) for b, d, n in zip(begins, shape, sizes)))


def _dynamic_update_slice(xp: Any, x: Any, update: Any, starts: Any) -> Any:
    out = x.copy()
    out[_window(x.shape, starts, update.shape)] = update
    return out


def _dynamic_slice(xp: Any, x: Any, starts: Any, sizes: tuple) -> Any:
    return x[_window(x.shape, starts, sizes)].copy()


def _dynamic_update_slice_grad(ctx: Any, dy: Tensor) -> tuple:
    _, update, starts = ctx.inputs
    sizes = tuple(update.shape.as_list())
    zeros = execute(ZEROS_LIKE, (update,))
    return (execute(DYNAMIC_UPDATE_SLICE, (dy, zeros, starts)),
            execute(DYNAMIC_SLICE, (dy, starts), {"sizes": sizes}), None)


def _dynamic_slice_grad(ctx: Any, dy: Tensor) -> tuple:
    x, starts = ctx.inputs
    zeros = execute(ZEROS_LIKE, (x,))
    return execute(DYNAMIC_UPDATE_SLICE, (zeros, dy, starts)), None


DYNAMIC_UPDATE_SLICE = Op("XlaDynamicUpdateSlice", _dynamic_update_slice, grad=_dynamic_update_slice_grad)
DYNAMIC_SLICE = Op("XlaDynamicSlice", _dynamic_slice, grad=_dynamic_slice_grad)
def dynamic_update_slice(input: Any, update: Any, indices: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """`input` with the block at `indices` (clamped into range) replaced by `update` (XLA's
    DynamicUpdateSlice)."""
    x = conversion.tensor(input)
    u = conversion.tensor(update, x.dtype)
    return execute(DYNAMIC_UPDATE_SLICE, (x, u, conversion.tensor(indices)))


def dynamic_slice(input: Any, indices: Any, size_indices: Any, name: str | None = None) -> Tensor:  # noqa: A002
    """The block of `input` of extent `size_indices` starting at `indices` (clamped into range)
    (XLA's DynamicSlice)."""
    x = conversion.tensor(input)
    sizes = tuple(int(s) for s in (size_indices.numpy().tolist() if hasattr(size_indices, "numpy")
                                   else size_indices))
    return execute(DYNAMIC_SLICE, (x, conversion.tensor(indices)), {"sizes": sizes})
