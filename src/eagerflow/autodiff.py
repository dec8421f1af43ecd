"""`tf.autodiff`: re-exports only."""
from eagerflow._src.autodiff.forwardprop import ForwardAccumulator  # noqa: F401
from eagerflow._src.autodiff.tape import GradientTape  # noqa: F401
