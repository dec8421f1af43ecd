"""tf.nn: TF 2.21's errors and messages, softmax along axes, stability, gradients at kinks, properties."""
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import eagerflow as tf
from eagerflow._src.ops import nn_ops as N


def _c(x, dtype=tf.float32):
    return tf.constant(np.asarray(x), dtype)


def _raises(cls, message):
    return pytest.raises(cls, match=re.escape(message))


X = _c([[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]])
Z = _c([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])


# --- errors, as TF 2.21 prints them ---------------------------------------------------------
@pytest.mark.parametrize("fn, op", [(N.elu, "Elu"), (N.selu, "Selu"), (N.softplus, "Softplus"),
                                    (N.softsign, "Softsign"), (N.softmax, "Softmax"),
                                    (N.log_softmax, "LogSoftmax"), (N.l2_loss, "L2Loss")])
def test_float_only_ops_reject_integers(fn, op):
    # TF lists "half, bfloat16, float, double"; the order of that list is the framework's.
    with _raises(tf.errors.InvalidArgumentError, "Value for attr 'T' of int32 is not in the list of allowed values: "):
        fn(_c([[1, -2, 3]], tf.int32))
    with pytest.raises(tf.errors.InvalidArgumentError, match=re.escape(f"{{{{node {op}}}}}")):
        fn(_c([[1, -2, 3]], tf.int32))


def test_relu_rejects_complex():
    with _raises(tf.errors.InvalidArgumentError, "Value for attr 'T' of complex128 is not in the list of allowed values"):
        N.relu(tf.constant([1j]))


@pytest.mark.parametrize("fn", [N.softmax, N.log_softmax])
@pytest.mark.parametrize("axis", [5, -3])
def test_softmax_axis_out_of_range(fn, axis):
    with _raises(tf.errors.InvalidArgumentError, "`dim` must be in the range [-2, 2) where 2 is the number of "
                                                 f"dimensions in the input. Received: dim={axis}"):
        fn(X, axis=axis)


def test_gelu_rejects_integers():
    with _raises(ValueError, "`features.dtype` must be a floating point tensor.Received:features.dtype=<dtype: 'int32'>"):
        N.gelu(_c([1, 2], tf.int32))


def test_sigmoid_cross_entropy_errors():
    with _raises(ValueError, "`logits` and `labels` must have the same shape, received ((2, 3) vs (3,))."):
        N.sigmoid_cross_entropy_with_logits(labels=_c([0.0, 1.0, 0.0]), logits=X)
    with _raises(tf.errors.InvalidArgumentError, "cannot compute Mul as input #1(zero-based) was expected to be a "
                                                 "float tensor but is a double tensor [Op:Mul] name: "):
        N.sigmoid_cross_entropy_with_logits(labels=_c(Z.numpy(), tf.float64), logits=X)
    with _raises(tf.errors.InvalidArgumentError, "Value for attr 'T' of int32 is not in the list of allowed values: "
                                                 "bfloat16, half, float, double, complex64, complex128\n\t; NodeDef: "
                                                 "{{node Exp}}"):
        N.sigmoid_cross_entropy_with_logits(labels=[[0, 1, 0]], logits=_c([[1, -2, 3]], tf.int32))


def test_softmax_cross_entropy_shape_error():
    with _raises(tf.errors.InvalidArgumentError, "logits and labels must be broadcastable: logits_size=[2,3] "
                                                 "labels_size=[2,2] [Op:SoftmaxCrossEntropyWithLogits] name: "):
        N.softmax_cross_entropy_with_logits(labels=_c(np.ones((2, 2))), logits=X)


