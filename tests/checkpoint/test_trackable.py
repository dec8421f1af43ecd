"""tf.__internal__.tracking: attribute tracking, TF's wrapped containers, deferred restoration.

Expected keys are TF 2.21's, copied from `tf.train.list_variables` of checkpoints TF wrote for
the same objects.
"""
import collections

import numpy as np
import pytest

import eagerflow as tf
from eagerflow._src.checkpoint.trackable import NoDependency

AutoTrackable = tf.__internal__.tracking.AutoTrackable


def _keys(path):
    return [key for key, _ in tf.train.list_variables(path) if key != "_CHECKPOINTABLE_OBJECT_GRAPH"]


def _structures():
    obj = AutoTrackable()
    obj.l = [tf.Variable(1.0)]
    obj.d = {"x": tf.Variable(2.0), "y": [tf.Variable(3.0)]}
    obj.dd = collections.defaultdict(list)
    obj.dd["k"].append(tf.Variable(4.0))
    obj.t = (tf.Variable(5.0), 3)
    obj.n = NoDependency([tf.Variable(6.0)])
    obj.l.append(tf.Variable(7.0))
    return obj


def test_plain_list_and_dict_attributes_become_tf_wrappers():
    obj = _structures()
    assert [type(obj.l).__name__, type(obj.d).__name__, type(obj.d["y"]).__name__] == \
        ["ListWrapper", "_DictWrapper", "ListWrapper"]
    assert type(obj.dd) is collections.defaultdict and type(obj.n) is list


def test_saved_keys_follow_tf_wrapping(tmp_path):
    path = tf.train.Checkpoint(a=_structures()).write(str(tmp_path / "c"))
    # TF 2.21: the defaultdict and the NoDependency list are no dependencies.
    assert _keys(path) == ["a/d/x/.ATTRIBUTES/VARIABLE_VALUE", "a/d/y/0/.ATTRIBUTES/VARIABLE_VALUE",
                           "a/l/0/.ATTRIBUTES/VARIABLE_VALUE", "a/l/1/.ATTRIBUTES/VARIABLE_VALUE",
                           "a/t/0/.ATTRIBUTES/VARIABLE_VALUE"]


def test_dict_with_non_string_key_to_trackable_cannot_be_saved(tmp_path):
    obj = AutoTrackable()
    obj.x = {1: tf.Variable(1.0)}
    with pytest.raises(ValueError, match="The wrapped dictionary contains a non-string key which maps to a "
                                         "trackable object or mutable data structure"):
        tf.train.Checkpoint(b=obj).write(str(tmp_path / "c"))


def test_items_appended_after_restore_receive_saved_values(tmp_path):
    path = tf.train.Checkpoint(a=_structures()).write(str(tmp_path / "c"))
    fresh = AutoTrackable()
    fresh.l = []
    tf.train.Checkpoint(a=fresh).read(path)
    fresh.l.append(tf.Variable(0.0))
    fresh.l.append(tf.Variable(0.0))
    fresh.d = {"x": tf.Variable(0.0)}
    assert [v.numpy() for v in fresh.l] == [1.0, 7.0]
    assert fresh.d["x"].numpy() == 2.0


def test_overwriting_an_attribute_keeps_its_place_among_dependencies():
    obj = AutoTrackable()
    obj.a = tf.Variable(1.0)
    obj.b = tf.Variable(2.0)
    obj.a = tf.Variable(3.0)
    assert list(obj._trackable_children()) == ["a", "b"]


def test_deleting_an_attribute_removes_the_dependency():
    obj = AutoTrackable()
    obj.a = tf.Variable(1.0)
    del obj.a
    assert obj._trackable_children() == {}


def test_mutable_hash_table_saved_under_tf_keys_and_restored(tmp_path):
    table = tf.lookup.experimental.MutableHashTable(tf.string, tf.int64, -1)
    table.insert(["a", "b"], [1, 2])
    obj = AutoTrackable()
    obj.table = table
    path = tf.train.Checkpoint(a=obj).write(str(tmp_path / "c"))
    assert _keys(path) == ["a/table/.ATTRIBUTES/table-keys", "a/table/.ATTRIBUTES/table-values"]
    fresh = AutoTrackable()
    fresh.table = tf.lookup.experimental.MutableHashTable(tf.string, tf.int64, -1)
    tf.train.Checkpoint(a=fresh).read(path).assert_consumed()
    np.testing.assert_array_equal(fresh.table.lookup(tf.constant(["a", "b", "c"])).numpy(), [1, 2, -1])


def test_trackable_view_lists_descendants_breadth_first():
    obj = AutoTrackable()
    obj.b = AutoTrackable()
    obj.a = [tf.Variable(1.0)]
    obj.b.v = tf.Variable(2.0)
    view = tf.train.TrackableView(obj)
    assert list(view.children(obj)) == ["b", "a"]
    assert [id(x) for x in view.descendants()] == [id(x) for x in (obj, obj.b, obj.a, obj.b.v, obj.a[0])]
