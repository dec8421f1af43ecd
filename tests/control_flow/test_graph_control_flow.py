"""tf.cond / tf.case / tf.switch_case / tf.while_loop inside tf.function: one If/While node,
TF's errors when branches or bodies disagree, and gradients through them."""
import numpy as np
import pytest

import eagerflow as tf


def _op_types(fn, *args):
    return [op.type for op in fn.get_concrete_function(*args).graph.get_operations()]


def test_cond_with_symbolic_predicate_adds_one_if_node():
    f = tf.function(lambda p, x: tf.cond(p, lambda: x * 2.0, lambda: x - 1.0))
    assert _op_types(f, tf.constant(True), tf.constant(1.0)).count("If") == 1


def test_cond_in_graph_runs_the_branch_chosen_at_call_time():
    f = tf.function(lambda p, x: tf.cond(p, lambda: x * 2.0, lambda: x - 1.0))
    assert float(f(tf.constant(True), tf.constant(3.0))) == 6.0
    assert float(f(tf.constant(False), tf.constant(3.0))) == 2.0


def test_cond_python_outputs_become_tensors():
    f = tf.function(lambda p: tf.cond(p, lambda: 1, lambda: 2))
    out = f(tf.constant(False))
    assert isinstance(out, tf.Tensor) and int(out) == 2


def test_cond_branches_with_different_structure_raise():
    f = tf.function(lambda p: tf.cond(p, lambda: 1, lambda: (2, 3)))
    with pytest.raises(ValueError, match="same nested structure"):
        f(tf.constant(True))


def test_cond_branches_with_different_dtypes_raise():
    f = tf.function(lambda p: tf.cond(p, lambda: 1, lambda: 2.0))
    with pytest.raises(TypeError, match="have different types"):
        f(tf.constant(True))


def test_cond_branch_shapes_merge():
    f = tf.function(lambda p: tf.cond(p, lambda: tf.zeros([2]), lambda: tf.zeros([3])))
    graph = f.get_concrete_function(tf.constant(True)).graph
    assert graph.outputs[0].shape.as_list() == [None]
    assert f(tf.constant(False)).shape == tf.TensorShape([3])


def test_cond_none_on_one_branch_raises():
    f = tf.function(lambda p: tf.cond(p, lambda: 1, lambda: None))
    with pytest.raises(ValueError, match="Lengths of branch outputs of cond must match"):
        f(tf.constant(True))


def test_cond_python_bool_predicate_in_graph_raises():
    f = tf.function(lambda x: tf.cond(True, lambda: x, lambda: x))
    with pytest.raises(TypeError, match="pred must not be a Python bool"):
        f(tf.constant(1))


def test_cond_integer_predicate_in_graph_raises():
    f = tf.function(lambda x: tf.cond(x, lambda: 1, lambda: 2))
    with pytest.raises(tf.errors.InvalidArgumentError, match="passed int32 expected bool"):
        f(tf.constant(1))


def test_cond_branch_assigning_variable_runs_only_when_taken():
    v = tf.Variable(0.0)
    f = tf.function(lambda p: tf.cond(p, lambda: v.assign_add(1.0), lambda: v.assign_add(10.0)))
    f(tf.constant(True))
    f(tf.constant(False))
    assert float(v.numpy()) == 11.0


def test_case_and_switch_case_in_graph():
    case = tf.function(lambda x: tf.case([(x < 0, lambda: -1), (x > 5, lambda: 1)], default=lambda: 0))
    assert [int(case(tf.constant(v))) for v in (-3, 9, 2)] == [-1, 1, 0]
    switch = tf.function(lambda i: tf.switch_case(i, [lambda: 10, lambda: 20, lambda: 30]))
    assert [int(switch(tf.constant(v))) for v in (0, 2, 7)] == [10, 30, 30]


def test_while_loop_adds_one_while_node():
    f = tf.function(lambda n: tf.while_loop(lambda i, s: i < n, lambda i, s: (i + 1, s + i), [0, 0]))
    assert _op_types(f, tf.constant(5)).count("While") == 1
    i, s = f(tf.constant(5))
    assert (int(i), int(s)) == (5, 10)


def test_while_loop_iterations_follow_runtime_input():
    f = tf.function(lambda n: tf.while_loop(lambda i: i < n, lambda i: i + 1, [0])[0])
    assert int(f(tf.constant(3))) == 3 and int(f(tf.constant(7))) == 7
    assert f.experimental_get_tracing_count() == 1


def test_while_loop_body_changing_dtype_raises():
    f = tf.function(lambda x: tf.while_loop(lambda i: i < 3.0, lambda i: tf.cast(i, tf.float64) + 1, [x]))
    with pytest.raises(TypeError, match="enters the loop with type <dtype: 'float32'> but has type <dtype: 'float64'>"):
        f(tf.constant(0.0))


