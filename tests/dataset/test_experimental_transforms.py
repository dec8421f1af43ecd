"""tf.data.experimental's transformation functions, Counter, get_single_element, TFRecordWriter."""
import pytest

import eagerflow as tf

E = tf.data.experimental


def _list(dataset):
    return [x.tolist() if hasattr(x, "tolist") else x for x in dataset.as_numpy_iterator()]


def test_counter_counts_by_step():
    assert _list(E.Counter(2, 3).take(3)) == [2, 5, 8]


def test_transformations_match_dataset_methods():
    ds = tf.data.Dataset.range(6)
    assert _list(ds.apply(E.take_while(lambda x: x < 3))) == [0, 1, 2]
    assert _list(ds.apply(E.map_and_batch(lambda x: x * 2, 4))) == [[0, 2, 4, 6], [8, 10]]
    assert _list(tf.data.Dataset.from_tensor_slices([[1, 2], [3, 4]]).apply(E.unbatch())) == [1, 2, 3, 4]
    assert _list(tf.data.Dataset.from_tensor_slices([1, 1, 2]).apply(E.unique())) == [1, 2]


def test_shuffle_and_repeat_keeps_every_element_each_epoch():
    got = _list(tf.data.Dataset.range(5).apply(E.shuffle_and_repeat(3, 2, seed=1)))
    assert sorted(got) == sorted(list(range(5)) * 2)


def test_get_single_element_needs_exactly_one():
    assert int(E.get_single_element(tf.data.Dataset.range(1))) == 0
    with pytest.raises(tf.errors.InvalidArgumentError, match="Dataset was empty"):
        E.get_single_element(tf.data.Dataset.range(0))
    with pytest.raises(tf.errors.InvalidArgumentError, match="more than one element"):
        E.get_single_element(tf.data.Dataset.range(2))


def test_tfrecord_writer_writes_each_string(tmp_path):
    path = str(tmp_path / "r.tfrecord")
    E.TFRecordWriter(path).write(tf.data.Dataset.from_tensor_slices([b"a", b"bc"]))
    assert _list(tf.data.TFRecordDataset(path)) == [b"a", b"bc"]


def test_tfrecord_writer_refuses_non_strings(tmp_path):
    with pytest.raises(TypeError, match="scalar `tf.string` elements"):
        E.TFRecordWriter(str(tmp_path / "r")).write(tf.data.Dataset.range(2))
