"""tf.where (SelectV2) in traced functions: the broadcast static shape TF infers, and dropout's
gradient over a batch dimension known only at run time (Keras `fit` with Dropout layers)."""
import eagerflow as tf


def test_select_static_shape_is_the_broadcast_of_its_inputs():
    shapes = []

    @tf.function(input_signature=[tf.TensorSpec([None, None], tf.bool), tf.TensorSpec([None, 3]),
                                  tf.TensorSpec([None, None])])
    def f(c, x, z):
        shapes.append(tf.where(c, x, z).shape)
        shapes.append(tf.where(c, x, 0.0).shape)
        return x

    f(tf.ones((4, 3), tf.bool), tf.ones((4, 3)), tf.ones((4, 3)))
    assert [s.as_list() for s in shapes] == [[None, 3], [None, 3]]


def test_stateless_dropout_gradient_with_unknown_batch_dimension():
    w = tf.Variable(tf.ones((3, 2)))

    @tf.function(input_signature=[tf.TensorSpec([None, 3])])
    def f(x):
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(tf.nn.experimental.stateless_dropout(tf.matmul(x, w), 0.5, seed=[1, 2]))
        return tape.gradient(y, w)

    # TF 2.21's values for this seed.
    assert f(tf.ones((4, 3))).numpy().tolist() == [[4.0, 2.0], [4.0, 2.0], [4.0, 2.0]]
