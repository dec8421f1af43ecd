"""`tensorflow.python.trackable`: TF's tracking base classes and tracked containers."""
