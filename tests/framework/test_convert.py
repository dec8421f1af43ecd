"""tf.constant / convert_to_tensor: dtype inference, `dtype=`, `shape=`, and TF 2.21's errors."""
import numpy as np
import pytest

import eagerflow as tf

MIXED = "Can't convert Python sequence with mixed types to Tensor."
INT_RANGE = "Can't convert Python sequence with out-of-range integer to Tensor."


@pytest.mark.parametrize("value,dtype", [
    (1.5, "float32"), (1, "int32"), (2**31, "int64"), (-2**63, "int64"), (1 + 2j, "complex128"),
    (True, "bool"), ("abc", "string"), (b"abc", "string"), ([1, 2.5], "float32"),
    ([1, True], "int32"), ([1.5, True], "float32"), ([1, 2**40], "int64"), ([], "float32"),
    (np.float64(1.5), "float64"), (np.array([1, 2]), "int64"), (np.int16(3), "int16"),
    ([np.float64(1), 2.0], "float64"), ([np.float16(1), 2.0], "float16"), ([np.int64(1), 2], "int32"),
    (range(3), "int32"), ((1, 2), "int32"),
])
def test_inferred_dtype(value, dtype):
    assert tf.constant(value).dtype.name == dtype


@pytest.mark.parametrize("value,message", [
    (2**63, INT_RANGE), ([1, 2**64], INT_RANGE), ([1, 2**63], INT_RANGE),
    ([1, "a"], MIXED), (["a", 1], MIXED), ([True, 1.5], MIXED), ([1, 1j], MIXED), ([1, None], MIXED),
    ([1, [2]], MIXED),
    ([[1, 2], [3]], "Can't convert non-rectangular Python sequence to Tensor."),
    ([[1, 2], 3], "Can't convert non-rectangular Python sequence to Tensor."),
    (1e40, "Can't convert Python sequence with a value out of range for a double-precision float."),
    (None, "Attempt to convert a value (None) with an unsupported type (<class 'NoneType'>) to a Tensor."),
    ({"a": 1}, "Attempt to convert a value ({'a': 1}) with an unsupported type (<class 'dict'>) to a Tensor."),
])
def test_unconvertible_values_raise_tf_value_error(value, message):
    with pytest.raises(ValueError) as e:
        tf.constant(value)
    assert str(e.value) == message


@pytest.mark.parametrize("value,dtype,message", [
    (1.5, tf.int32, "Cannot convert 1.5 to EagerTensor of dtype int32"),
    (1 + 2j, tf.float32, "Cannot convert (1+2j) to EagerTensor of dtype float"),
    ([1.5, 2.5], tf.int32, "Cannot convert [1.5, 2.5] to EagerTensor of dtype int32"),
    ([1j, 1], tf.float64, "Cannot convert [1j, 1] to EagerTensor of dtype double"),
    (1, tf.bool, "Cannot convert 1 to EagerTensor of dtype bool"),
    (1, tf.string, "Cannot convert 1 to EagerTensor of dtype string"),
    (True, tf.int8, "Cannot convert True to EagerTensor of dtype int8"),
    (True, tf.bfloat16, "Cannot convert True to EagerTensor of dtype bfloat16"),
    ("a", tf.int32, "Cannot convert 'a' to EagerTensor of dtype int32"),
])
def test_lossy_dtype_raises_tf_type_error(value, dtype, message):
    with pytest.raises(TypeError) as e:
        tf.constant(value, dtype=dtype)
    assert str(e.value) == message


@pytest.mark.parametrize("value,dtype,expected", [
    (1, tf.float32, "<tf.Tensor: shape=(), dtype=float32, numpy=1.0>"),
    (True, tf.int32, "<tf.Tensor: shape=(), dtype=int32, numpy=1>"),
    (True, tf.complex128, "<tf.Tensor: shape=(), dtype=complex128, numpy=(1+0j)>"),
    (300, tf.uint8, "<tf.Tensor: shape=(), dtype=uint8, numpy=44>"),
    (2**31, tf.int32, "<tf.Tensor: shape=(), dtype=int32, numpy=-2147483648>"),
    ([2**63], tf.uint64, "<tf.Tensor: shape=(1,), dtype=uint64, numpy=array([9223372036854775808], dtype=uint64)>"),
    (1e40, tf.float64, "<tf.Tensor: shape=(), dtype=float64, numpy=1e+40>"),
])
def test_dtype_converts_python_values_of_compatible_kind(value, dtype, expected):
    assert repr(tf.constant(value, dtype=dtype)) == expected


