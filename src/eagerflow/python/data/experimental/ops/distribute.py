"""`tensorflow.python.data.experimental.ops.distribute`: what Keras imports from it."""
from eagerflow._src.data.compute_batch_size import compute_batch_size  # noqa: F401
