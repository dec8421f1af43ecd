"""`tensorflow.core.framework`."""
