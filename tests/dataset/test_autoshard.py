"""Auto-sharding by TF's AutoShardPolicy (FILE, DATA, AUTO, OFF), one process standing in for
each worker through `autoshard.auto_shard_dataset(dataset, num_workers, index)`.

TF's documented rule: FILE gives worker i every num_workers-th input file starting at i (the
records of those files, in the pipeline's order); DATA gives worker i every num_workers-th
element of the whole pipeline; AUTO is FILE when the pipeline reads files, else DATA."""
import logging

import numpy as np
import pytest

import eagerflow as tf
from eagerflow._src.data import autoshard

P = tf.data.experimental.AutoShardPolicy
RECORDS_PER_FILE = 3


@pytest.fixture
def files(tmp_path):
    names = []
    for f in range(5):
        name = str(tmp_path / f"f{f}.tfrecord")
        with tf.io.TFRecordWriter(name) as w:
            for r in range(RECORDS_PER_FILE):
                w.write(f"f{f}r{r}".encode())
        names.append(name)
    return names


def _records(names):
    return [f"{n.rsplit('/', 1)[1].split('.')[0]}r{r}".encode() for n in names for r in range(RECORDS_PER_FILE)]


def _with(dataset, policy):
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = policy
    return dataset.with_options(options)


def _elements(dataset):
    return [e.numpy() if not isinstance(e, tuple) else tuple(v.numpy() for v in e) for e in dataset]


@pytest.mark.parametrize("policy", [P.FILE, P.AUTO])
def test_file_policy_gives_each_worker_every_nth_file(files, policy):
    dataset = _with(tf.data.TFRecordDataset(files), policy)
    for i in range(2):
        assert _elements(autoshard.auto_shard_dataset(dataset, 2, i)) == _records(files[i::2])


def test_file_policy_shards_the_files_below_later_transformations(files):
    dataset = _with(tf.data.TFRecordDataset(files).map(lambda r: r).batch(4), P.FILE)
    got = [b.numpy().tolist() for b in autoshard.auto_shard_dataset(dataset, 2, 1)]
    mine = _records(files[1::2])
    assert got == [mine[k:k + 4] for k in range(0, len(mine), 4)]


def test_file_policy_shards_the_file_names_of_an_interleave(files):
    dataset = _with(tf.data.Dataset.from_tensor_slices(files).interleave(
        tf.data.TFRecordDataset, cycle_length=1), P.FILE)
    assert _elements(autoshard.auto_shard_dataset(dataset, 3, 2)) == _records(files[2::3])


def test_file_policy_shards_list_files_before_its_shuffle(files, tmp_path):
    def make():
        return tf.data.Dataset.list_files(str(tmp_path / "*.tfrecord"), shuffle=True, seed=4).flat_map(
            tf.data.TFRecordDataset)

    got = _elements(autoshard.auto_shard_dataset(_with(make(), P.FILE), 2, 0))
    # the sorted names sharded, then shuffled with the same seed: one worker's files, whole
    expected_names = [n.numpy().decode() for n in tf.data.Dataset.from_tensor_slices(
        sorted(files)[0::2]).shuffle(5, seed=4)]
    assert got == _records(expected_names)


def test_file_policy_shards_each_input_of_zip_and_concatenate(files):
    zipped = _with(tf.data.Dataset.zip((tf.data.TFRecordDataset(files[:2]), tf.data.TFRecordDataset(files[2:4]))), P.FILE)
    assert _elements(autoshard.auto_shard_dataset(zipped, 2, 1)) == list(zip(_records(files[1:2]), _records(files[3:4])))
    both = _with(tf.data.TFRecordDataset(files[:2]).concatenate(tf.data.TFRecordDataset(files[2:4])), P.FILE)
    assert _elements(autoshard.auto_shard_dataset(both, 2, 0)) == _records([files[0], files[2]])


def test_file_policy_over_text_lines(tmp_path):
    names = []
    for f in range(3):
        (tmp_path / f"t{f}.txt").write_text(f"a{f}\nb{f}\n")
        names.append(str(tmp_path / f"t{f}.txt"))
    dataset = _with(tf.data.TextLineDataset(names), P.FILE)
    assert _elements(autoshard.auto_shard_dataset(dataset, 2, 0)) == [b"a0", b"b0", b"a2", b"b2"]


def test_file_policy_without_files_is_not_found():
    dataset = _with(tf.data.Dataset.range(6), P.FILE)
    with pytest.raises(tf.errors.NotFoundError, match="Found an unshardable source dataset"):
        autoshard.auto_shard_dataset(dataset, 2, 0)


def test_interleave_whose_function_reads_no_files_is_not_a_file_source(files):
    dataset = _with(tf.data.Dataset.from_tensor_slices(files).interleave(tf.data.Dataset.from_tensors), P.FILE)
    with pytest.raises(tf.errors.NotFoundError, match="unshardable source"):
        autoshard.auto_shard_dataset(dataset, 2, 0)


def test_fewer_files_than_workers_is_tfs_error_on_workers_with_a_file(files):
    dataset = _with(tf.data.TFRecordDataset(files[:2]), P.FILE)
    for i in range(2):
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match=f"only has {i + 1} file\\(s\\), which is not enough for the required 3 shards"):
            list(autoshard.auto_shard_dataset(dataset, 3, i))
    assert list(autoshard.auto_shard_dataset(dataset, 3, 2)) == []


