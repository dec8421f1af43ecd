"""`tensorflow.python.eager.context`: re-exports only."""
from eagerflow._src.framework.eager_context import Context, _reset_context, async_wait, context
from eagerflow._src.framework.graph import executing_eagerly
