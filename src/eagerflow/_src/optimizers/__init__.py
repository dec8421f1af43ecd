"""`tf.optimizers` / `tf.keras.optimizers`: SGD and Adam."""
from eagerflow._src.optimizers.adam import Adam
from eagerflow._src.optimizers.optimizer import Optimizer
from eagerflow._src.optimizers.sgd import SGD

__all__ = ["Adam", "Optimizer", "SGD"]