def test_while_loop_body_changing_shape_raises():
    f = tf.function(lambda x: tf.while_loop(lambda v: tf.reduce_sum(v) < 3.0, lambda v: tf.concat([v, v], 0), [x]))
    with pytest.raises(ValueError, match=r"enters the loop with shape \(1,\), but has shape \(2,\) after one iteration"):
        f(tf.constant([1.0]))


def test_while_loop_shape_invariants_allow_growth():
    f = tf.function(lambda x: tf.while_loop(lambda v: tf.reduce_sum(v) < 3.0, lambda v: tf.concat([v, v], 0), [x],
                                            shape_invariants=[tf.TensorShape([None])]))
    np.testing.assert_array_equal(f(tf.constant([1.0]))[0].numpy(), [1.0, 1.0, 1.0, 1.0])


def test_while_loop_body_changing_structure_raises():
    f = tf.function(lambda n: tf.while_loop(lambda i: i < n, lambda i: (i + 1, i), [0]))
    with pytest.raises(ValueError, match="same nested structure"):
        f(tf.constant(3))


def test_while_loop_maximum_iterations_in_graph():
    f = tf.function(lambda n: tf.while_loop(lambda i: i < 100, lambda i: i + 1, [n], maximum_iterations=5))
    assert int(f(tf.constant(0))[0]) == 5


def test_while_loop_nested_loop_vars_in_graph():
    f = tf.function(lambda n: tf.while_loop(lambda s: s["a"] < 3, lambda s: [{"a": s["a"] + 1, "b": s["b"] * 2}],
                                            [{"a": n, "b": tf.constant(1.0)}]))
    out = f(tf.constant(0))[0]
    assert int(out["a"]) == 3 and float(out["b"]) == 8.0


def test_gradient_of_cond_with_tape_inside_function():
    @tf.function
    def grad(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.cond(x > 0, lambda: x * x, lambda: -x)
        return tape.gradient(y, x)
    assert float(grad(tf.constant(3.0))) == 6.0
    assert float(grad(tf.constant(-3.0))) == -1.0


def test_gradient_of_cond_through_function_call():
    f = tf.function(lambda x: tf.cond(x > 0, lambda: x * x * x, lambda: -x))
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    assert float(tape.gradient(y, x)) == 12.0


def test_gradient_of_while_loop_with_tape_inside_function():
    @tf.function
    def grad(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            _, y = tf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, y * x), [0, tf.constant(1.0)])
        return tape.gradient(y, x)
    assert float(grad(tf.constant(2.0))) == 12.0  # d(x^3)/dx


def test_gradient_of_while_loop_through_function_call():
    f = tf.function(lambda x, n: tf.while_loop(lambda i, y: i < n, lambda i, y: (i + 1, tf.sin(y) + x),
                                               [0, tf.constant(0.5)])[1])
    x = tf.constant(0.3)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x, tf.constant(4))
    y0, dy = 0.5, 0.0
    for _ in range(4):  # forward-mode by hand: y' = cos(y) y' + 1
        dy = np.cos(y0) * dy + 1.0
        y0 = np.sin(y0) + 0.3
    np.testing.assert_allclose(float(y), y0, rtol=1e-5)
    np.testing.assert_allclose(float(tape.gradient(y, x)), dy, rtol=1e-5)


def test_gradient_of_while_loop_wrt_initial_value():
    f = tf.function(lambda x: tf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, y * y), [0, x])[1])
    x = tf.constant(1.1)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    np.testing.assert_allclose(float(tape.gradient(y, x)), 8 * 1.1 ** 7, rtol=1e-5)


def test_gradient_reaches_variables_read_in_branches_and_loops():
    w = tf.Variable(2.0)

    @tf.function
    def grad(x, p):
        with tf.GradientTape() as tape:
            y = tf.cond(p, lambda: x * w * w, lambda: x + w)
            _, z = tf.while_loop(lambda i, z: i < 3, lambda i, z: (i + 1, z * w), [0, y])
        return tape.gradient(z, w)
    assert float(grad(tf.constant(1.0), tf.constant(True))) == 80.0  # d(x w^5)/dw
    assert float(grad(tf.constant(1.0), tf.constant(False))) == 44.0  # d((x + w) w^3)/dw


def test_gradient_reaches_variable_through_function_call():
    w = tf.Variable(2.0)
    f = tf.function(lambda x: tf.while_loop(lambda i, z: i < 3, lambda i, z: (i + 1, z * w), [0, x])[1])
    with tf.GradientTape() as tape:
        y = f(tf.constant(1.0))
    assert float(tape.gradient(y, w)) == 12.0


def test_variable_updated_in_loop_body_is_seen_by_later_reads():
    v = tf.Variable(0.0)

    @tf.function
    def f(n):
        def body(i):
            v.assign_add(1.0)
            return i + 1
        tf.while_loop(lambda i: i < n, body, [0])
        return v.read_value()
    assert float(f(tf.constant(3))) == 3.0 and float(v.numpy()) == 3.0
