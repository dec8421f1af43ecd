"""Common ops traced with an unknown batch dimension compute what they compute eagerly."""
import numpy as np
import pytest

import eagerflow as tf

CASES = {
    "reshape_to_run_time_shape": lambda x: tf.reshape(x, tf.shape(x)),
    "reshape_list": lambda x: tf.reshape(x, [-1, 2]),
    "zeros_of_run_time_shape": lambda x: tf.zeros(tf.shape(x)),
    "fill_run_time_shape": lambda x: tf.fill(tf.shape(x), 2.0),
    "broadcast_to_run_time_shape": lambda x: tf.broadcast_to(x[0], tf.shape(x)),
    "range_of_run_time_length": lambda x: tf.range(tf.shape(x)[0]),
    "column": lambda x: x[:, 1],
    "concat": lambda x: tf.concat([x, x], axis=1),
    "stack": lambda x: tf.stack([x, x]),
    "unstack": lambda x: tf.unstack(x, axis=1)[0],
    "transpose": lambda x: tf.transpose(x),
    "tile": lambda x: tf.tile(x, [2, 1]),
    "gather": lambda x: tf.gather(x, [0, 1], axis=1),
    "where_coordinates": lambda x: tf.where(x > 0),
    "reduce_mean": lambda x: tf.reduce_mean(x, axis=0),
    "argmax": lambda x: tf.argmax(x, axis=1),
    "softmax": lambda x: tf.nn.softmax(x),
    "one_hot": lambda x: tf.one_hot(tf.cast(x[:, 0], tf.int32), 3),
    "matmul_transposed": lambda x: tf.matmul(x, x, transpose_b=True),
    "einsum": lambda x: tf.einsum("ij,kj->ik", x, x),
    "pad": lambda x: tf.pad(x, [[1, 1], [0, 0]]),
    "split": lambda x: tf.split(x, 2, axis=1)[0],
    "sort": lambda x: tf.sort(x, axis=1),
    "top_k": lambda x: tf.math.top_k(x, 2).values,
    "cumsum": lambda x: tf.cumsum(x, axis=0),
    "size": lambda x: tf.size(x),
    "static_dim_times_tensor": lambda x: x.shape[1] * x,
    "sparse_softmax_xent": lambda x: tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=tf.zeros(tf.shape(x)[:1], tf.int32), logits=x),
    "unique": lambda x: tf.unique(tf.reshape(x, [-1]))[0],
    "conv2d": lambda x: tf.nn.conv2d(tf.reshape(x, [-1, 2, 2, 1]), tf.ones([1, 1, 1, 2]), 1, "SAME"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_traced_with_unknown_batch_matches_eager(name):
    fn = CASES[name]
    x = tf.constant(np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32))
    traced = tf.function(fn, input_signature=[tf.TensorSpec([None, 4], tf.float32)])
    np.testing.assert_allclose(np.asarray(traced(x)), np.asarray(fn(x)), rtol=1e-5)


def test_dropout_with_unknown_batch_keeps_or_scales_every_element():
    f = tf.function(lambda x: tf.nn.dropout(x, 0.5), input_signature=[tf.TensorSpec([None, 4], tf.float32)])
    out = f(tf.ones((3, 4))).numpy()
    assert out.shape == (3, 4) and set(np.unique(out)) <= {0.0, 2.0}


def test_shape_of_static_tensor_folds_to_a_constant_shape():
    shapes = []

    @tf.function
    def f(x):
        y = tf.reshape(x, tf.shape(x)[::-1])
        shapes.append(y.shape)
        return y

    f(tf.ones((2, 3)))
    assert shapes == [tf.TensorShape([3, 2])]


@pytest.mark.parametrize("mode", ["CONSTANT", "REFLECT", "SYMMETRIC"])
def test_traced_pad_keeps_rank_and_grows_known_dims(mode):
    def traced():
        return tf.function(lambda x: tf.pad(x, [[0, 0], [3, 4]], mode=mode))

    concrete = traced().get_concrete_function(tf.TensorSpec([None, None]))
    assert concrete.structured_outputs.shape.as_list() == [None, None]
    concrete = traced().get_concrete_function(tf.TensorSpec([2, 5]))
    assert concrete.structured_outputs.shape.as_list() == [2, 12]
