"""Array ops: behaviours the spec table cannot express (TF 2.21's errors, masks, dtype rules),
a property test of slicing against NumPy, and each gradient against finite differences."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import eagerflow as tf
from eagerflow._src.framework import context
from eagerflow._src.ops import array_ops as A
from eagerflow._src.ops import join_split_ops as J
from eagerflow._src.ops import gather_scatter_ops as G
from eagerflow._src.ops import indexing_ops as S
from tests.ops.specs.array_specs import SPECS

InvalidArgumentError = tf.errors.InvalidArgumentError


def _x():
    return A.reshape(A.range(24), [2, 3, 4])


# --- errors, with the messages TF 2.21 gives -------------------------------------------------
@pytest.mark.parametrize("call, message", [
    (lambda: _x()[5], "slice index 5 of dimension 0 out of bounds."),
    (lambda: _x()[-3], "slice index -1 of dimension 0 out of bounds."),
    (lambda: _x()[0, 0, 0, 0], "Index out of range using input dim 3; input has only 3 dims"),
    (lambda: _x()[..., ...], "Multiple ellipses in slice spec not allowed"),
    (lambda: _x()[::0], "strides[0] must be non-zero"),
    (lambda: S.strided_slice(_x(), [1], [0], [-1], shrink_axis_mask=1),
     "only stride 1 allowed on non-range indexing."),
    (lambda: S.strided_slice(_x(), [1, 2], [0], [-1]),
     "Expected begin, end, and strides to be 1D equal size tensors, but got shapes [2], [1], and [1] instead."),
    (lambda: A.range(0, 5, 0), "Requires delta != 0: 0"),
    (lambda: A.range(5, 0), "Requires start <= limit when delta > 0: 5/0"),
    (lambda: A.range(0, 5, -1), "Requires start >= limit when delta < 0: 0/5"),
    (lambda: J.split(A.range(7), 3), "Number of ways to split should evenly divide the split dimension, "
                                     "but got split_dim 0 (size = 7) and num_split 3"),
    (lambda: J.split(A.range(7), [-1, -1, 1]), "There can only be one -1 in the input."),
    (lambda: J.split(A.range(7), [2, 3, 1]), "Determined shape must either match input shape along split_dim "
     "exactly if fully specified, or be less than the size of the input along split_dim if not fully "
     "specified.  Got: 6"),
    (lambda: J.split(A.range(7), 7, axis=1), "-input rank(-1) <= split_dim < input rank (1), but got 1"),
    (lambda: J.concat([A.zeros([2, 3]), A.zeros([2, 4])], 0),
     "ConcatOp : Dimension 1 in both shapes must be equal: shape[0] = [2,3] vs. shape[1] = [2,4]"),
    (lambda: J.concat([A.zeros([2, 3]), A.zeros([2])], 0),
     "ConcatOp : Ranks of all input tensors should match: shape[0] = [2,3] vs. shape[1] = [2]"),
    (lambda: J.concat([A.zeros([2, 3]), A.zeros([2, 3])], 2),
     "ConcatOp : Expected concatenating dimensions in the range [-2, 2), but got 2"),
    (lambda: J.concat([A.zeros([2, 3]), A.zeros([2, 3], tf.int32)], 0),
     "cannot compute ConcatV2 as input #1(zero-based) was expected to be a float tensor but is a int32 tensor"),
    (lambda: J.concat([1, 2], 0), "ConcatOp : Can't concatenate scalars (use tf.stack instead)"),
    (lambda: J.stack([A.zeros([2]), A.zeros([3])]),
     "Shapes of all inputs must match: values[0].shape = [2] != values[1].shape = [3]"),
    (lambda: G.gather([1, 2, 3], 5), "indices = 5 is not in [0, 3)"),
    (lambda: G.gather(A.zeros([3, 4]), [[0, 7]], axis=1), "indices[0,1] = 7 is not in [0, 4)"),
    (lambda: G.gather([1, 2, 3], 0, axis=2), "Shape must be at least rank 3 but is rank 1"),
    (lambda: G.gather([1, 2], [0.0]), "Value for attr 'Tindices' of float is not in the list of allowed "
                                      "values: int16, int32, int64"),
    (lambda: G.gather_nd(A.zeros([2, 3]), [[[0, 1], [0, 5]]]),
     "indices[0,1] = [0, 5] does not index into param shape [2,3], node name: GatherNd"),
    (lambda: G.scatter_nd([[5]], [1.0], [3]), "indices[0] = [5] does not index into shape [3]"),
    (lambda: G.scatter_nd([[1]], [1.0, 2.0], [3]),
     "Dimensions [0,1) of indices[shape=[1,1]] must match dimensions [0,1) of updates[shape=[2]]"),
    (lambda: G.tensor_scatter_nd_update(A.zeros([3]), [[5]], [1.0]), "indices[0] = [5] does not index into shape [3]"),
    (lambda: G.tensor_scatter_nd_update(A.zeros([3]), [[1]], [1.0, 2.0]),
     "Outer dimensions of indices and update must match. Indices shape: [1,1], updates shape:[2]"),
    (lambda: G.unsorted_segment_sum([1, 2, 3], [0, 5, 1], 3), "segment_ids[1] = 5 is out of range [0, 3)"),
    (lambda: A.tile([1, 2], [2, 2]), "Expected multiples argument to be a vector of length 1 but got length 2"),
    (lambda: A.tile([1, 2], [-1]), "Expected multiples[0] >= 0, but got -1"),
    (lambda: A.broadcast_to([1, 2, 3], [2, 2]), "Incompatible shapes: [3] vs. [2,2]"),
    (lambda: S.pad([[1, 2]], [[1, 1]]), "The first dimension of paddings must be the rank of inputs[1,2] [1,2]"),
    (lambda: S.pad([1, 2, 3], [[-1, 0]]), "Paddings must be non-negative: -1 0"),
    (lambda: S.pad([1, 2, 3], [[3, 0]], "REFLECT"),
     "paddings must be less than the dimension size: 3, 0 not less than 3"),
    (lambda: S.pad([1, 2, 3], [[4, 0]], "SYMMETRIC"),
     "paddings must be no greater than the dimension size: 4, 0 greater than 3"),
    (lambda: A.transpose(A.zeros([2, 3]), [0, 0]), "1 is missing from {0,0}."),
    (lambda: A.transpose(A.zeros([2, 3]), [0]), "transpose expects a vector of size 2. But input(1) is a vector of size 1"),
    (lambda: A.transpose(A.zeros([2, 3]), [0, 2]), "2 is out of range [0 .. 2)"),
    (lambda: A.expand_dims(A.zeros([2, 3]), -4), "Tried to expand dim index -4 for tensor with 2 dimensions."),
    (lambda: A.squeeze(A.zeros([2, 3]), 0), "Can not squeeze dim[0], expected a dimension of 1, got 2"),
    (lambda: A.squeeze(A.zeros([2, 3]), 5), "Tried to squeeze dim index 5 for tensor with 2 dimensions."),
    (lambda: A.reverse(A.zeros([2, 3]), [2]), "'axis'[0] = 2 is out of valid range [0, 1"),
    (lambda: A.reverse(A.zeros([2, 3]), [1, -1]), "axis 1 specified more than once."),
    (lambda: A.where(True), "WhereOp : Unhandled input dimensions: 0"),
    (lambda: A.where([True, False], [1, 2, 3], [1, 2, 3]),
     "condition [2], then [3], and else [3] must be broadcastable"),
    (lambda: A.one_hot([0, 2], 3, axis=3), "Expected axis to be -1 or between [0, 2).  But received: 3"),
    (lambda: A.one_hot([1], -1), "depth must be non-negative, got: -1"),
    (lambda: S.slice(A.zeros([2, 3]), [0, 1], [3, 1]), "Expected size[0] in [0, 2], but got 3"),
    (lambda: S.slice(A.zeros([2, 3]), [3, 0], [1, 1]), "Expected begin[0] in [0, 2], but got 3"),
    (lambda: S.slice(A.zeros([2, 3]), [1], [1]),
     "Expected begin and size arguments to be 1-D tensors of size 2, but got shapes [1] and [1] instead."),
    (lambda: A.fill([-2, 2], 3), "Dimension -2 must be >= 0"),
    (lambda: A.zeros([-1]), "Dimension -1 must be >= 0"),
])
def test_kernel_error_matches_tf(call, message):
    with pytest.raises(InvalidArgumentError) as info:
        call()
    assert message in str(info.value)


@pytest.mark.parametrize("key", [1.0, "a", (0, [0]), A.reshape(A.range(1), [1]), tf.constant(1.0)])
def test_bad_index_is_type_error(key):
    with pytest.raises(TypeError, match=r"^Only integers, slices \(`:`\), ellipsis \(`\.\.\.`\), tf\.newaxis "
                                        r"\(`None`\) and scalar tf\.int32/tf\.int64 tensors are valid indices, got "):
        _x()[key]


def test_python_errors_match_tf():
    with pytest.raises(ValueError, match=r"^mask cannot be scalar\.$"):
        _x()[True]
    with pytest.raises(ValueError, match=r"^Argument `axis` = 3 not in range \[-2, 2\)$"):
        J.stack([A.zeros([2]), A.zeros([2])], axis=3)
    with pytest.raises(ValueError, match=r'^Value of argument `mode` expected to be one of "CONSTANT", "REFLECT", '
                                         r'or "SYMMETRIC". Received `mode` = FOO$'):
        S.pad([1, 2, 3], [[1, 0]], "FOO")
    with pytest.raises(ValueError, match=r"^x and y must both be non-None or both be None\.$"):
        A.where([True], x=[1])
    with pytest.raises(TypeError, match=r"^Cannot convert \[1\.0, 2\.0\] to EagerTensor of dtype int32$"):
        A.where([True, False], [1, 2], [1.0, 2.0])
    with pytest.raises(TypeError, match=r"^dtype <dtype: 'int32'> of on_value does not match dtype "
                                        r"<dtype: 'float32'> of off_value$"):
        A.one_hot([0, 2], 3, on_value=5, off_value=1.0)
    with pytest.raises(TypeError, match=r"^Cannot convert 1 to EagerTensor of dtype string$"):
        A.ones([2], tf.string)
    with pytest.raises(AssertionError):
        A.range(tf.constant(1, tf.int16), 5.5)


# --- indexing and strided_slice ----------------------------------------------------------
def test_list_key_is_read_as_tuple():
    np.testing.assert_array_equal(_x()[[0, 1]].numpy(), [4, 5, 6, 7])


def test_index_accepts_int_tensors_and_numpy_ints():
    assert _x()[tf.constant(1):].shape == (1, 3, 4)
    assert _x()[np.int64(1), tf.constant(2, tf.int64)].shape == (4,)


def test_negative_steps_match_numpy():
    x = np.arange(24, dtype=np.int32).reshape(2, 3, 4)
    np.testing.assert_array_equal(_x()[::-1, 2:0:-1, ::-2].numpy(), x[::-1, 2:0:-1, ::-2])
    np.testing.assert_array_equal(_x()[:, -1:-10:-1].numpy(), x[:, -1:-10:-1])


@pytest.mark.parametrize("kwargs, shape", [
    ({"begin": [0, 1], "end": [2, 3], "strides": [1, 1], "shrink_axis_mask": 1}, (2, 4)),
    ({"begin": [0, 1], "end": [2, 3], "strides": [1, 1], "ellipsis_mask": 1}, (2, 3, 2)),
    ({"begin": [0, 1], "end": [1, 3], "strides": [1, 1], "new_axis_mask": 1, "shrink_axis_mask": 1}, (1, 1, 3, 4)),
    ({"begin": [0, 1], "end": [1, 3], "strides": [1, 1], "new_axis_mask": 1, "ellipsis_mask": 1}, (2, 3, 2)),
    ({"begin": [1, 5, -1], "end": [0, -7, 0], "strides": [-1, -2, -1], "begin_mask": 2, "end_mask": 4}, (1, 2, 4)),
])
def test_strided_slice_masks_match_tf(kwargs, shape):
    assert S.strided_slice(_x(), **kwargs).shape == shape


def test_strided_slice_mask_values():
    x = np.arange(24, dtype=np.int32).reshape(2, 3, 4)
    out = S.strided_slice(_x(), [1, 5, -1], [0, -7, 0], [-1, -2, -1], begin_mask=2, end_mask=4)
    np.testing.assert_array_equal(out.numpy(), x[1:0:-1, ::-2, -1::-1])


_ITEM = st.one_of(
    st.integers(-4, 3),
    st.builds(slice, st.none() | st.integers(-6, 6), st.none() | st.integers(-6, 6),
              st.none() | st.integers(-3, 3).filter(bool)),
    st.just(None),
)


@settings(max_examples=200, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=0, max_size=4),
       items=st.lists(_ITEM, max_size=4), ellipsis_at=st.none() | st.integers(0, 4))
def test_getitem_matches_numpy_basic_indexing(shape, items, ellipsis_at):
    if ellipsis_at is not None:
        items.insert(min(ellipsis_at, len(items)), Ellipsis)
    key = tuple(items)
    x = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    try:
        want = x[key]
    except IndexError:
        with pytest.raises(InvalidArgumentError):
            tf.constant(x)[key]
        return
    got = tf.constant(x)[key]
    assert got.shape == want.shape
    np.testing.assert_array_equal(got.numpy(), want)


# --- dtype rules ------------------------------------------------------------------------
def test_where_one_arg_gives_int64_coordinates():
    out = A.where([[0, 3], [2, 0]])
    assert out.dtype == tf.int64
    np.testing.assert_array_equal(out.numpy(), [[0, 1], [1, 0]])


@pytest.mark.parametrize("args, kwargs, dtype", [
    ((5,), {}, tf.int32),
    ((1, 5.0), {}, tf.float32),
    ((np.int64(3),), {}, tf.int64),
    ((np.float64(1), 3), {}, tf.float64),
    ((5,), {"dtype": tf.float64}, tf.float64),
])
def test_range_dtype_inference(args, kwargs, dtype):
    assert A.range(*args, **kwargs).dtype == dtype


def test_range_values():
    np.testing.assert_array_equal(A.range(5, 0, -2).numpy(), [5, 3, 1])
    np.testing.assert_allclose(A.range(1, 5, 0.5).numpy(), np.arange(1, 5, 0.5))
    assert A.range(0.0, 1.0, 0.1).shape == (10,)


def test_linspace_ints_give_float64():
    out = A.linspace(0, 1, 5)
    assert out.dtype == tf.float64
    np.testing.assert_allclose(out.numpy(), [0, 0.25, 0.5, 0.75, 1])
    assert A.linspace(0.0, 1.0, 0).shape == (0,)
    np.testing.assert_array_equal(A.linspace(0.0, 1.0, 1).numpy(), [0.0])


def test_split_uneven_sizes_with_minus_one():
    parts = J.split(A.range(7), [2, -1, 1])
    assert [p.numpy().tolist() for p in parts] == [[0, 1], [2, 3, 4, 5], [6]]


def test_one_hot_axis_and_dtypes():
    np.testing.assert_array_equal(A.one_hot([0, 2], 3, axis=0).numpy(), [[1, 0], [0, 0], [0, 1]])
    out = A.one_hot([0, 2], 3, on_value=5, off_value=1)
    assert out.dtype == tf.int32
    np.testing.assert_array_equal(out.numpy(), [[5, 1, 1], [1, 1, 5]])
    assert A.one_hot([0], 3, dtype=tf.int64).dtype == tf.int64
    np.testing.assert_array_equal(A.one_hot([-1], 2).numpy(), [[0, 0]])


def test_strings_fill_pad_and_zeros():
    assert A.zeros([2], tf.string).numpy().tolist() == [b"", b""]
    assert A.zeros_like(["a"]).numpy().tolist() == [b""]
    assert S.pad(["a"], [[1, 0]]).numpy().tolist() == [b"", b"a"]
    assert S.pad(["a"], [[1, 0]], constant_values="z").numpy().tolist() == [b"z", b"a"]
    assert A.fill([2], "a").numpy().tolist() == [b"a", b"a"]
    assert G.gather(["a", "b"], [1, 1]).numpy().tolist() == [b"b", b"b"]


def test_shape_rank_size_dtypes():
    x = _x()
    assert A.shape(x).dtype == tf.int32 and A.shape(x, out_type=tf.int64).dtype == tf.int64
    assert A.rank(x).numpy() == 3 and A.size(x).numpy() == 24
    assert [s.numpy().tolist() for s in A.shape_n([x, [1, 2]])] == [[2, 3, 4], [2]]


def test_tensor_scatter_updates_take_tensor_dtype():
    out = G.tensor_scatter_nd_update(A.zeros([3]), [[1]], [1])
    assert out.dtype == tf.float32
    np.testing.assert_array_equal(out.numpy(), [0, 1, 0])
    np.testing.assert_array_equal(G.tensor_scatter_nd_min([5, 5, 5], [[0], [0]], [3, 7]).numpy(), [3, 5, 5])


# --- shape, perm, multiples, begin/size and index dtypes (TF 2.21's texts) ---------------
RESHAPE_OPDEF = ("Op<name=Reshape; signature=tensor:T, shape:Tshape -> output:T; attr=T:type; "
                 "attr=Tshape:type,default=DT_INT32,allowed=[DT_INT32, DT_INT64]>")


def _message(cls, fn):
    with pytest.raises(cls) as info:
        fn()
    return str(info.value)


def test_float_shape_list_is_tshape_error_without_name():
    assert _message(InvalidArgumentError, lambda: A.reshape(A.range(6), [2.0, 3.0])) == (
        "Value for attr 'Tshape' of float is not in the list of allowed values: int32, int64\n\t; "
        f"NodeDef: {{{{node Reshape}}}}; {RESHAPE_OPDEF} [Op:Reshape]")


def test_float_shape_tensor_is_tshape_error_with_name():
    assert _message(InvalidArgumentError, lambda: A.reshape(A.range(6), tf.constant([2.0, 3.0]))).endswith(
        f"; {RESHAPE_OPDEF} [Op:Reshape] name: ")


def test_python_float_shape_is_type_error():
    assert _message(TypeError, lambda: A.reshape(A.range(6), 6.0)) == "Cannot convert 6.0 to EagerTensor of dtype int32"
    assert _message(TypeError, lambda: A.tile(tf.constant([1, 2]), 2.0)) == (
        "Cannot convert 2.0 to EagerTensor of dtype int32")
    assert _message(TypeError, lambda: A.fill(2.0, 1)) == "Cannot convert 2.0 to EagerTensor of dtype int32"


def test_int_shapes_of_every_form_still_work():
    x = A.range(6)
    for shape in ([2, 3], (2, 3), np.array([2, 3]), tf.constant([2, 3], tf.int64), tf.TensorShape([2, 3]),
                  [tf.constant(2), 3], [tf.constant(2.0), 3], np.array([2.0, 3.0])):
        assert A.reshape(x, shape).shape == (2, 3), shape
    assert A.reshape(x, 6).shape == (6,)


def test_perm_multiples_dims_attrs_name_their_attr():
    assert "Value for attr 'Tperm' of float" in _message(
        InvalidArgumentError, lambda: A.transpose(A.zeros([1, 2]), [1.0, 0.0]))
    assert "Value for attr 'Tmultiples' of float" in _message(InvalidArgumentError, lambda: A.tile([1], [2.0]))
    assert "Value for attr 'index_type' of float" in _message(InvalidArgumentError, lambda: A.fill([2.0], 1))
    assert "Value for attr 'Tperm' of int8" in _message(
        InvalidArgumentError, lambda: A.transpose(A.zeros([1, 2]), tf.constant([1, 0], tf.int8)))


def test_slice_begin_and_size_share_one_dtype():
    assert _message(TypeError, lambda: S.slice(A.range(3), [1], [2.0])) == (
        "Cannot convert [2.0] to EagerTensor of dtype int32")
    assert _message(InvalidArgumentError, lambda: S.slice(A.range(3), [1.0], [2])).startswith(
        "Value for attr 'Index' of float is not in the list of allowed values: int32, int64\n\t; "
        "NodeDef: {{node Slice}}")
    assert S.slice(A.range(3), [1], tf.constant([2], tf.int64)).numpy().tolist() == [1, 2]


def test_list_arguments_word_kernel_errors_without_name():
    assert _message(InvalidArgumentError, lambda: A.reshape(A.range(3), [2])).endswith("has 2 [Op:Reshape]")
    assert _message(InvalidArgumentError, lambda: A.reshape(A.range(3), tf.constant([2]))).endswith(
        "has 2 [Op:Reshape] name: ")
    assert _message(InvalidArgumentError, lambda: G.gather([1, 2], [0, 5])).endswith("[0, 2) [Op:GatherV2]")


def test_partially_known_tensor_shape_is_value_error():
    assert _message(ValueError, lambda: A.reshape(A.range(6), tf.TensorShape([None, 3]))) == (
        "Cannot convert a partially known TensorShape (None, 3) to a Tensor.")


def test_index_dtype_errors_carry_the_opdef():
    message = _message(InvalidArgumentError, lambda: G.gather(tf.constant([1, 2]), tf.constant([0.0])))
    assert message.endswith("; Op<name=GatherV2; signature=params:Tparams, indices:Tindices, axis:Taxis -> "
                            "output:Tparams; attr=batch_dims:int,default=0; attr=Tparams:type; attr=Tindices:type,"
                            "allowed=[DT_INT16, DT_INT32, DT_INT64]; attr=Taxis:type,allowed=[DT_INT32, DT_INT64]> "
                            "[Op:GatherV2] name: ")
    assert "attr 'TI' of float" in _message(InvalidArgumentError, lambda: A.one_hot(tf.constant([0.0]), 2))
    assert _message(TypeError, lambda: A.one_hot(0.0, 2)) == "Cannot convert 0.0 to EagerTensor of dtype int64"


def test_tensor_scatter_index_lists_follow_each_opdef():
    add = _message(InvalidArgumentError, lambda: G.tensor_scatter_nd_add([1, 2], tf.constant([[0]], tf.int16), [5]))
    assert add.startswith("Value for attr 'Tindices' of int16 is not in the list of allowed values: int32, int64\n")
    update = _message(tf.errors.NotFoundError,
                      lambda: G.tensor_scatter_nd_update(tf.constant([1, 2]), tf.constant([[0]], tf.uint16), [5]))
    assert update.startswith("Could not find device for node: {{node TensorScatterUpdate}} = TensorScatterUpdate"
                             '[T=DT_INT32, Tindices=DT_UINT16, bad_indices_policy=""]\nAll kernels registered for op '
                             "TensorScatterUpdate:\n")
    assert "Tindices=DT_INT16" in _message(tf.errors.NotFoundError,
                                           lambda: G.scatter_nd(tf.constant([[0]], tf.int16), [1], [2]))


def test_segment_ids_and_num_segments_dtypes():
    ids = _message(InvalidArgumentError, lambda: G.unsorted_segment_sum([1, 2], [0.0, 1.0], 2))
    count = _message(InvalidArgumentError, lambda: G.unsorted_segment_sum([1, 2], [0, 1], 2.0))
    assert "attr 'Tindices' of float" in ids and "attr 'Tnumsegments' of float" in count
    assert G.unsorted_segment_sum([1, 2], tf.constant([0, 0], tf.int16), 2).numpy().tolist() == [3, 0]


# --- shape-like arguments of rank other than 1: TF's kernel errors --------------------------
def _kernel_error(op, message):
    """TF's kernel error text for `op` run on the default device (ending `[Op:X]`, as for a list)."""
    return f"{{{{function_node __wrapped__{op}_device_{tf.constant(0).device}}}}} {message} [Op:{op}]"


