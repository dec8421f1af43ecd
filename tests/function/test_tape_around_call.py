"""A tape around a call of a traced function: one recorded op, a traced backward function."""
import numpy as np
import pytest

import eagerflow as tf

X = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], np.float32)
W = np.array([[0.3, -0.2], [0.1, 0.4], [-0.5, 0.6]], np.float32)


def _loss(x, w):
    return tf.reduce_sum(tf.tanh(tf.matmul(x, w)) * tf.sin(x[:, :2]))


def _ops(tape):
    return [entry[0].name for entry in tape._entries]


def _close(a, b):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-6)


def test_call_under_tape_records_one_op():
    w = tf.Variable(W)
    f = tf.function(lambda x: _loss(x, w))
    x = tf.constant(X)
    f(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        f(x)
    assert _ops(tape) == ["StatefulPartitionedCall"]


def test_first_call_under_tape_records_the_call_not_the_trace():
    f = tf.function(lambda x: tf.reduce_sum(x * x))
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        f(x)
    assert _ops(tape) == ["PartitionedCall"]


def test_gradients_equal_eager_gradients_for_inputs_and_captured_variables():
    w = tf.Variable(W)
    f = tf.function(lambda x: _loss(x, w))
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    got = tape.gradient(y, [x, w])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = _loss(x, w)
    want = tape.gradient(y, [x, w])
    for g, e in zip(got, want):
        _close(g, e)


def test_variables_read_inside_are_watched():
    w = tf.Variable(W)
    f = tf.function(lambda x: _loss(x, w))
    with tf.GradientTape() as tape:
        f(tf.constant(X))
    assert tape.watched_variables() == (w,)


def test_variable_argument_gets_its_gradient():
    f = tf.function(lambda x, v: _loss(x, v))
    x = tf.constant(X)
    a, b = tf.Variable(W), tf.Variable(W * 2)
    f(x, a)
    with tf.GradientTape() as tape:
        y = f(x, b)
    with tf.GradientTape() as eager:
        e = _loss(x, b)
    ga, gb = tape.gradient(y, [a, b])
    assert ga is None
    _close(gb, eager.gradient(e, b))


def test_forward_keeps_only_what_the_backward_needs():
    # d/dx sum(sin(x) * 2) needs only x, an input: the call returns nothing extra.
    f = tf.function(lambda x: tf.reduce_sum(tf.sin(x) * 2.0))
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        f(x)
    (_, _, _, outputs), = tape._entries
    assert len(outputs) == 1


def test_forward_keeps_intermediates_the_backward_reads():
    # d/dx sum(exp(x)) reads exp(x): the call keeps it as a second output.
    f = tf.function(lambda x: tf.reduce_sum(tf.exp(x)))
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    (_, _, _, outputs), = tape._entries
    assert len(outputs) == 2
    _close(tape.gradient(y, x), np.exp(X))


def test_backward_is_traced_once_per_set_of_outputs_with_gradients():
    f = tf.function(lambda x: (tf.reduce_sum(x * x), tf.reduce_sum(tf.exp(x))))
    x = tf.constant(X)
    for _ in range(3):
        with tf.GradientTape(persistent=True) as tape:
            tape.watch(x)
            a, b = f(x)
        _close(tape.gradient(a, x), 2 * X)
        _close(tape.gradient(b, x), np.exp(X))
        _close(tape.gradient([a, b], x), 2 * X + np.exp(X))
    functions, = f.get_concrete_function(x)._tape_calls.pairs.values()
    assert sorted(functions._backwards) == [(0,), (0, 1), (1,)]


def test_closed_over_eager_tensor_gets_its_gradient():
    c = tf.constant(X)
    f = tf.function(lambda x: tf.reduce_sum(x * c))
    x = tf.constant(X * 2)
    with tf.GradientTape() as tape:
        tape.watch(c)
        y = f(x)
    assert _ops(tape) == ["PartitionedCall"]
    _close(tape.gradient(y, c), X * 2)


def test_call_with_nothing_watched_records_nothing():
    f = tf.function(lambda x: tf.reduce_sum(x * x))
    with tf.GradientTape() as tape:
        f(tf.constant(X))
    assert _ops(tape) == []


def test_unwatched_input_has_no_gradient():
    f = tf.function(lambda x, y: tf.reduce_sum(x * y))
    x, y = tf.constant(X), tf.constant(X * 3)
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = f(x, y)
    gx, gy = tape.gradient(out, [x, y])
    _close(gx, X * 3)
    assert gy is None


def test_persistent_tape_gives_gradients_twice():
    f = tf.function(lambda x: tf.reduce_sum(x ** 3))
    x = tf.constant(X)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = f(x)
    _close(tape.gradient(y, x), 3 * X ** 2)
    _close(tape.gradient(y, x), 3 * X ** 2)


def test_unconnected_gradients_zero():
    f = tf.function(lambda x, y: tf.reduce_sum(x * 2.0) + tf.reduce_sum(tf.stop_gradient(y)))
    x, y = tf.constant(X), tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch([x, y])
        out = f(x, y)
    gx, gy = tape.gradient(out, [x, y], unconnected_gradients=tf.UnconnectedGradients.ZERO)
    _close(gx, np.full_like(X, 2.0))
    _close(gy, np.zeros_like(X))


def test_integer_outputs_beside_float_ones():
    f = tf.function(lambda x: (tf.reduce_sum(x * x), tf.shape(x), tf.argmax(x, axis=1)))
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y, shape, index = f(x)
    assert shape.numpy().tolist() == [2, 3]
    assert index.dtype == tf.int64
    _close(tape.gradient(y, x), 2 * X)


def test_output_gradients_seed_the_backward():
    f = tf.function(lambda x: x * x)
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    _close(tape.gradient(y, x, output_gradients=tf.constant(X)), 2 * X * X)


def test_second_order_equals_eager_and_goes_through_the_traced_backward():
    w = tf.Variable(W)
    fn = lambda x: _loss(x, w)  # noqa: E731
    f = tf.function(fn)
    x = tf.constant(X)
    results = []
    for g in (fn, f):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = g(x)
            dx = inner.gradient(y, x)
        ops = _ops(outer)
        results.append((dx, outer.gradient(dx, [x, w]), ops))
    (e_dx, e_h, _), (f_dx, f_h, f_ops) = results
    _close(f_dx, e_dx)
    for a, b in zip(f_h, e_h):
        _close(a, b)
    assert f_ops == ["StatefulPartitionedCall", "PartitionedCall"]


def test_third_order_of_a_traced_function():
    f = tf.function(lambda x: tf.reduce_sum(tf.sin(x) * x))
    x = tf.constant([0.3, 1.2])
    with tf.GradientTape() as t3:
        t3.watch(x)
        with tf.GradientTape() as t2:
            t2.watch(x)
            with tf.GradientTape() as t1:
                t1.watch(x)
                y = f(x)
            d1 = t1.gradient(y, x)
        d2 = t2.gradient(d1, x)
    d3 = t3.gradient(d2, x)
    v = x.numpy()
    _close(d2, 2 * np.cos(v) - v * np.sin(v))
    _close(d3, -3 * np.sin(v) - v * np.cos(v))


def test_second_order_through_cond():
    f = tf.function(lambda x: tf.cond(tf.reduce_sum(x) > 0, lambda: tf.reduce_sum(x ** 3),
                                      lambda: tf.reduce_sum(x)))
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = f(x)
        dx = inner.gradient(y, x)
    _close(dx, [3.0, 12.0])
    _close(outer.gradient(dx, x), [6.0, 12.0])


def test_jacobian_through_a_call():
    f = tf.function(lambda x: tf.exp(x) * 2.0)
    x = tf.constant([0.5, -1.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    _close(tape.jacobian(y, x), np.diag(2 * np.exp([0.5, -1.0])))


def test_tape_inside_the_function_still_trains():
    w = tf.Variable(W)

    @tf.function
    def step(x):
        with tf.GradientTape() as tape:
            y = _loss(x, w)
        w.assign_sub(0.1 * tape.gradient(y, w))
        return y

    x = tf.constant(X)
    v = tf.Variable(W)
    with tf.GradientTape() as eager:
        e = _loss(x, v)
    expected = W - 0.1 * eager.gradient(e, v).numpy()
    step(x)
    _close(w, expected)


def test_hessian_of_a_call_inside_a_traced_function():
    f = tf.function(lambda x: tf.reduce_sum(x ** 3))

    @tf.function
    def hessian_diagonal(x):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = f(x)
            dx = inner.gradient(y, x)
        return outer.gradient(dx, x)

    _close(hessian_diagonal(tf.constant([1.0, -2.0])), [6.0, -12.0])


def test_call_replays_op_by_op_when_a_recorder_other_than_a_tape_listens():
    # tf.debugging.enable_check_numerics checks every op: the call is replayed for it.
    f = tf.function(lambda x: tf.reduce_sum(x * x))
    x = tf.constant([1.0, 2.0])
    tf.debugging.enable_check_numerics()
    try:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = f(x)
        ops = _ops(tape)
        grad = tape.gradient(y, x)
    finally:
        tf.debugging.disable_check_numerics()
    assert "PartitionedCall" not in ops and "Mul" in ops
    _close(grad, [2.0, 4.0])


def test_kernel_error_in_forward_under_tape_is_tf_worded():
    f = tf.function(lambda x, i: tf.reduce_sum(tf.gather(x, i)))
    x, i = tf.constant(X), tf.constant([5])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Graph execution error"):
        with tf.GradientTape() as tape:
            tape.watch(x)
            f(x, i)


@tf.custom_gradient
def _triple_gradient(x):
    return tf.identity(x), lambda dy: dy * 3.0


@pytest.mark.parametrize("tape_inside", [False, True], ids=["around_call", "inside"])
def test_custom_gradient_inside_a_function_is_used(tape_inside):
    x = tf.constant([1.0, 2.0])
    fn = lambda x: tf.reduce_sum(_triple_gradient(x) * x)  # noqa: E731 - d/dx = 3x + x
    if tape_inside:
        @tf.function
        def grad(x):
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = fn(x)
            return tape.gradient(y, x)
        got = grad(x)
    else:
        f = tf.function(fn)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = f(x)
        got = tape.gradient(y, x)
    _close(got, [4.0, 8.0])


def test_custom_gradient_with_variables_inside_a_function():
    v = tf.Variable(2.0)

    @tf.custom_gradient
    def scale(x):
        return x * v, lambda dy, variables=None: (dy * 10.0, [tf.reduce_sum(dy) * 100.0])

    f = tf.function(lambda x: tf.reduce_sum(scale(x)))
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    gx, gv = tape.gradient(y, [x, v])
    _close(gx, [10.0, 10.0])
    _close(gv, 200.0)
