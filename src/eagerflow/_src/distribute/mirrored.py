"""`tf.distribute.MirroredStrategy`: synchronous training on the devices of one machine.

Every variable created in scope becomes a `MirroredVariable` (ON_WRITE, one copy per
device, named like TF: `v:0`, `v/replica_1:0`, ...) or a `SyncOnReadVariable` (ON_READ).
Replicas run in threads; all-reduce is an in-process sum (cross_device_ops).
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

from eagerflow._src.distribute import device_names
from eagerflow._src.distribute.distributed_variables import (
    MirroredVariable, SyncOnReadVariable, check_synchronization,
)
from eagerflow._src.distribute.strategy import Strategy, StrategyExtended
from eagerflow._src.framework.scopes import device as device_scope, name_scope
from eagerflow._src.variables import VariableSynchronization


class MirroredStrategy(Strategy):
    """Synchronous replication over local devices (`tf.distribute.MirroredStrategy`).

    Args:
      devices: device strings ("GPU:0", "CPU:1", ...); default every GPU, else CPU:0.
      cross_device_ops: accepted for compatibility; reductions are in-process sums.

    Devices that do not exist are soft-placed on CPU:0 (as TF), keeping one replica each.

    Raises:
      AssertionError: a device is listed twice (TF's error).
    """

    def __init__(self, devices: Sequence[str] | None = None, cross_device_ops: Any = None) -> None:
        if not devices:  # None or empty: TF's default devices
            names = device_names.default_compute_devices()
        else:
            # A string is iterated as TF does (its characters are no devices: TF's ValueError).
            names = [device_names.canonicalize(d) for d in devices]
            if len(set(names)) != len(names):
                raise AssertionError(f"No duplicates allowed in `devices` argument: {tuple(names)}")
        super().__init__(MirroredExtended(self, names))


class MirroredExtended(StrategyExtended):
    """`MirroredStrategy.extended`: mirrored variable creation."""

    def _create_variable(self, next_creator: Callable, **kwargs: Any) -> Any:
        return create_mirrored(self, next_creator, kwargs, self._local_devices)


def create_mirrored(extended: StrategyExtended, next_creator: Callable, kwargs: dict,
                    devices: Sequence[str], after_primary: Callable | None = None) -> Any:
    """One variable per device, the first named as asked, the others `<name>/replica_<i>`.

    `after_primary(primary)` may change the primary's value before it is copied (the
    multi-worker strategy broadcasts rank 0's value there).
    """
    synchronization = check_synchronization(kwargs)
    kwargs = dict(kwargs, synchronization=synchronization)
    initial_value = kwargs.pop("initial_value", None)
    components = []
    for i, d in enumerate(devices):
        with device_scope(d):
            if i == 0:
                primary = next_creator(initial_value=initial_value, **kwargs)
                if after_primary is not None:
                    after_primary(primary)
                components.append(primary)
                continue
            replica_kwargs = dict(kwargs, name=f"{primary.name[:-2]}/replica_{i}")
            with name_scope(""):  # the primary's name carries the name scope already
                components.append(next_creator(initial_value=primary.read_value(), **replica_kwargs))
    cls = SyncOnReadVariable if synchronization is VariableSynchronization.ON_READ else MirroredVariable
    return cls._build(extended, components)
