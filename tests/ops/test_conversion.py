"""Argument conversion shared by op functions: TF's generated wrappers' fast path and fallback.

The expected texts are TF 2.21's (tests/compat checks them against TensorFlow itself); these
tests pin eagerflow's own rules: which arguments leave the fast path, how operands sharing a
type attr convert on each path, and how errors are worded on each.
"""
import numpy as np
import pytest

import eagerflow as tf
from eagerflow._src.framework import errors
from eagerflow._src.ops import array_ops, conversion, indexing_ops, join_split_ops, linalg_ops
from eagerflow._src.ops.array_args import INT32_64

RESHAPE_SUMMARY = ("Op<name=Reshape; signature=tensor:T, shape:Tshape -> output:T; attr=T:type; "
                   "attr=Tshape:type,default=DT_INT32,allowed=[DT_INT32, DT_INT64]>")
SLICE_SUMMARY = ("Op<name=Slice; signature=input:T, begin:Index, size:Index -> output:T; attr=T:type; "
                 "attr=Index:type,allowed=[DT_INT32, DT_INT64]>")


@pytest.mark.parametrize("value", [tf.constant([1]), tf.Variable([1]), 1, 1.5, True, np.array([1])])
def test_tensors_python_scalars_and_ndarrays_stay_on_the_fast_path(value):
    assert not conversion.takes_fallback(value)


@pytest.mark.parametrize("value", [[1], (1,), np.int32(1), None, "a", 1j, tf.TensorShape([1])])
def test_sequences_numpy_scalars_and_others_take_the_fallback(value):
    assert conversion.takes_fallback(tf.constant([1]), value)


def test_fast_path_converts_a_python_float_to_the_attr_default():
    with pytest.raises(TypeError, match="^Cannot convert 6.0 to EagerTensor of dtype int32$"):
        conversion.typed_operands(array_ops.RESHAPE, "Tshape", [6.0], INT32_64, tf.int32, False)


def test_fast_path_without_default_infers_then_reports_the_attr_with_name():
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        conversion.typed_operands(indexing_ops.SLICE, "Index", [1.0, 2], INT32_64, None, False, positions=(1, 2))
    assert str(info.value) == (
        "Value for attr 'Index' of float is not in the list of allowed values: int32, int64\n\t; NodeDef: "
        f"{{{{node Slice}}}}; {SLICE_SUMMARY} [Op:Slice] name: ")


def test_fallback_with_a_tensor_converts_lists_to_its_dtype_strictly():
    with pytest.raises(TypeError, match=r"^Cannot convert \[2.0\] to EagerTensor of dtype int32$"):
        conversion.typed_operands(indexing_ops.SLICE, "Index", [tf.constant([1]), [2.0]], INT32_64, None, True, (1, 2))


def test_fallback_without_a_tensor_retries_the_default_then_reports_without_name():
    (t,) = conversion.typed_operands(array_ops.RESHAPE, "Tshape", [np.array([2.0, 3.0])], INT32_64, tf.int32, True)
    assert t.dtype == tf.int32 and t.numpy().tolist() == [2, 3]
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        conversion.typed_operands(array_ops.RESHAPE, "Tshape", [[2.0, 3.0]], INT32_64, tf.int32, True)
    assert str(info.value) == (
        "Value for attr 'Tshape' of float is not in the list of allowed values: int32, int64\n\t; NodeDef: "
        f"{{{{node Reshape}}}}; {RESHAPE_SUMMARY} [Op:Reshape]")


def test_operands_of_two_dtypes_name_the_second_input_position():
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        conversion.typed_operands(indexing_ops.SLICE, "Index", [tf.constant([1]), tf.constant([2], tf.int64)], INT32_64,
                                  None, False, positions=(1, 2))
    assert str(info.value) == ("cannot compute Slice as input #2(zero-based) was expected to be a int32 tensor "
                               "but is a int64 tensor [Op:Slice] name: ")


def test_run_words_kernel_errors_by_path():
    x = tf.constant([1, 2, 3])
    with pytest.raises(tf.errors.InvalidArgumentError) as named:
        conversion.run(array_ops.RESHAPE, (x,), {"shape": (2,)}, False)
    with pytest.raises(tf.errors.InvalidArgumentError) as unnamed:
        conversion.run(array_ops.RESHAPE, (x,), {"shape": (2,)}, True)
    assert str(named.value).endswith("requested shape has 2 [Op:Reshape] name: ")
    assert str(unnamed.value).endswith("requested shape has 2 [Op:Reshape]")


def test_fallback_error_keeps_the_error_class():
    e = errors.fallback_error(errors.op_error(errors.NotFoundError, "gone", "Einsum"))
    assert type(e) is errors.NotFoundError and str(e) == "gone [Op:Einsum]"


