"""DType objects, `as_dtype` and equality, checked against what TF 2.21 prints."""
import ml_dtypes
import numpy as np
import pytest

import eagerflow as tf
from eagerflow._src.framework import dtypes


def test_dtype_str_and_repr():
    assert str(tf.float32) == "<dtype: 'float32'>"
    assert repr(tf.float32) == "tf.float32"


@pytest.mark.parametrize("name,enum", [
    ("float32", 1), ("float64", 2), ("int32", 3), ("uint8", 4), ("int16", 5), ("int8", 6),
    ("string", 7), ("complex64", 8), ("int64", 9), ("bool", 10), ("bfloat16", 14),
    ("uint16", 17), ("complex128", 18), ("float16", 19), ("uint32", 22), ("uint64", 23),
    ("float8_e5m2", 24), ("float8_e4m3fn", 25), ("int4", 29), ("uint4", 30), ("int2", 31),
    ("uint2", 32), ("float4_e2m1fn", 33),
])
def test_datatype_enum_matches_tf(name, enum):
    assert dtypes.as_dtype(name).as_datatype_enum == enum
    assert dtypes.as_dtype(enum).name == name


def test_ml_dtypes_back_bfloat16_and_float8():
    assert tf.bfloat16.as_numpy_dtype is ml_dtypes.bfloat16
    assert dtypes.float8_e4m3fn.as_numpy_dtype is ml_dtypes.float8_e4m3fn
    assert tf.as_dtype(np.dtype(ml_dtypes.float8_e5m2)) is dtypes.float8_e5m2


def test_narrow_types_are_not_numeric():
    # TF's C++ is_numeric leaves float8/int4 out.
    assert not dtypes.float8_e5m2.is_numeric and dtypes.float8_e5m2.is_floating
    assert not tf.dtypes.experimental.int4.is_numeric and tf.dtypes.experimental.int4.is_integer


def test_bool_is_not_unsigned():
    assert not tf.bool.is_unsigned and tf.uint8.is_unsigned


def test_min_max():
    assert (tf.int8.min, tf.int8.max) == (-128, 127)
    assert (tf.dtypes.experimental.int4.min, tf.dtypes.experimental.int4.max) == (-8, 7)
    assert repr(tf.bfloat16.max) == "3.38953e+38"
    assert tf.float32.max == np.finfo(np.float32).max


@pytest.mark.parametrize("dt,message", [
    (tf.bool, "Cannot find minimum value of <dtype: 'bool'> with type <dtype: 'bool'>."),
    (tf.qint8, "Cannot find minimum value of <dtype: 'qint8'> with quantized type <dtype: 'qint8'>."),
    (tf.resource, "Cannot find minimum value of <dtype: 'resource'>."),
])
def test_min_error_text(dt, message):
    with pytest.raises(TypeError) as e:
        dt.min
    assert str(e.value) == message


def test_limits_clip_negative():
    assert tf.float32.limits == (0, 1)
    assert tf.int8.limits == (0, 127)
    assert tf.bool.limits == (0, True)


def test_size_and_real_dtype():
    assert (tf.float16.size, tf.complex128.size, tf.string.size) == (2, 16, 0)
    assert tf.complex64.real_dtype is tf.float32 and tf.int32.real_dtype is tf.int32


def test_string_numpy_dtype_is_object():
    assert tf.string.as_numpy_dtype is object


def test_quantized_numpy_dtype_roundtrips():
    assert tf.as_dtype(tf.qint8.as_numpy_dtype) is tf.qint8


@pytest.mark.parametrize("value,expected", [
    ("float", tf.float32), ("half", tf.float16), ("double", tf.float64), (float, tf.float32),
    (bool, tf.bool), (np.str_, tf.string), (np.dtype("U5"), tf.string), (np.dtype("S5"), tf.string),
    (np.int_, tf.int64), (np.float32(1), tf.float32), (True, tf.float32), (np.zeros(2), tf.float64),
])
def test_as_dtype_accepts_what_tf_accepts(value, expected):
    assert tf.as_dtype(value) is expected


@pytest.mark.parametrize("value", [None, int, str, bytes, complex, "foo", 1.5, 100])
def test_as_dtype_rejects_what_tf_rejects(value):
    with pytest.raises(TypeError) as e:
        tf.as_dtype(value)
    assert str(e.value) == f"Cannot convert the argument `type_value`: {value!r} to a TensorFlow DType."


def test_as_dtype_of_tensor_is_type_error():
    with pytest.raises(TypeError, match="Cannot convert the argument"):
        tf.as_dtype(tf.constant(1.0))


def test_equality_with_strings_and_numpy_types():
    assert tf.float32 == "float32" and tf.float32 == "float" and tf.float32 == np.float32
    assert tf.float32 == np.dtype("float32")
    assert tf.float32 != "half" and not (tf.float32 == None)  # noqa: E711
    assert tf.float32 != 3


def test_dtypes_pickle_and_copy_to_the_same_object():
    import copy
    import pickle

    assert pickle.loads(pickle.dumps(tf.float32)) is tf.float32
    assert copy.deepcopy(tf.float32) is tf.float32


def test_dtypes_are_unordered():
    with pytest.raises(TypeError):
        tf.float32 < tf.float64  # noqa: B015
