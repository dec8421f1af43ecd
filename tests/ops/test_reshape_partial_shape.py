"""tf.reshape in a trace to a packed shape holding -1 and a traced dim: TF's static shape
keeps the rank, the -1 and the traced dim unknown, the constant dims known."""
import eagerflow as tf


def test_reshape_to_batch_minus_one_and_constant_keeps_the_rank():
    shapes = []

    def f(x):
        y = tf.reshape(x, (tf.shape(x)[0], -1, 8))
        shapes.append(y.shape.as_list())
        return y

    out = tf.function(f, input_signature=[tf.TensorSpec([None, None, 2])])(tf.ones([1, 12, 2]))
    assert shapes == [[None, None, 8]]
    assert out.shape.as_list() == [1, 3, 8]