M = tf.constant([[1.0, 2.0], [3.0, 4.0]])
V = tf.constant([1.0, 2.0])


@pytest.mark.parametrize("call, value, op, message", [
    (lambda s: A.reshape(M, s), [[2, 2]], "Reshape", "sizes input must be 1-D, not [1,2]"),
    (lambda s: A.reshape(M, s), [[[4]]], "Reshape", "sizes input must be 1-D, not [1,1,1]"),
    (lambda s: A.tile(M, s), [[1, 2]], "Tile", "Expected multiples to be 1-D, but got shape [1,2]"),
    (lambda s: A.transpose(M, s), [[1, 0]], "Transpose", "perm must be rank 1, got shape [1,2]"),
    (lambda s: A.fill(s, 1.0), [[2, 3]], "Fill", "dims must represent a vector, got shape [1,2]"),
    (lambda s: A.broadcast_to(V, s), [[2, 2]], "BroadcastTo",
     "shape must be a vector of {int32,int64}, got shape [1,2]"),
    (lambda s: S.slice(V, s, s), [[0]], "Slice",
     "Expected begin and size arguments to be 1-D tensors of size 1, but got shapes [1,1] and [1,1] instead."),
])
def test_shape_argument_of_rank_2_is_tf_kernel_error(call, value, op, message):
    assert _message(InvalidArgumentError, lambda: call(value)) == _kernel_error(op, message)
    assert _message(InvalidArgumentError, lambda: call(tf.constant(value))) == _kernel_error(op, message) + " name: "


