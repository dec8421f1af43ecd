"""tf.TensorArray and map_fn/scan/fold inside tf.function: a flow value threaded through While."""
import numpy as np
import pytest

import eagerflow as tf


def test_tensor_array_written_in_tensor_loop():
    @tf.function
    def f(n):
        ta = tf.TensorArray(tf.float32, size=n)
        for i in tf.range(n):
            ta = ta.write(i, tf.cast(i, tf.float32) * 2.0)
        return ta.stack()
    np.testing.assert_array_equal(f(tf.constant(4)).numpy(), [0.0, 2.0, 4.0, 6.0])
    np.testing.assert_array_equal(f(tf.constant(2)).numpy(), [0.0, 2.0])


def test_dynamic_size_tensor_array_in_while_loop():
    @tf.function
    def f(n):
        ta = tf.TensorArray(tf.int32, size=0, dynamic_size=True, clear_after_read=False)
        i = tf.constant(0)
        while i < n:
            ta = ta.write(i, tf.stack([i, i * i]))
            i += 1
        return ta.stack(), ta.size(), ta.gather([0, 2]), ta.concat()
    stacked, size, gathered, concatenated = f(tf.constant(3))
    np.testing.assert_array_equal(stacked.numpy(), [[0, 0], [1, 1], [2, 4]])
    assert int(size) == 3
    np.testing.assert_array_equal(gathered.numpy(), [[0, 0], [2, 4]])
    np.testing.assert_array_equal(concatenated.numpy(), [0, 0, 1, 1, 2, 4])


def test_tensor_array_element_shape_is_static_in_graph():
    @tf.function
    def f(x):
        ta = tf.TensorArray(tf.float32, size=3).unstack(x)
        assert ta.element_shape == tf.TensorShape([2])
        return ta.read(2)
    np.testing.assert_array_equal(f(tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])).numpy(), [5.0, 6.0])


def test_tensor_array_as_while_loop_variable():
    @tf.function
    def f(x):
        n = tf.shape(x)[0]
        body = lambda i, ta: (i + 1, ta.write(i, tf.gather(x, i) * 10.0))
        _, ta = tf.while_loop(lambda i, ta: i < n, body, [0, tf.TensorArray(tf.float32, size=n)])
        return ta.stack()
    np.testing.assert_array_equal(f(tf.constant([1.0, 2.0, 3.0])).numpy(), [10.0, 20.0, 30.0])


def test_tensor_array_write_out_of_range_raises_at_run_time():
    f = tf.function(lambda n: tf.TensorArray(tf.float32, size=n).write(5, 1.0).stack())
    with pytest.raises(tf.errors.OutOfRangeError, match="Tried to write to index 5 but array is not resizeable and size is: 2"):
        f(tf.constant(2))


def test_tensor_array_write_wrong_dtype_raises_while_tracing():
    f = tf.function(lambda n: tf.TensorArray(tf.float32, size=n).write(0, tf.constant(1)).stack())
    with pytest.raises(tf.errors.InvalidArgumentError, match="TensorArray dtype is float32 but Op is trying to write dtype int32"):
        f(tf.constant(2))


def test_map_fn_with_unknown_length_is_one_while():
    f = tf.function(lambda x: tf.map_fn(lambda v: v * 2.0, x), input_signature=[tf.TensorSpec([None], tf.float32)])
    types = [op.type for op in f.get_concrete_function().graph.get_operations()]
    assert types.count("While") == 1
    np.testing.assert_array_equal(f(tf.constant([1.0, 2.0, 3.0])).numpy(), [2.0, 4.0, 6.0])


def test_map_fn_with_output_signature_in_graph():
    x = tf.constant(np.arange(40, dtype=np.float32))
    f = tf.function(lambda x: tf.map_fn(lambda v: (v, tf.cast(v, tf.int32)), x, fn_output_signature=(tf.float32, tf.int32)))
    a, b = f(x)
    assert b.dtype == tf.int32
    np.testing.assert_array_equal(b.numpy(), np.arange(40))


def test_scan_and_folds_in_graph_loops():
    values = np.arange(40, dtype=np.float32)
    x = tf.constant(values)
    np.testing.assert_array_equal(tf.function(lambda x: tf.scan(lambda a, v: a + v, x))(x).numpy(), np.cumsum(values))
    np.testing.assert_array_equal(tf.function(lambda x: tf.scan(lambda a, v: a + v, x, reverse=True))(x).numpy(),
                                  np.cumsum(values[::-1])[::-1])
    np.testing.assert_array_equal(tf.function(lambda x: tf.scan(lambda a, v: a + v, x, initializer=100.0))(x).numpy(),
                                  100.0 + np.cumsum(values))
    assert float(tf.function(lambda x: tf.foldl(lambda a, v: a - v, x))(x)) == -values[1:].sum()
    assert float(tf.function(lambda x: tf.foldr(lambda a, v: a - v, x, initializer=0.0))(x)) == -values.sum()


def test_vectorized_map_in_graph_loop():
    x = tf.constant(np.arange(40, dtype=np.float32))
    np.testing.assert_array_equal(tf.function(lambda x: tf.vectorized_map(lambda v: v * 3, x))(x).numpy(),
                                  np.arange(40) * 3)


