"""Large elementwise ops, casts and in-place updates on every core, bit-identical to one thread."""
import numpy as np
import pytest

import eagerflow as tf
from eagerflow._src.backends import host_threads

N = host_threads.THRESHOLD + 12_345  # above the threshold, not a multiple of the chunk


@pytest.fixture
def two_threads(monkeypatch):
    monkeypatch.setenv("EAGERFLOW_NUM_THREADS", "2")
    yield


def _data(dtype=np.float32):
    return np.random.default_rng(0).standard_normal(N).astype(dtype) * 3


@pytest.mark.parametrize("op,ref", [
    (tf.tanh, np.tanh), (tf.exp, np.exp), (tf.math.log1p, lambda x: np.log1p(x)),
    (tf.sigmoid, None), (tf.math.sin, np.sin), (tf.square, np.square), (tf.abs, np.abs),
])
def test_large_unary_ops_match_one_thread_bit_for_bit(two_threads, op, ref):
    x = _data()
    if op is tf.math.log1p:
        x = np.abs(x)
    parallel = op(tf.constant(x)).numpy()
    # the same op below the threshold (one thread), piece by piece
    pieces = np.concatenate([op(tf.constant(x[i:i + 500_000])).numpy() for i in range(0, N, 500_000)])
    np.testing.assert_array_equal(parallel, pieces)
    if ref is not None:
        np.testing.assert_array_equal(parallel, ref(x))


def test_large_binary_ops_and_casts_match_numpy(two_threads):
    x, y = _data(), _data()[::-1].copy()
    np.testing.assert_array_equal(tf.subtract(x, y).numpy(), x - y)
    np.testing.assert_array_equal(tf.multiply(tf.constant(x), tf.constant(y)).numpy(), x * y)
    np.testing.assert_array_equal(tf.cast(tf.constant(x), tf.int32).numpy(), x.astype(np.int32))
    np.testing.assert_array_equal(tf.cast(tf.constant(x), tf.float16).numpy(), x.astype(np.float16))


def test_broadcasting_inputs_fall_back_to_one_call(two_threads):
    x = _data().reshape(-1, 1)
    np.testing.assert_array_equal(tf.subtract(x, np.float32(1.5)).numpy(), x - np.float32(1.5))


def test_large_assign_add_is_in_place_and_exact(two_threads):
    x, d = _data(), _data()[::-1].copy()
    v = tf.Variable(x)
    address = np.asarray(v.read_value()).__array_interface__["data"][0]
    v.assign_add(d)
    np.testing.assert_array_equal(v.numpy(), x + d)
    v.assign_sub(d)
    np.testing.assert_array_equal(v.numpy(), (x + d) - d)
    assert np.asarray(v.read_value()).__array_interface__["data"][0] == address


def test_read_before_large_update_never_changes(two_threads):
    v = tf.Variable(_data())
    before = v.read_value()
    snapshot = before.numpy()
    v.assign_add(np.ones(N, np.float32))
    np.testing.assert_array_equal(before.numpy(), snapshot)


def test_set_intra_op_parallelism_threads_sets_the_pool_size(monkeypatch):
    monkeypatch.delenv("EAGERFLOW_NUM_THREADS", raising=False)
    try:
        tf.config.threading.set_intra_op_parallelism_threads(3)
        assert tf.config.threading.get_intra_op_parallelism_threads() == 3
        assert host_threads.num_threads() == 3
        x = _data()
        np.testing.assert_array_equal(tf.tanh(x).numpy(), np.tanh(x))
    finally:
        tf.config.threading.set_intra_op_parallelism_threads(0)
    assert tf.config.threading.get_intra_op_parallelism_threads() == 0


def test_environment_variable_wins_over_the_setting(monkeypatch):
    monkeypatch.setenv("EAGERFLOW_NUM_THREADS", "1")
    assert host_threads.num_threads() == 1


