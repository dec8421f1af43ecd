"""`tensorflow.python.trackable.autotrackable`: re-exports only."""
from eagerflow._src.checkpoint.trackable import AutoTrackable
