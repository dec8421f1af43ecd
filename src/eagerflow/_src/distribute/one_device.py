"""`tf.distribute.OneDeviceStrategy`: one replica on one device, for code written for strategies."""
from __future__ import annotations

from typing import Any, Callable

from eagerflow._src.distribute import device_names
from eagerflow._src.distribute.strategy import Strategy, StrategyExtended
from eagerflow._src.framework.scopes import device as device_scope


class OneDeviceStrategy(Strategy):
    """Places variables and computation on `device` (`tf.distribute.OneDeviceStrategy`).

    Variables created in scope are plain `tf.Variable`s on that device, as in TF.
    """

    def __init__(self, device: str) -> None:
        super().__init__(OneDeviceExtended(self, [device_names.canonicalize(device)]))


class OneDeviceExtended(StrategyExtended):
    def _create_variable(self, next_creator: Callable, **kwargs: Any) -> Any:
        with device_scope(self._local_devices[0]):
            return next_creator(**kwargs)

    def optimizer_apply(self, apply_fn: Callable, grads_and_vars: list) -> Any:
        return apply_fn(list(grads_and_vars))
