"""`tf.distribute.experimental.CentralStorageStrategy`: replicated computation, variables kept
once on a parameter device.

Each replica reads the variables from the parameter device (copies the transfer statistics
count) and computes on its own device; gradients are summed onto the parameter device and
applied there once.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from eagerflow._src.distribute import device_names
from eagerflow._src.distribute.distributed_variables import AggregatingVariable, check_synchronization
from eagerflow._src.distribute.reduce_util import ReduceOp
from eagerflow._src.distribute.strategy import Strategy, StrategyExtended
from eagerflow._src.framework import devices as devices_lib
from eagerflow._src.framework.scopes import device as device_scope


class CentralStorageStrategy(Strategy):
    """Variables on one device, computation on several (`CentralStorageStrategy`).

    Args:
      compute_devices: where replicas compute; default every GPU, else CPU:0.
      parameter_device: where variables live; default CPU:0 with several compute devices,
        else the one compute device (TF's choice).
    """

    def __init__(self, compute_devices: Sequence[str] | None = None,
                 parameter_device: str | None = None) -> None:
        if compute_devices is None:
            compute = device_names.default_compute_devices()
        else:
            compute = [device_names.canonicalize(d) for d in compute_devices]
        # `parameter_devices` shows the device as TF does: "/device:CPU:0" by default with
        # several compute devices, a given name as given.
        if parameter_device is None:
            parameter = devices_lib.cpu0().name if len(compute) > 1 else compute[0]
            shown = "/device:CPU:0" if len(compute) > 1 else compute[0]
        else:
            parameter = device_names.canonicalize(parameter_device)
            shown = parameter_device
        super().__init__(CentralStorageExtended(self, compute, parameter, shown))


class CentralStorageExtended(StrategyExtended):
    def __init__(self, strategy: Strategy, compute: list[str], parameter: str, shown: str) -> None:
        super().__init__(strategy, compute)
        self._parameter_device = parameter
        self._parameter_shown = shown

    @property
    def parameter_devices(self) -> tuple:
        return (self._parameter_shown,)

    @property
    def worker_devices(self) -> list:
        return list(self._local_devices)  # TF's CentralStorageStrategy gives a list

    def _create_variable(self, next_creator: Callable, **kwargs: Any) -> Any:
        kwargs = dict(kwargs, synchronization=check_synchronization(kwargs))
        with device_scope(self._parameter_device):
            variable = next_creator(**kwargs)
        return AggregatingVariable._build(self, [variable])

    def _sum_gradients(self, grads: list) -> list:
        return self._reduce(ReduceOp.SUM, grads, self._parameter_device, plain_is_reduced=True)
