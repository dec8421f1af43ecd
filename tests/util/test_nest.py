"""tf.nest: TF's traversal order, packing, structure checks and error texts (expected values
are TensorFlow 2.21's)."""
import collections

import numpy as np
import pytest

import eagerflow as tf
from eagerflow._src.util import nest

Point = collections.namedtuple("Point", "x y")


class Attrs:
    """Shaped like an attrs class: fields in declaration order."""

    __attrs_attrs__ = (type("F", (), {"name": "y"}), type("F", (), {"name": "x"}))

    def __init__(self, y, x):
        self.y, self.x = y, x


def test_flatten_walks_dicts_by_sorted_key():
    assert tf.nest.flatten({"b": 1, "a": [2, None]}) == [2, None, 1]


def test_flatten_sorts_ordered_dict_keys_too():
    assert tf.nest.flatten(collections.OrderedDict([("b", 1), ("a", 2)])) == [2, 1]


def test_flatten_leaf_gives_one_element_list():
    assert tf.nest.flatten(None) == [None]
    assert tf.nest.flatten("ab") == ["ab"]


def test_sets_and_arrays_are_leaves():
    s = {1, 2}
    a = np.zeros(3)
    assert tf.nest.flatten([s, a])[0] is s and tf.nest.flatten([s, a])[1] is a


def test_tensors_and_variables_are_leaves():
    t, v = tf.constant([1, 2]), tf.Variable(1.0)
    flat = tf.nest.flatten({"t": t, "v": v})
    assert flat[0] is t and flat[1] is v
    assert not tf.nest.is_nested(t)


def test_flatten_unsortable_keys_raises_type_error():
    with pytest.raises(TypeError, match="not supported between instances"):
        tf.nest.flatten({1: 1, "a": 2})


def test_attrs_fields_in_declaration_order():
    assert tf.nest.flatten(Attrs(1, [2, 3])) == [1, 2, 3]
    doubled = tf.nest.map_structure(lambda v: v * 2, Attrs(1, [2, 3]))
    assert isinstance(doubled, Attrs) and (doubled.y, doubled.x) == (2, [4, 6])


def test_namedtuple_rebuilt_with_its_type():
    assert tf.nest.map_structure(lambda v: v + 1, Point(1, (2, 3))) == Point(2, (3, 4))


def test_pack_keeps_dict_insertion_order():
    packed = tf.nest.pack_sequence_as({"b": 1, "a": 2}, [5, 6])
    assert list(packed.items()) == [("b", 6), ("a", 5)]


def test_map_structure_keeps_defaultdict():
    out = tf.nest.map_structure(lambda v: v * 2, collections.defaultdict(int, {"a": 1}))
    assert type(out) is collections.defaultdict and out["a"] == 2 and out.default_factory is int


def test_range_is_a_sequence():
    assert tf.nest.is_nested(range(2))
    assert tf.nest.flatten(range(3)) == [0, 1, 2]


def test_map_structure_over_tensors():
    out = tf.nest.map_structure(lambda a, b: a + b, [tf.constant(1.0)], [tf.constant(2.0)])
    assert float(out[0]) == 3.0


def test_map_structure_keeps_empty_containers():
    assert tf.nest.map_structure(lambda v: v, [[], {}, ()]) == [[], {}, ()]


def test_map_structure_needs_a_structure():
    with pytest.raises(ValueError, match="^Must provide at least one structure$"):
        tf.nest.map_structure(lambda v: v)


def test_map_structure_rejects_unknown_keywords():
    with pytest.raises(ValueError, match="Only valid keyword arguments are `check_types` and "
                                         "`expand_composites`, not: `foo`"):
        tf.nest.map_structure(lambda v: v, [1], foo=1)


def test_map_structure_without_type_check_takes_first_structure():
    assert tf.nest.map_structure(lambda a, b: (a, b), [1, 2], (3, 4), check_types=False) == [(1, 3), (2, 4)]


