"""tf.lookup tables: lookups, updates and TF's errors (values checked against Python dicts)."""
import importlib.util

import numpy as np
import pytest

import eagerflow as tf


def _need_keras():
    if importlib.util.find_spec("keras") is None:
        pytest.skip("tf.keras needs the keras extra")


def _static(keys=("a", "b", "c"), values=(1, 2, 3), default=-1):
    init = tf.lookup.KeyValueTensorInitializer(list(keys), list(values), tf.string, tf.int64)
    return tf.lookup.StaticHashTable(init, default_value=default)


def test_static_table_looks_up_present_and_absent_keys():
    table = _static()
    got = table.lookup(tf.constant(["c", "zz", "a"])).numpy()
    assert got.tolist() == [3, -1, 1] and got.dtype == np.int64


def test_static_table_keeps_the_keys_shape():
    assert tuple(_static().lookup(tf.constant([["a"], ["b"]])).shape) == (2, 1)


def test_static_table_size_and_export_hold_every_pair():
    table = _static()
    keys, values = table.export()
    assert int(table.size()) == 3
    assert dict(zip(keys.numpy().tolist(), values.numpy().tolist())) == {b"a": 1, b"b": 2, b"c": 3}


def test_static_table_getitem_is_lookup():
    assert int(_static()[tf.constant("b")]) == 2


def test_static_table_ragged_keys_keep_their_rows():
    got = _static().lookup(tf.ragged.constant([["a", "b"], ["q"]]))
    assert got.to_list() == [[1, 2], [-1]]


def test_static_table_wrong_key_dtype_is_type_error():
    with pytest.raises(TypeError, match="Dtype of argument `keys` must be"):
        _static().lookup(tf.constant([1, 2]))


def test_static_table_conflicting_duplicate_key_fails_precondition():
    init = tf.lookup.KeyValueTensorInitializer([1, 1], [1, 2])
    with pytest.raises(tf.errors.FailedPreconditionError, match="different value for same key"):
        tf.lookup.StaticHashTable(init, -1)


def test_static_table_value_count_mismatch_is_invalid_argument():
    init = tf.lookup.KeyValueTensorInitializer([1, 2], [1])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Expected shape \[2\] for value, got \[1\]"):
        tf.lookup.StaticHashTable(init, -1)


def test_static_table_non_scalar_default_is_value_error():
    with pytest.raises(ValueError, match="not compatible"):
        _static(default=[1, 2])


def test_initializer_infers_dtypes_from_values():
    init = tf.lookup.KeyValueTensorInitializer([1, 2], [1.5, 2.5])
    assert (init.key_dtype, init.value_dtype) == (tf.int32, tf.float32)


def test_vocabulary_table_maps_oov_keys_to_hash_buckets():
    vocab = ["emerson", "lake", "palmer"]
    init = tf.lookup.KeyValueTensorInitializer(vocab, tf.range(3, dtype=tf.int64))
    table = tf.lookup.StaticVocabularyTable(init, num_oov_buckets=5)
    words = tf.constant(["lake", "king", "crimson"])
    expected = [1] + (tf.strings.to_hash_bucket_fast(words[1:], 5).numpy() + 3).tolist()
    assert table.lookup(words).numpy().tolist() == expected
    assert int(table.size()) == 8


def test_vocabulary_table_without_initializer_only_hashes():
    table = tf.lookup.StaticVocabularyTable(None, num_oov_buckets=4)
    words = tf.constant(["a", "b"])
    assert table.lookup(words).numpy().tolist() == tf.strings.to_hash_bucket_fast(words, 4).numpy().tolist()


def test_vocabulary_table_needs_buckets():
    with pytest.raises(ValueError, match="`num_oov_buckets` must be > 0"):
        tf.lookup.StaticVocabularyTable(None, 0)


def test_mutable_table_insert_lookup_remove():
    table = tf.lookup.experimental.MutableHashTable(tf.string, tf.int64, default_value=-1)
    table.insert(tf.constant(["a", "b"]), tf.constant([1, 2], tf.int64))
    assert table.lookup(tf.constant(["a", "q"])).numpy().tolist() == [1, -1]
    table.remove(tf.constant(["a"]))
    assert int(table.size()) == 1
    assert table.lookup(tf.constant(["a"])).numpy().tolist() == [-1]


def test_mutable_table_insert_overwrites():
    table = tf.lookup.experimental.MutableHashTable(tf.int64, tf.int64, default_value=0)
    table.insert(tf.constant([7], tf.int64), tf.constant([1], tf.int64))
    table.insert(tf.constant([7], tf.int64), tf.constant([5], tf.int64))
    assert table.lookup(tf.constant([7], tf.int64)).numpy().tolist() == [5]


def test_mutable_table_vector_values():
    table = tf.lookup.experimental.MutableHashTable(tf.int64, tf.float32, default_value=[0.0, 0.0])
    table.insert(tf.constant([1, 2], tf.int64), tf.constant([[1.0, 2.0], [3.0, 4.0]]))
    np.testing.assert_array_equal(table.lookup(tf.constant([2, 9], tf.int64)).numpy(), [[3, 4], [0, 0]])


def test_mutable_table_dynamic_default_values_per_key():
    table = tf.lookup.experimental.MutableHashTable(tf.string, tf.int64, default_value=-1)
    table.insert(tf.constant(["a"]), tf.constant([1], tf.int64))
    got = table.lookup(tf.constant(["a", "q"]), dynamic_default_values=tf.constant([8, 9], tf.int64))
    assert got.numpy().tolist() == [1, 9]


