"""`tensorflow.python.framework`: the internal modules Keras 3 imports."""
