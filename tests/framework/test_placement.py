"""Placement inside `execute` (TF 2.21's eager rules), soft placement, and placement logging.

Rules checked against TF 2.21: an explicit scope wins; reads and updates of a variable run on
the variable's device whatever the scope; otherwise the default device, wherever the inputs
live. Multi-device cases run in a fresh interpreter with the CPU split into three.
"""
import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import eagerflow as tf

PREFIX = "/job:localhost/replica:0/task:0/device:"
HAS_GPU = bool(tf.config.list_logical_devices("GPU"))
THREE_CPUS = """
cpu = tf.config.list_physical_devices('CPU')[0]
tf.config.set_visible_devices([], 'GPU')
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 3)
"""


def run_fresh(body: str) -> subprocess.CompletedProcess:
    """Runs `body` after `import eagerflow as tf` in a new interpreter."""
    code = "import json\nimport eagerflow as tf\n" + THREE_CPUS + textwrap.dedent(body)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc


@pytest.fixture
def logging_on():
    tf.debugging.set_log_device_placement(True)
    yield
    tf.debugging.set_log_device_placement(False)


@pytest.fixture
def soft_off():
    tf.config.set_soft_device_placement(False)
    yield
    tf.config.set_soft_device_placement(True)


def log_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("Executing op")]


# --- one device ---------------------------------------------------------------------------------
def test_matmul_under_cpu0_scope_runs_on_cpu0():
    a = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    b = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    with tf.device("CPU:0"):
        c = tf.matmul(a, b)
    assert c.device == PREFIX + "CPU:0"
    np.testing.assert_array_equal(c.numpy(), [[22.0, 28.0], [49.0, 64.0]])


def test_placement_log_names_op_and_full_device(logging_on, capsys):
    a = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    capsys.readouterr()
    with tf.device("CPU:0"):
        tf.matmul(a, a)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"Executing op MatMul in device {PREFIX}CPU:0\n"


def test_placement_log_covers_variable_ops(logging_on, capsys):
    with tf.device("CPU:0"):
        init = tf.constant([1.0, 2.0])
    capsys.readouterr()
    v = tf.Variable(init)
    v.assign_add(init)
    v.read_value()
    device = PREFIX + "CPU:0"
    assert log_lines(capsys.readouterr().err) == [
        f"Executing op VarHandleOp in device {device}",
        f"Executing op AssignVariableOp in device {device}",
        f"Executing op AssignAddVariableOp in device {device}",
        f"Executing op ReadVariableOp in device {device}",
    ]


def test_log_flag_reads_back(logging_on):
    assert tf.debugging.get_log_device_placement() is True


def test_logging_off_by_default():
    assert tf.debugging.get_log_device_placement() is False


def test_soft_placement_on_by_default():
    assert tf.config.get_soft_device_placement() is True


def test_missing_device_soft_placed_on_default():
    a = tf.constant([1.0])
    with tf.device("CPU:7"):
        assert (a + a).device == PREFIX + ("GPU:0" if HAS_GPU else "CPU:0")
        assert tf.constant(1.0).device == PREFIX + ("GPU:0" if HAS_GPU else "CPU:0")


def test_missing_device_without_soft_placement_raises_tf_error(soft_off):
    a = tf.constant([1.0])
    with tf.device("CPU:7"):
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            a + a
    message = info.value.message
    assert message.startswith(f"Could not satisfy device specification '{PREFIX}CPU:7'. "
                              "enable_soft_placement=0. Supported device types [")
    assert message.endswith("]. [Op:AddV2] name: ")


def test_constant_on_missing_device_without_soft_placement_raises(soft_off):
    with tf.device("CPU:7"):
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            tf.constant([1.0])
    assert info.value.message.startswith(f"Could not satisfy device specification '{PREFIX}CPU:7'.")
    assert info.value.message.endswith("].")


def test_other_job_is_not_soft_placed():
    a = tf.constant([1.0])
    with tf.device("/job:foo"):
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            a + a
        assert "enable_soft_placement=1" in info.value.message
        with pytest.raises(tf.errors.InvalidArgumentError) as info:
            tf.constant([1.0])
    kind = "GPU" if HAS_GPU else "CPU"
    assert info.value.message == f"/job:foo/replica:0/task:0/device:{kind}:0 unknown device."


def test_device_none_clears_enclosing_scopes():
    with tf.device("CPU:7"):
        with tf.device(None):
            assert tf.constant(1.0).device == PREFIX + ("GPU:0" if HAS_GPU else "CPU:0")


def test_bad_device_string_raises_on_entering_scope():
    with pytest.raises(ValueError, match="Unknown attribute 'foo'"):
        with tf.device("foo:0"):
            pass


def test_scope_restores_fast_path_device():
    with tf.device("CPU:0"):
        inside = tf.constant(1.0) + 1.0
    outside = tf.constant(1.0) + 1.0
    assert inside.device == PREFIX + "CPU:0"
    assert outside.device == PREFIX + ("GPU:0" if HAS_GPU else "CPU:0")


