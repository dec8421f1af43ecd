"""`tensorflow.python.trackable.base`: re-exports only."""
from eagerflow._src.checkpoint.trackable import Trackable, no_automatic_dependency_tracking
