"""SparseTensors inside tf.function, tf.data and Keras-style traced code: symbolic components,
ops that run when the graph runs, values and gradients as eager."""
import numpy as np
import pytest

import eagerflow as tf

SP = tf.SparseTensor([[0, 1], [2, 0], [2, 2]], [1.0, 2.0, 3.0], (4, 3))
ROWS_SPEC = tf.SparseTensorSpec([None, 3], tf.float32)


def test_sparse_argument_is_symbolic_with_its_dense_shape_as_static_shape():
    seen = []

    @tf.function
    def f(sp):
        seen.append((type(sp.values).__name__, sp.shape.as_list()))
        return sp.values

    f(SP)
    assert seen == [("SymbolicTensor", [4, 3])]


def test_sparse_argument_of_another_dense_shape_retraces():
    traces = []

    @tf.function
    def f(sp):
        traces.append(sp.shape.as_list())
        return tf.sparse.to_dense(sp)

    f(SP)
    out = f(tf.SparseTensor([[4, 1]], [5.0], (5, 3)))
    assert traces == [[4, 3], [5, 3]]
    assert out.numpy()[4, 1] == 5.0


def test_sparse_signature_spec_gives_static_shape_and_values_at_run_time():
    @tf.function(input_signature=[ROWS_SPEC])
    def dense(sp):
        out = tf.sparse.to_dense(sp)
        assert out.shape.as_list() == [None, 3]
        return out

    np.testing.assert_array_equal(dense(SP).numpy(), tf.sparse.to_dense(SP).numpy())


def test_sparse_result_of_function_comes_back_sparse():
    out = tf.function(lambda sp: sp)(SP)
    assert isinstance(out, tf.SparseTensor)
    np.testing.assert_array_equal(out.indices.numpy(), SP.indices.numpy())


def test_traced_fill_empty_rows_matches_eager_with_value_gradients():
    def fill(values):
        sp = tf.SparseTensor(SP.indices, values, SP.dense_shape)
        with tf.GradientTape() as tape:
            tape.watch(values)
            filled, empty = tf.sparse.fill_empty_rows(sp, -1.0)
            loss = tf.reduce_sum(filled.values * tf.range(1.0, 6.0))
        return filled.indices, filled.values, empty, tape.gradient(loss, values)

    traced = tf.function(fill, input_signature=[tf.TensorSpec([None], tf.float32)])
    for got, want in zip(traced(SP.values), fill(SP.values)):
        np.testing.assert_array_equal(got.numpy(), want.numpy())


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_traced_sparse_expand_dims_matches_eager(axis):
    traced = tf.function(lambda sp: tf.sparse.to_dense(tf.sparse.expand_dims(sp, axis)),
                         input_signature=[ROWS_SPEC])
    np.testing.assert_array_equal(traced(SP).numpy(), tf.sparse.to_dense(tf.sparse.expand_dims(SP, axis)).numpy())


def _lookup_reference(table, ids, dense_shape, default_id):
    """NumPy: the mean embedding of each row's non-negative ids, else `default_id`'s row (or zeros)."""
    out = np.zeros(tuple(dense_shape[:-1]) + table.shape[1:], table.dtype)
    rows = {}
    for index, i in zip(map(tuple, ids.indices.numpy()), ids.values.numpy()):
        if i >= 0:
            rows.setdefault(index[:-1], []).append(table[i])
    for position in np.ndindex(*dense_shape[:-1]):
        found = rows.get(position)
        if found:
            out[position] = np.mean(found, axis=0)
        elif default_id is not None:
            out[position] = table[default_id]
    return out


@pytest.mark.parametrize("default_id", [None, 1])
def test_safe_embedding_lookup_sparse_of_rank_3_ids_keeps_leading_dims(default_id):
    table = np.arange(6, dtype=np.float32).reshape(3, 2)
    ids = tf.SparseTensor([[0, 0, 0], [0, 0, 1], [1, 2, 0], [1, 1, 0]], [2, 1, -1, 2], (2, 3, 2))
    out = tf.nn.safe_embedding_lookup_sparse(table, ids, default_id=default_id)
    assert out.shape == (2, 3, 2)
    np.testing.assert_allclose(out.numpy(), _lookup_reference(table, ids, (2, 3, 2), default_id))


