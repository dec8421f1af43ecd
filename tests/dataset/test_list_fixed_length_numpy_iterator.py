"""from_list, at, pad_to_cardinality, FixedLengthRecordDataset, NumpyIterator, ThreadingOptions."""
import gzip
import zlib

import numpy as np
import pytest

import eagerflow as tf


def test_from_list_yields_the_elements_in_order():
    d = tf.data.experimental.from_list([(1, "a"), (2, "b")])
    assert list(d.as_numpy_iterator()) == [(1, b"a"), (2, b"b")]
    assert int(d.cardinality()) == 2


def test_from_list_shapes_that_differ_become_unknown():
    d = tf.data.experimental.from_list([[1], [1, 2]])
    assert d.element_spec == tf.TensorSpec([None], tf.int32)


def test_from_list_refuses_an_empty_list():
    with pytest.raises(ValueError, match="should not be empty"):
        tf.data.experimental.from_list([])


def test_from_list_refuses_elements_of_different_structure():
    with pytest.raises(ValueError):
        tf.data.experimental.from_list([(1, 2), (1,)])


def test_at_returns_the_element_at_the_index():
    d = tf.data.Dataset.range(10).map(lambda x: (x, x * 2))
    a, b = tf.data.experimental.at(d, 4)
    assert (int(a), int(b)) == (4, 8)


def test_at_out_of_range_is_out_of_range_error():
    with pytest.raises(tf.errors.OutOfRangeError, match=r"Index out of range \[0, 10\):10"):
        tf.data.experimental.at(tf.data.Dataset.range(10), 10)


def test_at_through_filter_is_unimplemented():
    with pytest.raises(tf.errors.UnimplementedError, match="FilterDatasetOp::Dataset"):
        tf.data.experimental.at(tf.data.Dataset.range(10).filter(lambda x: x > 2), 1)


def test_pad_to_cardinality_adds_zero_elements_marked_invalid():
    d = tf.data.Dataset.from_tensor_slices({"a": [1, 2]}).apply(tf.data.experimental.pad_to_cardinality(3))
    assert [(int(e["a"]), bool(e["valid"])) for e in d] == [(1, True), (2, True), (0, False)]
    assert int(d.cardinality()) == 3


def test_pad_to_cardinality_needs_dict_elements():
    with pytest.raises(ValueError, match="requires its input dataset to be a dictionary"):
        tf.data.Dataset.range(2).apply(tf.data.experimental.pad_to_cardinality(3))


def test_pad_to_cardinality_needs_a_known_cardinality():
    d = tf.data.Dataset.from_tensor_slices({"a": [1, 2]}).filter(lambda e: True)
    with pytest.raises(ValueError, match="must have a known cardinalty"):
        d.apply(tf.data.experimental.pad_to_cardinality(3))


def test_experimental_rejection_resample_pairs_class_and_element():
    d = tf.data.Dataset.range(40).apply(tf.data.experimental.rejection_resample(
        lambda x: tf.cast(x % 2, tf.int32), [0.0, 1.0], initial_dist=[0.5, 0.5], seed=3))
    pairs = [(int(c), int(x)) for c, x in d]
    assert pairs and all(c == 1 and x % 2 == 1 for c, x in pairs)


@pytest.fixture
def record_files(tmp_path):
    (tmp_path / "a.bin").write_bytes(b"HH" + b"abcdefghijkl" + b"F")
    (tmp_path / "b.bin").write_bytes(b"HH" + b"mnopqr" + b"F")
    (tmp_path / "c.bin").write_bytes(b"HH" + b"abcdefghijk" + b"F")
    (tmp_path / "a.gz").write_bytes(gzip.compress(b"HH" + b"abcdefghijkl" + b"F"))
    (tmp_path / "a.zz").write_bytes(zlib.compress(b"HH" + b"abcdefghijkl" + b"F"))
    (tmp_path / "c.gz").write_bytes(gzip.compress(b"HH" + b"abcdefghijk" + b"F"))
    return tmp_path


