"""`tf.debugging`."""
from eagerflow.framework.config import (  # noqa: F401
    get_log_device_placement, set_log_device_placement,
)
from eagerflow.framework.transfers import reset_transfer_stats, transfer_stats  # noqa: F401
