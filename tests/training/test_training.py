"""tf.train helpers: ExponentialMovingAverage, ClusterSpec, load_variable, checkpoints_iterator."""
import numpy as np
import pytest

import eagerflow as tf


def test_ema_follows_the_recurrence():
    values = [1.0, 3.0, -2.0, 5.0]
    var = tf.Variable(values[0])
    ema = tf.train.ExponentialMovingAverage(0.7)
    shadow = values[0]
    for value in values:
        var.assign(value)
        ema.apply([var])
        shadow -= (1 - 0.7) * (shadow - value)
    np.testing.assert_allclose(ema.average(var).numpy(), shadow, rtol=1e-6)


def test_ema_num_updates_caps_the_decay():
    var = tf.Variable(0.0)
    ema = tf.train.ExponentialMovingAverage(0.99, num_updates=4)
    ema.apply([var])
    var.assign(1.0)
    ema.apply([var])
    decay = min(0.99, 5 / 14)
    np.testing.assert_allclose(ema.average(var).numpy(), 1 - decay, rtol=1e-6)


def test_ema_shadow_is_named_and_not_trainable():
    var = tf.Variable(1.0, name="w")
    ema = tf.train.ExponentialMovingAverage(0.9, name="avg")
    ema.apply([var])
    assert ema.average(var).name == "w/avg:0" and not ema.average(var).trainable


def test_ema_refuses_integer_variables():
    with pytest.raises(TypeError, match="must be half, float, or double"):
        tf.train.ExponentialMovingAverage(0.9).apply([tf.Variable(1)])


def test_ema_apply_inside_function_updates_each_call():
    var = tf.Variable(1.0)
    ema = tf.train.ExponentialMovingAverage(0.5)

    @tf.function
    def step():
        ema.apply([var])

    step()
    var.assign(3.0)
    step()
    assert float(ema.average(var).numpy()) == 2.0


def test_cluster_spec_dense_and_sparse_jobs():
    spec = tf.train.ClusterSpec({"worker": ["a:1", "b:2"], "ps": {2: "c:3"}})
    assert spec.jobs == ["worker", "ps"]
    assert spec.job_tasks("ps") == [None, None, "c:3"]
    assert spec.as_dict() == {"worker": ["a:1", "b:2"], "ps": {2: "c:3"}}
    with pytest.raises(ValueError, match="No task with index 0"):
        spec.task_address("ps", 0)


def test_load_variable_reads_a_saved_value(tmp_path):
    checkpoint = tf.train.Checkpoint(v=tf.Variable([1.0, 2.0]))
    path = checkpoint.save(str(tmp_path / "ckpt"))
    np.testing.assert_array_equal(tf.train.load_variable(path, "v/.ATTRIBUTES/VARIABLE_VALUE"), [1.0, 2.0])
    np.testing.assert_array_equal(tf.train.load_variable(str(tmp_path), "v/.ATTRIBUTES/VARIABLE_VALUE"),
                                  [1.0, 2.0])


def test_checkpoints_iterator_yields_latest_then_times_out(tmp_path):
    checkpoint = tf.train.Checkpoint(v=tf.Variable(1.0))
    manager = tf.train.CheckpointManager(checkpoint, str(tmp_path), max_to_keep=2)
    path = manager.save()
    assert list(tf.train.checkpoints_iterator(str(tmp_path), timeout=0)) == [path]


def test_checkpoint_options_record_async():
    assert tf.train.CheckpointOptions(enable_async=True).experimental_enable_async_checkpoint


def test_create_rng_state_cuts_big_seed_into_words():
    state = tf.random.create_rng_state(2**70 + 3, "philox").numpy()
    assert state.tolist() == [3, 64, 0]
    assert tf.random.create_rng_state([7], "threefry").numpy().tolist() == [0, 7]


def test_coordinator_join_reraises_first_thread_error():
    import threading

    coord = tf.train.Coordinator()

    def work(fail):
        with coord.stop_on_exception():
            if fail:
                raise ValueError("boom")
            coord.wait_for_stop(5)

    threads = [threading.Thread(target=work, args=(i == 0,)) for i in range(3)]
    for t in threads:
        t.start()
    with pytest.raises(ValueError, match="boom"):
        coord.join(threads, stop_grace_period_secs=5)
    assert coord.should_stop() and coord.joined


def test_coordinator_out_of_range_is_a_clean_stop():
    coord = tf.train.Coordinator()
    coord.request_stop(tf.errors.OutOfRangeError(None, None, "done"))
    coord.join([])
    assert coord.should_stop()


def test_coordinator_clear_stop_resets():
    coord = tf.train.Coordinator()
    coord.request_stop()
    coord.clear_stop()
    assert not coord.should_stop() and not coord.wait_for_stop(0.01)


def test_python_state_needs_serialize_and_deserialize():
    class Incomplete(tf.train.experimental.PythonState):
        def serialize(self):
            return ""

    with pytest.raises(TypeError):
        Incomplete()

    class Counter(tf.train.experimental.PythonState):
        def __init__(self):
            self.n = 3

        def serialize(self):
            return str(self.n)

        def deserialize(self, string_value):
            self.n = int(string_value)

    counter = Counter()
    counter.deserialize(counter.serialize() + "1")
    assert counter.n == 31