@pytest.mark.parametrize("call, op, message", [
    (lambda s: A.tile(V, s), "Tile", "Expected multiples to be 1-D, but got shape []"),
    (lambda s: A.transpose(V, s), "Transpose", "perm must be rank 1, got shape []"),
    (lambda s: A.broadcast_to(V, s), "BroadcastTo", "shape must be a vector of {int32,int64}, got shape []"),
    (lambda s: S.slice(V, s, s), "Slice",
     "Expected begin and size arguments to be 1-D tensors of size 1, but got shapes [] and [] instead."),
])
def test_scalar_shape_argument_is_tf_kernel_error(call, op, message):
    for scalar in (0, tf.constant(0)):  # a Python int stays on TF's fast path: the message ends ` name: `
        assert _message(InvalidArgumentError, lambda: call(scalar)) == _kernel_error(op, message) + " name: "


def test_reshape_and_fill_take_a_scalar_shape():
    assert A.reshape(M, 4).shape == (4,) and A.reshape(M, tf.constant(4)).shape == (4,)
    assert A.fill(2, 1.0).shape == (2,) and A.fill(tf.constant(2), 1.0).shape == (2,)


@pytest.mark.parametrize("shape", [[[2]], tf.constant([[2]]), np.array([[2]])])
def test_zeros_and_ones_pass_a_converted_shape_to_fill(shape):
    expected = _kernel_error("Fill", "dims must represent a vector, got shape [1,1]") + " name: "
    assert _message(InvalidArgumentError, lambda: A.zeros(shape)) == expected
    assert _message(InvalidArgumentError, lambda: A.ones(shape, tf.int32)) == expected


