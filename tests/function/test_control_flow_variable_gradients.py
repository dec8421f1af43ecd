"""Gradients through traced `tf.cond` / `tf.while_loop` nodes whose branches or bodies update
variables they read (issue #13): every read's gradient uses the value that read saw in the
forward, reaches the variable, and the updates never run again. Expected values are worked out
by hand (and agree with TensorFlow 2.21, see tests/compat/)."""
import numpy as np
import pytest

import eagerflow as tf


def _run(where, variable, branch_fn, x):
    """(y, [dy/dx, dy/dv]) for `y = tf.cond(x > 0, branch_fn(x), -x)`, the tape inside the
    tf.function or around its call."""
    def f(x):
        return tf.cond(x > 0, lambda: branch_fn(x), lambda: -x)

    if where == "inside":
        @tf.function
        def taped(x):
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = f(x)
            return y, tape.gradient(y, [x, variable])
        y, grads = taped(x)
    else:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.function(f)(x)
        grads = tape.gradient(y, [x, variable])
    return float(y), [float(g) for g in grads]


WHERE = ["inside", "around"]


@pytest.mark.parametrize("where", WHERE)
def test_read_after_an_update_in_a_branch_sees_the_updated_value(where):
    v = tf.Variable(2.0)

    def branch(x):
        v.assign_add(1.0)
        return v * x

    # v = 3 when read: y = 3 x, dy/dx = 3, dy/dv = x.
    assert _run(where, v, branch, tf.constant(5.0)) == (15.0, [3.0, 5.0])
    assert float(v.numpy()) == 3.0


@pytest.mark.parametrize("where", WHERE)
def test_read_before_an_update_in_a_branch_sees_the_old_value(where):
    v = tf.Variable(2.0)

    def branch(x):
        r = v * x
        with tf.control_dependencies([r]):
            v.assign_add(1.0)
        return r

    assert _run(where, v, branch, tf.constant(5.0)) == (10.0, [2.0, 5.0])
    assert float(v.numpy()) == 3.0


@pytest.mark.parametrize("where", WHERE)
def test_reads_before_and_after_an_update_each_keep_their_value(where):
    v = tf.Variable(2.0)

    def branch(x):
        r = v * x
        with tf.control_dependencies([r]):
            update = v.assign_add(1.0)
        with tf.control_dependencies([update]):
            return r + v * v * x

    # r = 2 x; then v = 3: y = 2 x + 9 x; dy/dx = 2 + 9; dy/dv = x + 2 * 3 * x.
    assert _run(where, v, branch, tf.constant(5.0)) == (55.0, [11.0, 35.0])
    assert float(v.numpy()) == 3.0


@pytest.mark.parametrize("where", WHERE)
def test_assign_in_a_branch_is_not_differentiated(where):
    v = tf.Variable(2.0)

    def branch(x):
        r = v * x
        with tf.control_dependencies([r]):
            update = v.assign(x * 3.0)
        with tf.control_dependencies([update]):
            return r + v * x

    # r = 2 x, then v = 3 x = 15 read as a value: dy/dx = 2 + 15, dy/dv = x + x.
    assert _run(where, v, branch, tf.constant(5.0)) == (85.0, [17.0, 10.0])
    assert float(v.numpy()) == 15.0


def test_untaken_branch_reading_a_variable_it_updates_gives_zero_to_the_variable():
    v = tf.Variable(2.0)

    def branch(x):
        v.assign_add(1.0)
        return v * x

    assert _run("inside", v, branch, tf.constant(-3.0)) == (3.0, [-1.0, 0.0])
    assert float(v.numpy()) == 2.0


def test_counter_in_a_branch_is_bumped_once_per_call_under_a_tape():
    v, counter = tf.Variable(2.0), tf.Variable(0)

    def branch(x):
        counter.assign_add(1)
        v.assign_add(1.0)
        return v * x * x

    for where in WHERE:
        _run(where, v, branch, tf.constant(1.0))
    assert int(counter.numpy()) == 2 and float(v.numpy()) == 4.0


def test_nested_cond_updating_a_variable_read_by_both_levels():
    v = tf.Variable(2.0)

    def branch(x):
        def inner():
            v.assign_add(1.0)
            return v * x
        return tf.cond(x > 1.0, inner, lambda: x) * v

    # inner = 3 x, outer = inner * 3 = 9 x: dy/dx = 9; dy/dv = x * 3 (inner read) + 3 x (outer).
    assert _run("inside", v, branch, tf.constant(5.0)) == (45.0, [9.0, 30.0])
    assert float(v.numpy()) == 3.0


