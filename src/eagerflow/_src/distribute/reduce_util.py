"""`tf.distribute.ReduceOp`: how values from several replicas combine into one."""
from __future__ import annotations

import enum
from typing import Any

from eagerflow._src.variables import VariableAggregation


class ReduceOp(enum.Enum):
    """Indicates how a set of values should be reduced (`tf.distribute.ReduceOp`)."""

    SUM = "SUM"
    MEAN = "MEAN"

    @staticmethod
    def from_variable_aggregation(aggregation: Any) -> "ReduceOp":
        """The reduce op for a variable's aggregation (SUM or MEAN only, as in TF)."""
        aggregation = VariableAggregation(aggregation)
        if aggregation is VariableAggregation.SUM:
            return ReduceOp.SUM
        if aggregation is VariableAggregation.MEAN:
            return ReduceOp.MEAN
        raise ValueError(f"Could not convert from `tf.VariableAggregation` {aggregation} to "
                         "`tf.distribute.ReduceOp` type")


def as_reduce_op(value: Any) -> ReduceOp:
    """`ReduceOp.SUM`, or the string "SUM"/"sum" (TF accepts both spellings)."""
    if isinstance(value, ReduceOp):
        return value
    if isinstance(value, str) and value.upper() in ("SUM", "MEAN"):
        return ReduceOp(value.upper())
    if isinstance(value, VariableAggregation):
        return ReduceOp.from_variable_aggregation(value)
    raise ValueError(f"reduce_op must be a tf.distribute.ReduceOp, got {value!r}")
