"""tf.nn.conv1d_transpose in a trace with an output_shape list holding the traced batch size
(Keras's Conv1DTranspose), equal to the eager result."""
import numpy as np

import eagerflow as tf


def test_output_shape_list_with_a_traced_batch_size():
    x = tf.constant(np.random.default_rng(0).standard_normal((2, 5, 3)).astype("float32"))
    f = tf.constant(np.random.default_rng(1).standard_normal((3, 4, 3)).astype("float32"))

    def run(x):
        return tf.nn.conv1d_transpose(x, f, [tf.shape(x)[0], 10, 4], strides=2, padding="SAME")

    traced = tf.function(run, input_signature=[tf.TensorSpec([None, 5, 3])])(x)
    np.testing.assert_allclose(traced.numpy(), tf.nn.conv1d_transpose(x, f, [2, 10, 4], 2, "SAME").numpy(),
                               rtol=1e-6)