def test_fewer_file_names_than_workers_in_an_interleave_is_tfs_error(files):
    dataset = _with(tf.data.Dataset.from_tensor_slices(files[:1]).flat_map(tf.data.TFRecordDataset), P.FILE)
    with pytest.raises(tf.errors.InvalidArgumentError, match="only has 1 file\\(s\\)"):
        list(autoshard.auto_shard_dataset(dataset, 2, 0))
    assert list(autoshard.auto_shard_dataset(dataset, 2, 1)) == []


def test_auto_policy_without_files_shards_data_and_warns(caplog):
    dataset = _with(tf.data.Dataset.range(10).batch(2), P.AUTO)
    with caplog.at_level(logging.WARNING, logger="tensorflow"):
        got = [b.numpy().tolist() for b in autoshard.auto_shard_dataset(dataset, 2, 1)]
    assert got == [[2, 3], [6, 7]]
    assert "AUTO sharding policy will apply DATA sharding policy" in caplog.text


def test_unset_policy_is_auto(files):
    assert _elements(autoshard.auto_shard_dataset(tf.data.TFRecordDataset(files), 2, 0)) == _records(files[0::2])


def test_data_policy_shards_the_elements_at_the_end(files):
    dataset = _with(tf.data.TFRecordDataset(files[:2]).batch(2), P.DATA)
    all_batches = [b.numpy().tolist() for b in tf.data.TFRecordDataset(files[:2]).batch(2)]
    assert [b.numpy().tolist() for b in autoshard.auto_shard_dataset(dataset, 2, 1)] == all_batches[1::2]


def test_off_policy_leaves_the_dataset_whole(files):
    dataset = _with(tf.data.TFRecordDataset(files), P.OFF)
    assert _elements(autoshard.auto_shard_dataset(dataset, 2, 1)) == _records(files)


def test_rewrite_leaves_the_original_dataset_unchanged(files):
    dataset = tf.data.TFRecordDataset(files).cache()
    assert len(list(dataset)) == 15
    assert len(list(autoshard.auto_shard_dataset(dataset, 2, 0))) == 9
    assert len(list(dataset)) == 15


@pytest.mark.parametrize("global_batch,workers,per_worker,index,expected", [
    (7, 2, 2, 0, [2, 2, 2, 1]), (7, 2, 2, 1, [2, 1, 2, 2]), (8, 2, 1, 1, [4, 4]), (5, 1, 4, 0, [2, 1, 1, 1])])
def test_batch_sizes_for_worker_follow_tfs_split(global_batch, workers, per_worker, index, expected):
    assert autoshard.batch_sizes_for_worker(global_batch, workers, per_worker, index) == expected


def test_for_worker_cuts_each_global_batch_into_one_step_per_worker(files):
    dataset = tf.data.TFRecordDataset(files[:4]).batch(6, drop_remainder=True)
    steps = [s.numpy().tolist() for s in autoshard.for_worker(dataset, 2, 1, 1)]
    mine = _records([files[1], files[3]])
    assert steps == [mine[0:3], mine[3:6]]


def test_for_worker_is_none_for_one_worker_or_data_policy(files):
    assert autoshard.for_worker(tf.data.TFRecordDataset(files), 1, 0, 1) is None
    assert autoshard.for_worker(_with(tf.data.TFRecordDataset(files), P.DATA), 2, 0, 1) is None
    assert autoshard.for_worker(tf.data.Dataset.range(4), 2, 0, 1) is None


def test_for_worker_with_file_policy_and_no_files_is_not_found():
    with pytest.raises(tf.errors.NotFoundError):
        autoshard.for_worker(_with(tf.data.Dataset.range(4).batch(2), P.FILE), 2, 0, 1)


def test_policy_enum_values_are_tfs():
    assert [int(P.OFF), int(P.AUTO), int(P.FILE), int(P.DATA), int(P.HINT)] == [-1, 0, 1, 2, 3]


def test_parsed_records_of_each_worker_cover_the_files_once(files):
    seen = []
    for i in range(2):
        seen += _elements(autoshard.auto_shard_dataset(tf.data.TFRecordDataset(files), 2, i))
    assert sorted(seen) == sorted(_records(files))
    assert np.unique(seen).size == len(seen)


def _hinted(dataset):
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.HINT
    return dataset.with_options(options)


def test_hint_policy_makes_each_shard_hint_this_workers_shard():
    hint = tf.data.experimental.SHARD_HINT
    dataset = _hinted(tf.data.Dataset.range(10).shard(hint, hint).map(lambda x: x * 10))
    parts = [[int(e) for e in autoshard.auto_shard_dataset(dataset, 3, i)] for i in range(3)]
    assert parts == [[0, 30, 60, 90], [10, 40, 70], [20, 50, 80]]


def test_hint_policy_leaves_a_dataset_without_hints_unchanged():
    dataset = _hinted(tf.data.Dataset.range(4))
    assert [int(e) for e in autoshard.auto_shard_dataset(dataset, 2, 1)] == [0, 1, 2, 3]


def test_a_shard_hint_iterated_outside_hint_sharding_fails_precondition():
    hint = tf.data.experimental.SHARD_HINT
    with pytest.raises(tf.errors.FailedPreconditionError, match="AutoShardPolicy.HINT"):
        [e for e in tf.data.Dataset.range(4).shard(hint, hint)]  # noqa: B018
