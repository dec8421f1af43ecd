"""The CuPy backend on real GPUs: devices, placement, copies, in-place variables, memory.

Every test here carries the `gpu` mark; tests/conftest.py skips them (with the reason) when
CuPy sees no CUDA device. Values are always compared with NumPy on the host.
(The whole op spec table runs on GPU:0 in tests/ops/test_op_specs.py.)
"""
import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import eagerflow as tf

pytestmark = pytest.mark.gpu

PREFIX = "/job:localhost/replica:0/task:0/device:"


def gpu_count() -> int:
    return len(tf.config.list_logical_devices("GPU"))


def run_fresh(body: str) -> str:
    code = "import json\nimport numpy as np\nimport eagerflow as tf\n" + textwrap.dedent(body)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture(autouse=True)
def fresh_stats():
    tf.debugging.reset_transfer_stats()
    yield
    tf.debugging.reset_transfer_stats()


def test_gpus_listed_physically_and_logically():
    physical = tf.config.list_physical_devices("GPU")
    assert physical[0] == tf.config.PhysicalDevice("/physical_device:GPU:0", "GPU")
    assert tf.config.list_logical_devices("GPU")[0] == tf.config.LogicalDevice("/device:GPU:0", "GPU")


def test_gpu_device_details():
    details = tf.config.experimental.get_device_details(tf.config.list_physical_devices("GPU")[0])
    assert isinstance(details["device_name"], str) and details["device_name"]
    assert len(details["compute_capability"]) == 2


def test_default_device_is_gpu0_and_arrays_are_cupy():
    t = tf.constant([1.0, 2.0])
    assert t.device == PREFIX + "GPU:0"
    assert type(t._array).__module__.startswith("cupy")


def test_numpy_copies_to_host():
    t = tf.constant(np.arange(6, dtype=np.float32).reshape(2, 3))
    host = t.numpy()
    assert type(host) is np.ndarray
    np.testing.assert_array_equal(host, np.arange(6, dtype=np.float32).reshape(2, 3))


def test_matmul_on_gpu_matches_numpy():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((64, 32)).astype(np.float32)
    b = rng.standard_normal((32, 16)).astype(np.float32)
    with tf.device("GPU:0"):
        c = tf.matmul(tf.constant(a), tf.constant(b))
    assert c.device == PREFIX + "GPU:0"
    np.testing.assert_allclose(c.numpy(), a @ b, rtol=1e-4, atol=1e-4)


def test_string_constant_stays_on_cpu():
    t = tf.constant(["a", "b"])
    assert t.device == PREFIX + "CPU:0"
    assert t.numpy().tolist() == [b"a", b"b"]


def test_cpu_input_copied_to_gpu_and_counted():
    with tf.device("CPU:0"):
        a = tf.constant(np.ones((4, 4), np.float32))
    b = tf.constant(np.full((4, 4), 2.0, np.float32))
    tf.debugging.reset_transfer_stats()
    c = a + b
    assert c.device == PREFIX + "GPU:0"
    np.testing.assert_array_equal(c.numpy(), np.full((4, 4), 3.0, np.float32))
    assert tf.debugging.transfer_stats() == {
        (PREFIX + "CPU:0", PREFIX + "GPU:0"): {"copies": 1, "bytes": 64}}


def test_gpu_input_copied_to_cpu_under_cpu_scope():
    a = tf.constant(np.arange(8, dtype=np.float64))
    tf.debugging.reset_transfer_stats()
    with tf.device("CPU:0"):
        b = a * 2.0
    assert b.device == PREFIX + "CPU:0"
    assert type(b._array) is np.ndarray
    np.testing.assert_array_equal(b.numpy(), np.arange(8) * 2.0)
    assert tf.debugging.transfer_stats()[(PREFIX + "GPU:0", PREFIX + "CPU:0")] == {"copies": 1, "bytes": 64}


def test_variable_updates_in_place_on_gpu():
    v = tf.Variable(np.zeros((3, 3), np.float32))
    assert v.device == PREFIX + "GPU:0"
    pointer = v._array.data.ptr
    v.assign_add(np.ones((3, 3), np.float32))
    v.assign_sub(np.full((3, 3), 0.5, np.float32))
    v.assign(np.full((3, 3), 7.0, np.float32))
    v.assign_add(np.ones((3, 3), np.float32))
    assert v._array.data.ptr == pointer
    np.testing.assert_array_equal(v.numpy(), np.full((3, 3), 8.0, np.float32))