def test_slice_reports_both_shapes_when_one_argument_is_not_a_vector():
    assert _message(InvalidArgumentError, lambda: S.slice(M, [[0, 0]], [1, 1])) == _kernel_error(
        "Slice", "Expected begin and size arguments to be 1-D tensors of size 2, but got shapes [1,2] and [2] instead.")


def test_rank_error_comes_after_the_attr_dtype_check():
    assert _message(InvalidArgumentError, lambda: A.reshape(M, [[2.0, 2.0]])).startswith(
        "Value for attr 'Tshape' of float is not in the list of allowed values")


def test_fill_takes_a_one_element_vector_value():
    assert A.fill([2], [3.0]).numpy().tolist() == [3.0, 3.0]
    assert _message(InvalidArgumentError, lambda: A.fill([-1], [1.0, 2.0])) == _kernel_error(
        "Fill", "value must represent a scalar, got shape [2]")


def test_broadcast_to_rejects_negative_dimensions():
    assert _message(InvalidArgumentError, lambda: A.broadcast_to(V, [-1])) == _kernel_error(
        "BroadcastTo", "Dimension -1 must be >= 0")


# --- list ops: TF names their function after the list's length, and the Python default name ----
def test_concat_error_names_n_and_the_default_name():
    message = _message(InvalidArgumentError, lambda: J.concat([V, M], 0))
    assert message.startswith(f"{{{{function_node __wrapped__ConcatV2_N_2_device_{V.device}}}}} ConcatOp : Ranks")
    assert message.endswith("[Op:ConcatV2] name: concat")
    assert _message(InvalidArgumentError, lambda: J.concat([[1.0, 2.0], M], 0)).endswith("[Op:ConcatV2]")