def test_sparse_softmax_cross_entropy_errors():
    with _raises(tf.errors.InvalidArgumentError, "Received a label value of 5 which is outside the valid range of "
                                                 "[0, 3).  Label values: 5 1 [Op:SparseSoftmaxCrossEntropyWithLogits]"):
        N.sparse_softmax_cross_entropy_with_logits(labels=tf.constant([5, 1]), logits=X)
    with _raises(tf.errors.InvalidArgumentError, "Received a label value of -1 which is outside the valid range of "
                                                 "[0, 3).  Label values: -1 1"):
        N.sparse_softmax_cross_entropy_with_logits(labels=tf.constant([-1, 1]), logits=X)
    with _raises(ValueError, "`labels.shape.rank` must equal `logits.shape.rank - 1`. Received: labels.shape=(2, 3) "
                             "of rank 2 and logits.shape=(2, 3) of rank 2"):
        N.sparse_softmax_cross_entropy_with_logits(labels=tf.constant([[1, 1, 1], [1, 1, 1]]), logits=X)
    with _raises(ValueError, "`labels.shape` must equal `logits.shape` except for the last dimension. Received: "
                             "labels.shape=(3,) and logits.shape=(2, 3)"):
        N.sparse_softmax_cross_entropy_with_logits(labels=tf.constant([1, 1, 1]), logits=X)
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        N.sparse_softmax_cross_entropy_with_logits(labels=tf.constant([1.0, 1.0]), logits=X)
    assert str(info.value) == (
        "Value for attr 'Tlabels' of float is not in the list of allowed values: int32, int64\n\t; NodeDef: "
        "{{node SparseSoftmaxCrossEntropyWithLogits}}; Op<name=SparseSoftmaxCrossEntropyWithLogits; "
        "signature=features:T, labels:Tlabels -> loss:T, backprop:T; attr=T:type,allowed=[DT_HALF, DT_BFLOAT16, "
        "DT_FLOAT, DT_DOUBLE]; attr=Tlabels:type,default=DT_INT64,allowed=[DT_INT32, DT_INT64]> "
        "[Op:SparseSoftmaxCrossEntropyWithLogits] name: ")


@pytest.mark.parametrize("value, bias, kwargs, message", [
    ((2, 3), (2,), {}, "Must provide as many biases as the last dimension of the input tensor: [2] vs. [2,3]"),
    ((2, 3), (2, 3), {}, "Biases must be 1D: [2,3]"),
    ((3,), (3,), {}, "Input tensor must be at least 2D: [3]"),
    ((2, 4, 3), (3,), {"data_format": "NCHW"},
     "Must provide as many biases as the last dimension of the input tensor: [3] vs. [2,4,3]"),
])
def test_bias_add_kernel_errors(value, bias, kwargs, message):
    with _raises(tf.errors.InvalidArgumentError, message + " [Op:BiasAdd] name: "):
        N.bias_add(_c(np.ones(value)), _c(np.ones(bias)), **kwargs)


def test_bias_add_argument_errors():
    with _raises(ValueError, "`data_format` must be of the form `N...C` or `NC...`. Received: data_format=XYZ"):
        N.bias_add(X, _c([1.0, 2.0, 3.0]), data_format="XYZ")
    with _raises(tf.errors.InvalidArgumentError, "cannot compute BiasAdd as input #1(zero-based) was expected to be a "
                                                 "float tensor but is a int32 tensor [Op:BiasAdd] name: "):
        N.bias_add(X, tf.constant([1, 2, 3]))


# --- values TF 2.21 returns ------------------------------------------------------------------
def test_softmax_along_axes():
    np.testing.assert_allclose(N.softmax(X, axis=0).numpy()[:, 0], [4.7425874e-02, 9.5257413e-01], rtol=1e-6)
    x3 = np.random.default_rng(0).standard_normal((2, 3, 4))
    for axis in (0, 1, 2, -1, -2):
        out = N.softmax(_c(x3, tf.float64), axis=axis).numpy()
        np.testing.assert_allclose(out.sum(axis=axis), 1.0, rtol=1e-12)
        np.testing.assert_allclose(N.log_softmax(_c(x3, tf.float64), axis=axis).numpy(), np.log(out), atol=1e-12)


def test_softmax_stable_at_large_logits():
    np.testing.assert_array_equal(N.softmax(_c([1000.0, 0.0])).numpy(), [1.0, 0.0])
    np.testing.assert_array_equal(N.log_softmax(_c([1000.0, 0.0])).numpy(), [0.0, -1000.0])
    loss = N.softmax_cross_entropy_with_logits(labels=_c([[0.0, 1.0]]), logits=_c([[1000.0, 0.0]]))
    np.testing.assert_array_equal(loss.numpy(), [1000.0])