@pytest.mark.parametrize("where", WHERE)
def test_cond_updating_a_variable_inside_a_while_loop(where):
    v = tf.Variable(2.0)

    def loop(x):
        def body(i, a):
            def updating():
                v.assign_add(1.0)
                return a + v * x
            return i + 1, tf.cond(i > 0, updating, lambda: a + x)
        return tf.while_loop(lambda i, a: i < 3, body, [tf.constant(0), tf.constant(0.0)])[1]

    x = tf.constant(5.0)
    if where == "inside":
        @tf.function
        def f(x):
            with tf.GradientTape() as tape:
                tape.watch(x)
                y = loop(x)
            return y, tape.gradient(y, [x, v])
        y, grads = f(x)
    else:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.function(loop)(x)
        grads = tape.gradient(y, [x, v])
    # y = x + 3 x + 4 x: dy/dx = 1 + 3 + 4; dy/dv = x for each of the two reads.
    assert float(y) == 40.0 and [float(g) for g in grads] == [8.0, 10.0]
    assert float(v.numpy()) == 4.0


def test_second_order_through_a_branch_reading_a_variable_it_updates():
    v = tf.Variable(2.0)

    @tf.function
    def f(x):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                def branch():
                    r = v * x * x * x
                    with tf.control_dependencies([r]):
                        update = v.assign_add(1.0)
                    with tf.control_dependencies([update]):
                        return r + v * x * x
                y = tf.cond(x > 0, branch, lambda: x)
            g = inner.gradient(y, x)
        return g, outer.gradient(g, [x, v])

    g, (gxx, gxv) = f(tf.constant(2.0))
    # y = 2 x^3 + 3 x^2: g = 6 x^2 + 6 x = 36; dg/dx = 12 x + 6 = 30; dg/dv = 3 x^2 + 2 x = 16.
    assert (float(g), float(gxx), float(gxv)) == (36.0, 30.0, 16.0)
    assert float(v.numpy()) == 3.0


