"""`tf.sets`: set operations on the last dimension of dense or sparse tensors."""
from eagerflow._src.ops.sets_ops import difference, intersection, size, union
