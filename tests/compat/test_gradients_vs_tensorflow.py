"""The same tape programs under eagerflow and TensorFlow give the same gradients and Nones."""
import numpy as np
import pytest

tensorflow = pytest.importorskip("tensorflow")
pytestmark = pytest.mark.tensorflow

import eagerflow  # noqa: E402

RNG = np.random.default_rng(0)
X = RNG.uniform(0.5, 1.5, size=(3, 4)).astype(np.float32)
W = RNG.uniform(-1.0, 1.0, size=(4, 2)).astype(np.float32)
B = RNG.uniform(-1.0, 1.0, size=(2,)).astype(np.float32)


def mlp(tf):
    w, b = tf.Variable(W), tf.Variable(B)
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        y = tf.reduce_mean(tf.nn.relu(tf.matmul(x, w) + b) ** 2)
    return tape.gradient(y, [w, b])


def softmax_xent(tf):
    w = tf.Variable(W)
    labels = tf.constant([0, 1, 1])
    with tf.GradientTape() as tape:
        logits = tf.matmul(tf.constant(X), w)
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
    return tape.gradient(loss, w)


def non_trainable_and_constant(tf):
    w = tf.Variable(W)
    frozen = tf.Variable(B, trainable=False)
    c = tf.constant(X)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.matmul(c, w) + frozen)
    return tape.gradient(y, [w, frozen, c])


def second_order(tf):
    x = tf.constant(X)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.reduce_sum(tf.tanh(x) * tf.exp(x))
        g = inner.gradient(y, x)
    return outer.gradient(g, x)


def broadcasting(tf):
    a = tf.constant(X)
    b = tf.constant(B[:1].reshape(1, 1))
    with tf.GradientTape() as tape:
        tape.watch([a, b])
        y = tf.reduce_sum(a * b - a / (b + 2.0))
    return tape.gradient(y, {"a": a, "b": b})


def gather_and_slices(tf):
    params = tf.Variable(X)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.gather(params, [2, 0, 2])) + tf.reduce_sum(params[1:, ::2])
    return tf.convert_to_tensor(tape.gradient(y, params))


def reductions(tf):
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_max(x, axis=1) + tf.reduce_logsumexp(x, axis=0)[:3] + tf.reduce_prod(x, axis=1)
    return tape.gradient(y, x)


def unconnected_zero(tf):
    w = tf.Variable(W)
    unused = tf.Variable(B)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(w * 2.0)
    return tape.gradient(y, [w, unused], unconnected_gradients=tf.UnconnectedGradients.ZERO)


PROGRAMS = [mlp, softmax_xent, non_trainable_and_constant, second_order, broadcasting,
            gather_and_slices, reductions, unconnected_zero]


def _flat(value):
    if isinstance(value, dict):
        return [x for k in sorted(value) for x in _flat(value[k])]
    if isinstance(value, (list, tuple)):
        return [x for v in value for x in _flat(v)]
    return [value]


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.__name__)
def test_same_gradients_as_tensorflow(program):
    ours = _flat(program(eagerflow))
    theirs = _flat(program(tensorflow))
    assert [g is None for g in ours] == [g is None for g in theirs]
    for a, b in zip(ours, theirs):
        if a is not None:
            np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-6)
