"""`tf.distribute` and `tf.distribute.experimental`: re-exports only."""
from types import SimpleNamespace as _Namespace

from eagerflow._src.distribute.central_storage import CentralStorageStrategy as _CentralStorageStrategy
from eagerflow._src.distribute.context import (
    get_replica_context, get_strategy, has_strategy, in_cross_replica_context,
)
from eagerflow._src.distribute.input_lib import (
    DistributedDataset, DistributedIterator, InputContext, InputOptions, InputReplicationMode,
)
from eagerflow._src.distribute.mirrored import MirroredStrategy
from eagerflow._src.distribute.multi_worker import (
    CommunicationImplementation as _CommunicationImplementation,
    CommunicationOptions as _CommunicationOptions, MultiWorkerMirroredStrategy,
)
from eagerflow._src.distribute.one_device import OneDeviceStrategy
from eagerflow._src.distribute.tpu import TPUStrategy
from eagerflow._src.distribute.reduce_util import ReduceOp
from eagerflow._src.distribute.strategy import ReplicaContext, Strategy, StrategyExtended
from eagerflow._src.distribute.values import DistributedValues
from eagerflow._src.distribute.strategy import ValueContext as _ValueContext

# TF's `tf.distribute.experimental`.
experimental = _Namespace(
    CentralStorageStrategy=_CentralStorageStrategy,
    CommunicationImplementation=_CommunicationImplementation,
    CommunicationOptions=_CommunicationOptions,
    MultiWorkerMirroredStrategy=MultiWorkerMirroredStrategy,
    ValueContext=_ValueContext,
)

__all__ = [
    "DistributedDataset", "DistributedIterator", "DistributedValues", "InputContext", "InputOptions",
    "InputReplicationMode", "MirroredStrategy", "MultiWorkerMirroredStrategy", "OneDeviceStrategy",
    "ReduceOp", "ReplicaContext", "Strategy", "StrategyExtended", "TPUStrategy", "experimental",
    "get_replica_context", "get_strategy", "has_strategy", "in_cross_replica_context",
]
