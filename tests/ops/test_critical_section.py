"""tf.CriticalSection: serialised execution across threads, eager and inside tf.function."""
import threading
import time

import pytest

import eagerflow as tf


def test_execute_returns_fn_outputs_as_tensors():
    cs = tf.CriticalSection()
    out = cs.execute(lambda: (5, {"a": tf.constant(2.0)}))
    assert isinstance(out[0], tf.Tensor) and int(out[0]) == 5
    assert float(out[1]["a"]) == 2.0


def test_execute_runs_variable_updates():
    cs = tf.CriticalSection()
    v = tf.Variable(1)
    assert int(cs.execute(lambda: v.assign_add(1))) == 2


def test_nested_execution_of_the_same_section_is_refused():
    cs = tf.CriticalSection()
    with pytest.raises(ValueError, match=r"^Attempting to lock a CriticalSection \(signature=\('', \d+, "
                                         r"'/job:localhost/replica:0/task:0/device:CPU:0'\)\) in which we "
                                         r"are already running. This is illegal and may cause deadlocks.$"):
        cs.execute(lambda: cs.execute(lambda: 1))
    assert int(cs.execute(lambda: 3)) == 3  # the failed call left the section unlocked


def test_nesting_another_section_is_allowed():
    outer, inner = tf.CriticalSection(), tf.CriticalSection()
    assert int(outer.execute(lambda: inner.execute(lambda: 1))) == 1


def test_executions_are_serialised_across_threads():
    cs = tf.CriticalSection()
    inside = []
    overlaps = []

    def body():
        inside.append(1)
        if len(inside) > 1:
            overlaps.append(1)
        time.sleep(0.01)
        inside.pop()
        return 0

    threads = [threading.Thread(target=lambda: [cs.execute(body) for _ in range(5)], daemon=True)
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert not overlaps


def test_read_modify_write_is_atomic_in_threads():
    cs = tf.CriticalSection()
    v = tf.Variable(0)

    def increment():
        value = v.read_value()
        time.sleep(0.001)
        v.assign(value + 1)
        return value

    threads = [threading.Thread(target=lambda: [cs.execute(increment) for _ in range(10)], daemon=True)
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert int(v.numpy()) == 40


def test_execute_inside_tf_function():
    cs = tf.CriticalSection()
    v = tf.Variable(1)

    @tf.function
    def f():
        return cs.execute(lambda: v.assign_add(1))

    assert int(f()) == 2
    assert int(f()) == 3


def test_traced_executions_are_serialised_across_threads():
    cs = tf.CriticalSection()
    v = tf.Variable(0)

    @tf.function
    def increment():
        def body():
            value = v.read_value()
            v.assign(value + 1)
            return value
        return cs.execute(body)

    increment()
    threads = [threading.Thread(target=lambda: [increment() for _ in range(20)], daemon=True) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert int(v.numpy()) == 81


def test_nested_execution_is_refused_while_tracing():
    cs = tf.CriticalSection()
    v = tf.Variable(1)

    @tf.function
    def g():
        return cs.execute(lambda: cs.execute(lambda: v.assign_add(1)))

    with pytest.raises(ValueError, match="in which we are already running"):
        g()


def test_two_sections_on_one_variable_need_shared_access():
    v = tf.Variable(1)
    a, b = tf.CriticalSection(), tf.CriticalSection()

    @tf.function
    def exclusive():
        return a.execute(lambda: v.assign_add(1)), b.execute(lambda: v.assign_add(1))

    with pytest.raises(ValueError, match=r"^This execution would access resources: .*Did you mean to call "
                                         r"execute with keyword argument exclusive_resource_access=False\?$"):
        exclusive()


def test_shared_access_to_one_variable_is_allowed():
    v = tf.Variable(1)
    a, b = tf.CriticalSection(), tf.CriticalSection()

    @tf.function
    def shared():
        return (a.execute(lambda: v.assign_add(1), exclusive_resource_access=False),
                b.execute(lambda: v.read_value(), exclusive_resource_access=False))

    x, y = shared()
    assert (int(x), int(y)) == (2, 2)


def test_name_is_unavailable_eagerly_as_in_tf():
    with pytest.raises(AttributeError, match="Tensor.op is undefined when eager execution is enabled."):
        tf.CriticalSection(name="cs").name
