"""`tensorflow.core.util`."""
