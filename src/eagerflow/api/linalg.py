"""`tf.linalg`."""
from eagerflow.ops.linalg_ops import matmul  # noqa: F401
