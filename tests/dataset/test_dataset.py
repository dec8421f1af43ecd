"""tf.data.Dataset: sources, transformations, iteration protocol, specs and cardinality."""
import numpy as np
import pytest

import eagerflow as tf


def _plain(v):
    if isinstance(v, tuple):
        return tuple(_plain(x) for x in v)
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    return np.asarray(v).tolist()


def _values(ds):
    return [_plain(v) for v in ds.as_numpy_iterator()]


def test_from_tensor_slices_dict_spec_repr():
    ds = tf.data.Dataset.from_tensor_slices({"a": [1, 2], "b": [[1.0, 2.0], [3.0, 4.0]]})
    assert repr(ds) == ("<_TensorSliceDataset element_spec={'a': TensorSpec(shape=(), dtype=tf.int32, "
                        "name=None), 'b': TensorSpec(shape=(2,), dtype=tf.float32, name=None)}>")


def test_batch_spec_has_unknown_batch_dim_unless_dropping():
    ds = tf.data.Dataset.range(5)
    assert repr(ds.batch(2).element_spec) == "TensorSpec(shape=(None,), dtype=tf.int64, name=None)"
    assert repr(ds.batch(2, drop_remainder=True).element_spec) == "TensorSpec(shape=(2,), dtype=tf.int64, name=None)"


def test_batch_values_and_remainder():
    assert _values(tf.data.Dataset.range(5).batch(2)) == [[0, 1], [2, 3], [4]]
    assert _values(tf.data.Dataset.range(5).batch(2, drop_remainder=True)) == [[0, 1], [2, 3]]


def test_next_raises_stop_iteration_and_get_next_out_of_range():
    it = iter(tf.data.Dataset.range(1))
    assert int(next(it)) == 0
    with pytest.raises(StopIteration):
        next(it)
    it = iter(tf.data.Dataset.range(0))
    with pytest.raises(tf.errors.OutOfRangeError, match="End of sequence"):
        it.get_next()


def test_get_next_as_optional():
    it = iter(tf.data.Dataset.range(1))
    first = it.get_next_as_optional()
    assert bool(first.has_value()) and int(first.get_value()) == 0
    assert not bool(it.get_next_as_optional().has_value())


def test_cardinality_constants():
    ds = tf.data.Dataset.range(5)
    assert int(ds.cardinality()) == 5
    assert int(ds.repeat().cardinality()) == tf.data.INFINITE_CARDINALITY
    assert int(ds.filter(lambda x: x > 1).cardinality()) == tf.data.UNKNOWN_CARDINALITY
    assert int(ds.batch(2).cardinality()) == 3


def test_map_filter_take_skip_repeat():
    ds = tf.data.Dataset.range(10).map(lambda x: x * 2).filter(lambda x: x % 3 == 0)
    assert _values(ds) == [0, 6, 12, 18]
    assert _values(ds.skip(1).take(2).repeat(2)) == [6, 12, 6, 12]


def test_map_tuple_unpacks_arguments():
    ds = tf.data.Dataset.from_tensor_slices(([1, 2], [10, 20])).map(lambda a, b: a + b)
    assert _values(ds) == [11, 22]


def test_parallel_map_keeps_order():
    ds = tf.data.Dataset.range(50).map(lambda x: x + 1, num_parallel_calls=tf.data.AUTOTUNE)
    assert _values(ds) == list(range(1, 51))


def test_parallel_map_error_reaches_consumer_with_its_class():
    def boom(x):  # traced, as TF traces map functions: the check runs per element
        tf.debugging.assert_none_equal(x, tf.constant(3, tf.int64), message="bad element")
        return x
    ds = tf.data.Dataset.range(10).map(boom, num_parallel_calls=4)
    with pytest.raises(tf.errors.InvalidArgumentError, match="bad element"):
        list(ds)


def test_prefetch_stops_its_thread():
    import threading

    before = threading.active_count()
    it = iter(tf.data.Dataset.range(1000).prefetch(4))
    next(it)
    it._close()
    assert threading.active_count() == before


def test_interleave_order_matches_tf_algorithm():
    ds = tf.data.Dataset.range(1, 4).interleave(
        lambda x: tf.data.Dataset.from_tensors(x).repeat(x), cycle_length=2, block_length=1)
    assert _values(ds) == [1, 2, 2, 3, 3, 3]


