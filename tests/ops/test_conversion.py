"""Argument conversion shared by op functions: TF's generated wrappers' fast path and fallback.

The expected texts are TF 2.21's (tests/compat checks them against TensorFlow itself); these
tests pin eagerflow's own rules: which arguments leave the fast path, how operands sharing a
type attr convert on each path, and how errors are worded on each.
"""
import numpy as np
import pytest

import eagerflow as tf
from eagerflow.framework import errors
from eagerflow.ops import array_ops, conversion, indexing_ops, linalg_ops
from eagerflow.ops.array_args import INT32_64

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
