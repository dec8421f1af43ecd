"""Gradients of reduce_sum/reduce_mean over a traced input of unknown rank (TF 2.21's values)."""
import numpy as np
import pytest

import eagerflow as tf


@pytest.mark.parametrize("axis, keepdims, dx, dv", [
    (None, False, [[1 / 3, 37 / 3, 73 / 3], [109 / 3, 145 / 3, 181 / 3]], 167.5),
    (-1, False, [[2 / 3, 38 / 3, 74 / 3], [110 / 3, 146 / 3, 182 / 3]], 170.0),
    (0, True, [[1.0, 13.0, 25.0], [37.0, 49.0, 61.0]], 172.5),
    ([0, -1], False, [[1 / 3, 37 / 3, 73 / 3], [109 / 3, 145 / 3, 181 / 3]], 167.5),
])
def test_sum_and_mean_gradients_of_an_unknown_rank_input(axis, keepdims, dx, dv):
    v = tf.Variable(2.0)

    @tf.function(input_signature=[tf.TensorSpec(None)])
    def f(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(x * v * x, axis=axis, keepdims=keepdims) * 3.0
            z = tf.reduce_mean(x * v, axis=axis, keepdims=keepdims)
            t = tf.reduce_sum(y) + tf.reduce_sum(z)
        return tape.gradient(t, [x, v])

    gx, gv = f(tf.reshape(tf.range(6.0), (2, 3)))
    np.testing.assert_allclose(gx.numpy(), dx, rtol=1e-6)
    assert gv.numpy() == dv
