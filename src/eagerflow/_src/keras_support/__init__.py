"""Running upstream Keras 3 (its TensorFlow backend) on eagerflow: loading it with `tensorflow`
resolving to eagerflow. Keras itself is never copied or patched here."""
