"""`tf.__internal__.tracking`: re-exports only."""
from eagerflow._src.checkpoint.trackable import (
    AutoTrackable, Trackable, no_automatic_dependency_tracking,
)