def test_assert_same_structure_length_message():
    with pytest.raises(ValueError) as info:
        tf.nest.assert_same_structure([1, 2], [1, 2, 3])
    assert str(info.value) == (
        "The two structures don't have the same nested structure.\n\n"
        "First structure: type=list str=[1, 2]\n\nSecond structure: type=list str=[1, 2, 3]\n\n"
        "More specifically: The two structures don't have the same number of elements. First "
        "structure: type=list str=[1, 2]. Second structure: type=list str=[1, 2, 3]\n"
        "Entire first structure:\n[., .]\nEntire second structure:\n[., ., .]")


def test_assert_same_structure_sequence_type_is_type_error():
    with pytest.raises(TypeError, match="The two namedtuples don't have the same sequence type. First "
                                        r"structure type=list str=\[1, 2\] has type list, while second "
                                        r"structure type=tuple str=\(1, 2\) has type tuple"):
        tf.nest.assert_same_structure([1, 2], (1, 2))


def test_assert_same_structure_dict_keys_message():
    with pytest.raises(ValueError, match=r"First structure has keys type=list str=\['a'\], while second "
                                         r"structure has keys type=list str=\['b'\]\nEntire first "
                                         r"structure:\n\{'a': \.\}"):
        tf.nest.assert_same_structure({"a": 1}, {"b": 1})


def test_assert_same_structure_sequence_versus_leaf():
    with pytest.raises(ValueError, match='Substructure "type=list str=\\[1\\]" is a sequence, while '
                                         'substructure "type=int str=1" is not'):
        tf.nest.assert_same_structure(1, [1])


def test_assert_same_structure_namedtuple_skeleton():
    with pytest.raises(TypeError, match=r"Entire first structure:\nPoint\(x=\., y=\.\)\nEntire second "
                                        r"structure:\n\(\., \.\)$"):
        tf.nest.assert_same_structure(Point(1, 2), (1, 2))


def test_assert_same_structure_without_type_check_passes():
    tf.nest.assert_same_structure([1, 2], (3, 4), check_types=False)


def test_pack_wrong_count_message():
    with pytest.raises(ValueError, match=r"^Could not pack sequence. Structure had 2 atoms, but flat_sequence "
                                         r"had 3 items.  Structure: \[1, \[2\]\], flat_sequence: \[5, 6, 7\].$"):
        tf.nest.pack_sequence_as([1, [2]], [5, 6, 7])


def test_pack_non_sequence_is_type_error():
    with pytest.raises(TypeError, match="Attempted to pack value:\n  5\ninto a structure, but found "
                                        "incompatible type `<class 'int'>` instead."):
        tf.nest.pack_sequence_as([1, [2]], 5)


def test_pack_leaf_structure_takes_the_single_item():
    assert tf.nest.pack_sequence_as(1, [5]) == 5
    with pytest.raises(ValueError, match="nest cannot guarantee that it is safe to map one to the other"):
        tf.nest.pack_sequence_as(1, [5, 6])


def test_pack_keeps_empty_substructures():
    assert tf.nest.pack_sequence_as([[], [1]], [9]) == [[], [9]]


def test_flatten_with_joined_string_paths():
    assert nest.flatten_with_joined_string_paths({"a": [1, 2], "b": 3}) == [("a/0", 1), ("a/1", 2), ("b", 3)]
    assert nest.flatten_with_joined_string_paths([1, {"x": 2}], separator=".") == [("0", 1), ("1.x", 2)]


def test_flatten_with_tuple_paths():
    assert nest.flatten_with_tuple_paths({"a": [1, 2], "b": 3}) == [(("a", 0), 1), (("a", 1), 2), (("b",), 3)]


