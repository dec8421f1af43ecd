"""`tf.compat`: re-exports only (`tf.compat.v1` holds the graph-building names Keras uses)."""
from eagerflow.compat import v1

__all__ = ["v1"]
