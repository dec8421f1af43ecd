"""Gradients through traced `tf.cond` branches that update variables: the gradient never runs
the branch's updates again."""
import eagerflow as tf


def test_gradient_of_a_branch_that_updates_another_variable_updates_it_once():
    u, counter = tf.Variable(1.5), tf.Variable(0)

    @tf.function
    def step(x):
        with tf.GradientTape() as tape:
            def taken():
                counter.assign_add(1)
                return u * x * x
            y = tf.cond(x > 0, taken, lambda: u - x)
        return tape.gradient(y, u)

    assert float(step(tf.constant(2.0))) == 4.0
    assert int(counter.numpy()) == 1


def test_tape_around_a_call_whose_branch_updates_a_counter_updates_it_once():
    u, counter = tf.Variable(1.5), tf.Variable(0)
    f = tf.function(lambda x: tf.cond(x > 0, lambda: (counter.assign_add(1), u * x)[1], lambda: x))
    with tf.GradientTape() as tape:
        y = f(tf.constant(2.0))
    assert float(tape.gradient(y, u)) == 2.0
    assert int(counter.numpy()) == 1


def test_branch_reading_a_variable_it_updates_gets_the_values_it_read_without_rerunning():
    u = tf.Variable(1.0)

    @tf.function
    def f(x):
        def taken():
            r = u * x
            u.assign_add(2.0)
            return r + u
        return tf.cond(x > 0, taken, lambda: x)

    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    assert float(y) == 5.0 and float(u.numpy()) == 3.0
    # r = u * x read u = 1 (d/dx = 1, d/du = x = 2); the read after the update: d/du = 1.
    gx, gu = tape.gradient(y, [x, u])
    assert (float(gx), float(gu)) == (1.0, 3.0)
    assert float(u.numpy()) == 3.0
