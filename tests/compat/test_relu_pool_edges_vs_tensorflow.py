"""ReLU and max-pool kernels against TensorFlow 2.21 at their edges: NaN, signed zeros, ties, and
the large arrays that take the pieced / tiled fast paths."""
import numpy as np
import pytest

tensorflow = pytest.importorskip("tensorflow")
pytestmark = pytest.mark.tensorflow

import eagerflow  # noqa: E402

RNG = np.random.default_rng(0)


def _edges(shape):
    x = RNG.integers(-3, 4, shape).astype(np.float32)
    x[RNG.random(shape) < 0.1] = -0.0
    x[RNG.random(shape) < 0.03] = np.nan
    x.ravel()[:3] = [np.inf, -np.inf, np.nan]
    return x


@pytest.mark.parametrize("shape", [(5, 7), (64, 26, 26, 32)])
def test_relu_grad_matches_tensorflow_bit_for_bit(shape):
    x, dy = _edges(shape), _edges(shape)[::-1].copy()
    ours = eagerflow.raw_ops.ReluGrad(gradients=dy, features=x).numpy()
    theirs = tensorflow.raw_ops.ReluGrad(gradients=dy, features=x).numpy()
    assert ours.tobytes() == theirs.tobytes()


@pytest.mark.parametrize("shape", [(5, 7), (64, 26, 26, 32)])
def test_relu_matches_tensorflow_but_for_the_sign_of_minus_zero(shape):
    x = _edges(shape)
    ours, theirs = eagerflow.nn.relu(x).numpy(), tensorflow.nn.relu(x).numpy()
    np.testing.assert_array_equal(ours, theirs)  # NaN where TF has NaN; -0.0 == +0.0


@pytest.mark.parametrize("shape", [(3, 8, 10, 5), (64, 26, 26, 32), (16, 11, 11, 64)])
def test_tiled_max_pool_gradient_matches_tensorflow_on_ties(shape):
    x = np.maximum(RNG.integers(-3, 4, shape), 0).astype(np.float32)  # a ReLU output: many ties
    g = RNG.standard_normal((shape[0], shape[1] // 2, shape[2] // 2, shape[3])).astype(np.float32)
    results = []
    for tf in (eagerflow, tensorflow):
        xt = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(xt)
            y = tf.nn.max_pool2d(xt, 2, 2, "VALID")
        results.append((y.numpy(), tape.gradient(y, xt, output_gradients=tf.constant(g)).numpy()))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    np.testing.assert_array_equal(results[0][1], results[1][1])
