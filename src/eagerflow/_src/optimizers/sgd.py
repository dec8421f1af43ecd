"""Stochastic gradient descent with optional (Nesterov) momentum."""
from __future__ import annotations

from typing import Any

from eagerflow._src.ops import training_ops
from eagerflow._src.optimizers import optimizer
from eagerflow._src.optimizers.optimizer import Optimizer
from eagerflow._src.variables import Variable


class SGD(Optimizer):
    """`tf.keras.optimizers.SGD`: v = momentum*v - lr*g; w += v (Nesterov: w += momentum*v - lr*g)."""

    def __init__(self, learning_rate: float = 0.01, momentum: float = 0.0, nesterov: bool = False,
                 name: str = "SGD", **kwargs: Any) -> None:
        if not isinstance(momentum, (int, float)) or momentum < 0 or momentum > 1:
            raise ValueError("`momentum` must be a float between [0, 1].")
        super().__init__(learning_rate, name, **kwargs)
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)

    def create_slots(self, var_list: list[Variable]) -> None:
        if self.momentum:
            for v in var_list:
                self.add_slot(v, "momentum")

    def shape_mismatch(self, gradient: Any, variable: Variable) -> Exception:
        if self.momentum:  # Keras: m = m * momentum - g * lr fails first
            return optimizer.incompatible_shapes(variable.shape, gradient.shape, "Sub")
        return super().shape_mismatch(gradient, variable)

    def update_step(self, gradient: Any, variable: Variable, learning_rate: float, step: int) -> None:
        if self.momentum:
            self._apply(training_ops.APPLY_KERAS_MOMENTUM, variable, (gradient,),
                        {"lr": learning_rate, "momentum": self.momentum,
                         "slots": tuple(self.slots_for(variable)), "use_nesterov": self.nesterov})
        else:
            self._apply(training_ops.APPLY_GRADIENT_DESCENT, variable, (gradient,), {"lr": learning_rate})
