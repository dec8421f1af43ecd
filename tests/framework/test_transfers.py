"""Counted copies between devices (`eagerflow.debugging.transfer_stats`)."""
import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import eagerflow as tf
from eagerflow._src import backends
from eagerflow._src.framework import devices, transfers

PREFIX = "/job:localhost/replica:0/task:0/device:"


@pytest.fixture
def two_cpus():
    """CPU:0 and a second logical CPU object (never registered: these tests call copy_array)."""
    numpy_backend = backends.get("numpy")
    tf.debugging.reset_transfer_stats()
    yield devices.Device("CPU", 0, numpy_backend, 0), devices.Device("CPU", 1, numpy_backend, 0)
    tf.debugging.reset_transfer_stats()


def test_copy_makes_new_buffer_with_same_values(two_cpus):
    source, destination = two_cpus
    array = np.arange(6, dtype=np.float32).reshape(2, 3)
    out = transfers.copy_array(array, source, destination)
    assert not np.shares_memory(out, array)
    np.testing.assert_array_equal(out, array)
    assert out.dtype == array.dtype


def test_copies_counted_per_source_and_destination(two_cpus):
    source, destination = two_cpus
    array = np.zeros(10, dtype=np.float64)
    transfers.copy_array(array, source, destination)
    transfers.copy_array(array, source, destination)
    transfers.copy_array(array[:3], destination, source)
    assert tf.debugging.transfer_stats() == {
        (PREFIX + "CPU:0", PREFIX + "CPU:1"): {"copies": 2, "bytes": 160},
        (PREFIX + "CPU:1", PREFIX + "CPU:0"): {"copies": 1, "bytes": 24},
    }


def test_stats_reset_on_read(two_cpus):
    source, destination = two_cpus
    transfers.copy_array(np.zeros(4, np.int32), source, destination)
    assert len(tf.debugging.transfer_stats(reset=True)) == 1
    assert tf.debugging.transfer_stats() == {}


def test_reset_transfer_stats_clears(two_cpus):
    source, destination = two_cpus
    transfers.copy_array(np.zeros(4, np.int32), source, destination)
    tf.debugging.reset_transfer_stats()
    assert tf.debugging.transfer_stats() == {}


def test_string_tensors_copy(two_cpus):
    source, destination = two_cpus
    array = np.array([b"a", b"bc"], dtype=object)
    out = transfers.copy_array(array, source, destination)
    assert out.tolist() == [b"a", b"bc"] and out is not array


def test_ops_on_one_device_copy_nothing():
    tf.debugging.reset_transfer_stats()
    a = tf.constant([1.0, 2.0])
    with tf.device("CPU:0"):
        tf.matmul(tf.reshape(a, [1, 2]), tf.reshape(a, [2, 1]))
    (a + a).numpy()
    assert tf.debugging.transfer_stats() == {}


def test_copy_between_logical_cpus_is_a_new_buffer():
    code = "import json\nimport numpy as np\nimport eagerflow as tf\n" + textwrap.dedent("""
        cpu = tf.config.list_physical_devices('CPU')[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
        a = tf.constant(np.arange(1000, dtype=np.float32))
        with tf.device('CPU:1'):
            b = tf.identity(a)
        stats = tf.debugging.transfer_stats()
        print(json.dumps([b.device, bool(np.shares_memory(a._array, b._array)),
                          bool((b.numpy() == a.numpy()).all()),
                          [[s, d, n] for (s, d), n in stats.items()]]))
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    device, shared, equal, stats = json.loads(proc.stdout)
    assert device == PREFIX + "CPU:1"
    assert not shared and equal
    assert stats == [[PREFIX + "CPU:0", PREFIX + "CPU:1", {"copies": 1, "bytes": 4000}]]
