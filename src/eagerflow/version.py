"""`tf.version`: the TensorFlow API version eagerflow implements (TF 2.21)."""
VERSION = "2.21.0"
GIT_VERSION = "v2.21.0-eagerflow"
COMPILER_VERSION = "eagerflow (pure Python)"
GRAPH_DEF_VERSION = 2474  # TF 2.21's GraphDef producer version
GRAPH_DEF_VERSION_MIN_CONSUMER = 0
GRAPH_DEF_VERSION_MIN_PRODUCER = 0
