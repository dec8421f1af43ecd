"""`execute_binary`: the path of `a + b`, `a * b`, `tf.subtract(a, b)`... on two eager tensors of
one dtype. It must keep every step of `execute`: dtype checks, TF's errors, broadcasting, tapes,
placement logging, device scopes and tracing. Expected messages come from TF 2.21."""
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import eagerflow as tf

PREFIX = "/job:localhost/replica:0/task:0/device:"


def test_add_broadcasts():
    a = tf.constant([[1.0], [2.0]])
    b = tf.constant([10.0, 20.0, 30.0])
    np.testing.assert_array_equal((a + b).numpy(), [[11.0, 21.0, 31.0], [12.0, 22.0, 32.0]])


def test_add_result_is_an_eager_tensor_with_dtype_and_device():
    c = tf.constant([1, 2], tf.int64) + tf.constant([3, 4], tf.int64)
    assert type(c) is type(tf.constant(1))
    assert c.dtype == tf.int64
    assert c.device == PREFIX + "CPU:0"


def test_add_of_bools_is_tfs_dtype_error():
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"^Value for attr 'T' of bool is not in the list of allowed values: bfloat16, half, "
                             r"float, double, uint8"):
        tf.constant([True]) + tf.constant([False])


def test_add_of_incompatible_shapes_is_tfs_error():
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        tf.constant([1.0, 2.0]) + tf.constant([1.0, 2.0, 3.0])
    assert info.value.message == (
        "{{function_node __wrapped__AddV2_device_/job:localhost/replica:0/task:0/device:CPU:0}} "
        "Incompatible shapes: [2] vs. [3] [Op:AddV2] name: ")


def test_subtract_of_incompatible_shapes_is_tfs_error():
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        tf.constant([1.0, 2.0]) - tf.constant([1.0, 2.0, 3.0])
    assert info.value.message == (
        "{{function_node __wrapped__Sub_device_/job:localhost/replica:0/task:0/device:CPU:0}} "
        "Incompatible shapes: [2] vs. [3] [Op:Sub] name: ")


def test_multiply_of_bools_is_logical_and():
    c = tf.constant([True, True]) * tf.constant([True, False])
    assert c.dtype == tf.bool
    np.testing.assert_array_equal(c.numpy(), [True, False])


def test_tape_records_add_and_multiply_of_two_tensors():
    x = tf.constant([1.0, 2.0])
    y = tf.constant([3.0, 5.0])
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        tape.watch(y)
        z = x * y + x
    np.testing.assert_array_equal(tape.gradient(z, x).numpy(), [4.0, 6.0])
    np.testing.assert_array_equal(tape.gradient(z, y).numpy(), [1.0, 2.0])


def test_traced_function_adds_symbolically():
    @tf.function
    def f(a, b):
        return a + b, a - b

    s, d = f(tf.constant([1.0, 2.0]), tf.constant([3.0, 5.0]))
    np.testing.assert_array_equal(s.numpy(), [4.0, 7.0])
    np.testing.assert_array_equal(d.numpy(), [-2.0, -3.0])


def test_placement_log_names_the_add(capfd):
    a = tf.constant([1.0])
    tf.debugging.set_log_device_placement(True)
    try:
        a + a
    finally:
        tf.debugging.set_log_device_placement(False)
    assert f"Executing op AddV2 in device {PREFIX}CPU:0" in capfd.readouterr().err


def test_add_of_tensors_on_other_logical_cpus_runs_on_the_default_device():
    code = textwrap.dedent("""
        import eagerflow as tf
        cpu = tf.config.list_physical_devices('CPU')[0]
        tf.config.set_visible_devices([], 'GPU')
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 3)
        with tf.device('CPU:1'):
            a = tf.constant([1.0, 2.0])
        with tf.device('CPU:2'):
            b = tf.constant([3.0, 4.0])
        c = a + b
        with tf.device('CPU:2'):
            d = a * b
        print(c.device, c.numpy().tolist(), d.device, d.numpy().tolist())
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [PREFIX + "CPU:0", "[4.0,", "6.0]", PREFIX + "CPU:2", "[3.0,", "8.0]"]


def test_add_of_float32_and_float64_is_tfs_error():
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        tf.constant([1.0]) + tf.constant([1.0], tf.float64)
    assert info.value.message == ("cannot compute AddV2 as input #1(zero-based) was expected to be a float tensor "
                                  "but is a double tensor [Op:AddV2] name: ")


def test_add_of_strings_concatenates():
    np.testing.assert_array_equal((tf.constant(["a"]) + tf.constant(["b"])).numpy(), [b"ab"])


def test_subtract_of_strings_is_tfs_dtype_error():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"^Value for attr 'T' of string is not in the list"):
        tf.constant(["a"]) - tf.constant(["b"])


def test_operators_keep_the_wrappers_names():
    t = tf.constant(1.0)
    assert type(t).__add__.__name__ == "add"
    assert type(t).__sub__.__name__ == "subtract"


def test_add_under_a_device_scope_runs_there():
    a = tf.constant([1.0, 2.0])
    with tf.device("CPU:0"):
        c = a + a
    assert c.device == PREFIX + "CPU:0"
    np.testing.assert_array_equal(c.numpy(), [2.0, 4.0])


def test_add_of_large_tensors_matches_numpy():
    x = np.random.default_rng(0).standard_normal(1 << 21).astype(np.float32)
    np.testing.assert_array_equal((tf.constant(x) + tf.constant(x)).numpy(), x + x)
    np.testing.assert_array_equal((tf.constant(x) * tf.constant(x)).numpy(), x * x)
