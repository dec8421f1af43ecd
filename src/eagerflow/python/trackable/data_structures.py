"""`tensorflow.python.trackable.data_structures`: re-exports only."""
from eagerflow._src.checkpoint.trackable import ListWrapper, _DictWrapper, no_automatic_dependency_tracking