def test_while_body_counter_is_bumped_once_per_call_under_a_tape():
    counter = tf.Variable(0)

    def loop(x):
        def body(i, a):
            counter.assign_add(1)
            return i + 1, a * x
        return tf.while_loop(lambda i, a: i < 3, body, [0, tf.constant(1.0)])[1]

    @tf.function
    def inside(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = loop(x)
        return tape.gradient(y, x)

    x = tf.constant(2.0)
    assert float(inside(x)) == 12.0
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.function(loop)(x)
    assert float(tape.gradient(y, x)) == 12.0
    assert int(counter.numpy()) == 6


def _updating_loop(u):
    def loop(x):
        def body(i, a):
            u.assign_add(x)
            return i + 1, a + u * x * x
        return tf.while_loop(lambda i, a: i < 3, body, [tf.constant(0), tf.constant(0.0)])[1]
    return loop


# u = 1, x = 2: u reads 3, 5, 7; r = x^2 (3 + 5 + 7) = 60. Reads keep their values (the updates
# are not differentiated): dr/dx = 2 x * 15 = 60, dr/du = 3 x^2 = 12; d2r/dx2 = 2 * 15 = 30,
# d(dr/dx)/du = 3 * 2 x = 12, d(dr/du)/dx = 6 x = 12, d(dr/du)/du = 0.
def test_second_order_through_a_loop_updating_a_variable_with_nested_tapes_inside():
    u = tf.Variable(1.0)
    loop = _updating_loop(u)

    @tf.function
    def f(x):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                r = loop(x)
            g = inner.gradient(r, x)
        return g, outer.gradient(g, [x, u])

    g, (gxx, gxu) = f(tf.constant(2.0))
    assert (float(g), float(gxx), float(gxu)) == (60.0, 30.0, 12.0)
    assert float(u.numpy()) == 7.0


def test_second_order_through_a_loop_updating_a_variable_with_tapes_around_the_call():
    u = tf.Variable(1.0)
    f = tf.function(_updating_loop(u))
    x = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            r = f(x)
        gx, gu = inner.gradient(r, [x, u])
    assert [float(g) for g in outer.gradient(gx, [x, u])] == [30.0, 12.0]
    assert [float(g) for g in outer.gradient(gu, [x, u])] == [12.0, 0.0]
    assert float(u.numpy()) == 7.0


def test_second_order_around_a_call_whose_inner_tape_differentiates_an_updating_loop():
    u = tf.Variable(1.0)
    loop = _updating_loop(u)

    @tf.function
    def f(x):
        with tf.GradientTape() as inner:
            inner.watch(x)
            r = loop(x)
        return inner.gradient(r, [x, u])

    x = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as outer:
        outer.watch(x)
        gx, gu = f(x)
    assert (float(gx), float(gu)) == (60.0, 12.0)
    assert [float(g) for g in outer.gradient(gx, [x, u])] == [30.0, 12.0]
    assert [float(g) for g in outer.gradient(gu, [x, u])] == [12.0, 0.0]


def test_second_order_through_an_autograph_loop_updating_a_variable():
    u = tf.Variable(1.0)

    @tf.function
    def f(x):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                a = tf.constant(0.0)
                for _ in tf.range(3):
                    u.assign_add(x)
                    a = a + u * x * x
            g = inner.gradient(a, x)
        return g, outer.gradient(g, [x, u])

    g, (gxx, gxu) = f(tf.constant(2.0))
    assert (float(g), float(gxx), float(gxu)) == (60.0, 30.0, 12.0)


def test_second_order_through_a_loop_state_that_depends_on_the_input():
    # a <- a * a * u + x, from a = x; u reads 0.5, 0.75, 1.0.
    u = tf.Variable(0.25)

    @tf.function
    def f(x):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                def body(i, a):
                    u.assign_add(0.25)
                    return i + 1, a * a * u + x
                r = tf.while_loop(lambda i, a: i < 3, body, [tf.constant(0), x])[1]
            g = inner.gradient(r, x)
        return r, g, outer.gradient(g, x)

    r, g, h = f(tf.constant(0.5))
    # The same loop unrolled with the read values as constants, differentiated twice.
    with tf.GradientTape() as outer:
        x = tf.constant(0.5)
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            a = x
            for read in (0.5, 0.75, 1.0):
                a = a * a * read + x
        expected_g = inner.gradient(a, x)
    np.testing.assert_allclose([float(r), float(g), float(h)],
                               [float(a), float(expected_g), float(outer.gradient(expected_g, x))], rtol=1e-6)


def test_second_order_through_a_cond_updating_a_variable_inside_a_loop():
    v = tf.Variable(2.0)

    @tf.function
    def f(x):
        with tf.GradientTape() as outer:
            outer.watch(x)
            with tf.GradientTape() as inner:
                inner.watch(x)
                def body(i, a):
                    def updating():
                        v.assign_add(1.0)
                        return a + v * x * x
                    return i + 1, tf.cond(i > 0, updating, lambda: a + x)
                y = tf.while_loop(lambda i, a: i < 3, body, [tf.constant(0), tf.constant(0.0)])[1]
            g = inner.gradient(y, x)
        return y, g, outer.gradient(g, [x, v])

    y, g, (gxx, gxv) = f(tf.constant(5.0))
    # v reads 3 then 4: y = x + 7 x^2; g = 1 + 14 x; dg/dx = 14; dg/dv = 2 x per read.
    assert (float(y), float(g), float(gxx), float(gxv)) == (180.0, 71.0, 14.0, 20.0)
    assert float(v.numpy()) == 4.0


def test_loop_updating_a_variable_inside_a_cond():
    v = tf.Variable(2.0)

    @tf.function
    def f(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            def branch():
                def body(i, a):
                    v.assign_add(1.0)
                    return i + 1, a + v * x
                return tf.while_loop(lambda i, a: i < 2, body, [tf.constant(0), x])[1] * v
            y = tf.cond(x > 0, branch, lambda: x)
        return y, tape.gradient(y, [x, v])

    y, (gx, gv) = f(tf.constant(5.0))
    # v reads 3, 4 in the loop, 4 after it: y = (x + 3 x + 4 x) * 4 = 32 x;
    # dy/dv = 4 x + 4 x (loop reads) + 8 x (the read after the loop).
    assert (float(y), float(gx), float(gv)) == (160.0, 32.0, 80.0)
    assert float(v.numpy()) == 4.0


def test_watched_non_trainable_variable_updated_in_a_branch_gets_its_gradient():
    v = tf.Variable(2.0, trainable=False)

    @tf.function
    def f(x):
        with tf.GradientTape() as tape:
            tape.watch(v)
            y = tf.cond(x > 0, lambda: (v.assign_add(1.0), v * x)[1], lambda: x)
        return y, tape.gradient(y, v)

    y, g = f(tf.constant(5.0))
    assert (float(y), float(g)) == (15.0, 5.0)
