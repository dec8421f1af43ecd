"""`tf.train.ExponentialMovingAverage`: shadow variables that track variables' moving averages."""
from __future__ import annotations

from typing import Any

from eagerflow._src.framework import dtypes as _dtypes


class ExponentialMovingAverage:
    """Keeps a moving average of variables: `apply` updates each shadow variable as
    `shadow -= (1 - decay) * (shadow - variable)`; with `num_updates` the decay used is
    `min(decay, (1 + num_updates) / (10 + num_updates))`, as TF's.

    Args:
      decay: the decay rate.
      num_updates: optional count of updates (a number or variable), for the warm-up decay.
      zero_debias: accepted for TF's signature; variables' shadows start at their value, so
        there is no bias to remove.
      name: suffix of the shadow variables' names.
    """

    def __init__(self, decay: Any, num_updates: Any = None, zero_debias: bool = False,
                 name: str = "ExponentialMovingAverage") -> None:
        self._decay = decay
        self._num_updates = num_updates
        self._zero_debias = zero_debias
        self._name = name
        self._averages: dict[int, Any] = {}

    @property
    def name(self) -> str:
        """The name of this ExponentialMovingAverage object."""
        return self._name

    def _decay_value(self) -> Any:
        from eagerflow._src.ops.math_ops import cast, minimum

        decay = self._decay
        if self._num_updates is not None:
            n = cast(self._num_updates, _dtypes.float32)
            decay = minimum(cast(decay, _dtypes.float32), (1.0 + n) / (10.0 + n))
        return decay

    def apply(self, var_list: Any = None) -> None:
        """Creates shadow variables for `var_list` (first call) and updates their averages."""
        from eagerflow._src.framework.graph import init_scope
        from eagerflow._src.ops.math_ops import cast
        from eagerflow._src.variables import Variable

        var_list = list(var_list) if var_list is not None else []
        for var in var_list:
            if var.dtype.base_dtype not in (_dtypes.float16, _dtypes.float32, _dtypes.float64, _dtypes.bfloat16):
                raise TypeError(f"The variables must be half, float, or double: {var.name}")
        with init_scope():  # shadows are created once, outside any traced function
            for var in var_list:
                if id(var) not in self._averages:
                    self._averages[id(var)] = Variable(var.read_value() if hasattr(var, "read_value") else var,
                                                       trainable=False, name=self.average_name(var))
        decay = self._decay_value()
        for var in var_list:
            shadow = self._averages[id(var)]
            rate = 1.0 - cast(decay, var.dtype)
            shadow.assign_sub((shadow - var) * rate)

    def average(self, var: Any) -> Any:
        """The shadow variable of `var`, or None if `apply` never saw it."""
        return self._averages.get(id(var))

    def average_name(self, var: Any) -> str:
        """The name of `var`'s shadow variable: `<var name>/<this object's name>`."""
        base = getattr(var, "name", "") or ""
        return f"{base.split(':')[0]}/{self._name}"
