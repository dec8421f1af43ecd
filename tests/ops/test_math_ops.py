"""Elementwise math: gradients (first and second order) of every differentiable spec, TF's
errors and messages, dtype rules and Python operator semantics.

The gradient check does not need the GradientTape: a small recorder joins the thread's tapes,
so `execute` reports every op, and `backprop` walks the records using each op's `grad`. That
tests the gradient declared beside each forward on its own.
"""
import contextlib

import numpy as np
import pytest

import eagerflow as tf
from eagerflow._src.framework import context
from eagerflow._src.framework.op import GradContext
from eagerflow._src.ops import math_ops, reduce_ops
from tests.ops.specs import math_specs


# --- a minimal recording tape ------------------------------------------------------------------
class _Recorder:
    def __init__(self):
        self.records = []

    def record(self, op, inputs, attrs, result):
        self.records.append((op, tuple(inputs), attrs, result))


@contextlib.contextmanager
def recording():
    recorder = _Recorder()
    context.thread.tapes.append(recorder)
    context.add_taping(1)
    try:
        yield recorder
    finally:
        context.thread.tapes.remove(recorder)
        context.add_taping(-1)


def _unbroadcast(grad, shape):
    shape = tuple(shape)
    extra = grad.ndim - len(shape)
    if extra:
        grad = reduce_ops.reduce_sum(grad, axis=list(range(extra)))
    ones = [i for i, d in enumerate(shape) if d == 1 and grad.shape[i] != 1]
    if ones:
        grad = reduce_ops.reduce_sum(grad, axis=ones, keepdims=True)
    return grad


def _reshape_grad(ctx, dy):
    return (tf.reshape(dy, ctx.inputs[0].shape),)


# Gradients other families have not declared yet, used only by this harness.
_FALLBACK_GRADS = {"Reshape": _reshape_grad}


def backprop(recorder, target, sources, dy):
    """d(sum(dy * target))/d(source) for each source, through the recorded ops (None if unused)."""
    grads = {id(target): dy}
    for op, inputs, attrs, result in list(reversed(recorder.records)):
        if op.num_outputs != 1 or id(result) not in grads:
            continue
        g = grads.pop(id(result))
        grad_fn = op.grad or _FALLBACK_GRADS.get(op.name)
        assert grad_fn is not None, f"{op.name} has no gradient"
        in_grads = grad_fn(GradContext(inputs, attrs, result), g)
        assert len(in_grads) == len(inputs), f"{op.name}: {len(in_grads)} gradients for {len(inputs)} inputs"
        for t, gi in zip(inputs, in_grads):
            if gi is None:
                continue
            assert gi.dtype == t.dtype, f"{op.name}: gradient dtype {gi.dtype} for input {t.dtype}"
            gi = _unbroadcast(gi, t.shape)
            grads[id(t)] = math_ops.add(grads[id(t)], gi) if id(t) in grads else gi
    return [grads.get(id(s)) for s in sources]


# --- numerical gradient check -----------------------------------------------------------------
def _call(spec, args):
    return spec.fn(*[tf.constant(a) if isinstance(a, np.ndarray) else a for a in args], **spec.kwargs)


def _numeric_jvp(f, args, i, weights, eps=1e-6):
    """d(sum(weights * f(args)))/d(args[i]) by central differences."""
    x = args[i]
    out = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        plus, minus = [a.copy() if isinstance(a, np.ndarray) else a for a in args], \
            [a.copy() if isinstance(a, np.ndarray) else a for a in args]
        plus[i][idx] += eps
        minus[i][idx] -= eps
        out[idx] = (np.sum(weights * f(plus)) - np.sum(weights * f(minus))) / (2 * eps)
    return out


def _grad_fn(spec, i, weights):
    """args -> analytic d(sum(weights * spec(args)))/d(args[i]), as a NumPy array."""
    def f(args):
        tensors = [tf.constant(a) if isinstance(a, np.ndarray) else a for a in args]
        with recording() as rec:
            out = spec.fn(*tensors, **spec.kwargs)
            (g,) = backprop(rec, out, [tensors[i]], tf.constant(weights))
        return np.zeros_like(args[i]) if g is None else g.numpy()
    return f


GRAD_SPECS = [s for s in math_specs.SPECS if s.differentiable]


