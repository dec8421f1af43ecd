"""`tf.lookup.experimental`: re-exports only."""
from eagerflow._src.lookup.tables import DenseHashTable, MutableHashTable  # noqa: F401
