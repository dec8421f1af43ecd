"""`tf.sparse`: SparseTensor and the ops on it."""
from eagerflow._src.sparse.sparse_tensor import SparseTensor, SparseTensorSpec
