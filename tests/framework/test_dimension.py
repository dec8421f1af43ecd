"""`tf.compat.v1.Dimension`: a TF1 shape dimension, as TF 2.21 prints and compares it."""
import eagerflow as tf


def test_known_dimension_prints_compares_and_adds_as_tf():
    d = tf.compat.v1.Dimension(3)
    assert (repr(d), str(d), d.value, int(d)) == ("Dimension(3)", "3", 3, 3)
    assert d == 3 and (d + 1).value == 4


def test_unknown_dimension_prints_a_question_mark_and_compares_to_none():
    d = tf.compat.v1.Dimension(None)
    assert (repr(d), str(d), d.value) == ("Dimension(None)", "?", None)
    assert (d == 3) is None
