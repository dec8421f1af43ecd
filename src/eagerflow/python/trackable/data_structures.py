"""`tensorflow.python.trackable.data_structures`: re-exports only."""
from eagerflow._src.checkpoint.trackable import (  # noqa: F401
    ListWrapper, NoDependency, _DictWrapper, no_automatic_dependency_tracking, sticky_attribute_assignment,
    wrap_or_unwrap,
)
