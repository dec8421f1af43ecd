"""`tf.nn`: re-exports only."""
from eagerflow._src.ops.candidate_sampling_ops import (  # noqa: F401
    all_candidate_sampler, compute_accidental_hits, fixed_unigram_candidate_sampler,
    learned_unigram_candidate_sampler, nce_loss, sampled_softmax_loss,
)
from eagerflow._src.ops.conv_ops import (  # noqa: F401
    atrous_conv2d, atrous_conv2d_transpose, conv1d, conv1d_transpose, conv2d, conv2d_transpose, conv3d,
    conv3d_transpose, conv_transpose, convolution,
)
from eagerflow._src.ops.depthwise_conv_ops import (  # noqa: F401
    depthwise_conv2d, depthwise_conv2d_backprop_filter, depthwise_conv2d_backprop_input, separable_conv2d,
)
from eagerflow._src.ops.ctc_ops import (  # noqa: F401
    collapse_repeated, ctc_beam_search_decoder, ctc_greedy_decoder, ctc_loss, ctc_unique_labels,
)
from eagerflow._src.ops.fractional_pool_ops import fractional_avg_pool, fractional_max_pool  # noqa: F401
from eagerflow._src.ops.embedding_ops import (  # noqa: F401
    embedding_lookup, embedding_lookup_sparse, safe_embedding_lookup_sparse,
)
from eagerflow._src.ops.loss_ops import (  # noqa: F401
    compute_average_loss, log_poisson_loss, scale_regularization_loss, weighted_cross_entropy_with_logits,
)
from eagerflow._src.ops.math_ops import sigmoid, tanh  # noqa: F401
from eagerflow._src.ops.nn_ops import (  # noqa: F401
    bias_add, crelu, depth_to_space, dropout, elu, gelu, l2_loss, leaky_relu, log_softmax, moments, relu,
    relu6, selu, sigmoid_cross_entropy_with_logits, silu, softmax, softmax_cross_entropy_with_logits, softplus,
    softsign, space_to_depth, sparse_softmax_cross_entropy_with_logits, swish,
)
from eagerflow._src.ops.normalization_ops import (  # noqa: F401
    batch_norm_with_global_normalization, batch_normalization, isotonic_regression, l2_normalize, local_response_normalization, lrn,
    normalize_moments, sufficient_statistics, weighted_moments, zero_fraction,
)
from eagerflow._src.ops.pooling_ops import (  # noqa: F401
    avg_pool, avg_pool1d, avg_pool2d, avg_pool3d, dilation2d, erosion2d, max_pool, max_pool1d, max_pool2d, max_pool3d,
    max_pool_with_argmax, pool,
)
from eagerflow._src.ops.partition_ops import space_to_batch  # noqa: F401
from eagerflow._src.ops.space_batch_ops import with_space_to_batch  # noqa: F401
from eagerflow._src.ops.sort_ops import approx_max_k, approx_min_k, in_top_k, top_k  # noqa: F401
from eagerflow.nn import experimental  # noqa: F401
