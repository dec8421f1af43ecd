"""Auto-sharding a dataset over workers, by TF's `tf.data.experimental.AutoShardPolicy`.

`auto_shard_dataset(dataset, num_workers, index)` is TF's `_AutoShardDataset` rewrite:

* FILE: walk the dataset graph from the end back to the datasets that read files
  (TFRecordDataset, TextLineDataset, CsvDataset, or an `interleave`/`flat_map` whose function
  returns one) and give worker `index` every `num_workers`-th file, starting at `index`. A
  shuffle feeding the file names of an interleave moves after the shard (so every worker splits
  the same list). Zip and concatenate shard each input. A source that reads no files raises
  `NotFoundError` ("Found an unshardable source dataset"); fewer files than workers raises TF's
  `InvalidArgumentError` on the workers that got a file, and leaves the others empty.
* DATA: every `num_workers`-th element of the whole pipeline (`shard` at the end).
* AUTO: FILE when the graph reads files, else DATA (with TF's warning).
* HINT: every `shard(SHARD_HINT, SHARD_HINT)` placeholder in the graph becomes
  `shard(num_workers, index)`; nothing else changes.
* OFF: the dataset unchanged.

`for_worker` is what `experimental_distribute_dataset` applies on a worker of several: under
FILE, each global batch read from the worker's own files is split into `num_workers` steps, as
TF's rebatching does (every step of every worker then sums to the global batch size).
"""
from __future__ import annotations

import copy
from typing import Any, Iterator

from eagerflow._src.data.dataset import DatasetV2, UnaryDataset
from eagerflow._src.data.options import AutoShardPolicy
from eagerflow._src.framework import errors
from eagerflow._src.data.experimental_transforms import SHARD_HINT

_TOO_FEW_FILES = (
    "Could not apply FILE based sharding: the dataset only has {count} file(s), which is not enough "
    "for the required {workers} shards/workers. If you are using datasets with distribution "
    "strategy, consider setting the auto sharding policy to either DATA or OFF using the "
    "`experimental_distribute.auto_shard_policy` option of `tf.data.Options()`. Or, split your input "
    "files into a larger number of small files such that number of files is greater than number of "
    "shards/workers.")


class _Unshardable(Exception):
    def __init__(self, node: DatasetV2) -> None:
        super().__init__(f"Found an unshardable source dataset: {type(node).__name__} "
                         f"({getattr(node, '_tf_name', '')})")


def policy_of(dataset: DatasetV2) -> AutoShardPolicy:
    """The dataset's `experimental_distribute.auto_shard_policy` (AUTO when unset)."""
    policy = dataset.options().experimental_distribute.auto_shard_policy
    return AutoShardPolicy.AUTO if policy is None else AutoShardPolicy(int(policy))


def auto_shard_dataset(dataset: DatasetV2, num_workers: int, index: int) -> DatasetV2:
    """Worker `index`'s part of `dataset` under its auto-shard policy (TF's `_AutoShardDataset`).

    Raises:
      NotFoundError: FILE policy and a source that reads no files.
    """
    policy = policy_of(dataset)
    if policy == AutoShardPolicy.OFF:
        return dataset
    if policy == AutoShardPolicy.DATA:
        return dataset.shard(num_workers, index)
    if policy == AutoShardPolicy.HINT:
        return fill_shard_hints(dataset, num_workers, index)
    try:
        return shard_by_files(dataset, num_workers, index)
    except errors.NotFoundError as exc:
        if policy == AutoShardPolicy.FILE:
            raise
        _warn_data_fallback(exc)
        return dataset.shard(num_workers, index)


def fill_shard_hints(node: DatasetV2, num_workers: int, index: int) -> DatasetV2:
    """`node` with each `shard(SHARD_HINT, SHARD_HINT)` made `shard(num_workers, index)` (HINT)."""
    from eagerflow._src.data.transforms import ShardDataset

    inputs = getattr(node, "_inputs", ())
    new = _with_inputs(node, [fill_shard_hints(d, num_workers, index) for d in inputs]) if inputs else node
    if isinstance(new, ShardDataset) and new._n == SHARD_HINT:
        new = copy.copy(new)
        new._n, new._i = num_workers, index
    return new


