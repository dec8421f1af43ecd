"""`tf.types.experimental.distributed`: re-exports only."""
from eagerflow._src.distribute.values import Mirrored, PerReplica

__all__ = ["Mirrored", "PerReplica"]
