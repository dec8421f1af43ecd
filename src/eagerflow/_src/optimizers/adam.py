"""Adam (Kingma & Ba), as Keras 3 computes it."""
from __future__ import annotations

import math
from typing import Any

from eagerflow._src.ops import training_ops
from eagerflow._src.optimizers.optimizer import Optimizer
from eagerflow._src.variables import Variable


class Adam(Optimizer):
    """`tf.keras.optimizers.Adam`: bias-corrected first and second moment estimates."""

    def __init__(self, learning_rate: float = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, amsgrad: bool = False, name: str = "adam", **kwargs: Any) -> None:
        if amsgrad:
            raise NotImplementedError("amsgrad is not supported yet")
        super().__init__(learning_rate, name, **kwargs)
        self.beta_1 = float(beta_1)
        self.beta_2 = float(beta_2)
        self.epsilon = float(epsilon)

    def create_slots(self, var_list: list[Variable]) -> None:
        for v in var_list:
            self.add_slot(v, "momentum")
            self.add_slot(v, "velocity")

    def update_step(self, gradient: Any, variable: Variable, learning_rate: float, step: int) -> None:
        alpha = learning_rate * math.sqrt(1 - self.beta_2 ** step) / (1 - self.beta_1 ** step)
        self._apply(training_ops.APPLY_ADAM, variable, (gradient,),
                    {"lr": alpha, "beta1": self.beta_1, "beta2": self.beta_2, "epsilon": self.epsilon,
                     "slots": tuple(self.slots_for(variable))})