def test_small_ops_never_create_the_pool(monkeypatch):
    import subprocess
    import sys
    code = ("import eagerflow as tf, sys\nx = tf.constant([1.0, 2.0])\nfor _ in range(10): x = tf.tanh(x) + 1.0\n"
            "import threading\nprint(any(t.name.startswith('eagerflow-intra-op') for t in threading.enumerate()))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"


@pytest.mark.parametrize("address", [0, 16, (1 << 21) - 8176])
def test_tasks_cover_every_element_once_split_on_2mb_boundaries(two_threads, address):
    import threading

    seen, lock = [], threading.Lock()

    def work(lo, hi):
        with lock:
            seen.append((lo, hi))

    size = 3 * (host_threads._TASK_BYTES // 4) + 17
    host_threads._parallel_chunks(work, size, 2, 4, address)
    seen.sort()
    assert seen[0][0] == 0 and seen[-1][1] == size
    assert all(a[1] == b[0] for a, b in zip(seen, seen[1:]))
    assert all((address + lo * 4) % (1 << 21) == 0 for lo, _ in seen[1:])


def test_a_failing_task_raises_after_every_task_finished(two_threads):
    import threading
    import time

    done, lock = [], threading.Lock()

    def work(lo, hi):
        if lo == 0:
            raise ZeroDivisionError("task 0")
        time.sleep(0.01)
        with lock:
            done.append(lo)

    step = host_threads._TASK_BYTES // 4
    with pytest.raises(ZeroDivisionError, match="task 0"):
        host_threads._parallel_chunks(work, 6 * step, 2, 4)
    finished = len(done)
    time.sleep(0.05)
    assert len(done) == finished  # nothing was still writing when the error came out


def test_direct_ufunc_kernel_matches_numpy_bit_for_bit(two_threads):
    x = _data()[:N - N % 5]
    kernel = host_threads.elementwise(lambda xp, a: xp.tanh(a), "tanh")
    out = kernel(np, x.reshape(-1, 5))
    assert out.shape == (N // 5, 5) and out.flags.c_contiguous
    np.testing.assert_array_equal(out.reshape(-1), np.tanh(x))


def test_large_copy_is_equal_independent_and_c_ordered(two_threads):
    x = _data(np.float64)[:N - N % 5].reshape(-1, 5)
    y = host_threads.copy(x)
    assert y.flags.c_contiguous and y.flags.writeable and not np.shares_memory(x, y)
    np.testing.assert_array_equal(y, x)


def test_large_copy_of_a_strided_array_is_c_ordered(two_threads):
    x = _data()[:N - N % 5].reshape(-1, 5)[:, ::2]
    y = host_threads.copy(x)
    assert y.flags.c_contiguous
    np.testing.assert_array_equal(y, x)


@pytest.mark.parametrize("ufunc", [None, "tanh"])
def test_large_elementwise_result_owns_its_memory(two_threads, ufunc):
    x = _data()[:N - N % 5].reshape(-1, 5)
    out = host_threads.elementwise(lambda xp, a: xp.tanh(a), ufunc)(np, x)
    assert out.base is None and out.flags.owndata  # numpy() may hand it over
    np.testing.assert_array_equal(out, np.tanh(x))


def test_scratch_reuses_a_slots_memory_on_one_thread_only():
    import threading

    first = host_threads.scratch("test.slot", (4, 8), np.float32)
    again = host_threads.scratch("test.slot", (2, 3), np.int16)
    assert np.shares_memory(first, again)
    other = []
    worker = threading.Thread(target=lambda: other.append(host_threads.scratch("test.slot", (4, 8), np.float32)))
    worker.start()
    worker.join()
    assert not np.shares_memory(first, other[0])


def test_scratch_does_not_keep_arrays_larger_than_a_task():
    size = host_threads._SCRATCH_KEPT + 8
    a = host_threads.scratch("test.big", (size,), np.uint8)
    b = host_threads.scratch("test.big", (size,), np.uint8)
    assert not np.shares_memory(a, b)


@pytest.mark.parametrize("elements, calls", [(10, 1), (host_threads.THRESHOLD, 2)])
def test_map_chunks_covers_the_range_once(monkeypatch, elements, calls):
    monkeypatch.setenv("EAGERFLOW_NUM_THREADS", "2")
    seen = np.zeros(elements, np.int8)
    ranges = []

    def work(lo, hi):
        ranges.append((lo, hi))
        seen[lo:hi] += 1

    host_threads.map_chunks(work, elements, 4)
    assert (seen == 1).all() and len(ranges) >= calls