def test_read_before_update_keeps_old_value_on_gpu():
    v = tf.Variable(np.ones(4, np.float32))
    before = v.read_value()
    v.assign_add(np.ones(4, np.float32))
    np.testing.assert_array_equal(before.numpy(), np.ones(4, np.float32))
    np.testing.assert_array_equal(v.numpy(), np.full(4, 2.0, np.float32))


def test_gradient_on_gpu_matches_analytic():
    x = np.linspace(-1, 1, 5).astype(np.float32)
    w = tf.Variable(x)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(w * w * w)
    g = tape.gradient(y, w)
    assert g.device == PREFIX + "GPU:0"
    np.testing.assert_allclose(g.numpy(), 3 * x * x, rtol=1e-6)


def test_memory_info_counts_gpu_allocations():
    before = tf.config.experimental.get_memory_info("GPU:0")["current"]
    big = tf.constant(np.ones(1 << 20, np.float32))  # 4 MiB
    after = tf.config.experimental.get_memory_info("GPU:0")
    assert after["current"] >= before + (4 << 20)
    assert after["peak"] >= after["current"]
    del big


def test_reset_memory_stats_sets_peak_to_current():
    tf.config.experimental.reset_memory_stats("GPU:0")
    info = tf.config.experimental.get_memory_info("GPU:0")
    assert info["peak"] == info["current"]


def test_missing_gpu_soft_placed_on_gpu0():
    with tf.device(f"GPU:{gpu_count() + 3}"):
        t = tf.constant([1.0]) + 1.0
    assert t.device == PREFIX + "GPU:0"


def test_placement_log_on_gpu(capsys):
    a = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    capsys.readouterr()
    tf.debugging.set_log_device_placement(True)
    try:
        tf.matmul(a, a)
    finally:
        tf.debugging.set_log_device_placement(False)
    assert capsys.readouterr().err == f"Executing op MatMul in device {PREFIX}GPU:0\n"


@pytest.mark.skipif("gpu_count() < 2")
def test_copy_between_gpus_counted_and_equal():
    a = tf.constant(np.arange(16, dtype=np.float32))
    tf.debugging.reset_transfer_stats()
    with tf.device("GPU:1"):
        b = a + 1.0
    assert b.device == PREFIX + "GPU:1"
    assert b._array.device.id == 1
    np.testing.assert_array_equal(b.numpy(), np.arange(16, dtype=np.float32) + 1)
    assert tf.debugging.transfer_stats()[(PREFIX + "GPU:0", PREFIX + "GPU:1")]["copies"] == 1


def test_gpu_split_into_memory_limited_logical_devices():
    out = run_fresh("""
        gpu = tf.config.list_physical_devices('GPU')[0]
        L = tf.config.LogicalDeviceConfiguration
        tf.config.set_logical_device_configuration(gpu, [L(memory_limit=512), L(memory_limit=512)])
        print(json.dumps([d.name for d in tf.config.list_logical_devices('GPU')][:2]))
        a = tf.constant(np.arange(4, dtype=np.float32))
        with tf.device('GPU:1'):
            b = a * 3.0
        stats = {f'{s}->{d}': n['copies'] for (s, d), n in tf.debugging.transfer_stats().items()}
        print(json.dumps([b.device, b.numpy().tolist(), stats]))
    """).splitlines()
    assert json.loads(out[0]) == ["/device:GPU:0", "/device:GPU:1"]
    device, value, stats = json.loads(out[1])
    assert device == PREFIX + "GPU:1"
    assert value == [0.0, 3.0, 6.0, 9.0]
    assert stats == {f"{PREFIX}GPU:0->{PREFIX}GPU:1": 1}


def test_gpu_virtual_device_needs_memory_limit():
    gpu = tf.config.list_physical_devices("GPU")[0]
    with pytest.raises(ValueError, match="^Setting memory limit is required for GPU virtual devices$"):
        tf.config.set_logical_device_configuration(gpu, [tf.config.LogicalDeviceConfiguration()])


def test_memory_growth_after_initialization_raises():
    gpu = tf.config.list_physical_devices("GPU")[0]
    with pytest.raises(RuntimeError, match="^Physical devices cannot be modified after being initialized$"):
        tf.config.experimental.set_memory_growth(gpu, True)


def test_memory_growth_set_before_use_reads_back():
    out = run_fresh("""
        gpu = tf.config.list_physical_devices('GPU')[0]
        tf.config.experimental.set_memory_growth(gpu, True)
        print(tf.config.experimental.get_memory_growth(gpu))
    """)
    assert out.strip() == "True"


def test_cupy_imported_only_when_devices_are_used():
    out = run_fresh("""
        import sys
        print('cupy' in sys.modules)
        tf.config.list_physical_devices()
        print('cupy' in sys.modules)
    """).splitlines()
    assert out == ["False", "True"]
