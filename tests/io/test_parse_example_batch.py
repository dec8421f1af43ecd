"""parse_example's batched FixedLenFeature path: same values, defaults and errors as per example."""
import numpy as np
import pytest

import eagerflow as tf


def _example(**features):
    feature = {}
    for key, value in features.items():
        if isinstance(value[0], bytes):
            feature[key] = tf.train.Feature(bytes_list=tf.train.BytesList(value=value))
        elif isinstance(value[0], float):
            feature[key] = tf.train.Feature(float_list=tf.train.FloatList(value=value))
        else:
            feature[key] = tf.train.Feature(int64_list=tf.train.Int64List(value=value))
    return tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString()


SPEC = {"img": tf.io.FixedLenFeature([2], tf.string), "x": tf.io.FixedLenFeature([2, 2], tf.float32),
        "y": tf.io.FixedLenFeature([], tf.int64, default_value=-1)}


def test_batch_of_examples_stacks_each_feature():
    batch = [_example(img=[b"a", b"bc"], x=[1.0, 2.0, 3.0, 4.0], y=[7]),
             _example(img=[b"d", b""], x=[5.0, 6.0, 7.0, 8.0])]
    out = tf.io.parse_example(batch, SPEC)
    assert out["img"].numpy().tolist() == [[b"a", b"bc"], [b"d", b""]]
    np.testing.assert_array_equal(out["x"].numpy(), np.arange(1, 9, dtype=np.float32).reshape(2, 2, 2))
    assert out["y"].numpy().tolist() == [7, -1]  # the default fills the missing value


def test_wrong_count_in_one_example_is_tfs_error():
    batch = [_example(img=[b"a", b"b"], x=[1.0, 2.0, 3.0, 4.0]), _example(img=[b"a"], x=[1.0, 2.0, 3.0, 4.0])]
    with pytest.raises(tf.errors.InvalidArgumentError, match="Key: img, Index: 1.  Number of string values"):
        tf.io.parse_example(batch, SPEC)


def test_missing_required_feature_is_tfs_error():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Feature: x \\(data type: float\\) is required"):
        tf.io.parse_example([_example(img=[b"a", b"b"])], SPEC)