def test_bfloat16_from_python_values_prints_numpy_repr():
    # NumPy words ml_dtypes' types per release (`dtype=bfloat16` up to ml_dtypes 0.6,
    # `dtype=dtype(bfloat16)` from 0.7); TF 2.21 prints NumPy's repr, so we compare with it.
    import ml_dtypes

    want = repr(np.array([1, 1], dtype=ml_dtypes.bfloat16))
    assert repr(tf.constant([1, True], dtype=tf.bfloat16)) == f"<tf.Tensor: shape=(2,), dtype=bfloat16, numpy={want}>"


def test_dtype_casts_numpy_arrays():
    t = tf.constant(np.array([1.5, 2.5]), dtype=tf.int32)
    assert repr(t) == "<tf.Tensor: shape=(2,), dtype=int32, numpy=array([1, 2], dtype=int32)>"


def test_numpy_scalar_is_cast_like_an_array():
    assert repr(tf.constant(np.float32(2.5), dtype=tf.int32)) == "<tf.Tensor: shape=(), dtype=int32, numpy=2>"


def test_numpy_int_array_to_string_error():
    with pytest.raises(ValueError) as e:
        tf.constant(np.array([1, 2]), dtype=tf.string)
    assert str(e.value) == "Failed to convert a NumPy array to a Tensor (Unsupported object type int)."


def test_constant_copies_numpy_input():
    a = np.array([1, 2])
    t = tf.constant(a)
    a[0] = 9
    assert t.numpy().tolist() == [1, 2]


def test_strings_are_utf8_bytes():
    assert repr(tf.constant("héllo")) == "<tf.Tensor: shape=(), dtype=string, numpy=b'h\\xc3\\xa9llo'>"
    assert tf.constant(np.array(["ab", "c"])).numpy().tolist() == [b"ab", b"c"]


def test_shape_reshapes_same_size():
    assert tf.constant([1, 2, 3, 4], shape=[2, 2]).numpy().tolist() == [[1, 2], [3, 4]]


def test_shape_fills_from_one_element():
    assert tf.constant(1, shape=[2, 3]).numpy().tolist() == [[1] * 3] * 2
    assert tf.constant([5], shape=[3]).numpy().tolist() == [5, 5, 5]


def test_shape_of_a_tensor_reshapes():
    assert tf.constant(tf.constant([1, 2]), shape=[2, 1]).shape == (2, 1)


def test_shape_mismatch_error_text():
    with pytest.raises(TypeError) as e:
        tf.constant([1, 2, 3], shape=[2, 2])
    assert str(e.value) == ("Eager execution of tf.constant with unsupported shape. Tensor [1 2 3] "
                            "(converted from [1, 2, 3]) has 3 elements, but got `shape` (2, 2) with 4 elements).")


def test_negative_shape_error_text():
    with pytest.raises(ValueError, match="^Dimension -1 must be >= 0$"):
        tf.constant(5, shape=[-1])


def test_constant_of_tensor_with_other_dtype_error_text():
    with pytest.raises(TypeError) as e:
        tf.constant(tf.constant([1, 2]), dtype=tf.float32)
    assert str(e.value) == "Expected tensor [1 2] with dtype tf.float32, but got dtype tf.int32."


def test_convert_to_tensor_of_tensor_with_other_dtype_error_text():
    with pytest.raises(ValueError) as e:
        tf.convert_to_tensor(tf.constant(1), dtype=tf.float32)
    assert str(e.value) == ("Tensor conversion requested dtype float32 for Tensor with dtype int32: "
                            "<tf.Tensor: shape=(), dtype=int32, numpy=1>")


def test_dtype_hint_is_only_a_preference():
    assert tf.convert_to_tensor(1.5, dtype_hint=tf.int32).dtype == tf.float32
    assert tf.convert_to_tensor([1, 2], dtype_hint=tf.int64).dtype == tf.int64


def test_is_tensor_accepts_tensors_variables_and_composites_but_not_arrays():
    import numpy as np

    import eagerflow as tf

    slices = tf.IndexedSlices(tf.constant([[1.0, 2.0]]), tf.constant([0]), tf.constant([3, 2]))
    assert tf.is_tensor(slices)  # a composite tensor in TF (Keras's sparse optimizer checks it)
    assert tf.is_tensor(tf.sparse.from_dense([[1.0]])) and tf.is_tensor(tf.ragged.constant([[1], [2, 3]]))
    assert tf.is_tensor(tf.constant(1.0)) and tf.is_tensor(tf.Variable(1.0))
    assert not tf.is_tensor(np.ones(2)) and not tf.is_tensor([1.0])
