"""Shape lists holding traced tensors are packed as TF packs them (`tf.fill([n], x)` in a graph)."""
import eagerflow as tf


def test_shape_lists_with_traced_values_pack_into_run_time_shapes():
    @tf.function
    def f(n):
        return tf.fill([n], n), tf.reshape(tf.range(n * 2), [n, 2]), tf.zeros([n, 3])

    a, b, c = f(tf.constant(3, tf.int64))
    assert a.numpy().tolist() == [3, 3, 3]
    assert b.numpy().tolist() == [[0, 1], [2, 3], [4, 5]]
    assert c.shape == (3, 3)
    shapes = [t.shape.as_list() for t in f.get_concrete_function(tf.TensorSpec([], tf.int64)).outputs]
    assert shapes == [[None], [None, 2], [None, 3]]


def test_tape_around_a_call_replays_multi_output_ops():
    x = tf.Variable(tf.ones([4, 6]))

    @tf.function
    def f():
        a, b = tf.split(x, [2, 4], axis=1)  # SplitV: its output count is set by attrs
        c, d = tf.unstack(tf.reshape(b, [4, 2, 2]), axis=1)
        return tf.reduce_sum(a) * 2.0 + tf.reduce_sum(c * d)

    with tf.GradientTape() as tape:
        y = f()
    grad = tape.gradient(y, x).numpy()
    assert float(y) == 16.0 + 8.0
    assert grad[:, :2].tolist() == [[2.0, 2.0]] * 4 and grad[:, 2:].tolist() == [[1.0, 1.0, 1.0, 1.0]] * 4
