"""`None` components of dataset elements (`NoneTensorSpec`): carried through every
transformation, iterators and functions without tensors, refused where TF refuses them."""
import numpy as np
import pytest

import eagerflow as tf


def _pairs(n=5):
    return tf.data.Dataset.range(n).map(lambda x: (x, None))


def _firsts(ds):
    return [int(x) for x, _ in ds]


def test_type_spec_from_value_of_none_is_none_tensor_spec():
    assert tf.type_spec_from_value(None) == tf.NoneTensorSpec()
    assert repr(tf.NoneTensorSpec()) == "NoneTensorSpec()"


def test_none_tensor_spec_has_no_components():
    assert tf.nest.flatten(tf.NoneTensorSpec(), expand_composites=True) == []
    assert tf.NoneTensorSpec()._from_components([]) is None


def test_none_tensor_spec_is_compatible_only_with_none():
    spec = tf.NoneTensorSpec()
    assert spec.is_compatible_with(None)
    assert not spec.is_compatible_with(tf.constant(1))
    assert not spec.is_compatible_with(tf.TensorSpec([]))


def test_map_returning_none_component_has_none_tensor_spec():
    spec = _pairs().element_spec
    assert spec[0] == tf.TensorSpec([], tf.int64)
    assert spec[1] == tf.NoneTensorSpec()


def test_iteration_yields_none_in_its_position():
    elements = list(tf.data.Dataset.range(2).map(lambda x: {"a": x, "b": None}))
    assert [e["b"] for e in elements] == [None, None]
    assert [int(e["a"]) for e in elements] == [0, 1]


def test_from_tensors_and_slices_keep_none():
    assert list(tf.data.Dataset.from_tensors((1, None)))[0][1] is None
    slices = list(tf.data.Dataset.from_tensor_slices(([1, 2], None)))
    assert [(int(a), b) for a, b in slices] == [(1, None), (2, None)]


def test_batch_and_unbatch_keep_none():
    batched = _pairs().batch(2)
    assert batched.element_spec[1] == tf.NoneTensorSpec()
    assert [b for _, b in batched] == [None, None, None]
    assert [a.numpy().tolist() for a, _ in batched] == [[0, 1], [2, 3], [4]]
    assert _firsts(batched.unbatch()) == [0, 1, 2, 3, 4]


def test_shuffle_cache_prefetch_take_repeat_keep_none():
    ds = _pairs().shuffle(5, seed=1).cache().prefetch(2).repeat(2).take(7)
    elements = list(ds)
    assert all(b is None for _, b in elements)
    assert sorted(_firsts(ds)[:5]) == [0, 1, 2, 3, 4]


def test_map_function_receives_none():
    ds = _pairs(3).map(lambda x, y: (x + 1, y is None))
    assert [(int(a), bool(b)) for a, b in ds] == [(1, True), (2, True), (3, True)]


def test_zip_and_concatenate_keep_none():
    zipped = list(tf.data.Dataset.zip(_pairs(2), _pairs(2)))
    assert zipped[1][0][1] is None and zipped[1][1][1] is None
    assert _firsts(_pairs(2).concatenate(_pairs(2))) == [0, 1, 0, 1]


def test_concatenate_none_with_tensor_component_is_refused():
    with pytest.raises(TypeError, match="Incompatible dataset elements"):
        _pairs().concatenate(tf.data.Dataset.range(3).map(lambda x: (x, x)))


def test_as_numpy_iterator_yields_none():
    assert list(_pairs(2).as_numpy_iterator()) == [(np.int64(0), None), (np.int64(1), None)]


def test_element_of_only_none_is_refused_by_from_tensors():
    with pytest.raises(tf.errors.InvalidArgumentError, match="of 0 must be at least minimum 1"):
        tf.data.Dataset.from_tensors(None)


def test_map_returning_only_none_is_refused():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[Op:MapDataset\]"):
        tf.data.Dataset.range(2).map(lambda x: None)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[Op:ParallelMapDatasetV2\]"):
        tf.data.Dataset.range(2).map(lambda x: (None, None), num_parallel_calls=2)


def test_padded_batch_refuses_none_component():
    with pytest.raises(TypeError, match="not a subclass of TensorSpec: `NoneTensorSpec\\(\\)`"):
        _pairs().padded_batch(2)


def test_filter_predicate_returning_none_is_refused():
    with pytest.raises(ValueError, match="its return type is NoneTensorSpec"):
        tf.data.Dataset.range(2).filter(lambda x: None)


