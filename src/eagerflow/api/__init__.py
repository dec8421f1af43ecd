"""TF-shaped namespaces (`tf.math`, `tf.linalg`, ...): re-exports only."""
