"""tf.TensorArraySpec and tf.OptionalSpec: reprs, equality, supertypes, compatibility."""
import pytest

import eagerflow as tf


def test_tensor_array_spec_repr_and_defaults():
    assert repr(tf.TensorArraySpec()) == "TensorArraySpec(TensorShape(None), tf.float32, False, True)"
    assert repr(tf.TensorArraySpec([2], tf.int32, dynamic_size=True, infer_shape=False)) == \
        "TensorArraySpec(TensorShape([2]), tf.int32, True, False)"
    assert isinstance(tf.TensorArraySpec(), tf.TypeSpec)


def test_tensor_array_spec_equality_and_hash():
    a, b = tf.TensorArraySpec([2], tf.float32), tf.TensorArraySpec([2], tf.float32)
    assert a == b and hash(a) == hash(b)
    assert a != tf.TensorArraySpec([3], tf.float32)


def test_tensor_array_spec_compatibility():
    s = tf.TensorArraySpec([2], tf.float32)
    assert s.is_compatible_with(tf.TensorArraySpec([None], tf.float32))
    assert not s.is_compatible_with(tf.TensorArraySpec([2], tf.int32))
    assert not s.is_compatible_with(tf.TensorArraySpec([2], tf.float32, dynamic_size=True))


def test_tensor_array_spec_supertype_keeps_its_own_shape_as_tf():
    s = tf.TensorArraySpec([2], tf.float32)
    assert s.most_specific_common_supertype([tf.TensorArraySpec([3], tf.float32)]) == s
    assert s.most_specific_common_supertype([tf.TensorArraySpec([3], tf.int32)]) is None
    assert s.most_specific_common_supertype([tf.TensorSpec([2])]) is False


def test_type_spec_from_value_of_a_tensor_array():
    ta = tf.TensorArray(tf.int32, size=0, dynamic_size=True, element_shape=[3], infer_shape=False)
    assert tf.type_spec_from_value(ta) == tf.TensorArraySpec([3], tf.int32, True, False)
    ta = tf.TensorArray(tf.float32, size=2).write(0, [1.0, 2.0])
    assert tf.type_spec_from_value(ta) == tf.TensorArraySpec([2], tf.float32)


def test_tensor_array_spec_from_value_refuses_other_values():
    with pytest.raises(TypeError, match="Expected value to be a TensorArray, but got: `<class 'int'>`"):
        tf.TensorArraySpec.from_value(1)


def test_optional_spec_repr_and_value():
    s = tf.OptionalSpec(tf.TensorSpec([2], tf.int32))
    assert repr(s) == "OptionalSpec(TensorSpec(shape=(2,), dtype=tf.int32, name=None),)"
    assert s == tf.OptionalSpec(tf.TensorSpec([2], tf.int32))
    assert hash(s) == hash(tf.OptionalSpec(tf.TensorSpec([2], tf.int32)))


def test_type_spec_from_value_of_an_optional():
    o = tf.experimental.Optional.from_value((1, {"a": 2.0}))
    assert tf.type_spec_from_value(o) == tf.OptionalSpec(
        (tf.TensorSpec([], tf.int32), {"a": tf.TensorSpec([], tf.float32)}))
    empty = tf.experimental.Optional.empty(tf.TensorSpec([], tf.int32))
    assert tf.type_spec_from_value(empty) == tf.OptionalSpec(tf.TensorSpec([], tf.int32))


def test_optional_spec_supertype_and_compatibility():
    s = tf.OptionalSpec(tf.TensorSpec([2], tf.int32))
    assert s.most_specific_common_supertype([tf.OptionalSpec(tf.TensorSpec([3], tf.int32))]) == \
        tf.OptionalSpec(tf.TensorSpec([None], tf.int32))
    assert s.most_specific_common_supertype([tf.OptionalSpec(tf.TensorSpec([3], tf.float32))]) is None
    assert s.is_compatible_with(tf.OptionalSpec(tf.TensorSpec([None], tf.int32)))
    assert s.is_compatible_with(tf.experimental.Optional.from_value(tf.constant([1, 2])))
    assert s.is_subtype_of(tf.OptionalSpec(tf.TensorSpec([None], tf.int32)))
