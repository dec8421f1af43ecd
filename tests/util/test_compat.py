"""tf.compat's text and number helpers, with TF's errors."""
import pathlib

import numpy as np
import pytest

import eagerflow as tf


def test_as_text_and_as_bytes_convert_both_ways():
    assert tf.compat.as_text(b"ab") == "ab" and tf.compat.as_text("ab") == "ab"
    assert tf.compat.as_bytes("x") == b"x" and tf.compat.as_bytes(bytearray(b"y")) == b"y"
    assert tf.compat.as_str_any(3) == "3" and tf.compat.as_str(b"z") == "z"


@pytest.mark.parametrize("fn", ["as_text", "as_bytes"])
def test_non_strings_are_tfs_type_error(fn):
    with pytest.raises(TypeError, match="Expected binary or unicode string, got 3"):
        getattr(tf.compat, fn)(3)


def test_paths_dimensions_and_type_tuples():
    assert tf.compat.path_to_str(pathlib.Path("/a")) == "/a"
    assert tf.compat.dimension_value(tf.TensorShape([3])[0]) == 3
    assert isinstance(np.int64(1), tf.compat.integral_types)
    assert tf.compat.forward_compatible(2020, 1, 1)
    with tf.compat.forward_compatibility_horizon(2019, 1, 1):
        assert not tf.compat.forward_compatible(2020, 1, 1)
