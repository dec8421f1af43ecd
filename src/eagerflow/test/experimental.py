"""`tf.test.experimental`: re-exports only."""
from eagerflow._src.test_util import sync_devices

__all__ = ["sync_devices"]