def test_flat_map_and_unbatch():
    ds = tf.data.Dataset.from_tensor_slices([[1, 2], [3, 4]])
    assert _values(ds.flat_map(tf.data.Dataset.from_tensor_slices)) == [1, 2, 3, 4]
    assert _values(ds.unbatch()) == [1, 2, 3, 4]


def test_padded_batch_pads_to_longest():
    ds = tf.data.Dataset.range(1, 4).map(lambda x: tf.fill([x], x)).padded_batch(2)
    assert _values(ds) == [[[1, 0], [2, 2]], [[3, 3, 3]]]


def test_zip_concatenate_enumerate():
    a, b = tf.data.Dataset.range(3), tf.data.Dataset.range(10, 12)
    assert _values(tf.data.Dataset.zip((a, b))) == [(0, 10), (1, 11)]
    assert _values(a.concatenate(b)) == [0, 1, 2, 10, 11]
    assert _values(b.enumerate()) == [(0, 10), (1, 11)]


def test_window_then_batch():
    ds = tf.data.Dataset.range(7).window(3, shift=2, drop_remainder=True).flat_map(lambda w: w.batch(3))
    assert _values(ds) == [[0, 1, 2], [2, 3, 4], [4, 5, 6]]


def test_scan_and_reduce():
    assert _values(tf.data.Dataset.range(4).scan(np.int64(0), lambda s, x: (s + x, s + x))) == [0, 1, 3, 6]
    assert int(tf.data.Dataset.range(5).reduce(np.int64(0), lambda s, x: s + x)) == 10


def test_take_while_shard_unique():
    assert _values(tf.data.Dataset.range(10).take_while(lambda x: x < 3)) == [0, 1, 2]
    assert _values(tf.data.Dataset.range(10).shard(3, 1)) == [1, 4, 7]
    assert _values(tf.data.Dataset.from_tensor_slices([1, 2, 1, 3, 2]).unique()) == [1, 2, 3]


def test_from_generator_with_signature():
    def gen():
        for i in range(3):
            yield i, [1.0] * i
    ds = tf.data.Dataset.from_generator(gen, output_types=(tf.int32, tf.float32),
                                        output_shapes=((), (None,)))
    assert [(a, b) for a, b in _values(ds)] == [(0, []), (1, [1.0]), (2, [1.0, 1.0])]


def test_cache_in_memory_runs_input_once():
    calls = tf.Variable(0, dtype=tf.int64)  # a stateful map: runs per element, in the graph
    ds = tf.data.Dataset.range(3).map(lambda x: x + 0 * calls.assign_add(1)).cache()
    assert _values(ds) == _values(ds) == [0, 1, 2]
    assert int(calls.numpy()) == 3


def test_map_function_is_traced_once_and_not_eager():
    traces, eager = [], []

    def f(x):
        traces.append(1)  # Python side effects happen while tracing only, as in TF
        eager.append(tf.executing_eagerly())
        return x * 2

    assert _values(tf.data.Dataset.range(5).map(f)) == [0, 2, 4, 6, 8]
    assert len(traces) == 1 and eager == [False]


def test_cache_to_file(tmp_path):
    ds = tf.data.Dataset.range(3).cache(str(tmp_path / "c"))
    assert _values(ds) == [0, 1, 2]
    assert _values(ds) == [0, 1, 2]


def test_group_by_window():
    ds = tf.data.Dataset.range(8).group_by_window(lambda x: x % 2, lambda k, w: w.batch(3), window_size=3)
    assert _values(ds) == [[0, 2, 4], [1, 3, 5], [6], [7]]


def test_bucket_by_sequence_length():
    ds = tf.data.Dataset.range(1, 6).map(lambda x: tf.fill([x], x)).bucket_by_sequence_length(
        lambda x: tf.shape(x)[0], bucket_boundaries=[3], bucket_batch_sizes=[2, 2])
    assert _values(ds) == [[[1, 0], [2, 2]], [[3, 3, 3, 0], [4, 4, 4, 4]], [[5, 5, 5, 5, 5]]]


def test_choose_from_datasets():
    ds = tf.data.Dataset.choose_from_datasets(
        [tf.data.Dataset.from_tensors(np.int64(0)).repeat(), tf.data.Dataset.from_tensors(np.int64(1)).repeat()],
        tf.data.Dataset.from_tensor_slices(np.array([0, 1, 1, 0], np.int64)))
    assert _values(ds) == [0, 1, 1, 0]


