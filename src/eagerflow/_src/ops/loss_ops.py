"""Losses of `tf.nn` built from math ops: Poisson, weighted logistic, and the replica-aware averages.

Each is TF's own composition, so values, dtypes and gradients (of any order) follow from the ops.
"""
from __future__ import annotations

import math
from typing import Any

from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import array_ops, conversion, math_ops, reduce_ops


def _same_shape(labels: Tensor, logits: Tensor, what: str) -> None:
    if not labels.shape.is_compatible_with(logits.shape):  # (traced: unknown dims are compatible)
        raise ValueError(f"`{what}` and `labels` must have the same shape, received "
                         f"({logits.shape} vs {labels.shape}).")


def log_poisson_loss(targets: Any, log_input: Any, compute_full_loss: bool = False, name: str | None = None) -> Tensor:
    """exp(log_input) - log_input * targets, plus Stirling's term when `compute_full_loss` (`tf.nn.log_poisson_loss`).

    The Stirling term targets * log(targets) - targets + 0.5 * log(2 * pi * targets) is added
    only where targets > 1, as TF does.
    """
    log_input = conversion.tensor(log_input)
    targets = conversion.like(targets, log_input)
    if not targets.shape.is_compatible_with(log_input.shape):
        raise ValueError(f"`log_input` and `targets` must have the same shape, received "
                         f"({log_input.shape} vs {targets.shape}).")
    result = math_ops.subtract(math_ops.exp(log_input), math_ops.multiply(log_input, targets))
    if not compute_full_loss:
        return result
    half = conversion.like(0.5, targets)
    stirling = math_ops.add(
        math_ops.subtract(math_ops.multiply(targets, math_ops.log(targets)), targets),
        math_ops.multiply(half, math_ops.log(math_ops.multiply(conversion.like(2 * math.pi, targets), targets))))
    zeros = math_ops.zeros_like_same(targets)
    small = math_ops.logical_and(math_ops.greater_equal(targets, zeros),
                                 math_ops.less_equal(targets, math_ops.ones_like_same(targets)))
    return math_ops.add(result, array_ops.where(small, zeros, stirling))


def weighted_cross_entropy_with_logits(labels: Any, logits: Any, pos_weight: Any, name: str | None = None) -> Tensor:
    """Logistic loss with positives weighted by `pos_weight` (`tf.nn.weighted_cross_entropy_with_logits`).

    (1 - z) * x + (1 + (pos_weight - 1) * z) * (log1p(exp(-|x|)) + max(-x, 0)), TF's stable form.
    """
    logits = conversion.tensor(logits)
    labels = conversion.like(labels, logits)
    _same_shape(labels, logits, "logits")
    pos_weight = conversion.like(pos_weight, logits)
    one = math_ops.ones_like_same(logits)
    log_weight = math_ops.add(one, math_ops.multiply(math_ops.subtract(pos_weight, 1), labels))
    softplus_neg = math_ops.add(math_ops.log1p(math_ops.exp(math_ops.negative(math_ops.abs(logits)))),
                                math_ops.maximum(math_ops.negative(logits), math_ops.zeros_like_same(logits)))
    return math_ops.add(math_ops.multiply(math_ops.subtract(one, labels), logits),
                        math_ops.multiply(log_weight, softplus_neg))


def _strategy() -> Any:
    from eagerflow._src.distribute import context as distribute_context

    return distribute_context


def compute_average_loss(per_example_loss: Any, sample_weight: Any = None, global_batch_size: Any = None) -> Tensor:
    """sum(per_example_loss * sample_weight) / global_batch_size (`tf.nn.compute_average_loss`).

    Without `global_batch_size`, the batch is the first dimension times the strategy's number of
    replicas in sync; a zero batch gives 0 (div_no_nan).
    """
    loss = conversion.tensor(per_example_loss)
    if loss.ndim == 0:
        raise ValueError("Invalid value passed for `per_example_loss`. Expected a tensor with at least rank 1. "
                         f"Received per_example_loss={loss} with rank 0")
    input_dtype = loss.dtype
    if sample_weight is not None:
        weight = conversion.tensor(sample_weight)
        loss = math_ops.multiply(loss, math_ops.cast(weight, input_dtype))
    distribute = _strategy()
    if global_batch_size is None:
        if distribute.has_strategy() and distribute.in_cross_replica_context():
            raise RuntimeError("You are calling `compute_average_loss` in cross replica context, while it was "
                               "expected to be called in replica context.")
        replicas = distribute.get_strategy().num_replicas_in_sync
        global_batch_size = loss.shape[0] * replicas
    else:
        size = conversion.tensor(global_batch_size)
        if size.ndim != 0:
            raise ValueError("global_batch_size must be scalar.")
        if not size.dtype.is_integer:
            raise TypeError("global_batch_size must be an integer.")
        if int(size.numpy()) < 0:
            from eagerflow._src.framework import errors

            raise errors.InvalidArgumentError(None, None, "global_batch_size must be non-negative.")
        global_batch_size = int(size.numpy())
    total = reduce_ops.reduce_sum(loss)
    return math_ops.divide_no_nan(total, conversion.like(float(global_batch_size), total))


def scale_regularization_loss(regularization_loss: Any) -> Tensor:
    """sum(regularization_loss) / replicas in sync (`tf.nn.scale_regularization_loss`)."""
    distribute = _strategy()
    if distribute.has_strategy() and distribute.in_cross_replica_context():
        raise RuntimeError("You are calling `scale_regularization_loss` in cross replica context, while it was "
                           "expected to be called in replica context.")
    replicas = distribute.get_strategy().num_replicas_in_sync
    if isinstance(regularization_loss, (list, tuple)):
        from eagerflow._src.ops import join_split_ops

        regularization_loss = join_split_ops.stack([conversion.tensor(v) for v in regularization_loss])
    total = reduce_ops.reduce_sum(conversion.tensor(regularization_loss))
    if total.dtype.is_integer:
        return math_ops.truediv(total, replicas)
    return math_ops.truediv(total, conversion.like(replicas, total))

