"""tf.data.DatasetSpec and tf.data.IteratorSpec."""
import eagerflow as tf


def test_dataset_spec_from_value_has_the_element_spec():
    d = tf.data.Dataset.range(3).map(lambda x: (x, tf.cast(x, tf.float32)))
    s = tf.data.DatasetSpec.from_value(d)
    assert s.element_spec == (tf.TensorSpec([], tf.int64), tf.TensorSpec([], tf.float32))
    assert s == tf.data.DatasetSpec((tf.TensorSpec([], tf.int64), tf.TensorSpec([], tf.float32)))
    assert hash(s) == hash(tf.data.DatasetSpec.from_value(d))
    assert s.value_type is tf.data.Dataset


def test_dataset_spec_repr_shows_the_dataset_shape():
    s = tf.data.DatasetSpec(tf.TensorSpec([2], tf.int32), [5])
    assert repr(s) == "DatasetSpec(TensorSpec(shape=(2,), dtype=tf.int32, name=None), TensorShape([5]))"


def test_dataset_spec_of_dict_elements_is_hashable():
    s = tf.data.DatasetSpec({"a": tf.TensorSpec([], tf.string)})
    assert s == tf.data.DatasetSpec({"a": tf.TensorSpec([], tf.string)})
    assert len({s, tf.data.DatasetSpec({"a": tf.TensorSpec([], tf.string)})}) == 1


def test_dataset_spec_compatibility_with_datasets():
    s = tf.data.DatasetSpec(tf.TensorSpec([None], tf.int64))
    assert s.is_compatible_with(tf.data.Dataset.from_tensors([1, 2]).map(lambda x: tf.cast(x, tf.int64)))
    assert not s.is_compatible_with(tf.data.Dataset.range(3))


def test_dataset_spec_supertype_relaxes_element_shapes():
    a = tf.data.DatasetSpec(tf.TensorSpec([2], tf.int32))
    b = tf.data.DatasetSpec(tf.TensorSpec([3], tf.int32))
    assert a.most_specific_common_supertype([b]) == tf.data.DatasetSpec(tf.TensorSpec([None], tf.int32))
    assert a.most_specific_common_supertype([tf.data.DatasetSpec(tf.TensorSpec([2], tf.int64))]) is None


def test_window_element_spec_is_a_dataset_spec():
    spec = tf.data.Dataset.range(4).window(2).element_spec
    assert isinstance(spec, tf.data.DatasetSpec)
    assert spec.element_spec == tf.TensorSpec([], tf.int64)


def test_iterator_spec_from_value_and_equality():
    it = iter(tf.data.Dataset.range(3))
    s = tf.data.IteratorSpec.from_value(it)
    assert s == tf.data.IteratorSpec(tf.TensorSpec([], tf.int64))
    assert repr(s) == "IteratorSpec(TensorSpec(shape=(), dtype=tf.int64, name=None),)"
    assert isinstance(it, s.value_type)


def test_type_spec_from_value_of_a_dataset_and_an_iterator():
    d = tf.data.Dataset.range(3).map(lambda x: (x, x))
    element = (tf.TensorSpec([], tf.int64), tf.TensorSpec([], tf.int64))
    assert tf.type_spec_from_value(d) == tf.data.DatasetSpec(element)
    assert tf.type_spec_from_value(iter(d)) == tf.data.IteratorSpec(element)