def _warn_data_fallback(exc: Exception) -> None:
    from eagerflow._src.util.tf_logging import get_logger

    get_logger().warning(
        "AUTO sharding policy will apply DATA sharding policy as it failed to apply FILE sharding "
        "policy because of the following reason: %s", exc.message if hasattr(exc, "message") else exc)


def shard_by_files(dataset: DatasetV2, num_workers: int, index: int) -> DatasetV2:
    """`dataset` reading only worker `index`'s files (FILE policy). Raises `NotFoundError`."""
    try:
        return _rewrite(dataset, num_workers, index)
    except _Unshardable as exc:
        raise errors.NotFoundError(None, None, str(exc)) from None


def reads_files(dataset: DatasetV2) -> bool:
    """Whether every source of `dataset` reads files (FILE sharding applies)."""
    try:
        _rewrite(dataset, 1, 0)
    except _Unshardable:
        return False
    return True


def _rewrite(node: DatasetV2, n: int, i: int) -> DatasetV2:
    from eagerflow._src.data.readers import _FileDataset
    from eagerflow._src.data.sources import ConcatenateDataset, ZipDataset
    from eagerflow._src.data.transforms import InterleaveDataset

    if isinstance(node, _FileDataset):
        return _reader_shard(node, n, i)
    if isinstance(node, InterleaveDataset) and _function_reads_files(node):
        return _with_inputs(node, [_names_shard(node._input, n, i)])
    inputs = node._inputs
    if not inputs:
        raise _Unshardable(node)
    if len(inputs) > 1 and not isinstance(node, (ZipDataset, ConcatenateDataset)):
        raise _Unshardable(node)
    return _with_inputs(node, [_rewrite(d, n, i) for d in inputs])


def _function_reads_files(node: Any) -> bool:
    """Whether an interleave/flat_map function returns a dataset that reads files (TF looks for a
    reader op in the function; here the function runs once on a stand-in element)."""
    try:
        out = node._fn.raw_output()
    except Exception:  # noqa: BLE001 - a function that fails on a stand-in reads no files we can see
        return False
    return isinstance(out, DatasetV2) and reads_files(out)


def _with_inputs(node: DatasetV2, inputs: list) -> DatasetV2:
    """A shallow copy of `node` reading `inputs`."""
    if all(a is b for a, b in zip(inputs, node._inputs)):
        return node
    new = copy.copy(node)
    new._inputs = tuple(inputs)
    if hasattr(node, "_input"):
        new._input = inputs[0]
    if getattr(node, "_memory", None) is not None:  # an in-memory cache of the unsharded data
        new._memory = None
    if hasattr(node, "_datasets"):  # zip keeps the structure of its inputs
        from eagerflow._src.data import structure

        new._datasets = structure.pack_as(node._datasets, list(inputs))
    return new


def _reader_shard(node: Any, n: int, i: int) -> DatasetV2:
    files = list(node._files)
    new = copy.copy(node)
    new._files = files[i::n]
    if len(files) < n and i < len(files):
        return _TooFewFiles(new, i + 1, n)
    return new


def _names_shard(names: DatasetV2, n: int, i: int) -> DatasetV2:
    """The file names of an interleave, sharded; a shuffle right above moves below the shard."""
    from eagerflow._src.data.shuffle import ShuffleDataset

    if isinstance(names, ShuffleDataset):
        moved = copy.copy(names)
        moved._seeds = copy.copy(names._seeds)
        return _with_inputs(moved, [_FileNameShard(names._input, n, i)])
    return _FileNameShard(names, n, i)


