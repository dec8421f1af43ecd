"""`tf.sparse`: SparseTensor and the ops on it."""
from eagerflow._src.sparse.feature_cross import sparse_cross as cross, sparse_cross_hashed as cross_hashed
from eagerflow._src.sparse.sparse_math_ops import (
    add, bincount, mask, maximum, minimum, reduce_max, reduce_sum, segment_mean, segment_sqrt_n, segment_sum,
    softmax, sparse_dense_matmul,
)
from eagerflow._src.sparse.sparse_ops import (
    concat, expand_dims, eye, fill_empty_rows, from_dense, map_values, reorder, reset_shape, reshape, retain, slice,
    split, to_dense, to_indicator, transpose,
)
from eagerflow._src.sparse.sparse_tensor import SparseTensor
