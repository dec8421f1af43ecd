"""`tf.profiler`."""
from eagerflow.profiler import experimental  # noqa: F401
