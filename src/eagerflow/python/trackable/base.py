"""`tensorflow.python.trackable.base`: re-exports only."""
from eagerflow._src.checkpoint.trackable import (  # noqa: F401
    Trackable, TrackableReference, no_automatic_dependency_tracking,
)
