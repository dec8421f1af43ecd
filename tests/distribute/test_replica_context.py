"""MirroredStrategy.run as TF runs it: replicas take turns, replica 0 creates the variables the
others share, re-entered scopes change nothing, values shared by all replicas are not summed,
and strategies over devices that do not exist are soft-placed."""
import numpy as np
import pytest

import eagerflow as tf
from eagerflow import distribute
from eagerflow._src.distribute.distributed_variables import MirroredVariable
from eagerflow._src.framework import devices as devices_lib


@pytest.fixture
def strategy(three_cpus):
    return distribute.MirroredStrategy(["CPU:0", "CPU:1", "CPU:2"])


def _replica_id():
    return tf.cast(distribute.get_replica_context().replica_id_in_sync_group, tf.float32)


def test_replicas_take_turns_between_merge_calls(strategy):
    order = []

    def fn():
        order.append(int(distribute.get_replica_context().replica_id_in_sync_group))
        distribute.get_replica_context().all_reduce("SUM", _replica_id())
        order.append(int(distribute.get_replica_context().replica_id_in_sync_group))

    strategy.run(fn)
    assert order == [0, 1, 2, 0, 1, 2]


def test_state_built_lazily_by_replica_zero_is_seen_by_the_others(strategy):
    # A Keras optimizer builds its variables in the first replica to call apply_gradients.
    state = {}

    def fn():
        if "slot" not in state:
            state["slot"] = tf.Variable(0.0, name="slot")
        state["slot"].assign_add(1.0)
        return distribute.get_replica_context().all_reduce("SUM", _replica_id())

    with strategy.scope():
        out = strategy.run(fn)
    slot = state["slot"]
    assert isinstance(slot, MirroredVariable)
    assert [float(t) for t in strategy.experimental_local_results(out)] == [3.0] * 3


def test_variable_created_in_every_replica_is_created_once(strategy):
    def fn():
        return tf.Variable(1.0, name="w")

    with strategy.scope():
        out = strategy.run(fn)
    assert isinstance(out, MirroredVariable)  # the same object in every replica: not a PerReplica
    assert [c.name for c in out.values] == ["w:0", "w/replica_1:0", "w/replica_2:0"]


def test_replica_asking_for_a_variable_replica_zero_did_not_create_raises(strategy):
    def fn():
        if int(distribute.get_replica_context().replica_id_in_sync_group) == 1:
            tf.Variable(1.0, name="only_here")

    with strategy.scope(), pytest.raises(RuntimeError, match="Tried to create variable only_here with "
                                                              "mismatching name on device 1"):
        strategy.run(fn)


def test_all_reduce_of_a_tensor_shared_by_all_replicas_returns_it_unreduced(strategy):
    shared = tf.constant([1.0, 2.0])
    out = strategy.run(lambda: distribute.get_replica_context().all_reduce("SUM", shared))
    assert [t.numpy().tolist() for t in strategy.experimental_local_results(out)] == [[1.0, 2.0]] * 3
    own = strategy.run(lambda: distribute.get_replica_context().all_reduce("SUM", shared * 1.0))
    assert [t.numpy().tolist() for t in strategy.experimental_local_results(own)] == [[3.0, 6.0]] * 3


def test_reentering_the_scope_does_not_mirror_twice(strategy):
    with strategy.scope(), strategy.scope():
        v = tf.Variable(1.0)
    assert [type(c).__name__ for c in v.values] == ["ResourceVariable"] * 3
    assert not distribute.has_strategy()


def test_scope_inside_run_is_refused(strategy):
    def fn():
        with strategy.scope():
            pass

    with pytest.raises(RuntimeError, match="Method requires being in cross-replica context"):
        strategy.run(fn)


def test_update_with_a_distributed_argument_uses_each_replicas_copy(strategy):
    with strategy.scope():
        a = tf.Variable([1.0, 2.0])
        b = tf.Variable([10.0, 20.0])
    for i, (x, y) in enumerate([([1.0, 2.0], [10.0, 20.0]), ([3.0, 4.0], [30.0, 40.0]), ([5.0, 6.0], [50.0, 60.0])]):
        a.values[i].assign(x)
        b.values[i].assign(y)
    # Keras's SwapEMAWeights: swap each copy of a with the same copy of b, by additions.
    strategy.extended.update(a, lambda x, y: x.assign_add(y), args=(b,))
    strategy.extended.update(a, lambda x, y: y.assign(x - y), args=(b,))
    strategy.extended.update(a, lambda x, y: x.assign(x - y), args=(b,))
    assert [c.numpy().tolist() for c in a.values] == [[10.0, 20.0], [30.0, 40.0], [50.0, 60.0]]
    assert [c.numpy().tolist() for c in b.values] == [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]


