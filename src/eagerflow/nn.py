"""`tf.nn`: re-exports only."""
from eagerflow._src.ops.math_ops import sigmoid, tanh  # noqa: F401
from eagerflow._src.ops.nn_ops import (  # noqa: F401
    bias_add, elu, gelu, l2_loss, leaky_relu, log_softmax, moments, relu, relu6, selu,
    sigmoid_cross_entropy_with_logits, softmax, softmax_cross_entropy_with_logits, softplus,
    softsign, sparse_softmax_cross_entropy_with_logits,
)
