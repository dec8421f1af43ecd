"""`tf.autograph.experimental` (re-exports only)."""
from eagerflow._src.autograph import Feature, do_not_convert, set_loop_options
