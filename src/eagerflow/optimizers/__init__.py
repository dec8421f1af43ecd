"""`tf.optimizers` / `tf.keras.optimizers`: SGD and Adam."""
from eagerflow.optimizers.adam import Adam
from eagerflow.optimizers.optimizer import Optimizer
from eagerflow.optimizers.sgd import SGD

__all__ = ["Adam", "Optimizer", "SGD"]
