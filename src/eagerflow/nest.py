"""`tf.nest`: re-exports only."""
from eagerflow._src.util.nest import (  # noqa: F401
    assert_same_structure, flatten, is_nested, map_structure, pack_sequence_as,
)
