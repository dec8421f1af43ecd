"""`tf.nn`."""
from eagerflow.ops.math_ops import sigmoid, tanh  # noqa: F401