def test_stack_at_axis_0_packs_a_list_holding_tensors_without_name():
    assert _message(InvalidArgumentError, lambda: J.stack([V, tf.constant([1.0])])).endswith("name: stack")
    assert _message(InvalidArgumentError, lambda: J.stack([V, [1.0]])).endswith("[Op:Pack] name: ")
    assert _message(InvalidArgumentError, lambda: J.stack([V, [1.0]], axis=1)).endswith("[Op:Pack]")


def test_split_errors_name_num_split():
    message = _message(InvalidArgumentError, lambda: J.split(A.range(3), 2))
    assert f"__wrapped__Split_num_split_2_device_{V.device}" in message and message.endswith("name: split")
    assert _message(InvalidArgumentError, lambda: J.split(A.range(3), [[1, 2]])).endswith(
        "must be 1-D and have the same elements as outputs got 2 -D and 2 elements [Op:SplitV] name: split")
    assert _message(ValueError, lambda: J.split(A.range(3), tf.constant(3))) == (
        "Rank-0 tensors are not supported as the num_or_size_splits argument to split. Argument provided: "
        "tf.Tensor(3, shape=(), dtype=int32)")


def test_unstack_with_num_lets_the_kernel_check_the_dimension():
    assert _message(InvalidArgumentError, lambda: J.unstack(V, num=3)) == (
        f"{{{{function_node __wrapped__Unpack_num_3_device_{V.device}}}}} Input shape axis 0 must equal 3, got "
        "shape [2] [Op:Unpack] name: unstack")