class _FileNameShard(UnaryDataset):
    """`shard(n, i)` of a dataset of file names that needs at least `n` names (TF's
    ShardDataset with `require_non_empty`)."""

    _tf_name = "_ShardDataset"

    def __init__(self, input_dataset: DatasetV2, n: int, i: int) -> None:
        super().__init__(input_dataset)
        self._n, self._i = n, i

    def _iterate(self) -> Iterator:
        n, i = self._n, self._i
        names = self._input._iterate()
        count, mine = 0, None
        for name in names:  # the first n names: this worker's is at i, and all n must exist
            if count == i:
                mine = name
            count += 1
            if count == n:
                break
        if count < n:
            if count > i:
                raise errors.InvalidArgumentError(None, None, _TOO_FEW_FILES.format(count=i + 1, workers=n))
            return
        yield mine
        for k, name in enumerate(names, start=n):
            if k % n == i:
                yield name


class _TooFewFiles(UnaryDataset):
    """A reader given fewer files than workers: TF's error when iterated."""

    _tf_name = "_ShardDataset"

    def __init__(self, input_dataset: DatasetV2, count: int, workers: int) -> None:
        super().__init__(input_dataset)
        self._message = _TOO_FEW_FILES.format(count=count, workers=workers)

    def _iterate(self) -> Iterator:
        raise errors.InvalidArgumentError(None, None, self._message)
        yield  # a generator: the error comes at the first element, as TF's


def for_worker(dataset: DatasetV2, num_workers: int, index: int, num_local: int) -> DatasetV2 | None:
    """The dataset worker `index` of `num_workers` iterates under FILE sharding (explicit, or AUTO
    over files), one element per step; None when FILE sharding does not apply (one worker, or
    DATA/OFF). Raises `NotFoundError` for FILE over a source that reads no files."""
    if num_workers <= 1 or not isinstance(dataset, DatasetV2):
        return None
    policy = policy_of(dataset)
    if policy == AutoShardPolicy.AUTO:
        if not reads_files(dataset):
            return None
    elif policy == AutoShardPolicy.HINT:  # the worker reads its own part, as under FILE
        return _StepBatches(fill_shard_hints(dataset, num_workers, index), num_workers, index, num_local)
    elif policy != AutoShardPolicy.FILE:
        return None
    return _StepBatches(shard_by_files(dataset, num_workers, index), num_workers, index, num_local)


def batch_sizes_for_worker(global_batch: int, num_workers: int, per_worker: int, index: int) -> list[int]:
    """TF's split of a global batch into `num_workers * per_worker` sub-batches for worker `index`
    (sizes differ by at most one; every step sums to the global batch over the workers)."""
    count = num_workers * per_worker
    floor, ceil_count = divmod(global_batch, count)
    worker_0 = [floor + 1] * ceil_count + [floor] * (count - ceil_count)
    offset = index * per_worker
    return worker_0[offset:] + worker_0[:offset]


class _StepBatches(UnaryDataset):
    """Each global batch cut into `num_workers` consecutive step batches (the sizes of TF's
    rebatching for this worker, `per_worker` sub-batches a step)."""

    def __init__(self, input_dataset: DatasetV2, num_workers: int, index: int, per_worker: int) -> None:
        super().__init__(input_dataset)
        self._workers, self._index, self._per_worker = num_workers, index, per_worker

    def _iterate(self) -> Iterator:
        from eagerflow._src.data import structure

        spec = structure.flatten(self._input.element_spec)
        known = spec[0].shape[0] if spec and spec[0].shape.rank else None
        for element in self._input._iterate():
            leaves = structure.flatten(element)
            rows = int(leaves[0].shape[0])
            sizes = batch_sizes_for_worker(known or rows, self._workers, self._per_worker, self._index)
            start = 0
            for step in range(self._workers):
                size = sum(sizes[step * self._per_worker:(step + 1) * self._per_worker])
                stop = min(start + size, rows)
                if stop <= start:
                    break
                yield structure.pack_as(element, [leaf[start:stop] for leaf in leaves])
                start = stop
