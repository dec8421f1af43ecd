"""SparseTensor: construction, checks and printing as TF 2.21."""
import pytest

import eagerflow as tf


def test_components_and_shape():
    st = tf.SparseTensor([[0, 0], [1, 2]], [1., 2.], [3, 4])
    assert st.indices.dtype == tf.int64 and st.shape.as_list() == [3, 4] and st.dtype == tf.float32


def test_prints_components_as_tensors():
    st = tf.sparse.SparseTensor([[0, 1]], [5], [2, 2])
    assert str(st) == ("SparseTensor(indices=tf.Tensor([[0 1]], shape=(1, 2), dtype=int64), "
                       "values=tf.Tensor([5], shape=(1,), dtype=int32), "
                       "dense_shape=tf.Tensor([2 2], shape=(2,), dtype=int64))")


def test_values_count_mismatch_is_value_error():
    with pytest.raises(ValueError, match="Dimensions 2 and 3 are not compatible"):
        tf.SparseTensor([[0, 0], [1, 2]], [1., 2., 3.], [3, 4])


def test_spec_repr():
    assert repr(tf.SparseTensorSpec([None, 3])) == "SparseTensorSpec(TensorShape([None, 3]), tf.float32)"


def test_with_values_keeps_indices():
    st = tf.SparseTensor([[0, 0], [1, 2]], [1., 2.], [3, 4]).with_values([5., 6.])
    assert st.values.numpy().tolist() == [5., 6.] and st.indices.numpy().tolist() == [[0, 0], [1, 2]]
