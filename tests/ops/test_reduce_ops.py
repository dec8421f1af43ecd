"""Reductions and scans: gradients of every differentiable spec (first and second order), TF's
axis errors, result dtypes and tie handling."""
import dataclasses

import numpy as np
import pytest

import eagerflow as tf
from tests.ops.specs import reduce_specs
from tests.ops.test_math_ops import backprop, check_gradients, recording

GRAD_SPECS = [s for s in reduce_specs.SPECS if s.differentiable]
# Not `differentiable` in the table: TF's Cumprod gradient divides by x (div_no_nan), so a second
# derivative through a zero input is 0 there, in TF as here. First order is exact.
FIRST_ORDER_ONLY = [s for s in reduce_specs.SPECS if s.name.startswith("reduce_prod_with_zero")]


@pytest.mark.parametrize("spec", GRAD_SPECS, ids=str)
def test_gradient_matches_numerical(spec):
    check_gradients(spec)


@pytest.mark.parametrize("spec", FIRST_ORDER_ONLY, ids=str)
def test_prod_gradient_with_zeros_is_exact(spec):
    check_gradients(dataclasses.replace(spec, differentiable=True), second_order=False)


def test_invalid_reduction_dimension_message():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Invalid reduction dimension \(2 for input with 2 dimension\(s\)"):
        tf.reduce_sum(tf.constant([[1.0]]), 2)


def test_scalar_rejects_every_explicit_axis_but_accepts_empty_list():
    for axis in (0, -1):
        with pytest.raises(tf.errors.InvalidArgumentError, match="for input with 0 dimension"):
            tf.reduce_sum(tf.constant(3.0), axis)
    assert float(tf.reduce_sum(tf.constant(3.0), [])) == 3.0


def test_duplicate_axes_message_has_no_name_suffix():
    with pytest.raises(tf.errors.InvalidArgumentError) as e:
        tf.reduce_sum(tf.constant([[1.0]]), [0, -2])
    assert str(e.value).endswith("Axes contains duplicate dimension: 0 [Op:Sum]")


def test_integer_mean_truncates_toward_zero():
    assert tf.reduce_mean(tf.constant([-1, -2])).numpy() == -1


def test_argmax_defaults_to_int64():
    assert tf.argmax(tf.constant([1, 3])).dtype == tf.int64


def test_max_gradient_splits_ties_equally():
    x = tf.constant([1.0, 3.0, 3.0])
    with recording() as rec:
        out = tf.reduce_max(x)
        (g,) = backprop(rec, out, [x], tf.constant(1.0))
    assert g.numpy().tolist() == [0.0, 0.5, 0.5]


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16, np.int32, np.uint8, "bfloat16"])
@pytest.mark.parametrize("shape", [(256, 10), (7, 3, 5), (4, 1), (3, 32), (2, 33), (0, 4)])
def test_short_last_axis_reductions_equal_numpy(dtype, shape):
    """Short rows are reduced from a transposed copy on NumPy: the values must not change."""
    import ml_dtypes

    dtype = np.dtype(ml_dtypes.bfloat16 if dtype == "bfloat16" else dtype)
    rng = np.random.default_rng(sum(shape))
    x = (rng.standard_normal(shape) * 50).astype(dtype)
    t = tf.constant(x)
    for ours, theirs in ((tf.reduce_max, np.max), (tf.reduce_min, np.min)):
        if x.size == 0:
            continue  # TF's identity element, tested elsewhere
        for keepdims in (False, True):
            got = ours(t, axis=-1, keepdims=keepdims).numpy()
            want = theirs(x, axis=-1, keepdims=keepdims)
            assert got.dtype == want.dtype and got.shape == want.shape
            np.testing.assert_array_equal(got, want)


def test_short_last_axis_max_propagates_nan():
    x = np.ones((5, 4), np.float32)
    x[2, 1] = np.nan
    got = tf.reduce_max(tf.constant(x), axis=1).numpy()
    assert np.isnan(got[2]) and not np.isnan(np.delete(got, 2)).any()


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16, "bfloat16", np.complex64])
def test_reduce_mean_equals_numpy_bit_for_bit(dtype):
    """The float path skips np.mean's wrapper; its values must stay np.mean's (float16 and
    bfloat16 accumulate in float32 as before)."""
    import ml_dtypes

    dtype = np.dtype(ml_dtypes.bfloat16 if dtype == "bfloat16" else dtype)
    acc = np.float32 if dtype.itemsize < 4 and dtype.kind == "f" else dtype
    rng = np.random.default_rng(7)
    for shape, axis in [((256,), None), ((7, 5), 0), ((7, 5), 1), ((3, 4, 5), (0, 2)), ((3,), 0)]:
        for _ in range(20):
            x = rng.standard_normal(shape) * 10
            if dtype.kind == "c":
                x = x + 1j * rng.standard_normal(shape)
            x = x.astype(dtype)
            want = np.asarray(np.mean(x, axis=axis, dtype=acc)).astype(dtype)
            got = tf.reduce_mean(tf.constant(x), axis=axis).numpy()
            assert got.dtype == want.dtype
            np.testing.assert_array_equal(got, want)