def test_pad_paddings_must_be_a_two_column_matrix():
    assert _message(InvalidArgumentError, lambda: S.pad(V, [[1]])) == _kernel_error(
        "Pad", "paddings must be a matrix with 2 columns: [1,1]")
    assert _message(InvalidArgumentError, lambda: S.pad(V, tf.constant([1, 1]))) == _kernel_error(
        "Pad", "paddings must be a matrix with 2 columns: [2]") + " name: "


# --- gradients against finite differences -----------------------------------------------
class _RecordingTape:
    """Just enough of a tape to walk one op chain backwards with each op's `grad`."""

    def __init__(self):
        self.records = []

    def record(self, op, inputs, attrs, result):
        self.records.append((op, tuple(inputs), dict(attrs), result))


def _unbroadcast(g, shape):
    g = np.asarray(g)
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    for i, d in enumerate(shape):
        if d == 1 and g.shape[i] != 1:
            g = g.sum(axis=i, keepdims=True)
    return g


def _vjp(fn, args, positions, cotangents):
    """Gradients of sum(fn(args) * cotangents) for args at `positions`, via the recorded ops."""
    from eagerflow._src.framework.op import GradContext

    tape = _RecordingTape()
    thread = context.thread
    tensors = [tf.constant(a) if isinstance(a, np.ndarray) else a for a in args]
    context.add_taping(1)
    thread.tapes.append(tape)
    try:
        out = fn(*tensors)
    finally:
        thread.tapes.remove(tape)
        context.add_taping(-1)
    outs = out if isinstance(out, list) else [out]
    grads = {id(o): tf.constant(c) for o, c in zip(outs, cotangents)}
    for op, inputs, attrs, result in reversed(tape.records):
        results = result if isinstance(result, list) else [result]
        dys = [grads.get(id(r)) for r in results]
        if all(d is None for d in dys):
            continue
        dys = [d if d is not None else A.zeros_like(r) for d, r in zip(dys, results)]
        in_grads = op.grad(GradContext(inputs, attrs, result), dys if isinstance(result, list) else dys[0])
        for t, g in zip(inputs, in_grads):
            if g is None:
                continue
            g = _unbroadcast(tf.convert_to_tensor(g).numpy(), t.shape)  # IndexedSlices densified
            prev = grads.get(id(t))
            grads[id(t)] = tf.constant(g if prev is None else prev.numpy() + g)
    return [grads[id(tensors[p])].numpy() if id(tensors[p]) in grads else np.zeros_like(args[p])
            for p in positions]


