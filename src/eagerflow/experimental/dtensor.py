"""`tf.experimental.dtensor`: TF's layout constants. eagerflow has no DTensor meshes or layouts
yet; the module exists so that libraries importing it (Keras's distribution API) load."""

UNSHARDED = "unsharded"
MATCH = "match"
