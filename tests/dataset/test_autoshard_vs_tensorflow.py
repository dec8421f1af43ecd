"""Auto-sharding next to TF 2.21's `_AutoShardDataset` (the rewrite a distribution strategy
applies on each worker), run in one process for every worker index."""
import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")
from tensorflow.python.data.experimental.ops import distribute as tf_distribute  # noqa: E402

import eagerflow as tf  # noqa: E402
from eagerflow._src.data import autoshard  # noqa: E402

pytestmark = pytest.mark.tensorflow


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("shards")
    names = []
    for f in range(5):
        name = str(root / f"f{f}.tfrecord")
        with tf.io.TFRecordWriter(name) as w:
            for r in range(4):
                w.write(f"f{f}r{r}".encode())
        names.append(name)
    return names


def _with(mod, dataset, policy):
    options = mod.data.Options()
    options.experimental_distribute.auto_shard_policy = getattr(mod.data.experimental.AutoShardPolicy, policy)
    return dataset.with_options(options)


def _run(make, policy, workers, index, ours):
    mod = tf if ours else tf_real
    dataset = _with(mod, make(mod), policy)
    try:
        sharded = (autoshard.auto_shard_dataset(dataset, workers, index) if ours else
                   tf_distribute._AutoShardDataset(dataset, workers, index, workers))
        return [mod.nest.map_structure(lambda t: np.asarray(t.numpy()).tolist(), e) for e in sharded]
    except (tf.errors.OpError, tf_real.errors.OpError) as exc:
        return type(exc).__name__, str(exc).split("}} ")[-1].split(" [Op:")[0][:160]


PIPELINES = {
    "records": lambda m, f: m.data.TFRecordDataset(f),
    "records_batched": lambda m, f: m.data.TFRecordDataset(f).map(lambda r: r).batch(3),
    "interleave": lambda m, f: m.data.Dataset.from_tensor_slices(f).interleave(m.data.TFRecordDataset, cycle_length=2),
    "shuffled_names": lambda m, f: m.data.Dataset.from_tensor_slices(f).shuffle(5, seed=3).flat_map(m.data.TFRecordDataset),
    "zip": lambda m, f: m.data.Dataset.zip((m.data.TFRecordDataset(f[:2]), m.data.TFRecordDataset(f[2:4]))),
    "shuffled_records": lambda m, f: m.data.TFRecordDataset(f).shuffle(4, seed=1).batch(5),
    "range": lambda m, f: m.data.Dataset.range(11).batch(2),
}


@pytest.mark.parametrize("policy", ["AUTO", "FILE", "DATA", "OFF"])
@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_each_workers_elements_match(files, name, policy):
    make = PIPELINES[name]
    for index in range(2):
        ours = _run(lambda m: make(m, files), policy, 2, index, True)
        theirs = _run(lambda m: make(m, files), policy, 2, index, False)
        if isinstance(theirs, tuple) and isinstance(ours, tuple):
            assert ours[0] == theirs[0]
            assert theirs[1].startswith(ours[1].split(":")[0])
        else:
            assert ours == theirs


@pytest.mark.parametrize("workers", [3, 4])
def test_too_few_files_match(files, workers):
    for index in range(workers):
        ours = _run(lambda m: m.data.TFRecordDataset(files[:2]), "FILE", workers, index, True)
        theirs = _run(lambda m: m.data.TFRecordDataset(files[:2]), "FILE", workers, index, False)
        assert ours == theirs


HINTED = {
    "range": lambda m, f: m.data.Dataset.range(11).shard(m.data.experimental.SHARD_HINT,
                                                         m.data.experimental.SHARD_HINT).batch(2),
    "records": lambda m, f: m.data.TFRecordDataset(f).shard(m.data.experimental.SHARD_HINT,
                                                            m.data.experimental.SHARD_HINT),
    "no_hint": lambda m, f: m.data.Dataset.range(5),
}


@pytest.mark.parametrize("name", sorted(HINTED))
def test_hint_policy_fills_the_shard_placeholders_as_tensorflow(files, name):
    make = HINTED[name]
    for index in range(2):
        ours = _run(lambda m: make(m, files), "HINT", 2, index, ours=True)
        theirs = _run(lambda m: make(m, files), "HINT", 2, index, ours=False)
        assert ours == theirs


def test_a_shard_hint_outside_hint_sharding_is_tfs_error():
    def message(mod):
        try:
            hinted = mod.data.Dataset.range(4).shard(mod.data.experimental.SHARD_HINT, mod.data.experimental.SHARD_HINT)
            [e for e in hinted]  # noqa: B018 - iterating is what fails
        except (tf.errors.OpError, tf_real.errors.OpError) as exc:
            return type(exc).__name__, str(exc).split("}} ")[-1].split(" [Op:")[0]

    assert message(tf) == message(tf_real)
    assert int(tf.data.Dataset.range(10).shard(-1, -1).cardinality()) == \
        int(tf_real.data.Dataset.range(10).shard(-1, -1).cardinality())