def test_softplus_stable_at_large_inputs():
    out = N.softplus(_c([100.0, -100.0, 30.0, -30.0], tf.float64)).numpy()
    np.testing.assert_allclose(out, [100.0, 3.72007598e-44, 30.0, 9.35762297e-14], rtol=1e-8)


def test_leaky_relu_casts_integers_to_float32():
    out = N.leaky_relu(_c([[1, -2, 3]], tf.int32))
    assert out.dtype == tf.float32
    np.testing.assert_allclose(out.numpy(), [[1.0, -0.4, 3.0]], rtol=1e-6)


def test_relu_keeps_integer_dtypes():
    for dt in (tf.int8, tf.uint8, tf.int32):
        out = N.relu(_c([1, 2], dt))
        assert out.dtype == dt


def test_cross_entropies_match_tf():
    np.testing.assert_allclose(N.sigmoid_cross_entropy_with_logits(labels=Z, logits=X).numpy()[0],
                               [1.3132617, 2.1269281, 3.0485873], rtol=1e-6)
    np.testing.assert_allclose(N.softmax_cross_entropy_with_logits(labels=Z, logits=X).numpy(),
                               [5.1328454, 1.3132739], rtol=1e-6)
    np.testing.assert_allclose(N.softmax_cross_entropy_with_logits(labels=Z, logits=X, axis=0).numpy(),
                               [0.04858733, 7.000911, 0.0], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(N.softmax_cross_entropy_with_logits(labels=Z[:1], logits=X).numpy(),
                               [5.1328454, 0.31327385], rtol=1e-6)
    np.testing.assert_allclose(N.sparse_softmax_cross_entropy_with_logits(labels=tf.constant([2, 0]), logits=X).numpy(),
                               [0.13284527, 1.3132739], rtol=1e-6)


def test_moments_match_tf():
    mean, variance = N.moments(X, axes=[0])
    np.testing.assert_allclose(mean.numpy(), [2.5, 1.5, -1.5])
    np.testing.assert_allclose(variance.numpy(), [2.25, 12.25, 20.25])
    mean, variance = N.moments(_c([[1, -2, 3]], tf.int32), axes=[1])  # integer means truncate, as in TF
    assert mean.dtype == tf.int32 and mean.numpy().tolist() == [0] and variance.numpy().tolist() == [4]
    mean, _ = N.moments(X, axes=[0, 1], keepdims=True)
    assert mean.shape == (1, 1)


def test_bias_add_nchw_adds_along_axis_1():
    out = N.bias_add(_c(np.ones((2, 3, 4))), _c([1.0, 2.0, 3.0]), data_format="NCHW").numpy()
    np.testing.assert_array_equal(out[0, :, 0], [2.0, 3.0, 4.0])


@pytest.mark.parametrize("shape, data_format, axes", [((20000, 5), "NHWC", (0,)), ((3, 4, 5, 6), "NHWC", (0, 1, 2)),
                                                     ((3, 4, 5, 6), "NCHW", (0, 2, 3))])
def test_bias_add_gradient_sums_all_but_the_channel_axis(shape, data_format, axes):
    rng = np.random.default_rng(0)
    bias = tf.Variable(np.zeros(shape[1] if data_format == "NCHW" else shape[-1], np.float32))
    g = rng.standard_normal(shape).astype(np.float32)
    with tf.GradientTape() as tape:
        y = N.bias_add(_c(np.zeros(shape)), bias, data_format=data_format)
    got = tape.gradient(y, bias, output_gradients=_c(g)).numpy()
    np.testing.assert_allclose(got, g.astype(np.float64).sum(axis=axes), rtol=1e-5, atol=1e-3)


@pytest.mark.parametrize("data_format, tiled", [("NHWC", (1, 1, 3)), ("NCHW", (1, 3, 1))])
def test_bias_gradient_differentiates_into_a_broadcast(data_format, tiled):
    w = np.arange(3.0)
    g = tf.constant(np.ones((2, 3, 3)))
    with tf.GradientTape() as outer:
        outer.watch(g)
        bias = tf.Variable(np.zeros(3))
        with tf.GradientTape() as inner:
            y = N.bias_add(tf.constant(np.zeros((2, 3, 3))), bias, data_format=data_format)
        db = inner.gradient(y, bias, output_gradients=g)
        loss = tf.reduce_sum(db * w)
    got = outer.gradient(loss, g).numpy()
    np.testing.assert_array_equal(got, np.broadcast_to(w.reshape(tiled), (2, 3, 3)))


# --- gradients where TF defines them specially --------------------------------------------------
def _grad(fn, x):
    x = tf.constant(np.asarray(x, np.float64))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    return tape.gradient(y, x).numpy()


def test_rectifier_gradients_at_kinks():
    np.testing.assert_array_equal(_grad(N.relu, [0.0, 1.0, -1.0]), [0.0, 1.0, 0.0])
    np.testing.assert_array_equal(_grad(N.relu6, [0.0, 6.0, 3.0, 7.0]), [0.0, 0.0, 1.0, 0.0])
    np.testing.assert_allclose(_grad(N.leaky_relu, [0.0, 1.0, -1.0]), [0.2, 1.0, 0.2])


def test_sigmoid_cross_entropy_gradient_at_zero_logit():
    labels = tf.constant(np.full(3, 0.3))
    np.testing.assert_allclose(
        _grad(lambda x: N.sigmoid_cross_entropy_with_logits(labels=labels, logits=x), [0.0, 50.0, -50.0]),
        [0.2, 0.7, -0.3], atol=1e-12)


def test_softmax_cross_entropy_second_order():
    labels = tf.constant(np.array([[0.2, 0.3, 0.5]]))
    x = tf.constant(np.array([[0.1, -0.4, 0.7]]))
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            loss = N.softmax_cross_entropy_with_logits(labels=labels, logits=x)
        g = inner.gradient(loss, x)
        gg = tf.reduce_sum(g * g)
    p = np.exp(x.numpy()) / np.exp(x.numpy()).sum()
    v = p - labels.numpy()
    jac = np.diag(p[0]) - np.outer(p[0], p[0])  # d softmax / d logits
    np.testing.assert_allclose(outer.gradient(gg, x).numpy()[0], 2 * jac @ v[0], rtol=1e-10)


# --- properties --------------------------------------------------------------------------------
_logits = hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5),
                     elements=st.floats(-50, 50))


