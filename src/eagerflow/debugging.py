"""`tf.debugging` (device placement) and eagerflow's copy counters: re-exports only."""
from eagerflow._src.framework.config import get_log_device_placement, set_log_device_placement
from eagerflow._src.framework.transfers import reset_transfer_stats, transfer_stats

__all__ = ["get_log_device_placement", "reset_transfer_stats", "set_log_device_placement",
           "transfer_stats"]