@pytest.fixture
def one_cpu():
    devices_lib.registry.reset_for_tests()
    yield
    devices_lib.registry.reset_for_tests()


def test_strategy_over_missing_devices_is_soft_placed(one_cpu):
    strategy = distribute.MirroredStrategy(["cpu:0", "cpu:1"])
    assert strategy.extended.worker_devices == ("/job:localhost/replica:0/task:0/device:CPU:0",
                                                "/job:localhost/replica:0/task:0/device:CPU:1")
    with strategy.scope():
        v = tf.Variable(1.0)
    assert [c.device for c in v.values] == ["/job:localhost/replica:0/task:0/device:CPU:0"] * 2
    out = strategy.run(lambda: distribute.get_replica_context().all_reduce("SUM", _replica_id() + 1.0))
    assert [float(t) for t in strategy.experimental_local_results(out)] == [3.0, 3.0]
    v.assign_add(2.0)
    assert [float(c.numpy()) for c in v.values] == [3.0, 3.0]


def test_duplicate_devices_raise_assertion_error(one_cpu):
    with pytest.raises(AssertionError, match=r"No duplicates allowed in `devices` argument: "
                                             r"\('/job:localhost/replica:0/task:0/device:CPU:0', "):
        distribute.MirroredStrategy(["cpu:0", "/cpu:0"])


def test_empty_device_list_means_the_default_devices(one_cpu):
    assert distribute.MirroredStrategy([]).extended.worker_devices == (
        "/job:localhost/replica:0/task:0/device:CPU:0",)


def test_keras_style_optimizer_step_in_replica_context(strategy):
    """An optimizer built lazily inside `run` (slots created by replica 0) applies the gradients
    summed over replicas once."""
    with strategy.scope():
        w = tf.Variable([1.0, 2.0])
    slots = {}

    def step():
        grad = tf.constant([1.0, 1.0]) * (_replica_id() + 1.0)
        if "m" not in slots:
            slots["m"] = tf.Variable(tf.zeros([2]), trainable=False, name="m")
        summed = distribute.get_replica_context().all_reduce("SUM", grad)

        def apply(s, g):
            s.extended.update(slots["m"], lambda m, d: m.assign(0.5 * m + d), args=(g,))
            s.extended.update(w, lambda v, m: v.assign_sub(0.1 * m), args=(slots["m"],))

        distribute.get_replica_context().merge_call(apply, args=(summed,))

    strategy.run(step)
    np.testing.assert_allclose([c.numpy() for c in w.values], [[0.4, 1.4]] * 3, rtol=1e-6)


def test_sum_of_a_value_that_is_not_distributed_is_refused(strategy):
    g = tf.constant([1.0, 2.0])
    with pytest.raises(ValueError, match=r"A non-DistributedValues value tf.Tensor\(\[1. 2.\], shape=\(2,\), "
                                         r"dtype=float32\) cannot be reduced with the given reduce op ReduceOp.SUM."):
        strategy.reduce("SUM", g, axis=None)
    assert strategy.reduce("MEAN", g, axis=None) is g
    assert float(strategy.reduce("SUM", g, axis=0)) == 9.0  # reduced along the axis in each of 3 replicas


def test_replica_update_with_a_shared_constant_and_sum_aggregation_is_refused(strategy):
    with strategy.scope():
        v = tf.Variable(1.0, aggregation=tf.VariableAggregation.SUM)
    with pytest.raises(ValueError, match="cannot be reduced with the given reduce op ReduceOp.SUM"):
        strategy.run(lambda: v.assign_add(1.0))
    strategy.run(lambda: v.assign_add(tf.constant(1.0) * 1.0))
    assert [float(c.numpy()) for c in v.values] == [4.0] * 3
