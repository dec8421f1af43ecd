"""`tensorflow.python.ops.math_ops`: re-exports only (the names libraries import from it)."""
from eagerflow.math import is_nan
