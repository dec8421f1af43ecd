"""group_by_reducer (Reducer), dense_to_ragged_batch, dense_to_sparse_batch."""
import pytest

import eagerflow as tf

SUM = tf.data.experimental.Reducer(lambda k: tf.constant(0, tf.int64), lambda s, x: s + x, lambda s: s)


def test_group_by_reducer_gives_one_result_per_key_in_key_order():
    d = tf.data.Dataset.range(10).apply(tf.data.experimental.group_by_reducer(lambda x: (12 - x) % 4, SUM))
    # keys: 0 <- 0,4,8; 1 <- 3,7; 2 <- 2,6; 3 <- 1,5,9
    assert [int(x) for x in d] == [12, 10, 8, 15]


def test_group_by_reducer_finalize_unpacks_a_tuple_state():
    reducer = tf.data.experimental.Reducer(lambda k: (k, tf.constant(0, tf.int64)),
                                           lambda s, x: (s[0], s[1] + 1), lambda k, n: {"k": k, "n": n})
    d = tf.data.Dataset.range(5).apply(tf.data.experimental.group_by_reducer(lambda x: x % 2, reducer))
    assert [(int(e["k"]), int(e["n"])) for e in d] == [(0, 3), (1, 2)]


def test_group_by_reducer_state_shape_relaxes():
    reducer = tf.data.experimental.Reducer(lambda k: tf.zeros([0], tf.int64),
                                           lambda s, x: tf.concat([s, [x]], 0), lambda s: s)
    d = tf.data.Dataset.range(5).apply(tf.data.experimental.group_by_reducer(lambda x: x % 2, reducer))
    assert d.element_spec == tf.TensorSpec([None], tf.int64)
    assert [x.numpy().tolist() for x in d] == [[0, 2, 4], [1, 3]]


def test_group_by_reducer_key_must_be_int64_scalar():
    with pytest.raises(ValueError, match="Expected `key_func` to return a scalar tf.int64 tensor"):
        tf.data.Dataset.range(3).apply(
            tf.data.experimental.group_by_reducer(lambda x: tf.cast(x, tf.int32), SUM))


def test_group_by_reducer_state_type_must_not_change():
    reducer = tf.data.experimental.Reducer(lambda k: tf.constant(0, tf.int32),
                                           lambda s, x: tf.cast(x, tf.float32), lambda s: s)
    with pytest.raises(TypeError, match="do not match the element types of the old state"):
        tf.data.Dataset.range(3).apply(tf.data.experimental.group_by_reducer(lambda x: x, reducer))


def test_group_by_reducer_iterates_inside_tf_function():
    d = tf.data.Dataset.range(6).apply(tf.data.experimental.group_by_reducer(lambda x: x % 2, SUM))

    @tf.function
    def total():
        s = tf.constant(0, tf.int64)
        for x in d:
            s += x
        return s

    assert int(total()) == 15


def test_dense_to_ragged_batch_is_ragged_batch():
    v = tf.data.Dataset.range(5).map(lambda x: tf.fill([x % 3], x))
    d = v.apply(tf.data.experimental.dense_to_ragged_batch(3, row_splits_dtype=tf.int32))
    assert [b.to_list() for b in d] == [[[], [1], [2, 2]], [[], [4]]]
    assert d.element_spec.row_splits_dtype == tf.int32


def test_dense_to_sparse_batch_holds_every_entry():
    v = tf.data.Dataset.range(3).map(lambda x: tf.fill([x], x))
    (b,) = list(v.apply(tf.data.experimental.dense_to_sparse_batch(3, [4])))
    assert b.indices.numpy().tolist() == [[1, 0], [2, 0], [2, 1]]
    assert b.values.numpy().tolist() == [1, 2, 2]
    assert b.dense_shape.numpy().tolist() == [3, 4]


def test_dense_to_sparse_batch_unknown_row_dimension_is_the_batch_maximum():
    v = tf.data.Dataset.range(2).map(lambda x: tf.fill([x + 1], x))
    (b,) = list(v.apply(tf.data.experimental.dense_to_sparse_batch(2, [None])))
    assert b.dense_shape.numpy().tolist() == [2, 2]


def test_dense_to_sparse_batch_larger_element_is_data_loss():
    v = tf.data.Dataset.range(3).map(lambda x: tf.fill([x], x))
    with pytest.raises(tf.errors.DataLossError, match=r"had shape \(\[2\]\) that is larger than the row shape \(\[1\]\)"):
        list(v.apply(tf.data.experimental.dense_to_sparse_batch(3, [1])))
