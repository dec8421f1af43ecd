"""`tf.distribute.MultiWorkerMirroredStrategy` over MPI: one process per worker.

    mpiexec -disable-auto-cleanup -n 2 python train.py

Rank and size come from MPI (no cluster files); each worker runs one replica on its local
device (its GPU, else CPU:0). Variables are created on every worker and take rank 0's
initial value (broadcast); gradients are summed over workers in a few packed collectives
(`MpiCommunicator.all_reduce`); only the chief (rank 0) should write checkpoints
(`strategy.extended.should_checkpoint`). A lost worker surfaces as `errors.UnavailableError`
naming its rank on every other worker, from the next collective. Needs
`pip install eagerflow[mpi]`.
"""
from __future__ import annotations

import enum
import os
from typing import Any, Callable

import numpy as np

from eagerflow._src.distribute import collective_ops
from eagerflow._src.distribute.collectives import MpiCommunicator
from eagerflow._src.distribute.mirrored import create_mirrored
from eagerflow._src.distribute.reduce_util import ReduceOp
from eagerflow._src.distribute.strategy import Strategy, StrategyExtended
from eagerflow._src.framework import devices as devices_lib
from eagerflow._src.framework.convert import convert_to_tensor
from eagerflow._src.framework.execute import resolve_scope
from eagerflow._src.framework.tensor import EagerTensor, Tensor
from eagerflow._src.distribute import cross_device_ops as cdo
from eagerflow._src.distribute.values import local_results

# Environment variables MPI launchers set to a process's index on its host.
_LOCAL_RANK_ENV = ("MPI_LOCALRANKID", "OMPI_COMM_WORLD_LOCAL_RANK", "SLURM_LOCALID")


class CommunicationImplementation(enum.Enum):
    """`tf.distribute.experimental.CommunicationImplementation`; every choice uses MPI here."""

    AUTO = "AUTO"
    RING = "RING"
    NCCL = "NCCL"


class CommunicationOptions:
    """`tf.distribute.experimental.CommunicationOptions`.

    Args:
      bytes_per_pack: cap on one packed all-reduce buffer (0: the communicator's default).
      timeout_seconds: seconds a collective may wait for a peer before `UnavailableError`.
      implementation: accepted for compatibility.
    """

    def __init__(self, bytes_per_pack: int = 0, timeout_seconds: float | None = None,
                 implementation: CommunicationImplementation = CommunicationImplementation.AUTO) -> None:
        if bytes_per_pack < 0:
            raise ValueError(f"bytes_per_pack must be non-negative, got {bytes_per_pack}")
        self.bytes_per_pack = bytes_per_pack
        self.timeout_seconds = timeout_seconds
        self.implementation = CommunicationImplementation(implementation)


class MpiClusterResolver:
    """What TF's cluster resolver tells a worker, read from MPI: task type, id, world size."""

    def __init__(self, communicator: MpiCommunicator) -> None:
        self.task_type = "worker"
        self.task_id = communicator.rank
        self.num_workers = communicator.size
        self.rpc_layer = "mpi"

    def num_accelerators(self) -> dict:
        gpus = [d for d in devices_lib.logical_devices() if d.device_type == "GPU"]
        return {"GPU": len(gpus)} if gpus else {}


class MultiWorkerMirroredStrategy(Strategy):
    """Synchronous training over the processes of an MPI job.

    Args:
      cluster_resolver: ignored; rank and size come from MPI.
      communication_options: `CommunicationOptions` (pack size, timeout).

    Raises:
      ImportError: mpi4py is not installed (`pip install eagerflow[mpi]`).
    """

    def __init__(self, cluster_resolver: Any = None, communication_options: Any = None) -> None:
        options = communication_options or CommunicationOptions()
        kwargs = {"timeout_s": options.timeout_seconds}
        if options.bytes_per_pack:
            kwargs["bucket_bytes"] = options.bytes_per_pack
        communicator = MpiCommunicator(**kwargs)
        super().__init__(MultiWorkerExtended(self, communicator))
        self.cluster_resolver = MpiClusterResolver(communicator)