GRAD_SPECS = [s for s in SPECS if s.differentiable]


@pytest.mark.parametrize("spec", GRAD_SPECS, ids=str)
def test_gradient_matches_finite_differences(spec):
    rng = np.random.default_rng(1)
    args = list(spec.make_args(rng, np.dtype("float64")))
    ref = spec.reference(*args)
    refs = ref if isinstance(ref, list) else [ref]
    cotangents = [rng.normal(size=np.shape(r)) for r in refs]

    def objective(values):
        out = spec.fn(*[tf.constant(v) if isinstance(v, np.ndarray) else v for v in values])
        outs = out if isinstance(out, list) else [out]
        return sum(float(np.sum(o.numpy() * c)) for o, c in zip(outs, cotangents))

    analytic = _vjp(spec.fn, args, spec.grad_args, cotangents)
    eps = 1e-6
    for position, got in zip(spec.grad_args, analytic):
        base = args[position]
        numeric = np.zeros_like(base)
        for i in np.ndindex(base.shape):
            plus, minus = base.copy(), base.copy()
            plus[i] += eps
            minus[i] -= eps
            numeric[i] = (objective(args[:position] + [plus] + args[position + 1:])
                          - objective(args[:position] + [minus] + args[position + 1:])) / (2 * eps)
        np.testing.assert_allclose(got, numeric, rtol=1e-5, atol=1e-6, err_msg=f"{spec.name} arg {position}")