def test_no_kernel_error_lists_kernels_and_attrs_sorted():
    e = conversion.no_kernel_error(linalg_ops.EINSUM, {"T": tf.int8, "N": 2, "equation": "ij,jk->ik"})
    assert type(e) is tf.errors.NotFoundError
    assert str(e).startswith('Could not find device for node: {{node Einsum}} = Einsum[N=2, T=DT_INT8, '
                             'equation="ij,jk->ik"]\nAll kernels registered for op Einsum:\n')
    assert str(e).endswith("  device='CPU'; T in [DT_BFLOAT16]\n [Op:Einsum] name: ")


def test_kernel_error_is_decorated_for_the_device_the_op_runs_on():
    x = tf.constant([1, 2])
    prefix = f"{{{{function_node __wrapped__Reshape_device_{x.device}}}}} bad"
    assert str(conversion.kernel_error(array_ops.RESHAPE, (x,), "bad")) == f"{prefix} [Op:Reshape] name: "
    assert str(conversion.kernel_error(array_ops.RESHAPE, (x,), "bad", True)) == f"{prefix} [Op:Reshape]"


def test_kernel_error_reports_an_input_dtype_the_op_rejects_first():
    e = conversion.kernel_error(linalg_ops.MATRIX_INVERSE, (tf.constant([1]),), "bad")
    assert str(e).startswith("Value for attr 'T' of int32 is not in the list of allowed values")


def test_worded_looks_at_the_raw_arguments():
    e = errors.op_error(errors.InvalidArgumentError, "bad", "Sub")
    assert str(conversion.worded(e, tf.constant(1), 2.0)) == "bad [Op:Sub] name: "
    assert str(conversion.worded(e, tf.constant(1), [2])) == "bad [Op:Sub]"
    assert str(conversion.worded(e, tf.constant(1), name="concat")) == "bad [Op:Sub] name: concat"
    assert str(conversion.worded(e, [1], name="concat")) == "bad [Op:Sub]"


def test_numbered_names_the_wrapped_function_after_the_list_length():
    e = errors.op_error(errors.InvalidArgumentError, "{{function_node __wrapped__ConcatV2_device_/x}} bad", "ConcatV2")
    assert str(conversion.numbered(e, join_split_ops.CONCAT, "N", 3)).startswith(
        "{{function_node __wrapped__ConcatV2_N_3_device_/x}} bad")
    plain = errors.op_error(errors.InvalidArgumentError, "cannot compute ConcatV2", "ConcatV2")
    assert conversion.numbered(plain, join_split_ops.CONCAT, "N", 3) is plain


@pytest.mark.parametrize("call, op", [
    (lambda x: tf.subtract(x, [1, 2, 3]), "Sub"),
    (lambda x: x - [1, 2, 3], "Sub"),
    (lambda x: tf.maximum([1, 2], [1, 2, 3]), "Maximum"),
    (lambda x: tf.math.equal(x, (1, 2, 3)), "Equal"),
])
def test_binary_op_with_a_list_operand_words_its_error_without_name(call, op):
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        call(tf.constant([1, 2]))
    assert str(info.value).endswith(f"Incompatible shapes: [2] vs. [3] [Op:{op}]")


def test_reflected_operator_converts_its_left_operand_first():
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        [1, 2, 3] - tf.constant([1, 2])  # noqa: B018 - the error is the point
    assert str(info.value).endswith("Incompatible shapes: [3] vs. [2] [Op:Sub] name: ")


def test_unary_op_with_a_list_words_the_attr_error_without_name():
    with pytest.raises(tf.errors.InvalidArgumentError) as listed:
        tf.math.sqrt([1, 2])
    with pytest.raises(tf.errors.InvalidArgumentError) as tensor:
        tf.math.sqrt(tf.constant([1, 2]))
    assert str(listed.value).endswith("[Op:Sqrt]") and str(tensor.value).endswith("[Op:Sqrt] name: ")


def test_reduction_axis_list_takes_the_fallback():
    x = tf.constant([1, 2])
    with pytest.raises(tf.errors.InvalidArgumentError) as listed:
        tf.reduce_sum(x, [3])
    with pytest.raises(tf.errors.InvalidArgumentError) as tensor:
        tf.reduce_sum(x, tf.constant([3]))
    assert str(listed.value).endswith("(3 for input with 1 dimension(s) [Op:Sum]")
    assert str(tensor.value).endswith("(3 for input with 1 dimension(s) [Op:Sum] name: ")


def test_reduction_axis_of_floats_is_tidx_error():
    with pytest.raises(tf.errors.InvalidArgumentError, match="^Value for attr 'Tidx' of float is not in the list"):
        tf.reduce_sum(tf.constant([1, 2]), [0.0])
