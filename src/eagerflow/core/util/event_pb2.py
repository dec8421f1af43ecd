"""`tensorflow.core.util.event_pb2`: re-exports only (the event file's record message)."""
from eagerflow._src.summary.event_protos import Event  # noqa: F401