def test_ignore_errors_skips_failing_elements():
    def check(x):
        tf.debugging.assert_none_equal(x, tf.constant(2, tf.int64), message="bad")
        return x
    assert _values(tf.data.Dataset.range(4).map(check).ignore_errors()) == [0, 1, 3]


def test_apply_and_options():
    ds = tf.data.Dataset.range(3).apply(lambda d: d.map(lambda x: x + 1))
    options = tf.data.Options()
    options.deterministic = False
    assert ds.with_options(options).options().deterministic is False
    assert _values(ds) == [1, 2, 3]


def test_assert_cardinality_failure():
    ds = tf.data.Dataset.range(3).apply(tf.data.experimental.assert_cardinality(5))
    with pytest.raises(tf.errors.FailedPreconditionError):
        list(ds)


def test_rebatch():
    assert _values(tf.data.Dataset.range(6).batch(4).rebatch(2)) == [[0, 1], [2, 3], [4, 5]]


def test_len_of_infinite_dataset_is_type_error():
    with pytest.raises(TypeError):
        len(tf.data.Dataset.range(3).repeat())


def test_text_line_and_tfrecord_datasets(tmp_path):
    (tmp_path / "t.txt").write_bytes(b"a\nbc\n")
    assert _values(tf.data.TextLineDataset(str(tmp_path / "t.txt"))) == [b"a", b"bc"]
    with tf.io.TFRecordWriter(str(tmp_path / "r"), "GZIP") as w:
        w.write(b"x")
    assert _values(tf.data.TFRecordDataset([str(tmp_path / "r")], "GZIP")) == [b"x"]


def test_tfrecord_corruption_under_ignore_errors_skips_rest_of_file(tmp_path):
    for name in ("a", "b"):
        with tf.io.TFRecordWriter(str(tmp_path / name)) as w:
            w.write(name.encode() + b"1")
            w.write(name.encode() + b"2")
    data = bytearray((tmp_path / "a").read_bytes())
    data[14] ^= 1
    (tmp_path / "a").write_bytes(bytes(data))
    files = [str(tmp_path / "a"), str(tmp_path / "b")]
    with pytest.raises(tf.errors.DataLossError, match="corrupted record at 12"):
        list(tf.data.TFRecordDataset(files))
    assert _values(tf.data.TFRecordDataset(files).ignore_errors()) == [b"b1", b"b2"]


def test_csv_dataset_and_make_csv_dataset(tmp_path):
    (tmp_path / "c.csv").write_text("x,y,name\n1,2.5,a\n3,,b\n")
    ds = tf.data.experimental.CsvDataset(str(tmp_path / "c.csv"), [tf.int32, [0.0], [""]], header=True)
    assert _values(ds) == [(1, 2.5, b"a"), (3, 0.0, b"b")]
    batches = list(tf.data.experimental.make_csv_dataset(
        str(tmp_path / "c.csv"), batch_size=2, label_name="y", num_epochs=1, shuffle=False))
    features, label = batches[0]
    assert sorted(features) == ["name", "x"]
    np.testing.assert_allclose(label.numpy(), [2.5, 0.0])


def test_list_files_sorted_without_shuffle(tmp_path):
    for n in ("b", "a"):
        (tmp_path / f"{n}.txt").write_text("")
    got = _values(tf.data.Dataset.list_files(str(tmp_path / "*.txt"), shuffle=False))
    assert got == [str(tmp_path / "a.txt").encode(), str(tmp_path / "b.txt").encode()]


def test_shuffle_is_a_permutation_and_reshuffles():
    ds = tf.data.Dataset.range(20).shuffle(5, seed=3)
    first, second = _values(ds), _values(ds)
    assert sorted(first) == list(range(20)) and first != second
    fixed = tf.data.Dataset.range(20).shuffle(5, seed=3, reshuffle_each_iteration=False)
    assert _values(fixed) == _values(fixed)


def test_map_random_ops_start_afresh_for_each_iterator():
    # TF instantiates the map function per iterator: its unseeded random op repeats each epoch
    # (Keras's array adapter shuffles this way, so every epoch of `fit` sees one order).
    tf.random.set_seed(0)
    ds = tf.data.Dataset.range(1).map(lambda _: tf.random.shuffle(tf.range(10, dtype=tf.int64)))
    assert _plain(list(ds)) == [[2, 0, 5, 8, 7, 1, 9, 6, 3, 4]]
    assert _plain(list(ds)) == [[2, 0, 5, 8, 7, 1, 9, 6, 3, 4]]
