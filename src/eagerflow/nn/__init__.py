"""`tf.nn`: re-exports only."""
from eagerflow._src.ops.conv_ops import (  # noqa: F401
    atrous_conv2d, atrous_conv2d_transpose, conv1d, conv1d_transpose, conv2d, conv2d_transpose, conv3d,
    conv3d_transpose, conv_transpose, convolution, depthwise_conv2d, depthwise_conv2d_backprop_filter,
    depthwise_conv2d_backprop_input, separable_conv2d,
)
from eagerflow._src.ops.pooling_ops import (  # noqa: F401
    avg_pool, avg_pool1d, avg_pool2d, avg_pool3d, max_pool, max_pool1d, max_pool2d, max_pool3d,
    max_pool_with_argmax, pool,
)
from eagerflow._src.ops.math_ops import sigmoid, tanh  # noqa: F401
from eagerflow._src.ops.nn_ops import (  # noqa: F401
    bias_add, elu, gelu, l2_loss, leaky_relu, log_softmax, moments, relu, relu6, selu,
    sigmoid_cross_entropy_with_logits, softmax, softmax_cross_entropy_with_logits, softplus,
    softsign, sparse_softmax_cross_entropy_with_logits,
)
