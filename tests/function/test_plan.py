"""The compiled plan: straight-line kernel calls that free slots, keep variable updates in place,
copy between devices as placed at trace time, and fall back to op-by-op replay under tapes."""
import weakref

import numpy as np

import eagerflow as tf


def test_variable_update_in_a_traced_step_stays_in_place():
    w = tf.Variable(np.ones((8, 8), np.float32))
    x = tf.constant(np.ones((4, 8), np.float32))

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(x @ w)
        w.assign_sub(0.1 * tape.gradient(loss, w))

    step()
    buffer = weakref.ref(w._array)  # a weak reference: does not count as a user of the buffer
    step()
    assert buffer() is w._array  # no stale read kept the buffer referenced: updated in place
    np.testing.assert_allclose(w.numpy(), 1.0 - 2 * 0.1 * 4.0)


def test_tensor_read_before_a_traced_update_keeps_its_value():
    v = tf.Variable([1.0, 2.0])
    before = v.read_value()

    @tf.function
    def bump():
        v.assign_add([1.0, 1.0])

    bump()
    np.testing.assert_array_equal(before.numpy(), [1.0, 2.0])
    np.testing.assert_array_equal(v.numpy(), [2.0, 3.0])


def test_plan_source_is_straight_line_python():
    @tf.function
    def f(x):
        return tf.tanh(x * 2.0) + 1.0

    source = f.get_concrete_function(tf.TensorSpec([3], tf.float32))._compiled().source
    assert source.startswith("def plan(i0):")
    assert "for " not in source and "if " not in source


def test_outputs_on_another_logical_device_are_placed_as_traced():
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent("""
        import eagerflow as tf
        cpus = tf.config.list_physical_devices("CPU")
        tf.config.set_logical_device_configuration(cpus[0], [tf.config.LogicalDeviceConfiguration()] * 2)

        @tf.function
        def f(x):
            with tf.device("/cpu:1"):
                y = x * 2.0
            return y, x + 1.0

        y, z = f(tf.constant(1.0))
        print(y.device[-5:], z.device[-5:], float(y), float(z))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["CPU:1", "CPU:0", "2.0", "2.0"]


def test_log_device_placement_replays_through_execute(capfd):
    @tf.function
    def f(x):
        return x * 3.0

    f(tf.constant(1.0))
    tf.debugging.set_log_device_placement(True)
    try:
        assert float(f(tf.constant(2.0))) == 6.0
    finally:
        tf.debugging.set_log_device_placement(False)
    assert "Executing op Mul in device /job:localhost/replica:0/task:0/device:CPU:0" in capfd.readouterr().err


def test_ops_of_constants_are_computed_once_when_compiled():
    @tf.function
    def f(x):
        return x + tf.ones((2, 2)) * 3.0

    np.testing.assert_array_equal(f(tf.zeros((2, 2))).numpy(), np.full((2, 2), 3.0))
    source = f.get_concrete_function(tf.TensorSpec([2, 2], tf.float32))._compiled().source
    assert source.count(" = f") == 1  # only the add of the input runs per call
