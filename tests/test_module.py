"""tf.Module: names, name scopes, variables and submodules found through attributes."""
from __future__ import annotations

import pytest

import eagerflow as tf


class M(tf.Module):
    pass


class HTTPServer2Thing(tf.Module):
    pass


def _tree():
    a = M(name="a")
    a.b = M(name="b")
    a.b.c = M(name="c")
    a.b.c.z = tf.Variable(1.0, name="z")
    a.d = M(name="d")
    a.d.y = tf.Variable(2.0, name="y", trainable=False)
    a.x = tf.Variable(3.0, name="x")
    a.lst = [M(name="e"), {"k": tf.Variable(4.0, name="k"), "j": (tf.Variable(5.0, name="j"),)}]
    a.cyc = a
    return a


def test_default_name_is_snake_case_of_class():
    assert HTTPServer2Thing().name == "http_server2_thing"
    assert M().name == "m"


def test_invalid_name_raises_tf_message():
    with pytest.raises(ValueError, match="'1bad' is not a valid module name. Module names must be valid Python "
                                         r"identifiers \(e.g. a valid class name\)."):
        M(name="1bad")


def test_name_scope_nests_under_creation_scope():
    with tf.name_scope("outer"):
        m = M(name="inner")
    with m.name_scope:
        v = tf.Variable(1.0, name="v")
    assert v.name == "outer/inner/v:0"
    assert m.name_scope.name == "outer/inner/"


def test_with_name_scope_decorator():
    class W(tf.Module):
        @tf.Module.with_name_scope
        def make(self):
            return tf.Variable(1.0, name="q")

    assert W(name="ww").make().name == "ww/q:0"


def test_variables_order_matches_tensorflow():
    # TF 2.21: own leaves (attributes sorted, nest order), then submodules depth first.
    assert [v.name for v in _tree().variables] == ["j:0", "k:0", "x:0", "z:0", "y:0"]


def test_trainable_and_non_trainable_variables():
    a = _tree()
    assert [v.name for v in a.trainable_variables] == ["j:0", "k:0", "x:0", "z:0"]
    assert [v.name for v in a.non_trainable_variables] == ["y:0"]


def test_submodules_are_deduplicated_and_cycles_safe():
    assert [m.name for m in _tree().submodules] == ["b", "d", "e", "c"]


def test_flatten_with_path_matches_tensorflow():
    paths = [p for p, _ in _tree()._flatten(with_path=True, predicate=lambda x: isinstance(x, tf.Variable))]
    assert paths == [("lst", 1, "j", 0), ("lst", 1, "k"), ("x",), ("b", "c", "z"), ("cyc", "lst", 1, "j", 0),
                     ("cyc", "lst", 1, "k"), ("cyc", "x"), ("d", "y")]


def test_shared_variable_listed_once():
    m = M()
    v = tf.Variable(1.0)
    m.p, m.q = v, [v]
    assert len(m.variables) == 1