def test_traced_safe_embedding_lookup_sparse_matches_eager():
    table = tf.constant(np.arange(6, dtype=np.float32).reshape(3, 2))
    ids = tf.SparseTensor([[0, 0, 0], [1, 2, 0]], [2, 1], (2, 3, 1))

    @tf.function(input_signature=[tf.SparseTensorSpec([None, 3, 1], tf.int32)])
    def lookup(sp):
        out = tf.nn.safe_embedding_lookup_sparse(table, sp, default_id=0)
        assert out.shape.as_list() == [None, None, 2]  # as TF: the leading dims unknown
        return out

    want = tf.nn.safe_embedding_lookup_sparse(table, ids, default_id=0)
    np.testing.assert_array_equal(lookup(ids).numpy(), want.numpy())


def test_embedding_lookup_of_ragged_ids_is_ragged_of_embeddings():
    table = np.arange(6, dtype=np.float32).reshape(3, 2)
    out = tf.nn.embedding_lookup(table, tf.ragged.constant([[0, 2], [1], []]))
    assert isinstance(out, tf.RaggedTensor)
    assert out.to_list() == [[table[0].tolist(), table[2].tolist()], [table[1].tolist()], []]


def test_generator_dataset_yields_sparse_tensors_of_a_sparse_signature():
    ds = tf.data.Dataset.from_generator(lambda: iter([SP]), output_signature=ROWS_SPEC)

    @tf.function
    def first(iterator):
        return tf.sparse.to_dense(next(iterator))

    np.testing.assert_array_equal(first(iter(ds)).numpy(), tf.sparse.to_dense(SP).numpy())


def test_cross_hashed_in_a_dataset_map_matches_eager():
    a = tf.constant([["x"], ["y"]])
    b = tf.constant([[1], [2]], tf.int64)
    want = tf.sparse.to_dense(tf.sparse.cross_hashed([a, b], num_buckets=7))
    ds = tf.data.Dataset.from_tensors((a, b)).map(
        lambda x, y: tf.sparse.to_dense(tf.sparse.cross_hashed([x, y], num_buckets=7)))
    np.testing.assert_array_equal(next(iter(ds)).numpy(), want.numpy())


def test_traced_cross_of_sparse_and_dense_matches_eager():
    sp = tf.SparseTensor([[0, 0], [1, 0], [1, 1]], ["a", "b", "c"], (2, 2))
    dense = tf.constant([["u"], ["v"]])
    want = tf.sparse.cross([sp, dense])
    got = tf.function(lambda s, d: tf.sparse.cross([s, d]))(sp, dense)
    assert got.values.numpy().tolist() == want.values.numpy().tolist() == [b"a_X_u", b"b_X_v", b"c_X_v"]
    np.testing.assert_array_equal(got.indices.numpy(), want.indices.numpy())


def test_sparse_placeholder_has_the_given_static_shape():
    with tf.Graph().as_default():
        sp = tf.compat.v1.sparse_placeholder(tf.float32, shape=(None, 3))
        assert isinstance(sp, tf.SparseTensor)
        assert sp.shape.as_list() == [None, 3]
        assert sp.indices.shape.as_list() == [None, 2]


def test_traced_sparse_transpose_and_reorder_match_eager():
    sp = tf.SparseTensor([[0, 0, 1], [1, 1, 1], [1, 2, 0]], [1.0, 2.0, 3.0], (2, 3, 2))
    traced = tf.function(lambda s: tf.sparse.transpose(s, (0, 2, 1)),
                         input_signature=[tf.SparseTensorSpec([None, 3, 2], tf.float32)])
    got, want = traced(sp), tf.sparse.transpose(sp, (0, 2, 1))
    np.testing.assert_array_equal(got.indices.numpy(), want.indices.numpy())
    np.testing.assert_array_equal(got.values.numpy(), want.values.numpy())
    assert traced.get_concrete_function().structured_outputs.shape.as_list() == [None, 2, 3]


