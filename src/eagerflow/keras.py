"""`tf.keras`: upstream Keras 3 (`keras._tf_keras.keras`, as in TF 2.21) with its TensorFlow
backend running on eagerflow. Loaded on first access of `tf.keras`; needs the `keras` extra
(`pip install 'eagerflow[keras]'`)."""
import sys as _sys

from eagerflow._src.keras_support import loader as _loader

_sys.modules[__name__] = _loader.load()
