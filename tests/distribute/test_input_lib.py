"""Datasets over replicas: experimental_distribute_dataset, distribute_datasets_from_function."""
import numpy as np
import pytest

import eagerflow as tf



def test_global_batches_are_split_over_replicas_in_order(three_cpus):
    strategy = tf.distribute.MirroredStrategy(three_cpus)
    data = tf.data.Dataset.from_tensor_slices(np.arange(12.0, dtype=np.float32)).batch(6)
    dist = strategy.experimental_distribute_dataset(data)
    assert isinstance(dist, tf.distribute.DistributedDataset)
    batches = [[t.numpy().tolist() for t in strategy.experimental_local_results(b)] for b in dist]
    assert batches == [[[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]], [[6.0, 7.0], [8.0, 9.0], [10.0, 11.0]]]
    parts = strategy.experimental_local_results(next(iter(dist)))
    assert [p.device for p in parts] == three_cpus


def test_iterator_get_next_ends_with_out_of_range(three_cpus):
    strategy = tf.distribute.MirroredStrategy(three_cpus[:2])
    data = tf.data.Dataset.from_tensor_slices(np.arange(4, dtype=np.int32)).batch(2)
    it = iter(strategy.experimental_distribute_dataset(data))
    assert isinstance(it, tf.distribute.DistributedIterator)
    it.get_next()
    it.get_next()
    with pytest.raises(tf.errors.OutOfRangeError):
        it.get_next()
    assert not bool(it.get_next_as_optional().has_value())


def test_partial_global_batch_splits_unevenly_as_tf_rebatches(three_cpus):
    # TF 2.21: each replica takes ceil(batch / replicas) rows in order; the last ones get fewer.
    strategy = tf.distribute.MirroredStrategy(three_cpus[:2])
    data = tf.data.Dataset.range(21).batch(8)
    batches = [[t.numpy().tolist() for t in strategy.experimental_local_results(b)]
               for b in strategy.experimental_distribute_dataset(data)]
    assert batches[-1] == [[16, 17, 18], [19, 20]]


def test_element_spec_has_one_spec_per_replica_with_unknown_batch(three_cpus):
    strategy = tf.distribute.MirroredStrategy(three_cpus[:2])
    data = tf.data.Dataset.from_tensor_slices(np.zeros((8, 3), np.float32)).batch(4)
    spec = strategy.experimental_distribute_dataset(data).element_spec
    assert spec._value_specs == (tf.TensorSpec([None, 3], tf.float32),) * 2


def test_datasets_from_function_get_the_input_context_and_one_batch_per_replica(three_cpus):
    strategy = tf.distribute.MirroredStrategy(three_cpus[:2])
    seen = []

    def dataset_fn(ctx):
        seen.append((ctx.num_input_pipelines, ctx.input_pipeline_id, ctx.num_replicas_in_sync,
                     ctx.get_per_replica_batch_size(8)))
        return tf.data.Dataset.range(8).batch(4)

    dist = strategy.distribute_datasets_from_function(dataset_fn)
    steps = [[t.numpy().tolist() for t in strategy.experimental_local_results(b)] for b in dist]
    assert seen == [(1, 0, 2, 4)]
    assert steps == [[[0, 1, 2, 3], [4, 5, 6, 7]]]


def test_training_step_runs_over_a_distributed_dataset(three_cpus):
    strategy = tf.distribute.MirroredStrategy(three_cpus[:2])
    with strategy.scope():
        w = tf.Variable(0.0)
        opt = tf.optimizers.SGD(0.1)
    data = tf.data.Dataset.from_tensor_slices(np.ones(8, np.float32)).batch(4)

    def step(x):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(x * w)
        opt.apply_gradients([(tape.gradient(loss, w), w)])

    for batch in strategy.experimental_distribute_dataset(data):
        strategy.run(step, args=(batch,))
    assert float(w.numpy()) == pytest.approx(-0.8)  # two steps of 0.1 * (2 + 2) summed gradients


def test_input_context_rejects_an_uneven_global_batch():
    ctx = tf.distribute.InputContext(num_input_pipelines=1, input_pipeline_id=0, num_replicas_in_sync=3)
    with pytest.raises(ValueError, match="is not divisible by `num_replicas_in_sync` 3"):
        ctx.get_per_replica_batch_size(8)