def test_mutable_table_value_shape_mismatch_is_invalid_argument():
    table = tf.lookup.experimental.MutableHashTable(tf.string, tf.int64, default_value=-1)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Expected shape \[1\] for value, got \[2\]"):
        table.insert(tf.constant(["a"]), tf.constant([1, 2], tf.int64))


def test_mutable_table_lookup_inside_function_reads_current_contents():
    table = tf.lookup.experimental.MutableHashTable(tf.string, tf.int64, default_value=-1)

    @tf.function
    def find(keys):
        return table.lookup(keys)

    assert find(tf.constant(["c"])).numpy().tolist() == [-1]
    table.insert(tf.constant(["c"]), tf.constant([7], tf.int64))
    assert find(tf.constant(["c"])).numpy().tolist() == [7]


def test_dense_table_export_holds_every_bucket():
    table = tf.lookup.experimental.DenseHashTable(tf.int64, tf.int64, default_value=-1, empty_key=0,
                                                  deleted_key=-1, initial_num_buckets=8)
    table.insert(tf.constant([1, 2], tf.int64), tf.constant([10, 20], tf.int64))
    keys, values = table.export()
    assert keys.shape == (8, 1)
    pairs = {k: v for k, v in zip(keys.numpy().ravel(), values.numpy().ravel()) if k not in (0, -1)}
    assert pairs == {1: 10, 2: 20}


def test_dense_table_grows_past_load_factor():
    table = tf.lookup.experimental.DenseHashTable(tf.int64, tf.int64, default_value=-1, empty_key=0,
                                                  deleted_key=-1, initial_num_buckets=8)
    table.insert(tf.range(1, 8, dtype=tf.int64), tf.range(7, dtype=tf.int64))
    assert table.export()[0].shape == (16, 1)


def test_dense_table_refuses_reserved_keys():
    table = tf.lookup.experimental.DenseHashTable(tf.int64, tf.int64, default_value=-1, empty_key=0,
                                                  deleted_key=-1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="empty_key as a table key"):
        table.insert(tf.constant([0], tf.int64), tf.constant([1], tf.int64))
    with pytest.raises(tf.errors.InvalidArgumentError, match="deleted_key as a table key"):
        table.lookup(tf.constant([-1], tf.int64))


def test_text_file_initializer_reads_columns(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("emerson 10\nlake 20\npalmer 30\n")
    init = tf.lookup.TextFileInitializer(str(path), tf.string, 0, tf.int64, 1, delimiter=" ")
    table = tf.lookup.StaticHashTable(init, -1)
    assert table.lookup(tf.constant(["lake", "x"])).numpy().tolist() == [20, -1]


def test_text_file_initializer_line_numbers_with_offset(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("a\nb\nc\n")
    init = tf.lookup.TextFileInitializer(str(path), tf.string, tf.lookup.TextFileIndex.WHOLE_LINE, tf.int64,
                                         tf.lookup.TextFileIndex.LINE_NUMBER, value_index_offset=2)
    table = tf.lookup.StaticHashTable(init, -1)
    assert table.lookup(tf.constant(["a", "c"])).numpy().tolist() == [2, 4]


def test_text_file_initializer_checks_arguments():
    with pytest.raises(ValueError, match="`filename` argument required"):
        tf.lookup.TextFileInitializer("", tf.string, 0, tf.int64, 1)
    with pytest.raises(ValueError, match="`key_dtype` must be int64"):
        tf.lookup.TextFileInitializer("f", tf.int32, -1, tf.int64, 1)


def test_keras_string_lookup_runs_on_static_table():
    _need_keras()
    layer = tf.keras.layers.StringLookup(vocabulary=["a", "b", "c"])
    assert layer(tf.constant(["a", "z", "c"])).numpy().tolist() == [1, 0, 3]


def test_keras_integer_lookup_adapts_through_mutable_table():
    _need_keras()
    layer = tf.keras.layers.IntegerLookup()
    layer.adapt(tf.constant([5, 5, 7, 9, 9, 9], tf.int64))
    assert [int(v) for v in layer.get_vocabulary()] == [-1, 9, 5, 7]


def test_dataset_initializer_fills_a_static_table():
    keys = tf.data.Dataset.range(5)
    init = tf.data.experimental.DatasetInitializer(tf.data.Dataset.zip((keys, keys.map(lambda x: x * 10))))
    table = tf.lookup.StaticHashTable(init, -1)
    assert table.lookup(tf.constant([0, 4, 9], tf.int64)).numpy().tolist() == [0, 40, -1]


def test_index_table_from_dataset_hashes_oov_keys_after_vocabulary():
    words = tf.constant(["b", "zz"])
    table = tf.data.experimental.index_table_from_dataset(
        tf.data.Dataset.from_tensor_slices(["a", "b"]), num_oov_buckets=3)
    expected = [1, int(tf.strings.to_hash_bucket_fast(words[1:], 3).numpy()[0]) + 2]
    assert table.lookup(words).numpy().tolist() == expected
    assert int(table.size()) == 5


def test_dataset_initializer_needs_scalar_pairs():
    with pytest.raises(ValueError, match="non-scalar key Tensors of rank 1"):
        tf.data.experimental.DatasetInitializer(tf.data.Dataset.from_tensors(([1], 2)))