def test_scan_passes_the_element_whole():
    ds = _pairs(3).scan(tf.constant(0, tf.int64), lambda s, e: (s + e[0], e))
    assert [(int(a), b) for a, b in ds] == [(0, None), (1, None), (2, None)]


def test_generator_signature_with_none_tensor_spec_yields_none():
    ds = tf.data.Dataset.from_generator(
        lambda: iter([(1, 7)]), output_signature=(tf.TensorSpec([], tf.int32), tf.NoneTensorSpec()))
    assert [(int(a), b) for a, b in ds] == [(1, None)]


def test_get_single_element_keeps_none():
    x, y = _pairs().take(1).get_single_element()
    assert int(x) == 0 and y is None


def test_iterator_argument_of_function_yields_none():
    @tf.function
    def take(it):
        return next(it)

    it = iter(_pairs())
    take(it)
    x, y = take(it)
    assert int(x) == 1 and y is None


def test_dataset_loop_in_function_skips_none():
    @tf.function
    def total(ds):
        s = tf.constant(0, tf.int64)
        for x, y in ds:
            s += x
        return s

    assert int(total(_pairs())) == 10


def test_optional_of_element_with_none():
    optional = iter(_pairs()).get_next_as_optional()
    assert optional.element_spec[1] == tf.NoneTensorSpec()
    assert optional.get_value()[1] is None


def test_window_spec_of_none_component():
    assert repr(_pairs().window(2).element_spec[1]) == "DatasetSpec(NoneTensorSpec(), TensorShape([]))"


def test_distributed_dataset_keeps_none():
    strategy = tf.distribute.OneDeviceStrategy("/cpu:0")
    x, y = next(iter(strategy.experimental_distribute_dataset(_pairs().batch(2))))
    assert x.numpy().tolist() == [0, 1] and y is None


def test_unbatch_splits_ragged_components_into_rows():
    ds = tf.data.Dataset.from_tensors((tf.ragged.constant([[1], [2, 3]]), None)).unbatch()
    assert ds.element_spec[0] == tf.RaggedTensorSpec([None], tf.int32, 0)
    assert [(a.numpy().tolist(), b) for a, b in ds] == [([1], None), ([2, 3], None)]


def test_unbatch_refuses_scalar_and_mismatched_components():
    with pytest.raises(ValueError, match="Cannot unbatch an input with scalar components"):
        tf.data.Dataset.from_tensors((1, [2])).unbatch()
    with pytest.raises(ValueError, match="Encountered both 2 and 3"):
        tf.data.Dataset.from_tensors(([1, 2], None, [1, 2, 3])).unbatch()


def test_nested_list_in_function_output_is_packed_into_one_tensor():
    ds = tf.data.Dataset.range(2).map(lambda x: (x, [x, x * 2]))
    assert ds.element_spec[1] == tf.TensorSpec([2], tf.int64)
    assert [b.numpy().tolist() for _, b in ds] == [[0, 0], [1, 2]]


def test_nested_list_holding_none_is_an_unsupported_return_value():
    with pytest.raises(TypeError, match=r"Unsupported return value from function passed to Dataset.map\(\)"):
        tf.data.Dataset.range(1).map(lambda x: (x, [None, x]))


def test_take_while_predicate_returning_none_is_refused():
    with pytest.raises(ValueError, match="return type isNoneTensorSpec"):
        tf.data.Dataset.range(2).take_while(lambda x: None)


def test_optional_of_only_none_is_refused():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[Op:OptionalFromValue\]"):
        tf.experimental.Optional.from_value(None)


def test_map_over_sparse_and_none_keeps_sparse_spec():
    sparse = tf.sparse.SparseTensor([[0, 1]], [5], [2, 3])
    ds = tf.data.Dataset.from_tensors((sparse, None)).map(lambda s, n: (s, n))
    assert ds.element_spec[0] == tf.SparseTensorSpec([2, 3], tf.int32)
    assert ds.element_spec[1] == tf.NoneTensorSpec()


def test_flat_map_function_returning_none_is_refused():
    with pytest.raises(TypeError, match="must return a `Dataset` object. Got <.*NoneTensor object"):
        tf.data.Dataset.range(2).flat_map(lambda x: None).element_spec


def test_generator_output_types_refuse_none():
    with pytest.raises(TypeError, match="Cannot convert the argument `type_value`: None"):
        tf.data.Dataset.from_generator(lambda: iter([(1, 2)]), output_types=(tf.int32, None))
