"""TensorShape printing, comparison and errors as TF 2.21 shows them."""
import pytest

import eagerflow as tf


def test_str_and_repr():
    assert (str(tf.TensorShape([2])), str(tf.TensorShape([2, None])), str(tf.TensorShape(None))) == \
        ("(2,)", "(2, None)", "<unknown>")
    assert repr(tf.TensorShape([2, None])) == "TensorShape([2, None])"
    assert repr(tf.TensorShape(None)) == "TensorShape(None)"


def test_equality_with_tuples_and_lists():
    assert tf.TensorShape([2, 3]) == (2, 3) and tf.TensorShape([2, 3]) == [2, 3]


def test_compatibility():
    assert tf.TensorShape([None, 3]).is_compatible_with([2, 3])
    assert not tf.TensorShape([2]).is_compatible_with([3])
    assert tf.TensorShape(None).is_compatible_with([1, 2, 3])


def test_negative_dimension_error_text():
    with pytest.raises(ValueError, match="^Dimension -1 must be >= 0$"):
        tf.TensorShape([-1])


def test_as_list_of_unknown_rank_error_text():
    with pytest.raises(ValueError, match="^as_list\\(\\) is not defined on an unknown TensorShape.$"):
        tf.TensorShape(None).as_list()


def test_num_elements():
    assert tf.TensorShape([2, 3]).num_elements() == 6
    assert tf.TensorShape([2, None]).num_elements() is None


def test_with_rank_at_least():
    import eagerflow as tf
    assert tf.TensorShape([2, 3]).with_rank_at_least(1) == tf.TensorShape([2, 3])
    assert tf.TensorShape(None).with_rank_at_least(2).rank is None
    with pytest.raises(ValueError, match=r"Shape \(2,\) must have rank at least 3"):
        tf.TensorShape([2]).with_rank_at_least(3)
