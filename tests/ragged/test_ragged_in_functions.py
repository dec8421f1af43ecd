"""RaggedTensor inside tf.function, tf.data and across function boundaries (traced, not eager)."""
import numpy as np
import pytest

import eagerflow as tf

STRINGS = tf.TensorSpec([None], tf.string)
RAGGED_INT = tf.RaggedTensorSpec([None, None], tf.int64)
RAGGED_FLOAT = tf.RaggedTensorSpec([None, None], tf.float32)


def test_split_to_tensor_with_shape_in_function():
    @tf.function(input_signature=[STRINGS])
    def f(s):
        return tf.strings.split(s).to_tensor(default_value="", shape=[None, 4])

    out = f(tf.constant(["a b", "c d e f g"]))
    assert out.numpy().tolist() == [[b"a", b"b", b"", b""], [b"c", b"d", b"e", b"f"]]


def test_traced_ragged_shape_has_unknown_rows():
    shapes = []

    @tf.function(input_signature=[STRINGS])
    def f(s):
        rt = tf.strings.split(s)
        shapes.append(rt.shape)
        return rt.flat_values

    f.get_concrete_function()
    assert shapes[0].as_list() == [None, None]


def test_ragged_returned_from_function_is_eager_ragged():
    @tf.function(input_signature=[STRINGS])
    def f(s):
        return tf.strings.split(s)

    out = f(tf.constant(["a b", "c"]))
    assert isinstance(out, tf.RaggedTensor)
    assert out.to_list() == [[b"a", b"b"], [b"c"]]


def test_ragged_argument_with_ragged_tensor_spec():
    @tf.function(input_signature=[RAGGED_INT])
    def f(rt):
        return rt.row_lengths(), rt.nrows()

    lengths, nrows = f(tf.ragged.constant([[1, 2, 3], [], [4]], dtype=tf.int64))
    assert lengths.numpy().tolist() == [3, 0, 1]
    assert int(nrows) == 3


def test_ragged_argument_without_signature_reuses_trace_for_same_spec():
    @tf.function
    def f(rt):
        return rt * 2

    a = f(tf.ragged.constant([[1, 2], [3]]))
    b = f(tf.ragged.constant([[4], [5, 6]]))
    assert a.to_list() == [[2, 4], [6]] and b.to_list() == [[8], [10, 12]]
    assert f.experimental_get_tracing_count() == 1


def test_concrete_function_structured_outputs_hold_ragged():
    @tf.function(input_signature=[RAGGED_FLOAT])
    def f(rt):
        return rt + 1.0

    out = f.get_concrete_function().structured_outputs
    assert isinstance(out, tf.RaggedTensor)
    assert out.shape.as_list() == [None, None]


def test_from_row_splits_of_traced_tensors():
    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32), tf.TensorSpec([None], tf.int64)])
    def f(values, splits):
        return tf.RaggedTensor.from_row_splits(values, splits).to_tensor()

    out = f(tf.constant([1.0, 2.0, 3.0]), tf.constant([0, 2, 3], tf.int64))
    assert out.numpy().tolist() == [[1.0, 2.0], [3.0, 0.0]]


def test_from_value_rowids_of_traced_tensors():
    @tf.function(input_signature=[tf.TensorSpec([None], tf.int32), tf.TensorSpec([None], tf.int64)])
    def f(values, ids):
        return tf.RaggedTensor.from_value_rowids(values, ids, nrows=4).row_lengths()

    out = f(tf.constant([1, 2, 3]), tf.constant([0, 0, 2], tf.int64))
    assert out.numpy().tolist() == [2, 0, 1, 0]


def test_from_row_lengths_of_traced_tensors():
    @tf.function(input_signature=[tf.TensorSpec([None], tf.int32), tf.TensorSpec([None], tf.int64)])
    def f(values, lengths):
        return tf.RaggedTensor.from_row_lengths(values, lengths).row_splits

    out = f(tf.constant([1, 2, 3]), tf.constant([1, 0, 2], tf.int64))
    assert out.numpy().tolist() == [0, 1, 1, 3]


def test_value_rowids_in_function():
    @tf.function(input_signature=[RAGGED_INT])
    def f(rt):
        return rt.value_rowids()

    assert f(tf.ragged.constant([[1, 2], [], [3]], dtype=tf.int64)).numpy().tolist() == [0, 0, 2]


def test_captured_ragged_constant():
    rt = tf.ragged.constant([[1.0, 2.0], [3.0]])

    @tf.function
    def f(x):
        return tf.reduce_sum(rt * x, axis=1)

    assert f(tf.constant(2.0)).numpy().tolist() == [6.0, 6.0]


def test_with_flat_values_and_map_flat_values_in_function():
    @tf.function(input_signature=[RAGGED_FLOAT])
    def f(rt):
        doubled = rt.with_flat_values(rt.flat_values * 2.0)
        return tf.ragged.map_flat_values(tf.add, doubled, 1.0)

    assert f(tf.ragged.constant([[1.0], [2.0, 3.0]])).to_list() == [[3.0], [5.0, 7.0]]


