"""Datasets across replicas: `strategy.experimental_distribute_dataset`,
`distribute_datasets_from_function`, `tf.distribute.DistributedDataset`/`DistributedIterator`,
`InputContext` and `InputOptions`.

`experimental_distribute_dataset(dataset)` takes a dataset of *global* batches. Each worker
iterates it and keeps its own replicas' rows of every global batch (replica r of N gets rows
r*B/N ... (r+1)*B/N): TF's DATA sharding of a rebatched dataset, which gives every replica the
rows TF's AUTO policy gives it when the input is not read from files. `AutoShardPolicy.OFF`
gives each worker the whole batch to split over its local replicas only.
`distribute_datasets_from_function(fn)` calls `fn(InputContext)` once per worker; each step
takes one (per-replica) batch per local replica, in order.
"""
from __future__ import annotations

import enum
from typing import Any, Callable, Iterator

from eagerflow._src.distribute.values import PerReplica, PerReplicaSpec
from eagerflow._src.framework import errors
from eagerflow._src.framework.composite_tensor import CompositeTensor
from eagerflow._src.framework.convert import convert_to_tensor
from eagerflow._src.framework.scopes import device as device_scope
from eagerflow._src.framework.tensor_shape import TensorShape
from eagerflow._src.ops import array_ops
from eagerflow._src.util import nest


class InputContext:
    """What `distribute_datasets_from_function`'s `dataset_fn` is told (`tf.distribute.InputContext`)."""

    def __init__(self, num_input_pipelines: int = 1, input_pipeline_id: int = 0,
                 num_replicas_in_sync: int = 1) -> None:
        self._num_input_pipelines = num_input_pipelines
        self._input_pipeline_id = input_pipeline_id
        self._num_replicas_in_sync = num_replicas_in_sync

    @property
    def num_input_pipelines(self) -> int:
        return self._num_input_pipelines

    @property
    def input_pipeline_id(self) -> int:
        return self._input_pipeline_id

    @property
    def num_replicas_in_sync(self) -> int:
        return self._num_replicas_in_sync

    def get_per_replica_batch_size(self, global_batch_size: int) -> int:
        """`global_batch_size / num_replicas_in_sync`; TF's ValueError when it does not divide."""
        if global_batch_size % self._num_replicas_in_sync != 0:
            raise ValueError(f"The `global_batch_size` {global_batch_size} is not divisible by "
                             f"`num_replicas_in_sync` {self._num_replicas_in_sync} ")
        return global_batch_size // self._num_replicas_in_sync

    def __str__(self) -> str:
        return (f"tf.distribute.InputContext(input pipeline id {self._input_pipeline_id}, "
                f"total: {self._num_input_pipelines})")


class InputReplicationMode(enum.Enum):
    """`tf.distribute.InputReplicationMode`."""

    PER_WORKER = "PER_WORKER"
    PER_REPLICA = "PER_REPLICA"


class InputOptions:
    """`tf.distribute.InputOptions`: accepted for parity; prefetching is the dataset's own."""

    def __init__(self, experimental_fetch_to_device: Any = None,
                 experimental_replication_mode: Any = None,
                 experimental_place_dataset_on_device: bool = False,
                 experimental_per_replica_buffer_size: int = 1) -> None:
        self.experimental_fetch_to_device = experimental_fetch_to_device
        self.experimental_replication_mode = experimental_replication_mode
        self.experimental_place_dataset_on_device = experimental_place_dataset_on_device
        self.experimental_per_replica_buffer_size = experimental_per_replica_buffer_size