def check_gradients(spec, second_order=True):
    rng = np.random.default_rng(1)
    args = spec.make_args(rng, np.dtype("float64"))
    out = _call(spec, args).numpy()
    weights = rng.uniform(0.5, 1.5, size=np.shape(out))
    for i in spec.grad_args:
        if np.asarray(args[i]).dtype.kind == "c":
            continue
        analytic = _grad_fn(spec, i, weights)(args)
        numeric = _numeric_jvp(lambda a: _call(spec, a).numpy(), args, i, weights)
        np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-6, err_msg=f"{spec.name} d/d arg{i}")
        if not second_order:
            continue
        # Second order: the gradient of sum(v * grad_i) with respect to each argument.
        v = rng.uniform(0.5, 1.5, size=np.shape(args[i]))
        first = _grad_fn(spec, i, weights)
        for j in spec.grad_args:
            tensors = [tf.constant(a) if isinstance(a, np.ndarray) else a for a in args]
            with recording() as rec:
                y = spec.fn(*tensors, **spec.kwargs)
                (g,) = backprop(rec, y, [tensors[i]], tf.constant(weights))
                if g is None:
                    continue
                (gg,) = backprop(rec, g, [tensors[j]], tf.constant(v))
            analytic2 = np.zeros_like(args[j]) if gg is None else gg.numpy()
            numeric2 = _numeric_jvp(first, args, j, v, eps=1e-5)
            np.testing.assert_allclose(analytic2, numeric2, rtol=1e-4, atol=1e-5,
                                       err_msg=f"{spec.name} d2/d arg{i} d arg{j}")


@pytest.mark.parametrize("spec", GRAD_SPECS, ids=str)
def test_gradient_matches_numerical(spec):
    check_gradients(spec)


# --- errors, dtype rules and operators (messages as TF 2.21 prints them) -----------------------
def test_add_dtype_mismatch_is_invalid_argument_with_tf_message():
    with pytest.raises(tf.errors.InvalidArgumentError) as e:
        tf.constant(1) + tf.constant(1.0)
    assert str(e.value) == ("cannot compute AddV2 as input #1(zero-based) was expected to be a int32 tensor "
                            "but is a float tensor [Op:AddV2] name: ")


def test_python_float_that_does_not_fit_is_type_error_except_for_add():
    x = tf.constant([1, 2])
    for fn in (lambda: x * 1.5, lambda: 1.5 + x, lambda: x - 1.5, lambda: tf.maximum(x, 1.5), lambda: x == 1.5):
        with pytest.raises(TypeError, match="Cannot convert 1.5 to EagerTensor of dtype int32"):
            fn()
    with pytest.raises(tf.errors.InvalidArgumentError):
        x + 1.5


def test_truediv_mismatch_is_type_error():
    with pytest.raises(TypeError, match=r"`x` and `y` must have the same dtype, got tf.int32 != tf.float32."):
        tf.constant([1]) / 1.5


def test_incompatible_shapes_message():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Incompatible shapes: \[2\] vs. \[3\]"):
        tf.constant([1, 2]) + tf.constant([1, 2, 3])


def test_integer_division_by_zero():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Integer division by zero"):
        tf.constant([1]) // 0


def test_python_scalars_take_the_tensor_dtype():
    assert (tf.constant([1.0], tf.float64) * 2).dtype == tf.float64
    assert (2 * tf.constant([1], tf.int8)).dtype == tf.int8


def test_integer_truediv_gives_float64_and_small_ints_float32():
    assert (tf.constant([1]) / tf.constant([2])).dtype == tf.float64
    assert (tf.constant([1], tf.int8) / tf.constant([2], tf.int8)).dtype == tf.float32


_TRUEDIV_DTYPES = ("{tf.uint8, tf.int8, tf.uint16, tf.int16, tf.uint32, tf.int32, tf.uint64, tf.int64, "
                   "tf.bfloat16, tf.float16, tf.float32, tf.float64, tf.complex64, tf.complex128}")


def test_truediv_of_bool_or_string_is_type_error_listing_tf_table():
    with pytest.raises(TypeError) as info:
        tf.constant([True]) / tf.constant([True])
    assert str(info.value) == f"Invalid dtype tf.bool in __truediv__. Expected one of {_TRUEDIV_DTYPES}."
    with pytest.raises(TypeError, match=r"^Invalid dtype tf\.string in __truediv__\."):
        tf.math.truediv(tf.constant(["a"]), tf.constant(["b"]))


def test_divide_no_nan_casts_integers_as_truediv_does():
    out = tf.math.divide_no_nan(tf.constant([1, 2]), tf.constant([0, 2]))
    assert out.dtype == tf.float64 and out.numpy().tolist() == [0.0, 1.0]
    assert tf.math.divide_no_nan(tf.constant([1], tf.uint8), tf.constant([0], tf.uint8)).dtype == tf.float32
    with pytest.raises(TypeError) as info:
        tf.math.divide_no_nan(tf.constant([True]), tf.constant([True]))
    assert str(info.value) == f"Invalid dtype tf.bool in tf.math.divide_no_nan. Expected one of {_TRUEDIV_DTYPES}."


def test_mul_operator_on_bools_is_logical_and_but_multiply_rejects_them():
    t, f = tf.constant([True, False]), tf.constant([True, True])
    assert (t * f).dtype == tf.bool and (t * f).numpy().tolist() == [True, False]
    assert (t * 1.5).numpy().tolist() == [True, False] and (True * t).numpy().tolist() == [True, False]
    assert (tf.constant([1.5, 0.5]) * f).numpy().tolist() == [True, False]  # cast to int32 first
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"^Value for attr 'T' of bool is not in the list"):
        tf.multiply(t, f)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Incompatible shapes: \[2\] vs\. \[3\] \[Op:Mul\]"):
        t * tf.constant([True, True, True])


