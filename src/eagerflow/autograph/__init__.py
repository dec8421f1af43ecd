"""`tf.autograph`: Python control flow converted to graph control flow (re-exports only)."""
from eagerflow._src.autograph import set_verbosity, to_code, to_graph, trace
from eagerflow.autograph import experimental
