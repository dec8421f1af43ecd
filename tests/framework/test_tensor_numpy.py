"""`Tensor.numpy()`: the caller's own array, whatever else holds the tensor's buffer.

A tensor that dies with the call (`tf.tanh(x).numpy()`) hands its array over instead of copying
it; every other case gets a copy. Each test writes into the result and checks that no tensor,
variable or view saw the write.
"""
import weakref

import numpy as np

import eagerflow as tf
from eagerflow._src.framework import tensor as tensor_module
from eagerflow._src.framework.tensor import EagerTensor


def _address(array: np.ndarray) -> int:
    return array.__array_interface__["data"][0]


def test_this_interpreter_hands_temporaries_over():
    assert tensor_module._TEMPORARY > 0


def test_numpy_of_a_temporary_result_hands_its_array_over():
    x = tf.constant([0.5, 1.0, 2.0])
    seen = []

    def result():
        t = tf.tanh(x)
        seen.append(_address(t._array))
        return t

    a = result().numpy()
    assert _address(a) == seen[0]
    assert a.flags.writeable
    np.testing.assert_array_equal(a, np.tanh(np.array([0.5, 1.0, 2.0], np.float32)))


def test_numpy_of_a_named_tensor_is_a_copy():
    t = tf.tanh(tf.constant([0.5, 1.0]))
    a = t.numpy()
    a[0] = 7.0
    np.testing.assert_array_equal(t.numpy(), np.tanh(np.array([0.5, 1.0], np.float32)))


def test_numpy_of_a_temporary_sharing_another_tensors_array_is_a_copy():
    x = tf.constant([1.0, 2.0, 3.0, 4.0])
    tf.identity(x).numpy()[0] = 9.0
    tf.reshape(x, [2, 2]).numpy()[0, 0] = 9.0
    x[1:].numpy()[0] = 9.0
    np.testing.assert_array_equal(x.numpy(), [1.0, 2.0, 3.0, 4.0])


def test_numpy_of_a_temporary_read_of_a_variable_is_a_copy():
    v = tf.Variable([1.0, 2.0])
    v.read_value().numpy()[0] = 9.0
    v.value().numpy()[0] = 9.0
    tf.convert_to_tensor(v).numpy()[0] = 9.0
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])


def test_numpy_of_an_assigned_tensor_is_a_copy():
    v = tf.Variable([0.0, 0.0])
    v.assign(tf.constant([1.0, 2.0]) * 1.0)
    (v + 0.0).numpy()  # a fresh temporary: fine to hand over
    v.read_value().numpy()[0] = 9.0
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])


def test_numpy_of_a_weakly_referenced_temporary_is_a_copy():
    x = tf.constant([0.5, 1.0])
    seen, refs = [], []

    def result():
        t = tf.tanh(x)
        seen.append(_address(t._array))
        refs.append(weakref.ref(t))  # another thread could get the tensor back through this
        return t

    a = result().numpy()
    assert _address(a) != seen[0]


def test_numpy_of_a_temporary_held_by_a_tape_is_a_copy():
    x = tf.constant([0.5, 1.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        tf.tanh(x).numpy()[:] = 0.0  # the tape keeps the output for tanh's gradient
        (tf.tanh(x) * 1.0).numpy()
    entries = [entry for entry in tape._entries if entry[0].name == "Tanh"]
    np.testing.assert_array_equal(entries[0][3].numpy(), np.tanh(np.array([0.5, 1.0], np.float32)))


def test_numpy_of_a_fortran_ordered_temporary_is_a_c_ordered_copy():
    device = tf.constant(1.0)._device
    a = EagerTensor(np.asfortranarray(np.arange(6.0).reshape(2, 3)), device).numpy()
    assert a.flags.c_contiguous
    np.testing.assert_array_equal(a, np.arange(6.0).reshape(2, 3))


def test_numpy_of_a_read_only_temporary_is_a_writeable_copy():
    device = tf.constant(1.0)._device
    frozen = np.arange(3.0)
    frozen.flags.writeable = False
    a = EagerTensor(frozen, device).numpy()
    a[0] = 5.0
    assert frozen[0] == 0.0


def test_numpy_of_a_rank_0_temporary_is_a_numpy_scalar():
    assert type((tf.constant(1.0) + 1.0).numpy()) is np.float32


def test_numpy_of_a_large_named_tensor_is_an_equal_copy(monkeypatch):
    monkeypatch.setenv("EAGERFLOW_NUM_THREADS", "2")
    from eagerflow._src.backends import host_threads

    x = np.random.default_rng(0).standard_normal(host_threads.THRESHOLD + 4321).astype(np.float32)
    t = tf.constant(x)
    a = t.numpy()
    np.testing.assert_array_equal(a, x)
    a[:] = 0.0
    np.testing.assert_array_equal(t.numpy(), x)


def test_numpy_of_a_large_temporary_result_hands_its_array_over(monkeypatch):
    monkeypatch.setenv("EAGERFLOW_NUM_THREADS", "2")
    from eagerflow._src.backends import host_threads

    x = tf.constant(np.linspace(-3, 3, host_threads.THRESHOLD + 4321, dtype=np.float32))
    seen = []

    def result():
        t = tf.tanh(x)
        seen.append(_address(t._array))
        return t

    a = result().numpy()
    assert _address(a) == seen[0]
    np.testing.assert_array_equal(a, np.tanh(x.numpy()))


class _DeviceArray:
    """A stand-in for another backend's array (CuPy's), for the host-transfer rule."""

    def __init__(self, host):
        self.host = host
        self.ndim = host.ndim


class _Backend:
    def __init__(self):
        self.transfers = []

    def to_host(self, array):
        self.transfers.append(array.host.copy(order="K"))  # fresh host memory, as cupy.asnumpy
        return self.transfers[-1]


class _Device:
    name = "/job:localhost/replica:0/task:0/device:GPU:0"

    def __init__(self):
        self.backend = _Backend()


def test_numpy_of_a_device_tensor_returns_the_fresh_host_transfer():
    host = np.arange(6.0).reshape(2, 3)
    device = _Device()
    a = EagerTensor(_DeviceArray(host), device).numpy()
    assert a is device.backend.transfers[0]  # no second copy
    np.testing.assert_array_equal(a, host)


def test_numpy_of_a_fortran_ordered_device_tensor_is_c_ordered():
    host = np.asfortranarray(np.arange(6.0).reshape(2, 3))
    a = EagerTensor(_DeviceArray(host), _Device()).numpy()
    assert a.flags.c_contiguous
    np.testing.assert_array_equal(a, host)


def test_numpy_of_a_rank_0_device_tensor_is_a_numpy_scalar():
    a = EagerTensor(_DeviceArray(np.array(2.5, np.float32)), _Device()).numpy()
    assert type(a) is np.float32 and a == 2.5