def test_cast_to_or_from_string_is_unimplemented():
    with pytest.raises(tf.errors.UnimplementedError,
                       match=r"Cast string to int32 is not supported \[Op:Cast\] name: $"):
        tf.cast(tf.constant(["1"]), tf.int32)
    with pytest.raises(tf.errors.UnimplementedError, match=r"Cast bool to string is not supported"):
        tf.cast(tf.constant([True]), tf.string)
    with pytest.raises(tf.errors.UnimplementedError, match=r"Cast string to int32 is not supported \[Op:Cast\]$"):
        tf.constant([True]) * ["a"]


def test_complex_needs_two_float32_or_two_float64_parts():
    with pytest.raises(TypeError) as info:
        tf.complex(tf.constant([1.0]), 2)
    assert str(info.value) == ("The `real` and `imag` components have incorrect types: float32 int32. They must be "
                               "consistent, and one of [tf.float32, tf.float64]")
    assert tf.complex(1.0, 2.0).dtype == tf.complex64


def test_real_and_conj_reject_bool_and_string_imag_gives_zeros():
    with pytest.raises(TypeError,
                       match=r"^input must be a numeric tensor, but got tensor with dtype <dtype: 'string'>$"):
        tf.math.real(tf.constant(["a"]))
    with pytest.raises(TypeError, match=r"^Expected numeric or variant tensor, got dtype tf\.bool\.$"):
        tf.math.conj(tf.constant([True]))
    assert tf.math.imag(tf.constant(["a"])).numpy().tolist() == [b""]
    assert tf.math.real(tf.constant([3], tf.uint8)).numpy().tolist() == [3]


def test_ndarray_on_the_left_gives_a_tensor():
    assert isinstance(np.array([1.0], np.float32) + tf.constant([1.0]), tf.Tensor)


def test_eq_with_none_and_incompatible_shapes():
    x = tf.constant([1, 2])
    assert (x == None) is False and (x != None) is True  # noqa: E711
    assert not bool(x == tf.constant([1, 2, 3])) and bool(x != tf.constant([1, 2, 3]))


def test_bool_and_int_bit_operators():
    t, f = tf.constant([True, False]), tf.constant([True, True])
    assert (t & f).numpy().tolist() == [True, False]
    assert (~t).numpy().tolist() == [False, True]
    assert (tf.constant([12]) ^ 10).numpy().tolist() == [6]


def test_logical_ops_reject_non_bool_with_tf_message():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"cannot compute LogicalAnd as input #0\(zero-based\)"):
        tf.math.logical_and(tf.constant([1]), tf.constant([1]))


def test_add_n_messages():
    with pytest.raises(ValueError, match="Inputs must be an iterable"):
        tf.math.add_n([])
    with pytest.raises(tf.errors.InvalidArgumentError, match="AddN_N_2"):
        tf.math.add_n([tf.constant([1]), tf.constant([1, 2])])


def test_clip_by_value_refuses_to_broadcast_t():
    with pytest.raises(ValueError, match="incompatible"):
        tf.clip_by_value(tf.constant([[1.0, 2.0]]), [[[0.0]]], 1.0)


def test_cast_gradient_passes_between_floats_and_stops_at_ints():
    x = tf.constant([1.5], tf.float64)
    with recording() as rec:
        y = tf.cast(x, tf.float32)
        (g,) = backprop(rec, y, [x], tf.constant([2.0]))
    assert g.dtype == tf.float64 and g.numpy().tolist() == [2.0]
    with recording() as rec:
        y = tf.cast(tf.cast(x, tf.int32), tf.float32)
        (g,) = backprop(rec, y, [x], tf.constant([2.0]))
    assert g is None


def test_maximum_gradient_sends_ties_to_x():
    x, y = tf.constant([1.0, 2.0]), tf.constant([1.0, 3.0])
    with recording() as rec:
        out = tf.maximum(x, y)
        gx, gy = backprop(rec, out, [x, y], tf.constant([1.0, 1.0]))
    assert gx.numpy().tolist() == [1.0, 0.0] and gy.numpy().tolist() == [0.0, 1.0]


def test_pow_gradient_at_zero_base_is_finite():
    x, y = tf.constant([0.0, 2.0]), tf.constant([2.0, 3.0])
    with recording() as rec:
        out = tf.pow(x, y)
        gx, gy = backprop(rec, out, [x, y], tf.constant([1.0, 1.0]))
    assert gx.numpy().tolist() == [0.0, 12.0]
    assert gy.numpy()[0] == 0.0


def test_floor_and_round_have_no_gradient():
    x = tf.constant([1.5])
    with recording() as rec:
        out = tf.floor(x) + tf.round(x)
        (g,) = backprop(rec, out, [x], tf.constant([1.0]))
    assert g is None
