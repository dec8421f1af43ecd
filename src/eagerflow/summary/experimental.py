"""`tf.summary.experimental`: re-exports only."""
from eagerflow._src.summary.summary_ops import get_step, set_step, summary_scope, write_raw_pb  # noqa: F401
