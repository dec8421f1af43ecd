"""Eager tensors closed over inside cond/while bodies of a tf.function get gradients (issue #13).

TF captures them into the branch/body graphs through the enclosing graph, so the `If`/`While`
node has them as inputs; a tape watching the eager tensor (inside the function, or around
the call) sees the dependency. Expected values are worked out by hand.
"""
import numpy as np

import eagerflow as tf

X = tf.constant(3.0)


def _outer_tape_gradient(fn, *sources):
    with tf.GradientTape(persistent=True) as tape:
        for s in sources:
            tape.watch(s)
        y = fn()
    return [tape.gradient(y, s) for s in sources]


def test_cond_branch_closure_gets_gradient_from_tape_inside_function():
    @tf.function
    def f():
        with tf.GradientTape() as t:
            t.watch(X)
            y = tf.cond(X > 0, lambda: X * X, lambda: X)
        return t.gradient(y, X)

    assert f().numpy() == 6.0


def test_cond_branch_closure_gets_gradient_from_tape_around_call():
    @tf.function
    def f():
        return tf.cond(X > 0, lambda: X * X, lambda: X)

    assert _outer_tape_gradient(f, X)[0].numpy() == 6.0


def test_cond_branch_returning_the_closure_itself_gets_gradient():
    @tf.function
    def f():
        return tf.cond(X < 0, lambda: X * X, lambda: X)

    assert _outer_tape_gradient(f, X)[0].numpy() == 1.0


def test_while_body_closure_gets_gradient_from_tape_around_call():
    @tf.function
    def f():
        return tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * X), (0, 1.0))[1]

    assert _outer_tape_gradient(f, X)[0].numpy() == 27.0  # d(x^3) = 3x^2


def test_while_body_closure_gets_gradient_from_tape_inside_function():
    @tf.function
    def f():
        with tf.GradientTape() as t:
            t.watch(X)
            y = tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * X), (0, 1.0))[1]
        return t.gradient(y, X)

    assert f().numpy() == 27.0


def test_while_body_vector_closure_gets_gradient():
    w = tf.constant(np.full(200, 2.0, np.float32))

    @tf.function
    def f():
        out = tf.while_loop(lambda i, a: i < 2, lambda i, a: (i + 1, a * w), (0, tf.ones(200)))[1]
        return tf.reduce_sum(out)

    np.testing.assert_array_equal(_outer_tape_gradient(f, w)[0].numpy(), np.full(200, 4.0, np.float32))


def test_closure_and_variable_in_while_body_both_get_gradients():
    v = tf.Variable(2.0)

    @tf.function
    def f():
        return tf.while_loop(lambda i, a: i < 2, lambda i, a: (i + 1, a * X * v), (0, 1.0))[1]

    with tf.GradientTape(persistent=True) as tape:
        tape.watch(X)
        y = f()
    assert tape.gradient(y, X).numpy() == 24.0  # d((xv)^2)/dx = 2 x v^2
    assert tape.gradient(y, v).numpy() == 36.0  # 2 v x^2


def test_cond_nested_in_while_body_closure_gets_gradient():
    @tf.function
    def f():
        body = lambda i, a: (i + 1, tf.cond(a > 0, lambda: a * X, lambda: a))  # noqa: E731
        return tf.while_loop(lambda i, a: i < 3, body, (0, 1.0))[1]

    assert _outer_tape_gradient(f, X)[0].numpy() == 27.0


def test_autograph_for_and_if_closure_gets_gradient():
    @tf.function
    def f():
        a = tf.constant(1.0)
        for _ in tf.range(3):
            if a > 0:
                a = a * X
        return a

    assert _outer_tape_gradient(f, X)[0].numpy() == 27.0


def test_autograph_while_closure_gets_gradient_from_tape_inside_function():
    @tf.function
    def f():
        with tf.GradientTape() as t:
            t.watch(X)
            a = tf.constant(1.0)
            i = tf.constant(0)
            while i < 3:
                a = a * X
                i += 1
        return t.gradient(a, X)

    assert f().numpy() == 27.0


def test_map_fn_closure_gets_gradient():
    @tf.function
    def f():
        return tf.reduce_sum(tf.map_fn(lambda e: e * X, tf.constant([1.0, 2.0])))

    assert _outer_tape_gradient(f, X)[0].numpy() == 3.0


def test_scan_closure_gets_gradient():
    @tf.function
    def f():
        return tf.scan(lambda a, e: a * X + e, tf.constant([1.0, 2.0, 3.0]))[-1]

    # ((1 x + 2) x + 3): d/dx = 2x + 2 = 8
    assert _outer_tape_gradient(f, X)[0].numpy() == 8.0


def test_second_order_gradient_through_cond_closure():
    @tf.function
    def f():
        return tf.cond(X > 0, lambda: X * X * X, lambda: X)

    with tf.GradientTape() as outer:
        outer.watch(X)
        with tf.GradientTape() as inner:
            inner.watch(X)
            y = f()
        d = inner.gradient(y, X)
    assert d.numpy() == 27.0
    assert outer.gradient(d, X).numpy() == 18.0


def test_integer_closure_in_loop_condition_keeps_its_value():
    n = tf.constant(4)

    @tf.function
    def f():
        return tf.while_loop(lambda i, a: i < n, lambda i, a: (i + 1, a * 2.0), (0, 1.0))[1]

    assert f().numpy() == 16.0


def test_python_float_in_while_body_stays_a_constant_of_the_body():
    @tf.function
    def f(a):
        return tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * 0.5), (0, a))[1]

    concrete = f.get_concrete_function(tf.constant(1.0))
    while_node = [n for n in concrete.graph.get_operations() if n.type == "While"][0]
    body = while_node.get_attr("body").graph
    assert body.captures == []
    assert f(tf.constant(8.0)).numpy() == 1.0


def test_float_closure_in_while_body_is_a_captured_input():
    @tf.function
    def f(a):
        return tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * X), (0, a))[1]

    concrete = f.get_concrete_function(tf.constant(1.0))
    while_node = [n for n in concrete.graph.get_operations() if n.type == "While"][0]
    body = while_node.get_attr("body").graph
    assert [outer is X for outer, _ in body.captures] == [True]
    assert f(tf.constant(1.0)).numpy() == 27.0