@settings(max_examples=60, deadline=None)
@given(_logits, st.data())
def test_softmax_sums_to_one_and_log_softmax_is_its_log(x, data):
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    s = N.softmax(_c(x, tf.float64), axis=axis).numpy()
    np.testing.assert_allclose(s.sum(axis=axis), 1.0, rtol=1e-12)
    assert np.all(s >= 0)
    log_s = N.log_softmax(_c(x, tf.float64), axis=axis).numpy()
    np.testing.assert_allclose(np.exp(log_s), s, rtol=1e-10, atol=1e-300)


@settings(max_examples=60, deadline=None)
@given(_logits)
def test_softmax_is_shift_invariant(x):
    a = N.softmax(_c(x, tf.float64)).numpy()
    b = N.softmax(_c(x + 123.0, tf.float64)).numpy()
    np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-300)


@settings(max_examples=60, deadline=None)
@given(_logits)
def test_activation_identities(x):
    t = _c(x, tf.float64)
    np.testing.assert_allclose(N.relu(t).numpy() - N.relu(-t).numpy(), x)
    np.testing.assert_allclose(N.softplus(t).numpy() - N.softplus(-t).numpy(), x, atol=1e-12)
    np.testing.assert_allclose(N.softsign(t).numpy(), x / (1 + np.abs(x)))
    assert np.all((N.relu6(t).numpy() >= 0) & (N.relu6(t).numpy() <= 6))


