"""Adam (Kingma & Ba), as Keras 3 computes it."""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import math_ops, training_ops
from eagerflow._src.optimizers import optimizer
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

    def shape_mismatch(self, gradient: Any, variable: Variable) -> Exception:
        # Keras: `gradient - m` fails first (TF's fallback wording: no name).
        return optimizer.incompatible_shapes(gradient.shape, variable.shape, "Sub", name=False)

    def update_step(self, gradient: Any, variable: Variable, learning_rate: float, step: int) -> None:
        # Keras 3 computes the bias correction in the variable's dtype, in this order.
        # (TF's float32 pow is Eigen's, within an ulp of the exact power; rounding the float64
        # power to float32 agrees with it more often than NumPy's float32 pow does.)
        if isinstance(step, Tensor):  # traced: the same formula in ops, evaluated per call
            t = math_ops.cast(step, variable.dtype)
            power_1 = math_ops.pow(math_ops.cast(self.beta_1, variable.dtype), t)
            power_2 = math_ops.pow(math_ops.cast(self.beta_2, variable.dtype), t)
            lr = math_ops.cast(learning_rate, variable.dtype)
            alpha: Any = lr * math_ops.sqrt(1.0 - power_2) / (1.0 - power_1)
        else:
            alpha = self._alpha(variable, learning_rate, step)
        self._apply(training_ops.APPLY_ADAM, variable, (gradient,),
                    {"lr": alpha, "beta1": self.beta_1, "beta2": self.beta_2, "epsilon": self.epsilon,
                     "slots": tuple(self.slots_for(variable))})

    def _alpha(self, variable: Variable, learning_rate: float, step: int) -> Any:
        dt = variable.dtype.as_numpy_dtype
        power_1 = dt(np.power(np.float64(dt(self.beta_1)), step))
        power_2 = dt(np.power(np.float64(dt(self.beta_2)), step))
        return dt(learning_rate) * np.sqrt(dt(1) - power_2) / (dt(1) - power_1)