def test_short_map_fn_in_graph_is_differentiable():
    @tf.function
    def grad(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(tf.map_fn(lambda v: v * v, x))
        return tape.gradient(y, x)
    np.testing.assert_array_equal(grad(tf.constant([1.0, 2.0, 3.0])).numpy(), [2.0, 4.0, 6.0])


def _rnn_loss(x, w):
    steps = tf.shape(x)[0]
    inputs = tf.TensorArray(tf.float32, size=steps).unstack(x)
    outputs = tf.TensorArray(tf.float32, size=steps, element_shape=[2, 3])

    def body(t, h, outputs):
        h = tf.tanh(tf.matmul(inputs.read(t), w) + h)
        return t + 1, h, outputs.write(t, h)
    _, _, outputs = tf.while_loop(lambda t, h, o: t < steps, body, [0, tf.zeros([2, 3]), outputs])
    return tf.reduce_sum(outputs.stack())


def test_gradient_through_tensor_arrays_in_graph_loop_matches_eager():
    w = tf.Variable(np.full((3, 3), 0.1, np.float32))
    x = tf.constant(np.linspace(-1, 1, 30, dtype=np.float32).reshape(5, 2, 3))

    @tf.function
    def graph_grad(x):
        with tf.GradientTape() as tape:
            loss = _rnn_loss(x, w)
        return tape.gradient(loss, w)
    with tf.GradientTape() as tape:
        loss = _rnn_loss(x, w)
    np.testing.assert_allclose(graph_grad(x).numpy(), tape.gradient(loss, w).numpy(), rtol=1e-5)


def _loop_written(x, w, element_shape=None, dynamic_size=False):
    # No element_shape (or a partial one): the elements' shape is learned from the first write.
    ta = tf.TensorArray(tf.float32, size=0 if dynamic_size else 4, dynamic_size=dynamic_size,
                        element_shape=element_shape)

    def body(i, h, ta):
        h = tf.tanh(tf.matmul(h, w))
        return i + 1, h, ta.write(i, h)
    _, _, ta = tf.while_loop(lambda i, h, ta: i < 4, body, [0, x, ta])
    return tf.reduce_sum(ta.stack() * tf.reshape(tf.range(1.0, 5.0), [4, 1, 1]))


def _eager_loop_grad(x, w):
    with tf.GradientTape() as tape:
        h, total = x, 0.0
        for i in range(4):
            h = tf.tanh(tf.matmul(h, w))
            total += float(i + 1) * tf.reduce_sum(h)
    return tape.gradient(total, w).numpy()


@pytest.mark.parametrize("element_shape", [None, [None, 3], [2, 3]])
@pytest.mark.parametrize("batch", [2, None])
def test_gradient_through_loop_writes_without_a_static_element_shape(element_shape, batch):
    w = tf.Variable(np.linspace(-0.5, 0.5, 9, dtype=np.float32).reshape(3, 3))
    x = tf.constant(np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3))
    if element_shape == [2, 3] and batch is None:
        element_shape = [None, 3]

    @tf.function(input_signature=[tf.TensorSpec([batch, 3], tf.float32)])
    def graph_grad(x):
        with tf.GradientTape() as tape:
            loss = _loop_written(x, w, element_shape)
        return tape.gradient(loss, w)
    np.testing.assert_allclose(graph_grad(x).numpy(), _eager_loop_grad(x, w), rtol=1e-5)


def test_gradient_through_dynamic_size_tensor_array_writes():
    w = tf.Variable(np.linspace(-0.5, 0.5, 9, dtype=np.float32).reshape(3, 3))
    x = tf.constant(np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3))

    @tf.function
    def graph_grad(x):
        with tf.GradientTape() as tape:
            loss = _loop_written(x, w, dynamic_size=True)
        return tape.gradient(loss, w)
    np.testing.assert_allclose(graph_grad(x).numpy(), _eager_loop_grad(x, w), rtol=1e-5)


def test_stack_of_loop_writes_has_the_written_static_shape():
    @tf.function
    def f(x):
        ta = tf.TensorArray(tf.float32, size=3)
        _, ta = tf.while_loop(lambda i, ta: i < 3, lambda i, ta: (i + 1, ta.write(i, x * 2.0)), [0, ta])
        out = ta.stack()
        assert out.shape.as_list() == [3, 2, 5], out.shape
        return out
    np.testing.assert_array_equal(f(tf.ones([2, 5])).numpy(), np.full((3, 2, 5), 2.0, np.float32))


def test_scatter_into_tensor_array_without_element_shape_is_differentiable():
    x = tf.constant([[1.0, 2.0], [3.0, 4.0]])

    @tf.function
    def f(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            ta = tf.TensorArray(tf.float32, size=3).scatter([2, 0], x * x)
            y = tf.reduce_sum(ta.stack() * tf.constant([[1.0], [10.0], [100.0]]))
        return ta.stack(), tape.gradient(y, x)
    stacked, grad = f(x)
    np.testing.assert_array_equal(stacked.numpy(), [[9.0, 16.0], [0.0, 0.0], [1.0, 4.0]])
    np.testing.assert_array_equal(grad.numpy(), [[200.0, 400.0], [6.0, 8.0]])


def test_writes_of_another_shape_after_the_first_raise_at_run_time():
    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32), tf.TensorSpec([None], tf.float32)])
    def f(a, b):
        ta = tf.TensorArray(tf.float32, size=2)
        return ta.write(0, a).write(1, b).stack()
    np.testing.assert_array_equal(f(tf.ones([2]), tf.zeros([2])).numpy(), [[1.0, 1.0], [0.0, 0.0]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Incompatible shape"):
        f(tf.ones([2]), tf.zeros([3]))