def test_fixed_length_records_of_several_files_skip_header_and_footer(record_files):
    d = tf.data.FixedLengthRecordDataset([str(record_files / "a.bin"), str(record_files / "b.bin")], 3,
                                         header_bytes=2, footer_bytes=1, buffer_size=1)
    assert list(d.as_numpy_iterator()) == [b"abc", b"def", b"ghi", b"jkl", b"mno", b"pqr"]
    assert d.element_spec == tf.TensorSpec([], tf.string)


@pytest.mark.parametrize("name,compression", [("a.gz", "GZIP"), ("a.zz", "ZLIB")])
def test_fixed_length_records_of_compressed_files(record_files, name, compression):
    d = tf.data.FixedLengthRecordDataset(str(record_files / name), 4, 2, 1, compression_type=compression)
    assert list(d.as_numpy_iterator()) == [b"abcd", b"efgh", b"ijkl"]


def test_fixed_length_partial_record_is_invalid_argument(record_files):
    d = tf.data.FixedLengthRecordDataset(str(record_files / "c.bin"), 3, 2, 1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="body length 11 bytes"):
        list(d)


def test_fixed_length_compressed_partial_record_is_data_loss_after_whole_records(record_files):
    it = iter(tf.data.FixedLengthRecordDataset(str(record_files / "c.gz"), 3, 2, 1, compression_type="GZIP"))
    assert [next(it).numpy() for _ in range(3)] == [b"abc", b"def", b"ghi"]
    with pytest.raises(tf.errors.DataLossError):
        next(it)


def test_fixed_length_record_bytes_is_checked_when_iterating(record_files):
    d = tf.data.FixedLengthRecordDataset(str(record_files / "a.bin"), 0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="`record_bytes` must be > 0"):
        next(iter(d))


def test_fixed_length_records_iterate_inside_tf_function(record_files):
    d = tf.data.FixedLengthRecordDataset(str(record_files / "a.bin"), 3, 2, 1)

    @tf.function
    def total():
        s = tf.constant(0)
        for x in d:
            s += tf.strings.length(x)
        return s

    assert int(total()) == 12


def test_as_numpy_iterator_is_a_numpy_iterator():
    it = tf.data.Dataset.range(3).as_numpy_iterator()
    assert isinstance(it, tf.data.NumpyIterator)
    assert repr(it).startswith("NumpyIterator(iterator=<")
    assert [next(it), it.next()] == [0, 1]
    assert isinstance(next(it), np.int64)


def test_as_numpy_iterator_refuses_dataset_elements_when_called():
    with pytest.raises(TypeError, match="not supported for datasets that produce values of type"):
        tf.data.Dataset.range(3).window(2).as_numpy_iterator()


def test_numpy_iterator_position_is_checkpointed(tmp_path):
    it = tf.data.Dataset.range(5).as_numpy_iterator()
    next(it)
    ckpt = tf.train.Checkpoint(it=it)
    path = ckpt.save(str(tmp_path / "c"))
    next(it)
    ckpt.restore(path)
    assert next(it) == 1


def test_threading_options_is_options_threading():
    options = tf.data.Options()
    assert isinstance(options.threading, tf.data.ThreadingOptions)
    options.threading.private_threadpool_size = 2
    assert tf.data.Dataset.range(2).with_options(options).options().threading.private_threadpool_size == 2
    with pytest.raises(AttributeError, match="Cannot set the property foo on ThreadingOptions."):
        tf.data.ThreadingOptions().foo = 1


def test_fixed_length_num_parallel_reads_takes_one_record_from_each_file_in_turn(record_files):
    (record_files / "d.bin").write_bytes(b"HHstuvwxyz1F")
    names = [str(record_files / n) for n in ("a.bin", "b.bin", "d.bin")]
    d = tf.data.FixedLengthRecordDataset(names, 3, 2, 1, num_parallel_reads=2)
    # TF 2.21's order: a new file takes an exhausted file's place on that slot's next turn
    assert list(d.as_numpy_iterator()) == [b"abc", b"mno", b"def", b"pqr", b"ghi", b"jkl", b"stu", b"vwx", b"yz1"]
