"""tf.TypeSpec, tf.TensorSpec, tf.type_spec_from_value and tf.IndexedSlices (expected values are
TensorFlow 2.21's)."""
import pickle

import numpy as np
import pytest

import eagerflow as tf


def test_tensor_spec_repr():
    assert repr(tf.TensorSpec([None, 3])) == "TensorSpec(shape=(None, 3), dtype=tf.float32, name=None)"
    assert repr(tf.TensorSpec([], "float64", name="a")) == "TensorSpec(shape=(), dtype=tf.float64, name='a')"
    assert str(tf.TensorSpec(None, tf.int32)) == "TensorSpec(shape=<unknown>, dtype=tf.int32, name=None)"


def test_tensor_spec_properties():
    spec = tf.TensorSpec([None, 3], name="x")
    assert spec.shape == tf.TensorShape([None, 3]) and spec.dtype == tf.float32 and spec.name == "x"
    assert spec.value_type is tf.Tensor
    assert isinstance(spec, tf.TypeSpec)


def test_tensor_spec_bad_dtype():
    with pytest.raises(TypeError):
        tf.TensorSpec([1], "foo")


def test_tensor_spec_equality_and_hash_ignore_name_in_hash_only():
    a, b, c = tf.TensorSpec([None, 3]), tf.TensorSpec([None, 3]), tf.TensorSpec([None, 3], name="q")
    assert a == b and hash(a) == hash(b)
    assert a != c and hash(a) == hash(c)
    assert a != tf.TensorSpec([None, 3], tf.int32)


def test_tensor_spec_is_compatible_with_tensors_and_specs():
    spec = tf.TensorSpec([None, 3])
    assert spec.is_compatible_with(tf.constant(np.zeros((2, 3), np.float32)))
    assert not spec.is_compatible_with(tf.constant(np.zeros((2, 3))))
    assert not spec.is_compatible_with(np.zeros((2, 3), np.float32))  # TF: only tensors and specs
    assert spec.is_compatible_with(tf.TensorSpec([2, 3]))
    assert spec.is_compatible_with(tf.TensorSpec([None, 3], name="x"))


def test_most_specific_common_supertype():
    spec = tf.TensorSpec([2, 3])
    assert spec.most_specific_common_supertype([tf.TensorSpec([4, 3])]) == tf.TensorSpec([None, 3])
    assert spec.most_specific_common_supertype([tf.TensorSpec([4])]) == tf.TensorSpec(None)
    assert spec.most_specific_common_supertype([tf.TensorSpec([4, 3], name="x")]) is None
    assert spec.most_specific_common_supertype([tf.TensorSpec([4, 3], tf.int32)]) is None


def test_is_subtype_of():
    assert tf.TensorSpec([2, 3]).is_subtype_of(tf.TensorSpec([None, 3]))
    assert not tf.TensorSpec([None, 3]).is_subtype_of(tf.TensorSpec([2, 3]))
    assert tf.TensorSpec([2, 3]).is_subtype_of(tf.TensorSpec(None))


def test_from_spec_and_from_tensor():
    assert repr(tf.TensorSpec.from_spec(tf.TensorSpec([None, 3]), name="z")) == \
        "TensorSpec(shape=(None, 3), dtype=tf.float32, name='z')"
    assert tf.TensorSpec.from_tensor(tf.constant(1.0), name="z") == tf.TensorSpec([], tf.float32, "z")


def test_from_tensor_rejects_non_tensors():
    with pytest.raises(ValueError, match="^`tensor` should be a tf.Tensor, but got type <class 'int'>.$"):
        tf.TensorSpec.from_tensor(3)


def test_type_spec_from_value():
    assert tf.type_spec_from_value(tf.constant([1, 2])) == tf.TensorSpec([2], tf.int32)
    assert tf.type_spec_from_value(np.zeros(2)) == tf.TensorSpec([2], tf.float64)
    assert tf.type_spec_from_value(3) == tf.TensorSpec([], tf.int32)
    assert tf.type_spec_from_value("a") == tf.TensorSpec([], tf.string)
    assert repr(tf.type_spec_from_value(tf.Variable(1.0))) == \
        "VariableSpec(shape=(), dtype=tf.float32, trainable=True, alias_id=None)"


def test_type_spec_from_value_unsupported():
    with pytest.raises(TypeError, match="^Could not build a TypeSpec for .* of unsupported type <class 'object'>.$"):
        tf.type_spec_from_value(object())


def test_tensor_spec_pickles():
    spec = tf.TensorSpec([None, 2], tf.int64, "n")
    assert pickle.loads(pickle.dumps(spec)) == spec


# --- IndexedSlices -------------------------------------------------------------------------------
def _slices():
    return tf.IndexedSlices(tf.constant([[1.0, 2.0], [3.0, 4.0]]), tf.constant([2, 0]), tf.constant([3, 2]))


