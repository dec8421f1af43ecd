"""`tf.nn.experimental`: re-exports only."""
from eagerflow._src.ops.nn_ops import general_dropout, stateless_dropout  # noqa: F401
