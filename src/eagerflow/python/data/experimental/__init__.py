"""`tensorflow.python.data.experimental`."""