def test_second_order_gradient_ops_exist():
    # Each gradient is itself made of ops with gradients (StridedSliceGrad <-> StridedSlice, ...).
    for op in (S.STRIDED_SLICE_GRAD, S.MIRROR_PAD_GRAD, G.UNSORTED_SEGMENT_SUM, G.SCATTER_ND, S.PAD, S.SLICE):
        assert op.grad is not None


def test_broadcast_to_of_a_string_scalar_holds_the_strings():
    out = tf.broadcast_to(tf.constant("a"), [2]).numpy()
    assert out.tolist() == [b"a", b"a"]


def test_tile_traced_multiples_known_at_run_time_equal_eager():
    x = tf.constant(np.arange(6.0, dtype=np.float32).reshape(2, 3))
    seen = []

    @tf.function
    def tiled(x, n):
        out = tf.tile(x, [2, n])
        seen.append(out.shape.as_list())
        return out

    assert np.array_equal(tiled(x, tf.constant(3)).numpy(), np.tile(x.numpy(), [2, 3]))
    assert seen == [[4, None]]  # TF: the known multiple times the known dim, else unknown


def test_tile_traced_multiples_gradient_sums_the_copies():
    x = tf.constant(np.arange(6.0, dtype=np.float32).reshape(2, 3))
    w = tf.constant(np.arange(1.0, 5.0, dtype=np.float32).reshape(4, 1))

    def grad(x, n):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(tf.tile(x, tf.stack([n, 1])) * w)
        return tape.gradient(y, x)

    assert np.array_equal(tf.function(grad)(x, tf.constant(2)).numpy(), grad(x, tf.constant(2)).numpy())


def test_repeat_traced_counts_known_at_run_time_equal_eager():
    x = tf.constant(np.arange(6.0, dtype=np.float32).reshape(3, 2))

    @tf.function
    def repeated(x, n, counts):
        return tf.repeat(x, n, axis=0), tf.repeat(x, counts, axis=0), tf.repeat(x, n)

    n, counts = tf.constant(2), tf.constant([1, 0, 3])
    for traced, eager in zip(repeated(x, n, counts),
                             (tf.repeat(x, 2, axis=0), tf.repeat(x, [1, 0, 3], axis=0), tf.repeat(x, 2))):
        assert np.array_equal(traced.numpy(), eager.numpy())


def test_getitem_traced_slice_bounds_follow_strided_slice_rules():
    # negative bounds count from the end, bounds clamp to the dim, an empty walk is empty
    x = tf.constant(np.arange(24).reshape(4, 6))

    def slices(x, a, b):
        return (x[a:a + 10], x[:, a:], x[a:b], x[:, b:a:-1], x[a], x[:, a::2], x[-1:a], x[a:-1], x[::-1, a:])

    traced = tf.function(slices)
    for a, b in [(-2, 3), (1, -1), (-4, 9), (3, 0)]:
        expected = slices(x.numpy(), a, b)
        got = traced(x, tf.constant(a), tf.constant(b))
        for e, g in zip(expected, got):
            assert np.array_equal(g.numpy(), e)


def test_range_traced_bounds_give_one_unknown_dim():
    seen = []

    @tf.function
    def counted(n):
        out = tf.range(n, 0, -1)
        seen.append(out.shape.as_list())
        return out

    assert counted(tf.constant(3)).numpy().tolist() == [3, 2, 1]
    assert seen == [[None]]


def test_pad_traced_paddings_folded_from_static_shapes_equal_eager():
    x = tf.constant(np.arange(6.0).reshape(3, 2))

    def padded(x):
        p = tf.stack([tf.stack([0, 5 - tf.shape(x)[0]]), tf.constant([0, 0])])
        return tf.pad(x, p, constant_values=-1.0), tf.pad(x, p, mode="REFLECT")

    for traced, eager in zip(tf.function(padded)(x), padded(x)):
        assert traced.shape == eager.shape == (5, 2)
        assert np.array_equal(traced.numpy(), eager.numpy())


def test_mirror_pad_traced_paddings_known_at_run_time_equal_eager_with_gradient():
    x = tf.constant(np.arange(6.0).reshape(3, 2))
    w = tf.constant(np.arange(1.0, 21.0).reshape(5, 4))

    def padded(x, n):
        with tf.GradientTape() as tape:
            tape.watch(x)
            p = tf.stack([tf.stack([1, n]), tf.constant([1, 1])])
            r, s = tf.pad(x, p, mode="REFLECT"), tf.pad(x, p, mode="SYMMETRIC")
            y = tf.reduce_sum(r * w) + tf.reduce_sum(s * w)
        return r, s, tape.gradient(y, x)

    traced = tf.function(padded)
    for t, e in zip(traced(x, tf.constant(1)), padded(x, tf.constant(1))):
        assert np.array_equal(t.numpy(), e.numpy())
    assert traced.get_concrete_function(x, tf.TensorSpec([], tf.int32)).structured_outputs[0].shape.as_list() == [None, 4]
