"""parse_example_dataset and make_batched_features_dataset."""
import pytest

import eagerflow as tf

FEATURES = {"x": tf.io.FixedLenFeature([], tf.int64), "v": tf.io.VarLenFeature(tf.float32)}


def _example(i):
    return tf.train.Example(features=tf.train.Features(feature={
        "x": tf.train.Feature(int64_list=tf.train.Int64List(value=[i])),
        "v": tf.train.Feature(float_list=tf.train.FloatList(value=[1.0] * (i % 3))),
    })).SerializeToString()


@pytest.fixture
def record_file(tmp_path):
    path = str(tmp_path / "f.tfrecord")
    with tf.io.TFRecordWriter(path) as writer:
        for i in range(5):
            writer.write(_example(i))
    return path


def test_parse_example_dataset_parses_each_batch(record_file):
    d = tf.data.TFRecordDataset(record_file).batch(3).apply(tf.data.experimental.parse_example_dataset(FEATURES))
    batches = list(d)
    assert [b["x"].numpy().tolist() for b in batches] == [[0, 1, 2], [3, 4]]
    assert batches[0]["v"].dense_shape.numpy().tolist() == [3, 2]
    assert list(d.element_spec) == ["v", "x"]  # sparse keys first, as TF


def test_parse_example_dataset_needs_vectors_of_strings():
    with pytest.raises(TypeError, match="Input dataset should be a dataset of vectors of strings"):
        tf.data.Dataset.range(3).apply(tf.data.experimental.parse_example_dataset(FEATURES))


def test_parse_example_dataset_iterates_inside_tf_function(record_file):
    d = tf.data.TFRecordDataset(record_file).batch(2).apply(tf.data.experimental.parse_example_dataset(FEATURES))

    @tf.function
    def total():
        s = tf.constant(0, tf.int64)
        for e in d:
            s += tf.reduce_sum(e["x"])
        return s

    assert int(total()) == 10


def test_make_batched_features_dataset_splits_the_label(record_file):
    d = tf.data.experimental.make_batched_features_dataset(record_file, 2, FEATURES, label_key="x",
                                                           shuffle=False, num_epochs=1)
    assert [(sorted(f), y.numpy().tolist()) for f, y in d] == [(["v"], [0, 1]), (["v"], [2, 3]), (["v"], [4])]


def test_make_batched_features_dataset_repeats_forever_by_default(record_file):
    d = tf.data.experimental.make_batched_features_dataset(record_file, 2, FEATURES, shuffle=False)
    assert int(d.cardinality()) == tf.data.INFINITE_CARDINALITY
    assert d.element_spec["x"].shape.as_list() == [2]