def test_traced_sparse_add_of_two_sparse_matches_eager():
    a = tf.SparseTensor([[0, 1], [1, 0]], [1.0, 2.0], (2, 2))
    b = tf.SparseTensor([[0, 1], [1, 1]], [10.0, 20.0], (2, 2))
    traced = tf.function(lambda x, y: tf.sparse.add(x, y), input_signature=[ROWS_SPEC, ROWS_SPEC])
    a3 = tf.SparseTensor(a.indices, a.values, (2, 3))
    b3 = tf.SparseTensor(b.indices, b.values, (2, 3))
    got, want = traced(a3, b3), tf.sparse.add(a3, b3)
    np.testing.assert_array_equal(tf.sparse.to_dense(got).numpy(), tf.sparse.to_dense(want).numpy())


def test_traced_from_dense_matches_eager():
    x = tf.constant([[0.0, 1.5], [2.0, 0.0]])
    traced = tf.function(lambda t: tf.sparse.from_dense(t), input_signature=[tf.TensorSpec([None, 2])])
    got, want = traced(x), tf.sparse.from_dense(x)
    np.testing.assert_array_equal(got.indices.numpy(), want.indices.numpy())
    np.testing.assert_array_equal(got.values.numpy(), want.values.numpy())


def test_cond_returning_sparse_tensors_in_a_trace():
    @tf.function(input_signature=[ROWS_SPEC, tf.TensorSpec([], tf.bool)])
    def pick(sp, double):
        out = tf.cond(double, lambda: sp.with_values(sp.values * 2.0), lambda: sp)
        return tf.sparse.to_dense(out)

    np.testing.assert_array_equal(pick(SP, True).numpy(), 2.0 * tf.sparse.to_dense(SP).numpy())
    np.testing.assert_array_equal(pick(SP, False).numpy(), tf.sparse.to_dense(SP).numpy())


def test_traced_map_fn_over_sparse_rows_matches_dense_matmul():
    a = tf.SparseTensor([[0, 0, 1], [1, 1, 1], [1, 2, 0]], [1.0, 2.0, 3.0], (2, 3, 2))
    b = tf.constant(np.arange(12, dtype=np.float32).reshape(2, 2, 3))

    @tf.function(input_signature=[tf.SparseTensorSpec([None, 3, 2], tf.float32), tf.TensorSpec([None, 2, 3])])
    def batched(x, y):
        return tf.map_fn(lambda e: tf.sparse.sparse_dense_matmul(e[0], e[1]), elems=(x, y),
                         fn_output_signature=tf.float32)

    np.testing.assert_array_equal(batched(a, b).numpy(), tf.matmul(tf.sparse.to_dense(a), b).numpy())


def test_sparse_tensor_of_a_traced_int32_dim_in_its_shape_tuple():
    @tf.function(input_signature=[tf.TensorSpec([None, 3])])
    def rows(x):
        sp = tf.SparseTensor([[0, 0]], [1.0], (tf.shape(x)[0], 3))  # int32 dim packed as int64
        return sp.dense_shape

    assert rows(tf.zeros([4, 3])).numpy().tolist() == [4, 3]


def test_traced_sparse_concat_matches_eager_with_static_shape():
    a = tf.SparseTensor([[0, 1], [1, 0]], [1.0, 2.0], (2, 2))
    b = tf.SparseTensor([[0, 0], [1, 2]], [3.0, 4.0], (2, 3))

    @tf.function(input_signature=[tf.SparseTensorSpec([None, 2], tf.float32),
                                  tf.SparseTensorSpec([None, 3], tf.float32)])
    def joined(x, y):
        out = tf.sparse.concat(1, [x, y])
        assert out.shape.as_list() == [None, 5]
        return tf.sparse.to_dense(out)

    np.testing.assert_array_equal(joined(a, b).numpy(), tf.sparse.to_dense(tf.sparse.concat(1, [a, b])).numpy())


def test_traced_sparse_retain_keeps_the_entries_chosen_at_run_time():
    keep = tf.function(lambda s, k: tf.sparse.to_dense(tf.sparse.retain(s, k)),
                       input_signature=[ROWS_SPEC, tf.TensorSpec([None], tf.bool)])
    mask = tf.constant([False, True, True])
    np.testing.assert_array_equal(keep(SP, mask).numpy(), tf.sparse.to_dense(tf.sparse.retain(SP, mask)).numpy())


def test_sparse_retain_of_a_mask_of_another_length_is_tfs_error():
    with pytest.raises(ValueError, match="Dimensions 3 and 2 are not compatible"):
        tf.sparse.retain(SP, [True, False])
