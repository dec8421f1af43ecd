"""`tf.debugging.experimental`: tfdbg2 dumps are accepted and not written; re-exports only."""
from eagerflow._src.ops.check_ops import disable_dump_debug_info, enable_dump_debug_info

__all__ = ["disable_dump_debug_info", "enable_dump_debug_info"]