def test_indexed_slices_properties():
    s = _slices()
    assert s.dtype == tf.float32 and s.shape == tf.TensorShape([3, 2])
    assert s.device.endswith("CPU:0")
    assert s.values.shape == (2, 2) and s.indices.numpy().tolist() == [2, 0]


def test_indexed_slices_str():
    s = tf.IndexedSlices(tf.constant([1.0]), tf.constant([0]))
    assert str(s) == ("IndexedSlices(indices=tf.Tensor([0], shape=(1,), dtype=int32), "
                      "values=tf.Tensor([1.], shape=(1,), dtype=float32))")


def test_indexed_slices_converts_to_dense():
    s = tf.IndexedSlices(tf.constant([[1.0, 2.0], [3.0, 4.0], [1.0, 1.0]]), tf.constant([2, 0, 2]), tf.constant([3, 2]))
    dense = tf.convert_to_tensor(s)
    np.testing.assert_array_equal(dense.numpy(), [[3.0, 4.0], [0.0, 0.0], [2.0, 3.0]])


def test_indexed_slices_without_dense_shape_does_not_convert():
    with pytest.raises(ValueError, match="Tensor conversion requested for IndexedSlices without dense_shape"):
        tf.convert_to_tensor(tf.IndexedSlices(tf.constant([1.0]), tf.constant([0])))


def test_indexed_slices_in_ops_densify():
    out = _slices() * 2.0 if hasattr(tf.IndexedSlices, "__mul__") else tf.multiply(_slices(), 2.0)
    np.testing.assert_array_equal(out.numpy(), [[6.0, 8.0], [0.0, 0.0], [2.0, 4.0]])


def test_indexed_slices_negation():
    assert (-_slices()).values.numpy().tolist() == [[-1.0, -2.0], [-3.0, -4.0]]


def test_indexed_slices_type_spec():
    assert repr(_slices()._type_spec) == \
        "IndexedSlicesSpec(TensorShape([3, 2]), tf.float32, tf.int32, tf.int32, TensorShape([2]))"


def test_indexed_slices_spec_default_repr():
    assert repr(tf.IndexedSlicesSpec()) == \
        "IndexedSlicesSpec(TensorShape(None), tf.float32, tf.int64, None, TensorShape([None]))"


# --- gather's gradient is sparse, as TF's -------------------------------------------------------
def test_gather_gradient_of_variable_is_indexed_slices():
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.gather(v, [[0, 2]]))
    g = tape.gradient(y, v)
    assert isinstance(g, tf.IndexedSlices)
    assert g.indices.numpy().tolist() == [0, 2] and g.values.shape == (2, 2)
    assert g.dense_shape.numpy().tolist() == [3, 2] and g.dense_shape.dtype == tf.int32


def test_two_sparse_gradients_concatenate_in_forward_order():
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.gather(v, [[0, 2]])) + tf.reduce_sum(tf.gather(v, [1]))
    g = tape.gradient(y, v)
    assert g.indices.numpy().tolist() == [0, 2, 1]


def test_sparse_plus_dense_gradient_is_dense():
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.gather(v, [0])) + tf.reduce_sum(v)
    g = tape.gradient(y, v)
    assert type(g) is not tf.IndexedSlices
    np.testing.assert_array_equal(g.numpy(), [[2.0, 2.0], [1.0, 1.0], [1.0, 1.0]])


def test_gather_on_other_axis_gives_dense_gradient():
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.gather(v, [0, 0], axis=1))
    g = tape.gradient(y, v)
    np.testing.assert_array_equal(g.numpy(), [[2.0, 0.0], [2.0, 0.0]])


def test_sparse_gradient_flows_densely_into_earlier_ops():
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.gather(x * 2.0, [0, 0]))
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [[4.0, 4.0], [0.0, 0.0]])


def test_second_order_through_sparse_gradient():
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.reduce_sum(tf.gather(x, [0]) ** 3)
        g = inner.gradient(y, x)
    h = tf.convert_to_tensor(outer.gradient(g, x))
    np.testing.assert_allclose(h.numpy(), [[6.0, 12.0], [0.0, 0.0]])


@pytest.mark.parametrize("make", [lambda: tf.optimizers.SGD(0.1), lambda: tf.optimizers.Adam(0.1)])
def test_optimizers_apply_sparse_gradients(make):
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    w = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.gather(v, [1])) + tf.reduce_sum(tf.gather(w, [1]) * 0.0)
    g = tape.gradient(y, v)
    make().apply_gradients([(g, v)])
    make().apply_gradients([(tf.convert_to_tensor(g), w)])
    np.testing.assert_allclose(v.numpy(), w.numpy())
    assert v.numpy()[0].tolist() == [1.0, 2.0]
