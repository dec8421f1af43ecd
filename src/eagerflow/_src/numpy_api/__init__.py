"""tf.experimental.numpy over eagerflow ops (the public namespace re-exports these)."""
