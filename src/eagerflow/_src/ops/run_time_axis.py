"""Axis arguments that a traced graph knows only when it runs (`tf.gather(x, i, axis=t)` with `t`
computed from the inputs).

TF's kernels read such an axis when they run. Ours take the axis as an attr, so a traced call
checks the axis once (`CheckAxis`: TF's out-of-range message, or the axis made non-negative)
and switches over the input's possible axes, each branch the op with a static axis: values,
gradients and the merged static shapes (the dims the branches agree on) come from the branches.
An axis folded while tracing (a constant, or ops of constants) is read as a plain int.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.shape_inference import constant_value
from eagerflow._src.framework.symbolic_tensor import SymbolicTensor
from eagerflow._src.ops.array_args import invalid


# Inputs of unknown rank: branches for the axes 0..7 (an axis beyond them is refused when it runs).
_UNKNOWN_RANK_AXES = 8


def _check_axis(xp: Any, axis: Any, like: Any, extra: int, message: str, like_rank_unknown: bool) -> Any:
    value = int(np.asarray(axis).reshape(()))
    rank = like.ndim + extra
    if not -rank <= value < rank:
        raise invalid(message.format(axis=value, rank=rank, dims=rank - 1,
                                     need=value + 1 if value >= 0 else -value))
    if value % rank >= _UNKNOWN_RANK_AXES and like_rank_unknown:
        raise invalid(f"axis {value} of a rank-{rank} input: a run-time axis of an input traced with "
                      f"unknown rank must be below {_UNKNOWN_RANK_AXES}")
    return xp.asarray(value % rank, dtype=np.int32)


CHECK_AXIS = Op("CheckAxis", _check_axis, shape_fn=lambda inputs, attrs: [(np.dtype(np.int32), ())])


def folded(axis: Any) -> Any:
    """`axis` as an int when known while tracing (or eager), else the symbolic tensor itself."""
    if isinstance(axis, SymbolicTensor):
        value = constant_value(axis)
        if value is None or value.size != 1:
            return axis
        return int(value.reshape(()))
    return axis


def switch_over_axis(axis: SymbolicTensor, like: Any, extra: int, message: str, op: Callable[[int], Any]) -> Any:
    """`op(a)` for the axis `a` in [0, rank) that `axis` names when the graph runs, where rank is
    `like`'s rank plus `extra` (negative axes count from the end); `message` is the error
    otherwise, formatted with `axis`, `rank`, `dims` (rank - 1) and `need` (the rank the axis needs)."""
    from eagerflow._src.framework import dtypes as _dtypes
    from eagerflow._src.ops.control_flow_ops import switch_case
    from eagerflow._src.ops.math_ops import cast

    rank = _UNKNOWN_RANK_AXES if like.ndim is None else like.ndim + extra
    index = execute(CHECK_AXIS, (cast(axis, _dtypes.int32), like),
                    {"extra": extra, "message": message, "like_rank_unknown": like.ndim is None})
    return switch_case(index, [lambda a=a: op(a) for a in range(rank)])