def _num_workers(strategy: Any) -> int:
    extended = strategy.extended
    return max(1, strategy.num_replicas_in_sync // len(extended._local_devices))


def _worker_index(strategy: Any) -> int:
    extended = strategy.extended
    return extended._replica_id(0) // len(extended._local_devices)


def _shards_by_data(dataset: Any) -> bool:
    policy = getattr(getattr(getattr(dataset, "options", lambda: None)(), "experimental_distribute", None),
                     "auto_shard_policy", None)
    return policy is None or int(policy) != -1  # OFF is -1; AUTO, FILE, DATA and HINT split the batch


class DistributedDataset:
    """A dataset whose elements are split over a strategy's replicas (`tf.distribute.DistributedDataset`)."""

    def __init__(self, strategy: Any, dataset: Any, options: Any = None) -> None:
        self._strategy = strategy
        self._dataset = dataset
        self._options = options
        self._by_data = _shards_by_data(dataset)
        if type(self) is DistributedDataset:  # FILE auto-sharding: this worker's files only
            from eagerflow._src.data import autoshard

            mine = autoshard.for_worker(dataset, _num_workers(strategy), _worker_index(strategy),
                                        len(strategy.extended._local_devices))
            if mine is not None:
                self._dataset, self._by_data = mine, False

    def __iter__(self) -> "DistributedIterator":
        strategy = self._strategy
        rows = self._rows_of_replica if self._by_data else self._rows_of_local_replica

        def one(v: Any) -> Any:
            if v is None:  # a None component (NoneTensorSpec) stays None on every replica
                return None
            if isinstance(v, CompositeTensor) and len(strategy.extended._local_devices) == 1:
                return _per_replica(strategy, [v])  # a SparseTensor or RaggedTensor for the one replica
            return _split(strategy, convert_to_tensor(v), rows)

        def batches() -> Iterator[Any]:
            for batch in self._dataset:
                yield nest.map_structure(one, batch)

        return DistributedIterator(strategy, batches(), self.element_spec)

    @staticmethod
    def _rows_of_replica(strategy: Any, local_index: int) -> tuple[int, int]:
        return strategy.extended._replica_id(local_index), strategy.num_replicas_in_sync

    @staticmethod
    def _rows_of_local_replica(strategy: Any, local_index: int) -> tuple[int, int]:
        return local_index, len(strategy.extended._local_devices)

    @property
    def element_spec(self) -> Any:
        """What each step yields: per leaf, one spec per local replica (a `PerReplicaSpec` when
        there are several); the batch dimension unknown, as TF's."""
        spec = getattr(self._dataset, "element_spec", None)
        return None if spec is None else _per_replica_spec(self._strategy, spec, self._replica_leaf_spec)

    @staticmethod
    def _replica_leaf_spec(spec: Any) -> Any:
        from eagerflow._src.framework.tensor_spec import TensorSpec

        if type(spec) is not TensorSpec:
            return spec  # sparse and ragged specs stay as they are
        shape = spec.shape
        if shape.rank:
            shape = TensorShape([None]).concatenate(shape[1:])
        return TensorSpec(shape, spec.dtype)

    def reduce(self, initial_state: Any, reduce_func: Callable) -> Any:
        state = initial_state
        for element in self:
            state = reduce_func(state, element)
        return state


def _split(strategy: Any, t: Any, rows: Callable) -> Any:
    extended = strategy.extended
    parts = []
    for i, d in enumerate(extended._local_devices):
        index, count = rows(strategy, i)
        size = int(t.shape[0])
        # TF's rebatching: ceil(size / count) rows each, in order; the last replicas of a
        # partial batch get fewer (possibly none).
        per = -(-size // count)
        start = min(index * per, size)
        with device_scope(d):
            parts.append(array_ops.identity(t[start:min(start + per, size)]))
    return _per_replica(strategy, parts)


def _per_replica(strategy: Any, parts: list) -> Any:
    return PerReplica(parts) if len(parts) > 1 or strategy._always_per_replica else parts[0]


def _per_replica_spec(strategy: Any, spec: Any, leaf: Callable) -> Any:
    n = len(strategy.extended._local_devices)

    def one(s: Any) -> Any:
        s = leaf(s) if hasattr(s, "shape") and hasattr(s, "dtype") else s
        return PerReplicaSpec(*[s] * n) if n > 1 or strategy._always_per_replica else s

    return nest.map_structure(one, spec)


class DistributedDatasetsFromFunction(DistributedDataset):
    """`distribute_datasets_from_function`: one dataset per worker, one batch per local replica."""

    def __init__(self, strategy: Any, dataset_fn: Callable, options: Any = None) -> None:
        context = InputContext(_num_workers(strategy), _worker_index(strategy), strategy.num_replicas_in_sync)
        super().__init__(strategy, dataset_fn(context), options)

    def __iter__(self) -> "DistributedIterator":
        strategy = self._strategy
        local = strategy.extended._local_devices
        source = iter(self._dataset)

        def batches() -> Iterator[Any]:
            while True:
                parts = []
                for d in local:
                    try:
                        element = next(source)
                    except StopIteration:
                        return
                    with device_scope(d):
                        parts.append(nest.map_structure(lambda v: array_ops.identity(convert_to_tensor(v)), element))
                yield nest.map_structure(lambda *p: _per_replica(strategy, list(p)), *parts)

        return DistributedIterator(strategy, batches(), self.element_spec)

    @property
    def element_spec(self) -> Any:
        spec = getattr(self._dataset, "element_spec", None)
        return None if spec is None else _per_replica_spec(self._strategy, spec, lambda s: s)


class DistributedIterator:
    """Iterates a distributed dataset (`tf.distribute.DistributedIterator`)."""

    def __init__(self, strategy: Any, batches: Iterator[Any], element_spec: Any) -> None:
        self._strategy = strategy
        self._batches = batches
        self._element_spec = element_spec

    def __iter__(self) -> "DistributedIterator":
        return self

    def __next__(self) -> Any:
        return next(self._batches)

    def get_next(self) -> Any:
        """The next per-replica element; TF's `OutOfRangeError` at the end."""
        from eagerflow._src.framework.graph import executing_eagerly

        if not executing_eagerly():  # traced: an op taking the next element each time the graph runs
            if _has_no_per_replica(self._element_spec):
                # One plain replica: the elements as they are (composites included).
                from eagerflow._src.data.iterator_ops import graph_get_next

                return graph_get_next(self.get_next, self._element_spec)
            return _graph_get_next(self.get_next, self._element_spec)
        try:
            return next(self._batches)
        except StopIteration:
            raise errors.OutOfRangeError(None, None, "End of sequence") from None

    def get_next_as_optional(self) -> Any:
        """The next per-replica element as a `tf.experimental.Optional` (empty at the end); in a
        traced function, taken each time the graph runs."""
        from eagerflow._src.data.iterator import Optional
        from eagerflow._src.framework.graph import executing_eagerly

        if not executing_eagerly():
            from eagerflow._src.data import optional_ops

            variant = optional_ops.graph_get_next_as_optional(self.__next__)
            return Optional(None, False, self._element_spec, variant)
        try:
            return Optional.from_value(next(self._batches))
        except StopIteration:
            return Optional.empty(self._element_spec)

    @property
    def element_spec(self) -> Any:
        return self._element_spec


def _has_no_per_replica(spec: Any) -> bool:
    return not any(isinstance(s, PerReplicaSpec) for s in nest.flatten(spec))


def _graph_get_next(pull: Callable[[], Any], spec: Any) -> Any:
    """A stateful IteratorGetNext op whose outputs are the flat per-replica components of the
    element `pull()` returns when the graph runs, typed by `spec` (PerReplicaSpec leaves)."""
    from eagerflow._src.data import optional_ops
    from eagerflow._src.framework.execute import execute
    from eagerflow._src.framework.op import Op

    specs = optional_ops.flatten_spec(spec)
    signature = [(s.dtype._np, None if s.shape.rank is None else tuple(s.shape.as_list())) for s in specs]
    n = len(signature)

    def kernel(xp: Any) -> Any:
        arrays = [t._device.backend.to_host(t._array) for t in optional_ops.flatten_value(pull())]
        return arrays[0] if n == 1 else arrays

    op = Op("IteratorGetNext", kernel, num_outputs=n, stateful=True, shape_fn=lambda inputs, attrs: signature)
    outputs = execute(op, ())
    return optional_ops.pack_spec(spec, [outputs] if n == 1 else list(outputs))
