"""RaggedTensor and the ops on it (`tf.ragged`); loading the package registers its dispatch."""
from eagerflow._src.ragged import ragged_tensor  # noqa: F401
from eagerflow._src.ragged import ragged_ops  # noqa: F401