@pytest.mark.parametrize("reduce, expected", [(tf.reduce_sum, [3.0, 0.0, 4.0]),
                                              (tf.reduce_mean, [1.5, np.nan, 4.0]),
                                              (tf.reduce_max, [2.0, -np.finfo(np.float32).max, 4.0])])
def test_row_reductions_in_function(reduce, expected):
    @tf.function(input_signature=[RAGGED_FLOAT])
    def f(rt):
        return reduce(rt, axis=1)

    out = f(tf.ragged.constant([[1.0, 2.0], [], [4.0]], dtype=tf.float32)).numpy()
    np.testing.assert_allclose(out, np.asarray(expected, np.float32))


def test_reduce_inner_ragged_axis_of_ragged_rank_two_in_function():
    spec = tf.RaggedTensorSpec([None, None, None], tf.int32)

    @tf.function(input_signature=[spec])
    def f(rt):
        return tf.reduce_sum(rt, axis=1)

    out = f(tf.ragged.constant([[[1, 2], [3]], [[4]]]))
    assert out.to_list() == [[4, 2], [4]]


def test_concat_axis0_and_axis1_in_function():
    @tf.function(input_signature=[RAGGED_INT, RAGGED_INT])
    def f(a, b):
        return tf.concat([a, b], axis=0), tf.concat([a, b], axis=1)

    a = tf.ragged.constant([[1], [2, 3]], dtype=tf.int64)
    b = tf.ragged.constant([[4, 5], []], dtype=tf.int64)
    rows, joined = f(a, b)
    assert rows.to_list() == [[1], [2, 3], [4, 5], []]
    assert joined.to_list() == [[1, 4, 5], [2, 3]]


def test_stack_axis0_and_axis1_in_function():
    @tf.function(input_signature=[RAGGED_INT, RAGGED_INT])
    def f(a, b):
        return tf.stack([a, b], axis=0), tf.stack([a, b], axis=1)

    a = tf.ragged.constant([[1], [2, 3]], dtype=tf.int64)
    b = tf.ragged.constant([[4, 5], []], dtype=tf.int64)
    outer, inner = f(a, b)
    assert outer.to_list() == [[[1], [2, 3]], [[4, 5], []]]
    assert inner.to_list() == [[[1], [4, 5]], [[2, 3], []]]


def test_ngrams_of_split_in_function():
    @tf.function(input_signature=[STRINGS])
    def f(s):
        return tf.strings.ngrams(tf.strings.split(s), 2)

    assert f(tf.constant(["a b c", "d"])).to_list() == [[b"a b", b"b c"], []]


def test_bincount_of_ragged_rows_in_function():
    @tf.function(input_signature=[RAGGED_INT])
    def f(rt):
        return tf.math.bincount(rt, axis=-1, minlength=4, maxlength=4, binary_output=True)

    out = f(tf.ragged.constant([[1, 1, 3], [0]], dtype=tf.int64))
    assert out.numpy().tolist() == [[0, 1, 0, 1], [1, 0, 0, 0]]


def test_bincount_of_ragged_rows_eagerly_counts():
    out = tf.math.bincount(tf.ragged.constant([[1, 1, 3], [0]]), axis=-1)
    assert out.numpy().tolist() == [[0, 2, 0, 1], [1, 0, 0, 0]]


def test_getitem_row_and_slice_in_function():
    @tf.function(input_signature=[RAGGED_INT])
    def f(rt):
        return rt[1], rt[1:], rt[:, :1]

    row, tail, firsts = f(tf.ragged.constant([[1, 2], [3, 4, 5], []], dtype=tf.int64))
    assert row.numpy().tolist() == [3, 4, 5]
    assert tail.to_list() == [[3, 4, 5], []]
    assert firsts.to_list() == [[1], [3], []]


def test_gather_rows_in_function():
    @tf.function(input_signature=[RAGGED_INT, tf.TensorSpec([None], tf.int32)])
    def f(rt, idx):
        return tf.gather(rt, idx)

    out = f(tf.ragged.constant([[1], [2, 3], []], dtype=tf.int64), tf.constant([2, 1, 1]))
    assert out.to_list() == [[], [2, 3], [2, 3]]


def test_ragged_range_in_function():
    @tf.function(input_signature=[tf.TensorSpec([None], tf.int64)])
    def f(limits):
        return tf.ragged.range(limits)

    assert f(tf.constant([2, 0, 3], tf.int64)).to_list() == [[0, 1], [], [0, 1, 2]]


def test_to_sparse_in_function():
    @tf.function(input_signature=[RAGGED_INT])
    def f(rt):
        st = rt.to_sparse()
        return st.indices, st.dense_shape

    indices, shape = f(tf.ragged.constant([[7], [8, 9]], dtype=tf.int64))
    assert indices.numpy().tolist() == [[0, 0], [1, 0], [1, 1]]
    assert shape.numpy().tolist() == [2, 2]


def test_tf_shape_of_ragged_gives_uniform_dims_only():
    rt = tf.ragged.constant([[1, 2], [3]])
    shape = tf.shape(rt)
    assert int(shape[0]) == 2
    with pytest.raises(ValueError, match="Index 1 is not uniform"):
        shape[1]


