"""The abstract types of `tf.types` (implemented by tensors, functions, distributed values)."""
