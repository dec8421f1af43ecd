"""TFRecord files and Example protos interoperate with TensorFlow 2.21 both ways."""
import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

import eagerflow as tf  # noqa: E402

pytestmark = pytest.mark.tensorflow

RECORDS = [b"", b"a", b"hello world" * 50, bytes(range(256))]


@pytest.mark.parametrize("compression", ["", "GZIP", "ZLIB"])
def test_tensorflow_reads_our_records(tmp_path, compression):
    path = str(tmp_path / "ours")
    with tf.io.TFRecordWriter(path, compression) as w:
        for r in RECORDS:
            w.write(r)
    got = [t.numpy() for t in tf_real.data.TFRecordDataset(path, compression_type=compression)]
    assert got == RECORDS


@pytest.mark.parametrize("compression", ["", "GZIP", "ZLIB"])
def test_we_read_tensorflow_records(tmp_path, compression):
    path = str(tmp_path / "theirs")
    with tf_real.io.TFRecordWriter(path, compression) as w:
        for r in RECORDS:
            w.write(r)
    got = [t.numpy() for t in tf.data.TFRecordDataset(path, compression_type=compression)]
    assert got == RECORDS


def test_uncompressed_bytes_are_identical(tmp_path):
    for mod, name in ((tf, "ours"), (tf_real, "theirs")):
        with mod.io.TFRecordWriter(str(tmp_path / name)) as w:
            for r in RECORDS:
                w.write(r)
    assert (tmp_path / "ours").read_bytes() == (tmp_path / "theirs").read_bytes()


def _feature(mod, v):
    if isinstance(v[0], bytes):
        return mod.train.Feature(bytes_list=mod.train.BytesList(value=v))
    if isinstance(v[0], float):
        return mod.train.Feature(float_list=mod.train.FloatList(value=v))
    return mod.train.Feature(int64_list=mod.train.Int64List(value=v))


def _example(mod, **features):
    return mod.train.Example(features=mod.train.Features(
        feature={k: _feature(mod, v) for k, v in features.items()}))


FEATURES = dict(a=[1, -2, 3], b=[0.5, 1.25], c=[b"x", b"yz"])


def test_example_bytes_parse_on_the_other_side():
    ours = _example(tf, **FEATURES).SerializeToString(deterministic=True)
    theirs = _example(tf_real, **FEATURES).SerializeToString(deterministic=True)
    assert ours == theirs
    assert tf_real.train.Example.FromString(ours) == _example(tf_real, **FEATURES)


def _spec(mod):
    return {"a": mod.io.FixedLenFeature([3], mod.int64), "b": mod.io.VarLenFeature(mod.float32),
            "c": mod.io.RaggedFeature(mod.string), "d": mod.io.FixedLenFeature([2], mod.float32, default_value=[1.0, 2.0]),
            "s": mod.io.FixedLenSequenceFeature([], mod.int64, allow_missing=True)}


def test_parse_example_matches():
    blobs = [_example(tf_real, **FEATURES).SerializeToString(),
             _example(tf_real, a=[4, 5, 6], b=[9.0], c=[b"q"], s=[7, 8]).SerializeToString()]
    ours = tf.io.parse_example(blobs, _spec(tf))
    theirs = tf_real.io.parse_example(blobs, _spec(tf_real))
    assert list(ours) == list(theirs)
    for key in ("a", "d", "s"):
        np.testing.assert_array_equal(ours[key].numpy(), theirs[key].numpy())
        assert ours[key].dtype.name == theirs[key].dtype.name
    np.testing.assert_array_equal(ours["b"].indices.numpy(), theirs["b"].indices.numpy())
    np.testing.assert_array_equal(ours["b"].dense_shape.numpy(), theirs["b"].dense_shape.numpy())
    assert ours["c"].to_list() == theirs["c"].to_list()


def test_missing_feature_message_matches():
    blob = _example(tf_real, a=[1]).SerializeToString()
    with pytest.raises(tf_real.errors.InvalidArgumentError) as theirs:
        tf_real.io.parse_single_example(blob, {"z": tf_real.io.FixedLenFeature([], tf_real.float32)})
    with pytest.raises(tf.errors.InvalidArgumentError) as ours:
        tf.io.parse_single_example(blob, {"z": tf.io.FixedLenFeature([], tf.float32)})
    assert str(ours.value) in str(theirs.value).split("}} ", 1)[1]


@pytest.mark.parametrize("value", [[1.0, 2.0], 3, [[1, 2], [3, 4]], [b"ab", b"c"], [True, False], 2.5])
def test_serialize_tensor_bytes_match(value):
    assert (tf.io.serialize_tensor(tf.constant(value)).numpy()
            == tf_real.io.serialize_tensor(tf_real.constant(value)).numpy())
