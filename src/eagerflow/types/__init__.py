"""`tf.types`: re-exports only."""
from eagerflow.types import experimental
