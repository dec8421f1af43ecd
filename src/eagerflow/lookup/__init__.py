"""`tf.lookup`: re-exports only."""
from eagerflow._src.lookup.initializers import (  # noqa: F401
    KeyValueTensorInitializer, TextFileIndex, TextFileInitializer,
)
from eagerflow._src.lookup.tables import StaticHashTable, StaticVocabularyTable  # noqa: F401
from eagerflow.lookup import experimental  # noqa: F401
