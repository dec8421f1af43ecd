"""`tf.queue`: FIFOQueue, PaddingFIFOQueue, PriorityQueue, RandomShuffleQueue (re-exports only)."""
from eagerflow._src.ops.queue_ops import (  # noqa: F401
    FIFOQueue, PaddingFIFOQueue, PriorityQueue, QueueBase, RandomShuffleQueue,
)
