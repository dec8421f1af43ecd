"""`tf.optimizers`: re-exports only."""
from eagerflow._src.optimizers.adam import Adam  # noqa: F401
from eagerflow._src.optimizers.optimizer import Optimizer  # noqa: F401
from eagerflow._src.optimizers.sgd import SGD  # noqa: F401
