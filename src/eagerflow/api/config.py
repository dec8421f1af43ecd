"""`tf.config`."""
from eagerflow.framework.config import (  # noqa: F401
    get_soft_device_placement, set_soft_device_placement,
)
