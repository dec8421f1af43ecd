"""tf.train.Example & co. and the parse ops."""
import numpy as np
import pytest

import eagerflow as tf


def _example(**features):
    def feature(v):
        if isinstance(v[0], bytes):
            return tf.train.Feature(bytes_list=tf.train.BytesList(value=v))
        if isinstance(v[0], float):
            return tf.train.Feature(float_list=tf.train.FloatList(value=v))
        return tf.train.Feature(int64_list=tf.train.Int64List(value=v))

    return tf.train.Example(features=tf.train.Features(
        feature={k: feature(v) for k, v in features.items()})).SerializeToString()


def test_example_round_trips_through_bytes():
    blob = _example(a=[1, 2], b=[0.5], c=[b"x"])
    e = tf.train.Example.FromString(blob)
    assert list(e.features.feature["a"].int64_list.value) == [1, 2]
    assert e.features.feature["c"].bytes_list.value[0] == b"x"


def test_fixed_len_feature_is_dense():
    out = tf.io.parse_single_example(_example(a=[1, 2]), {"a": tf.io.FixedLenFeature([2], tf.int64)})
    assert out["a"].dtype == tf.int64
    np.testing.assert_array_equal(out["a"].numpy(), [1, 2])


def test_missing_fixed_len_uses_default_with_its_shape():
    out = tf.io.parse_single_example(_example(a=[1]), {"e": tf.io.FixedLenFeature([], tf.int64, default_value=7)})
    assert out["e"].shape == () and int(out["e"]) == 7


def test_missing_required_feature_is_invalid_argument():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Feature: z \(data type: float\) is required"):
        tf.io.parse_single_example(_example(a=[1]), {"z": tf.io.FixedLenFeature([], tf.float32)})


def test_wrong_type_is_invalid_argument():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Data types don't match"):
        tf.io.parse_single_example(_example(a=[1]), {"a": tf.io.FixedLenFeature([], tf.float32)})


def test_wrong_count_is_invalid_argument():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Number of int64 values != expected"):
        tf.io.parse_single_example(_example(a=[1, 2]), {"a": tf.io.FixedLenFeature([], tf.int64)})


def test_var_len_batch_is_sparse():
    blobs = [_example(a=[1.0, 2.0]), _example(a=[3.0])]
    sp = tf.io.parse_example(blobs, {"a": tf.io.VarLenFeature(tf.float32)})["a"]
    np.testing.assert_array_equal(sp.indices.numpy(), [[0, 0], [0, 1], [1, 0]])
    np.testing.assert_array_equal(sp.values.numpy(), [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(sp.dense_shape.numpy(), [2, 2])


def test_ragged_batch_has_rows_per_example():
    blobs = [_example(a=[1, 2, 3]), _example(a=[4])]
    rt = tf.io.parse_example(blobs, {"a": tf.io.RaggedFeature(tf.int64)})["a"]
    assert rt.to_list() == [[1, 2, 3], [4]]


def test_strings_parse_to_bytes():
    out = tf.io.parse_single_example(_example(s=[b"ab", b"c"]), {"s": tf.io.FixedLenFeature([2], tf.string)})
    assert out["s"].numpy().tolist() == [b"ab", b"c"]


def test_fixed_len_sequence_feature_pads_batch():
    blobs = [_example(a=[1, 2, 3]), _example(a=[4])]
    out = tf.io.parse_example(blobs, {"a": tf.io.FixedLenSequenceFeature([], tf.int64, allow_missing=True)})
    np.testing.assert_array_equal(out["a"].numpy(), [[1, 2, 3], [4, 0, 0]])


def test_garbage_bytes_are_invalid_argument():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Could not parse example input"):
        tf.io.parse_single_example(b"\x0a\xff\xff", {"a": tf.io.FixedLenFeature([], tf.int64)})


def test_output_order_is_sparse_dense_ragged():
    out = tf.io.parse_single_example(_example(a=[1], b=[2], c=[3]), {
        "a": tf.io.RaggedFeature(tf.int64), "b": tf.io.FixedLenFeature([], tf.int64),
        "c": tf.io.VarLenFeature(tf.int64)})
    assert list(out) == ["c", "b", "a"]


def _sequence_example():
    ex = tf.train.SequenceExample()
    ex.context.feature["len"].int64_list.value.append(2)
    tokens = ex.feature_lists.feature_list["tok"]
    for values in ([1, 2], [3]):
        tokens.feature.add().int64_list.value.extend(values)
    fixed = ex.feature_lists.feature_list["f"]
    for v in (0.5, 1.5):
        fixed.feature.add().float_list.value.append(v)
    return ex.SerializeToString()


def test_single_sequence_example():
    context, lists = tf.io.parse_single_sequence_example(
        _sequence_example(), context_features={"len": tf.io.FixedLenFeature([], tf.int64)},
        sequence_features={"tok": tf.io.VarLenFeature(tf.int64),
                           "f": tf.io.FixedLenSequenceFeature([], tf.float32)})
    assert int(context["len"]) == 2
    np.testing.assert_array_equal(lists["f"].numpy(), [0.5, 1.5])
    np.testing.assert_array_equal(lists["tok"].indices.numpy(), [[0, 0], [0, 1], [1, 0]])


def test_sequence_example_batch_has_lengths():
    _, lists, lengths = tf.io.parse_sequence_example(
        [_sequence_example()], sequence_features={"f": tf.io.FixedLenSequenceFeature([], tf.float32)})
    np.testing.assert_array_equal(lists["f"].numpy(), [[0.5, 1.5]])
    np.testing.assert_array_equal(lengths["f"].numpy(), [2])


def test_feature_config_reprs():
    assert repr(tf.io.FixedLenFeature([2], tf.int64)) == "FixedLenFeature(shape=[2], dtype=tf.int64, default_value=None)"
    assert repr(tf.io.VarLenFeature(tf.int64)) == "VarLenFeature(dtype=tf.int64)"
