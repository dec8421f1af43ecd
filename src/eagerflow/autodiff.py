"""`tf.autodiff`: re-exports only."""
from eagerflow._src.autodiff.tape import GradientTape  # noqa: F401