def _local_device(rank: int) -> str:
    gpus = [d for d in devices_lib.logical_devices() if d.device_type == "GPU"]
    if not gpus:
        return devices_lib.cpu0().name
    local_rank = next((int(os.environ[k]) for k in _LOCAL_RANK_ENV if k in os.environ), rank)
    return gpus[local_rank % len(gpus)].name


class MultiWorkerExtended(StrategyExtended):
    """`MultiWorkerMirroredStrategy.extended`: MPI collectives under the in-process machinery."""

    def __init__(self, strategy: Strategy, communicator: MpiCommunicator) -> None:
        super().__init__(strategy, [_local_device(communicator.rank)])
        self._communicator = communicator
        self._default_replica_context = self._replica_context(0)

    @property
    def communicator(self) -> MpiCommunicator:
        return self._communicator

    @property
    def _num_replicas_in_sync(self) -> int:
        return self._communicator.size * len(self._local_devices)

    def _replica_id(self, local_index: int) -> int:
        return self._communicator.rank * len(self._local_devices) + local_index

    @property
    def should_checkpoint(self) -> bool:
        return self._communicator.is_chief

    @property
    def should_save_summary(self) -> bool:
        return self._communicator.is_chief

    def _create_variable(self, next_creator: Callable, **kwargs: Any) -> Any:
        return create_mirrored(self, next_creator, kwargs, self._local_devices,
                               after_primary=self._broadcast_from_chief)

    def _broadcast_from_chief(self, variable: Any) -> None:
        """Gives `variable` rank 0's value (every worker creates variables in the same order)."""
        value = np.array(variable.numpy())
        self._communicator.broadcast([value], root=0)
        variable.assign(value, read_value=False)

    def _cross_worker(self, op: ReduceOp, tensors: list) -> list:
        """Sums each tensor over all workers; one packed collective for the whole list. In a
        traced function: one collective node, run each time the function runs."""
        how = "sum" if op is ReduceOp.SUM else "mean"
        if any(type(t) is not EagerTensor for t in tensors):
            tensors = [convert_to_tensor(t) for t in tensors]
            return collective_ops.all_reduce(self._communicator, tensors, how, self._graph_device(tensors[0]))
        hosts = [_to_host(t) for t in tensors]
        reduced = self._communicator.all_reduce(hosts, how)
        return [_from_host(r, t._device) for r, t in zip(reduced, tensors)]

    def _gather(self, value: Any, axis: int) -> Any:
        local = cdo.concat_on_device(list(local_results(value)), axis, self._local_devices[0])
        if type(local) is not EagerTensor:
            return collective_ops.all_gather(self._communicator, local, axis, self._graph_device(local))
        gathered = self._communicator.all_gather(_to_host(local), axis)
        return _from_host(np.ascontiguousarray(gathered), local._device)

    def _graph_device(self, tensor: Any) -> Any:
        """Where a traced tensor lives when the graph runs (this worker's device by default)."""
        placed = collective_ops.device_of(tensor)
        return placed if placed is not None else resolve_scope(self._local_devices[0])

    def _in_multi_worker_mode(self) -> bool:
        """False: keeps Keras 3 on its single-worker result path. On its multi-worker path Keras
        reduces each scalar log with `strategy.reduce(MEAN, value, axis=0)`, which TF (and we)
        refuse for a rank-0 value. Epoch logs and `evaluate` still cover every worker: they read
        the metrics' sync-on-read variables, which sum over workers; per-step logs and
        `predict` give this worker's own replicas' values."""
        return False


def _to_host(tensor: Any) -> np.ndarray:
    t = convert_to_tensor(tensor)
    return t._device.backend.to_host(t._array)


def _from_host(array: np.ndarray, device: Any) -> Tensor:
    if isinstance(array, np.ndarray):
        array.flags.writeable = False  # tensors are immutable
    return EagerTensor(device.backend.from_host(array, device.backend_index), device)
