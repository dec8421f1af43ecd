"""Tensor: description, values, conversions, printing (character for character as TF 2.21)."""
import numpy as np
import pytest

import eagerflow as tf


def test_str_and_repr_of_float_matrix():
    t = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    assert str(t) == "tf.Tensor(\n[[1. 2.]\n [3. 4.]], shape=(2, 2), dtype=float32)"
    assert repr(t) == ("<tf.Tensor: shape=(2, 2), dtype=float32, numpy=\narray([[1., 2.],\n"
                       "       [3., 4.]], dtype=float32)>")


@pytest.mark.parametrize("value,dtype,text", [
    ([1.5, 2.5], tf.float16, "<tf.Tensor: shape=(2,), dtype=float16, numpy=array([1.5, 2.5], dtype=float16)>"),
    (1.5, tf.bfloat16, "<tf.Tensor: shape=(), dtype=bfloat16, numpy=1.5>"),
    ([1 + 2j, 3j], None, "<tf.Tensor: shape=(2,), dtype=complex128, numpy=array([1.+2.j, 0.+3.j])>"),
    (["a", "bc"], None, "<tf.Tensor: shape=(2,), dtype=string, numpy=array([b'a', b'bc'], dtype=object)>"),
    ("a", None, "<tf.Tensor: shape=(), dtype=string, numpy=b'a'>"),
    (True, None, "<tf.Tensor: shape=(), dtype=bool, numpy=True>"),
    ([], None, "<tf.Tensor: shape=(0,), dtype=float32, numpy=array([], dtype=float32)>"),
    (float("nan"), None, "<tf.Tensor: shape=(), dtype=float32, numpy=nan>"),
])
def test_repr_per_dtype(value, dtype, text):
    assert repr(tf.constant(value, dtype=dtype)) == text


def test_str_of_scalars_and_strings():
    assert str(tf.constant(True)) == "tf.Tensor(True, shape=(), dtype=bool)"
    assert str(tf.constant(["a", "bc"])) == "tf.Tensor([b'a' b'bc'], shape=(2,), dtype=string)"


def test_large_tensor_is_summarised():
    t = tf.constant(np.arange(2000, dtype=np.int32))
    assert str(t) == "tf.Tensor([   0    1    2 ... 1997 1998 1999], shape=(2000,), dtype=int32)"
    assert repr(t) == ("<tf.Tensor: shape=(2000,), dtype=int32, numpy=\n"
                       "array([   0,    1,    2, ..., 1997, 1998, 1999],\n      shape=(2000,), dtype=int32)>")


def test_empty_2d_repr():
    t = tf.constant(np.zeros((2, 0), dtype=np.float32))
    assert str(t) == "tf.Tensor([], shape=(2, 0), dtype=float32)"
    assert repr(t) == "<tf.Tensor: shape=(2, 0), dtype=float32, numpy=array([], shape=(2, 0), dtype=float32)>"


def test_format_uses_the_numpy_value():
    assert f"{tf.constant([1, 2])}" == "[1 2]"
    assert f"{tf.constant(3):5d}" == "    3"


def test_description_properties():
    t = tf.constant([1, 2])
    assert (t.ndim, t.shape, t.dtype) == (1, tf.TensorShape([2]), tf.int32)
    assert t.device.endswith("device:CPU:0")


def test_numpy_is_a_copy():
    t = tf.constant([1, 2])
    a = t.numpy()
    a[0] = 9
    assert t.numpy().tolist() == [1, 2]


def test_numpy_of_scalar_is_numpy_scalar():
    assert type(tf.constant(1.0).numpy()) is np.float32


def test_array_protocol_is_read_only_view_or_copy():
    t = tf.constant([1, 2])
    assert not np.asarray(t).flags.writeable
    assert np.asarray(t, copy=True).flags.writeable
    assert np.array(t, dtype=np.float32).dtype == np.float32


def test_tensor_is_immutable():
    t = tf.constant([1, 2])
    with pytest.raises(TypeError):
        t[0] = 3


def test_len_and_iteration():
    t = tf.constant([[1, 2], [3, 4]])
    assert len(t) == 2
    assert [x.numpy().tolist() for x in t] == [[1, 2], [3, 4]]


def test_len_of_scalar_error_text():
    with pytest.raises(TypeError, match="^Scalar tensor has no `len\\(\\)`$"):
        len(tf.constant(1))


def test_scalar_conversions():
    t = tf.constant(3)
    assert (int(t), float(t), bool(t), t.__index__()) == (3, 3.0, True, 3)
    assert [10, 20, 30, 40][t] == 40


def test_bool_of_many_elements_error_text():
    with pytest.raises(ValueError, match="The truth value of an array with more than one element is ambiguous"):
        bool(tf.constant([1, 2]))


def test_index_of_float_is_numpy_error():
    with pytest.raises(AttributeError):
        tf.constant(1.5).__index__()
    with pytest.raises(TypeError, match="only integer scalar arrays can be converted to a scalar index"):
        tf.constant([1]).__index__()


def test_hash_error_text():
    with pytest.raises(TypeError, match=r"^Tensor is unhashable. Instead, use tensor.ref\(\) as the key.$"):
        hash(tf.constant(1))


def test_ref_deref():
    t = tf.constant([1, 2])
    assert t.ref().deref() is t
    assert t.ref() == t.ref() and hash(t.ref()) == hash(t.ref())
    assert {t.ref(): 1}[t.ref()] == 1


def test_item_assignment_raises_tf_type_error():
    t = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(TypeError, match="object does not support item assignment"):
        t[0, 0] = 5.0
    np.testing.assert_array_equal(t.numpy(), [[1.0, 2.0], [3.0, 4.0]])
