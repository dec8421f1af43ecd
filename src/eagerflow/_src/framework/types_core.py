"""TF's `types.core.Tensor` (`tf.__internal__.types.Tensor`): the base every tensor-like shares.

`tf.Tensor` and `tf.Variable` derive from it, and so may a library's own tensor-like classes
(Keras 3's variable does), which `tf.is_tensor` then recognizes as tensors.
"""
from __future__ import annotations


class Tensor:
    """The base class of tensor-like values (TF's `tensorflow.python.types.core.Tensor`)."""

    __slots__ = ()