def test_map_structure_with_paths():
    assert nest.map_structure_with_paths(lambda p, x: p, {"a": [1, 2], "b": 3}) == {"a": ["a/0", "a/1"], "b": "b"}
    assert nest.map_structure_with_tuple_paths(lambda p, x: p, {"b": 3}) == {"b": ("b",)}


def test_flatten_up_to_stops_at_shallow_leaves():
    assert nest.flatten_up_to([1, 2], [1, [2, 3]]) == [1, [2, 3]]


def test_map_structure_up_to():
    assert nest.map_structure_up_to([1, 2], lambda x: x, [1, [2, 3]]) == [1, [2, 3]]


def test_assert_shallow_structure_errors():
    with pytest.raises(ValueError, match="^The two structures don't have the same sequence length. Input "
                                         "structure has length 2, while shallow structure has length 3.$"):
        nest.assert_shallow_structure([1, 2, 3], [1, [2, 3]])
    with pytest.raises(TypeError, match="^The two structures don't have the same sequence type. Input "
                                        "structure has type <class 'list'>, while shallow structure has "
                                        "type <class 'tuple'>.$"):
        nest.assert_shallow_structure((1, 2), [1, 2])
    with pytest.raises(TypeError, match="^If shallow structure is a sequence, input must also be a sequence. "
                                        "Input has type: <class 'int'>.$"):
        nest.flatten_up_to([[1], 2], [1, 2])


def test_assert_shallow_structure_missing_keys():
    with pytest.raises(ValueError, match=r"The shallow_tree has the following keys that are not in the "
                                         r"input_tree: \['a'\].$"):
        nest.assert_shallow_structure({"a": 1}, {"b": 1})


def test_get_traverse_shallow_structure():
    assert nest.get_traverse_shallow_structure(lambda x: True, [1, [2, 3]]) == [True, [True, True]]
    assert nest.get_traverse_shallow_structure(lambda x: not isinstance(x, list), [1, [2, 3]]) is False
    with pytest.raises(TypeError, match=r"^traverse_fn returned structure: \[True, False\] for non-structure: 1$"):
        nest.get_traverse_shallow_structure(lambda x: [True, False], [1, [2, 3]])


def test_list_to_tuple():
    assert nest.list_to_tuple([1, [2]]) == (1, (2,))


def test_indexed_slices_is_a_leaf_unless_expanded():
    s = tf.IndexedSlices(tf.constant([1.0]), tf.constant([0]), tf.constant([3]))
    assert tf.nest.flatten(s) == [s]
    values, indices, shape = tf.nest.flatten(s, expand_composites=True)
    assert values is s.values and indices is s.indices and shape is s.dense_shape


def test_pack_rebuilds_indexed_slices_when_expanded():
    s = tf.IndexedSlices(tf.constant([1.0]), tf.constant([0]))
    packed = tf.nest.pack_sequence_as(s, [tf.constant([2.0]), tf.constant([1])], expand_composites=True)
    assert isinstance(packed, tf.IndexedSlices) and packed.values.numpy().tolist() == [2.0]


def test_tensor_spec_is_a_leaf_when_expanded():
    spec = tf.TensorSpec([2])
    assert tf.nest.flatten(spec, expand_composites=True) == [spec]


def test_indexed_slices_spec_expands_to_component_specs():
    assert tf.nest.flatten(tf.IndexedSlicesSpec(), expand_composites=True) == [
        tf.TensorSpec(None, tf.float32), tf.TensorSpec([None], tf.int64)]


class Custom:
    """TF's CustomNestProtocol."""

    def __init__(self, a, b):
        self.a, self.b = a, b

    def __tf_flatten__(self):
        return ("meta",), (self.a, self.b)

    @classmethod
    def __tf_unflatten__(cls, metadata, components):
        assert metadata == ("meta",)
        return cls(*components)


def test_custom_nest_protocol():
    out = tf.nest.map_structure(lambda v: v + 1, Custom(1, [2]))
    assert isinstance(out, Custom) and (out.a, out.b) == (2, [3])
