"""SparseTensor and the ops on it (`tf.sparse`); loading the package registers its dispatch."""
from eagerflow._src.sparse import sparse_tensor  # noqa: F401
from eagerflow._src.sparse import sparse_ops  # noqa: F401
from eagerflow._src.sparse import sparse_math_ops  # noqa: F401
