"""`tf.distribute` and `tf.distribute.experimental`: re-exports only."""
from types import SimpleNamespace as _Namespace

from eagerflow.distribute.central_storage import CentralStorageStrategy
from eagerflow.distribute.context import (
    get_cross_replica_context, get_replica_context, get_strategy, has_strategy,
    in_cross_replica_context,
)
from eagerflow.distribute.distributed_variables import (
    AggregatingVariable, DistributedVariable, MirroredVariable, SyncOnReadVariable,
)
from eagerflow.distribute.mirrored import MirroredStrategy
from eagerflow.distribute.multi_worker import (
    CommunicationImplementation, CommunicationOptions, MultiWorkerMirroredStrategy,
)
from eagerflow.distribute.one_device import OneDeviceStrategy
from eagerflow.distribute.reduce_util import ReduceOp
from eagerflow.distribute.strategy import ReplicaContext, Strategy, StrategyExtended
from eagerflow.distribute.values import DistributedValues, Mirrored, PerReplica
from eagerflow.distribute.strategy import ValueContext

# TF's `tf.distribute.experimental`.
experimental = _Namespace(
    CentralStorageStrategy=CentralStorageStrategy,
    CommunicationImplementation=CommunicationImplementation,
    CommunicationOptions=CommunicationOptions,
    MultiWorkerMirroredStrategy=MultiWorkerMirroredStrategy,
    ValueContext=ValueContext,
)

__all__ = [
    "AggregatingVariable", "CentralStorageStrategy", "DistributedValues", "DistributedVariable",
    "Mirrored", "MirroredStrategy", "MirroredVariable", "MultiWorkerMirroredStrategy",
    "OneDeviceStrategy", "PerReplica", "ReduceOp", "ReplicaContext", "Strategy",
    "StrategyExtended", "SyncOnReadVariable", "experimental", "get_cross_replica_context",
    "get_replica_context", "get_strategy", "has_strategy", "in_cross_replica_context",
]