def test_to_tensor_gradient_in_function_reaches_values():
    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32), tf.TensorSpec([None], tf.int64)])
    def f(values, splits):
        with tf.GradientTape() as tape:
            tape.watch(values)
            dense = tf.RaggedTensor.from_row_splits(values, splits).to_tensor(shape=[None, 2])
            loss = tf.reduce_sum(dense * tf.constant([[1.0, 10.0]]))
        return tape.gradient(loss, values)

    grad = f(tf.constant([1.0, 2.0, 3.0, 4.0]), tf.constant([0, 3, 4], tf.int64))
    assert grad.numpy().tolist() == [1.0, 10.0, 0.0, 1.0]


def test_to_tensor_second_order_gradient_eagerly():
    values = tf.constant([1.0, 2.0, 3.0])
    with tf.GradientTape() as outer:
        outer.watch(values)
        with tf.GradientTape() as inner:
            inner.watch(values)
            dense = tf.RaggedTensor.from_row_splits(values, [0, 2, 3]).to_tensor()
            y = tf.reduce_sum(dense ** 3)
        g = inner.gradient(y, values)
    assert outer.gradient(g, values).numpy().tolist() == [6.0, 12.0, 18.0]


def test_dataset_map_splits_batches_into_ragged_elements():
    ds = tf.data.Dataset.from_tensor_slices(["a b", "c"]).batch(2).map(tf.strings.split)
    assert isinstance(ds.element_spec, tf.RaggedTensorSpec)
    assert [x.to_list() for x in ds] == [[[b"a", b"b"], [b"c"]]]


def test_dataset_map_of_library_function_on_scalars_gives_dense_tokens():
    ds = tf.data.Dataset.from_tensor_slices(["a b", "c"]).map(tf.strings.split)
    assert [x.numpy().tolist() for x in ds] == [[b"a", b"b"], [b"c"]]


def test_ragged_elements_batch_and_map_in_dataset():
    ds = tf.data.Dataset.from_tensor_slices(["a b c", "d", "e f"]).map(lambda s: tf.strings.split(s))
    ds = ds.ragged_batch(2).map(lambda rt: rt.row_lengths())
    assert [x.numpy().tolist() for x in ds] == [[3, 1], [2]]


def test_dataset_map_over_batched_strings_pads_tokens():
    ds = tf.data.Dataset.from_tensor_slices(["a b c", "d"]).batch(2).map(
        lambda s: tf.strings.split(s).to_tensor(default_value="-"))
    assert [x.numpy().tolist() for x in ds] == [[[b"a", b"b", b"c"], [b"d", b"-", b"-"]]]


def test_unicode_split_in_function():
    @tf.function(input_signature=[STRINGS])
    def f(s):
        return tf.strings.unicode_split(s, "UTF-8")

    assert f(tf.constant(["hé", "x"])).to_list() == [[b"h", "é".encode()], [b"x"]]


def test_to_list_of_traced_ragged_raises_tf_error():
    @tf.function(input_signature=[STRINGS])
    def f(s):
        return tf.strings.split(s).to_list()

    with pytest.raises(ValueError, match="to_list can only be used in eager mode"):
        f.get_concrete_function()


def test_ragged_boolean_mask_in_function():
    @tf.function(input_signature=[RAGGED_INT])
    def f(rt):
        return tf.ragged.boolean_mask(rt, rt > 1)

    assert f(tf.ragged.constant([[1, 2], [3, 0]], dtype=tf.int64)).to_list() == [[2], [3]]


def test_merge_dims_of_traced_split_flattens_tokens():
    @tf.function(input_signature=[STRINGS])
    def f(s):
        return tf.strings.split(s).merge_dims(0, -1)

    assert f(tf.constant(["a b", "c"])).numpy().tolist() == [b"a", b"b", b"c"]


def test_stack_dynamic_partitions_in_function():
    @tf.function(input_signature=[tf.TensorSpec([None], tf.int32)])
    def f(x):
        return tf.ragged.stack_dynamic_partitions(x, x % 2, 2)

    assert f(tf.constant([1, 2, 3, 4, 5])).to_list() == [[2, 4], [1, 3, 5]]


def test_reduce_join_of_ragged_rows_in_function():
    @tf.function(input_signature=[tf.RaggedTensorSpec([None, None], tf.string)])
    def f(rt):
        return tf.strings.reduce_join(rt, axis=-1, separator="-")

    assert f(tf.ragged.constant([["a", "b"], ["c"]])).numpy().tolist() == [b"a-b", b"c"]


def test_dense_column_broadcasts_into_traced_rows():
    @tf.function(input_signature=[RAGGED_FLOAT, tf.TensorSpec([None], tf.float32)])
    def f(rt, d):
        return rt + tf.expand_dims(d, 1)

    out = f(tf.ragged.constant([[1.0, 2.0], [3.0]]), tf.constant([10.0, 20.0]))
    assert out.to_list() == [[11.0, 12.0], [23.0]]
