"""`tf.distribute` and `tf.distribute.experimental`: re-exports only."""
from types import SimpleNamespace as _Namespace

from eagerflow._src.distribute.central_storage import CentralStorageStrategy
from eagerflow._src.distribute.context import (
    get_cross_replica_context, get_replica_context, get_strategy, has_strategy,
    in_cross_replica_context,
)
from eagerflow._src.distribute.distributed_variables import (
    AggregatingVariable, DistributedVariable, MirroredVariable, SyncOnReadVariable,
)
from eagerflow._src.distribute.input_lib import (
    DistributedDataset, DistributedIterator, InputContext, InputOptions, InputReplicationMode,
)
from eagerflow._src.distribute.mirrored import MirroredStrategy
from eagerflow._src.distribute.multi_worker import (
    CommunicationImplementation, CommunicationOptions, MultiWorkerMirroredStrategy,
)
from eagerflow._src.distribute.one_device import OneDeviceStrategy
from eagerflow._src.distribute.tpu import TPUStrategy
from eagerflow._src.distribute.reduce_util import ReduceOp
from eagerflow._src.distribute.strategy import ReplicaContext, Strategy, StrategyExtended
from eagerflow._src.distribute.values import DistributedValues, Mirrored, PerReplica
from eagerflow._src.distribute.strategy import ValueContext

# TF's `tf.distribute.experimental`.
experimental = _Namespace(
    CentralStorageStrategy=CentralStorageStrategy,
    CommunicationImplementation=CommunicationImplementation,
    CommunicationOptions=CommunicationOptions,
    MultiWorkerMirroredStrategy=MultiWorkerMirroredStrategy,
    ValueContext=ValueContext,
)

__all__ = [
    "DistributedDataset", "DistributedIterator", "InputContext", "InputOptions", "InputReplicationMode",
    "AggregatingVariable", "CentralStorageStrategy", "DistributedValues", "DistributedVariable",
    "Mirrored", "MirroredStrategy", "MirroredVariable", "MultiWorkerMirroredStrategy",
    "OneDeviceStrategy", "PerReplica", "ReduceOp", "ReplicaContext", "Strategy",
    "StrategyExtended", "SyncOnReadVariable", "TPUStrategy", "experimental", "get_cross_replica_context",
    "get_replica_context", "get_strategy", "has_strategy", "in_cross_replica_context",
]