# --- three logical CPUs (fresh process) ---------------------------------------------------------
def test_variable_on_cpu1_times_constant_under_cpu2():
    proc = run_fresh("""
        with tf.device('CPU:1'):
            v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
        with tf.device('CPU:2'):
            two = tf.constant(2.0)
        tf.debugging.transfer_stats(reset=True)
        tf.debugging.set_log_device_placement(True)
        with tf.device('CPU:2'):
            r = v * two
        tf.debugging.set_log_device_placement(False)
        stats = {f'{s}->{d}': n for (s, d), n in tf.debugging.transfer_stats().items()}
        print(json.dumps([v.device, r.device, r.numpy().tolist(), stats]))
    """)
    v_device, r_device, value, stats = json.loads(proc.stdout)
    assert v_device == PREFIX + "CPU:1"
    assert r_device == PREFIX + "CPU:2"
    assert value == [[2.0, 4.0], [6.0, 8.0]]
    assert stats == {f"{PREFIX}CPU:1->{PREFIX}CPU:2": {"copies": 1, "bytes": 16}}
    assert log_lines(proc.stderr) == [
        f"Executing op ReadVariableOp in device {PREFIX}CPU:1",
        f"Executing op Mul in device {PREFIX}CPU:2",
    ]


def test_inputs_on_other_cpus_without_scope_run_on_default_device():
    proc = run_fresh("""
        with tf.device('CPU:1'):
            a = tf.constant([1.0, 2.0])
        with tf.device('CPU:2'):
            b = tf.constant([10.0, 20.0])
        tf.debugging.transfer_stats(reset=True)
        c = a + b
        print(json.dumps([c.device, c.numpy().tolist(), len(tf.debugging.transfer_stats())]))
    """)
    assert json.loads(proc.stdout) == [PREFIX + "CPU:0", [11.0, 22.0], 2]


def test_variable_ops_run_on_variable_device_whatever_the_scope():
    proc = run_fresh("""
        with tf.device('CPU:1'):
            v = tf.Variable([1.0, 2.0])
        with tf.device('CPU:2'):
            delta = tf.constant([1.0, 1.0])
        tf.debugging.transfer_stats(reset=True)
        tf.debugging.set_log_device_placement(True)
        with tf.device('CPU:2'):
            v.assign_add(delta)
        tf.debugging.set_log_device_placement(False)
        stats = {f'{s}->{d}': n['copies'] for (s, d), n in tf.debugging.transfer_stats().items()}
        print(json.dumps([v.device, v.numpy().tolist(), stats]))
    """)
    device, value, stats = json.loads(proc.stdout)
    assert device == PREFIX + "CPU:1" and value == [2.0, 3.0]
    assert stats == {f"{PREFIX}CPU:2->{PREFIX}CPU:1": 1}
    assert log_lines(proc.stderr) == [f"Executing op AssignAddVariableOp in device {PREFIX}CPU:1"]


def test_constants_and_variables_created_under_scope_live_there():
    proc = run_fresh("""
        with tf.device('CPU:2'):
            print(tf.constant([1.0]).device)
            print(tf.Variable(1.0).device)
            print(tf.zeros([2]).device)
    """)
    assert proc.stdout.splitlines() == [PREFIX + "CPU:2"] * 3


def test_nested_scopes_merge_as_tf():
    proc = run_fresh("""
        with tf.device('/device:CPU:1'):
            with tf.device('/job:localhost'):
                print(tf.constant(1.0).device)
            with tf.device('CPU:*'):
                print(tf.constant(1.0).device)
            with tf.device(''):
                print(tf.constant(1.0).device)
            with tf.device('CPU:2'):
                print(tf.constant(1.0).device)
            print((tf.constant(1.0) + 1.0).device)
    """)
    assert proc.stdout.splitlines() == [PREFIX + d for d in ("CPU:1", "CPU:1", "CPU:1", "CPU:2", "CPU:1")]


def test_soft_placement_on_and_off_for_gpu0():
    proc = run_fresh("""
        a = tf.constant([1.0])
        with tf.device('GPU:0'):
            print((a + a).device)
        tf.config.set_soft_device_placement(False)
        with tf.device('GPU:0'):
            try:
                a + a
            except tf.errors.InvalidArgumentError as e:
                print(e.message)
        with tf.device('CPU:2'):
            print((a + a).device)
    """)
    devices = ", ".join(PREFIX + f"CPU:{i}" for i in range(3))
    assert proc.stdout.splitlines() == [
        PREFIX + "CPU:0",
        f"Could not satisfy device specification '{PREFIX}GPU:0'. enable_soft_placement=0. "
        f"Supported device types [CPU]. All available devices [{devices}]. [Op:AddV2] name: ",
        PREFIX + "CPU:2",
    ]


def test_variable_read_ignores_missing_scope_without_soft_placement():
    proc = run_fresh("""
        with tf.device('CPU:1'):
            v = tf.Variable([1.0, 2.0])
        tf.config.set_soft_device_placement(False)
        with tf.device('GPU:0'):
            value = v.read_value()
        print(value.device)
    """)
    assert proc.stdout.strip() == PREFIX + "CPU:1"


def test_gradient_through_ops_on_two_devices():
    proc = run_fresh("""
        with tf.device('CPU:1'):
            w = tf.Variable([1.0, 2.0])
        with tf.GradientTape() as tape:
            with tf.device('CPU:2'):
                y = tf.reduce_sum(w * w)
        g = tape.gradient(y, w)
        print(json.dumps([y.device, g.numpy().tolist()]))
    """)
    assert json.loads(proc.stdout) == [PREFIX + "CPU:2", [2.0, 4.0]]
