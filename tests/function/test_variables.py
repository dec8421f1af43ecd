"""Variables and tf.function: captured by reference, created on the first trace only."""
import numpy as np
import pytest

import eagerflow as tf


def test_assign_inside_is_visible_outside_and_later_calls_see_new_values():
    v = tf.Variable(0)

    @tf.function
    def increment():
        v.assign_add(1)
        return v.read_value()

    assert int(increment()) == 1
    assert int(increment()) == 2
    assert int(v.numpy()) == 2
    v.assign(10)
    assert int(increment()) == 11


def test_variable_created_on_first_trace_is_reused():
    class Scale(tf.Module):
        def __init__(self):
            super().__init__()
            self.w = None

        @tf.function
        def __call__(self, x):
            if self.w is None:
                self.w = tf.Variable(tf.ones_like(x) * 2.0)
            return self.w * x

    m = Scale()
    np.testing.assert_array_equal(m(tf.constant([1.0, 2.0])).numpy(), [2.0, 4.0])
    np.testing.assert_array_equal(m(tf.constant([3.0, 4.0])).numpy(), [6.0, 8.0])
    assert len(m.trainable_variables) == 1


def test_creating_a_variable_on_every_call_is_tfs_value_error_at_the_first_call():
    @tf.function
    def f(x):
        w = tf.Variable(1.0)
        return w * x

    with pytest.raises(ValueError, match="tf.function only supports singleton tf.Variables created on the first call"):
        f(tf.constant(1.0))
    assert f.experimental_get_tracing_count() == 1


def test_a_trace_that_creates_variables_is_traced_again_as_tf(capsys):
    class Lazy(tf.Module):
        def __init__(self):
            super().__init__()
            self.v = None

        @tf.function
        def __call__(self, x):
            print("tracing")
            if self.v is None:
                self.v = tf.Variable(x * 2)
            return self.v + x

    m = Lazy()
    assert float(m(tf.constant(1.0))) == 3.0
    assert capsys.readouterr().out == "tracing\ntracing\n"
    assert m.__call__.experimental_get_tracing_count() == 2
    assert float(m(tf.constant(2.0))) == 4.0


def test_variable_arguments_of_same_dtype_and_shape_share_a_trace():
    @tf.function
    def add_to(v, x):
        v.assign_add(x)

    a, b = tf.Variable(1.0), tf.Variable(5.0)
    add_to(a, tf.constant(1.0))
    add_to(b, tf.constant(1.0))
    assert (float(a.numpy()), float(b.numpy())) == (2.0, 6.0)
    assert add_to.experimental_get_tracing_count() == 1


def test_methods_keep_one_trace_cache_per_instance():
    class Counter(tf.Module):
        def __init__(self, start):
            super().__init__()
            self.v = tf.Variable(start)

        @tf.function
        def bump(self):
            self.v.assign_add(1)
            return self.v.read_value()

    c1, c2 = Counter(0), Counter(100)
    assert int(c1.bump()) == 1
    assert int(c2.bump()) == 101
    assert int(c1.bump()) == 2
    assert c1.bump.experimental_get_tracing_count() == 1
    assert c2.bump.experimental_get_tracing_count() == 1


def test_init_scope_runs_eagerly_inside_a_trace():
    seen = []

    @tf.function
    def f(x):
        with tf.init_scope():
            seen.append((tf.executing_eagerly(), float(tf.constant(2.0) * 3.0)))
        return x

    f(tf.constant(1.0))
    assert seen == [(True, 6.0)]
