"""Axis arguments known only when a traced graph runs (a tensor computed from the inputs)."""
import numpy as np
import pytest

import eagerflow as tf

X = np.arange(8, dtype=np.float32).reshape(2, 4)
AXIS_SIGNATURE = [tf.TensorSpec([None, 4]), tf.TensorSpec([], tf.int32)]

OPS = {
    "gather": lambda x, axis: tf.gather(x, [0, 1, 1], axis=axis),
    "expand_dims": lambda x, axis: tf.expand_dims(x, axis),
    "concat": lambda x, axis: tf.concat([x, 2.0 * x], axis=axis),
}


@pytest.mark.parametrize("name", sorted(OPS))
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_traced_axis_computes_what_a_constant_axis_does(name, axis):
    traced = tf.function(OPS[name], input_signature=AXIS_SIGNATURE)
    np.testing.assert_array_equal(traced(X, tf.constant(axis)).numpy(), OPS[name](X, axis).numpy())


@pytest.mark.parametrize("name", sorted(OPS))
def test_traced_axis_gradient_matches_constant_axis_gradient(name):
    def grad(x, axis):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = OPS[name](x, axis)
            loss = tf.reduce_sum(y * y)
        return tape.gradient(loss, x)

    traced = tf.function(grad, input_signature=AXIS_SIGNATURE)
    x = tf.constant(X)
    for axis in (0, 1):
        expected = tf.convert_to_tensor(grad(x, axis))  # gather: IndexedSlices
        np.testing.assert_array_equal(tf.convert_to_tensor(traced(x, tf.constant(axis))).numpy(), expected.numpy())


@pytest.mark.parametrize("name, message", [
    ("gather", "Shape must be at least rank 8 but is rank 2"),
    ("expand_dims", "Tried to expand dim index 7 for tensor with 2 dimensions."),
    ("concat", r"ConcatOp : Expected concatenating dimensions in the range \[-2, 2\), but got 7"),
])
def test_traced_axis_out_of_range_is_tf_error_when_it_runs(name, message):
    traced = tf.function(OPS[name], input_signature=AXIS_SIGNATURE)
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        traced(X, tf.constant(7))


def test_traced_axis_gives_unknown_dims_of_known_rank():
    traced = tf.function(OPS["gather"], input_signature=AXIS_SIGNATURE)
    assert traced.get_concrete_function().structured_outputs.shape.as_list() == [None, None]


def test_traced_axis_on_input_of_unknown_rank():
    traced = tf.function(lambda x, axis: tf.gather(x, [1], axis=axis),
                         input_signature=[tf.TensorSpec(None), tf.TensorSpec([], tf.int32)])
    np.testing.assert_array_equal(traced(X, tf.constant(-1)).numpy(), X[:, 1:2])


def test_axis_folded_from_constants_while_tracing_gives_static_shape():
    @tf.function(input_signature=[tf.TensorSpec([None, 4])])
    def gather_last(x):
        axis = tf.where(True, 1, tf.rank(x) - 1)  # no input's value: known while tracing
        return tf.gather(x, [0], axis=axis)

    assert gather_last.get_concrete_function().structured_outputs.shape.as_list() == [None, 1]


def test_rank_and_size_of_unknown_rank_are_scalars_and_shape_a_vector():
    @tf.function(input_signature=[tf.TensorSpec(None)])
    def shapes(x):
        return tf.rank(x), tf.size(x), tf.shape(x)

    rank, size, shape = shapes.get_concrete_function().structured_outputs
    assert (rank.shape.as_list(), size.shape.as_list(), shape.shape.as_list()) == ([], [], [None])
