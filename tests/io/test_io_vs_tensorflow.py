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
    if not v:
        return mod.train.Feature(float_list=mod.train.FloatList(value=[]))
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


def _mixed_batch(seed):
    """Examples mostly of one layout (the template path) with some of other layouts and lengths."""
    rng = np.random.default_rng(seed)
    blobs = []
    for i in range(40):
        a = rng.integers(2**35, 2**40, 3).tolist() if i % 7 else [-1, 2, 300]
        if i % 4 == 1:  # one varint layout length, other continuation bits
            a = rng.permutation([300, 1, int(rng.integers(0, 127))]).tolist()
        features = {"a": a,
                    "b": rng.random(int(rng.integers(0, 3)) if i % 5 == 0 else 2).astype(np.float32).tolist(),
                    "c": [rng.bytes(4)] if i % 9 else [b"x", b"yz"], "s": [i, -i]}
        if i % 11 == 3:
            features["d"] = [0.5, -0.5]
        blobs.append(_example(tf_real, **features).SerializeToString())
    return blobs


@pytest.mark.parametrize("seed", [0, 1])
def test_parse_example_of_mixed_layouts_matches(seed):
    blobs = _mixed_batch(seed)
    ours = tf.io.parse_example(blobs, _spec(tf))
    theirs = tf_real.io.parse_example(blobs, _spec(tf_real))
    assert list(ours) == list(theirs)
    for key in ("a", "d", "s"):
        np.testing.assert_array_equal(ours[key].numpy(), theirs[key].numpy())
        assert ours[key].dtype.name == theirs[key].dtype.name
    for part in ("indices", "values", "dense_shape"):
        np.testing.assert_array_equal(getattr(ours["b"], part).numpy(), getattr(theirs["b"], part).numpy())
    assert ours["c"].to_list() == theirs["c"].to_list()


def test_parse_example_of_one_layout_matches():
    rng = np.random.default_rng(2)
    blobs = [_example(tf_real, a=rng.integers(0, 100, 3).tolist(), b=rng.random(2).tolist(),
                      c=[rng.bytes(3)], s=[int(rng.integers(0, 100))]).SerializeToString() for _ in range(16)]
    ours = tf.io.parse_example(blobs, _spec(tf))
    theirs = tf_real.io.parse_example(blobs, _spec(tf_real))
    assert list(ours) == list(theirs)
    for key in ("a", "d", "s"):
        np.testing.assert_array_equal(ours[key].numpy(), theirs[key].numpy())
        assert ours[key].dtype.name == theirs[key].dtype.name
    for part in ("indices", "values", "dense_shape"):
        np.testing.assert_array_equal(getattr(ours["b"], part).numpy(), getattr(theirs["b"], part).numpy())
    assert ours["c"].to_list() == theirs["c"].to_list()
    assert ours["c"].row_splits.dtype.name == theirs["c"].row_splits.dtype.name
