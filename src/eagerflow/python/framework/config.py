"""`tensorflow.python.framework.config`: re-exports only."""
from eagerflow._src.framework.runtime_options import is_op_determinism_enabled  # noqa: F401