@settings(max_examples=60, deadline=None)
@given(_logits)
def test_sparse_and_dense_cross_entropy_agree(x):
    depth = x.shape[-1]
    labels = np.arange(int(np.prod(x.shape[:-1]))).reshape(x.shape[:-1]) % depth
    dense = N.softmax_cross_entropy_with_logits(labels=_c(np.eye(depth)[labels], tf.float64), logits=_c(x, tf.float64))
    sparse = N.sparse_softmax_cross_entropy_with_logits(labels=tf.constant(labels), logits=_c(x, tf.float64))
    np.testing.assert_allclose(sparse.numpy(), dense.numpy(), rtol=1e-10, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(_logits)
def test_moments_match_numpy_mean_and_variance(x):
    mean, variance = N.moments(_c(x, tf.float64), axes=list(range(x.ndim)))
    np.testing.assert_allclose(mean.numpy(), x.mean(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(variance.numpy(), x.var(), rtol=1e-8, atol=1e-8)


def test_sparse_xent_gradient_same_with_and_without_an_outer_tape():
    """First order uses the forward's softmax - one_hot; under an outer tape it recomputes
    softmax so second order works. Both give TF's gradient (softmax - one_hot) * dy."""
    rng = np.random.default_rng(3)
    logits = tf.constant(rng.standard_normal((6, 5)).astype(np.float32))
    labels = tf.constant(rng.integers(0, 5, 6).astype(np.int32))
    dy = rng.standard_normal(6).astype(np.float32)

    def grad():
        with tf.GradientTape() as tape:
            tape.watch(logits)
            loss = N.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
        return tape.gradient(loss, logits, output_gradients=tf.constant(dy))

    first = grad()
    with tf.GradientTape() as outer:
        outer.watch(logits)
        nested = grad()
        total = tf.reduce_sum(nested * nested)
    e = np.exp(logits.numpy() - logits.numpy().max(1, keepdims=True))
    want = (e / e.sum(1, keepdims=True) - np.eye(5)[labels.numpy()]) * dy[:, None]
    np.testing.assert_allclose(first.numpy(), want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(nested.numpy(), want, rtol=1e-5, atol=1e-6)
    assert outer.gradient(total, logits) is not None  # the nested gradient stayed differentiable


def _with_specials(shape, dtype):
    x = np.random.default_rng(1).standard_normal(shape).astype(dtype)
    x.ravel()[::7] = 0.0
    x.ravel()[::11] = -0.0
    x.ravel()[::13] = np.nan
    x.ravel()[:4] = [np.inf, -np.inf, -0.0, np.nan]
    return x


@pytest.mark.parametrize("shape, dtype, threads", [((70001,), np.float32, "1"), ((3, 400, 1001), np.float32, "2"),
                                                   ((2, 1 << 19), np.float64, "2")])
def test_relu_and_relu_grad_of_large_arrays_equal_the_elementwise_rule_bit_for_bit(monkeypatch, shape, dtype,
                                                                                   threads):
    # Pieces on the host threads; TF's rules: relu keeps NaN, ReluGrad is dy * (x > 0).
    monkeypatch.setenv("EAGERFLOW_NUM_THREADS", threads)
    x, dy = _with_specials(shape, dtype), _with_specials(shape, dtype)[::-1].copy()
    with np.errstate(invalid="ignore"):
        assert tf.nn.relu(x).numpy().tobytes() == np.maximum(x, 0).tobytes()
        want = (dy * (x > 0)).astype(dtype)
    assert tf.raw_ops.ReluGrad(gradients=dy, features=x).numpy().tobytes() == want.tobytes()


@pytest.mark.parametrize("shape, threads", [((70001, 1), "1"), ((1000, 33, 3), "2"), ((40, 26, 26, 32), "2"),
                                            ((5000, 257), "2")])
def test_bias_add_of_large_channels_last_arrays_equals_the_broadcast_add(monkeypatch, shape, threads):
    monkeypatch.setenv("EAGERFLOW_NUM_THREADS", threads)
    value = _with_specials(shape, np.float32)
    bias = np.random.default_rng(2).standard_normal(shape[-1]).astype(np.float32)
    assert tf.nn.bias_add(value, bias).numpy().tobytes() == (value + bias).tobytes()
