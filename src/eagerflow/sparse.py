"""`tf.sparse`: SparseTensor and the ops on it."""
from eagerflow._src.sparse.sparse_ops import (
    add, bincount, concat, expand_dims, eye, fill_empty_rows, from_dense, map_values, mask, maximum, minimum, reduce_max,
    reduce_sum, reorder, reset_shape, reshape, retain, segment_mean, segment_sqrt_n, segment_sum, slice, softmax,
    sparse_dense_matmul, split, to_dense, to_indicator, transpose,
)
from eagerflow._src.sparse.sparse_tensor import SparseTensor, SparseTensorSpec
