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
