"""Autograph: Python control flow in tf.function becomes graph control flow when the condition
is a tensor and stays Python otherwise; TF's errors for ill-defined variables."""
import numpy as np
import pytest

import eagerflow as tf


def _types(fn, *args):
    return [op.type for op in fn.get_concrete_function(*args).graph.get_operations()]


def test_if_on_tensor_becomes_one_if_node():
    @tf.function
    def f(x):
        if x > 0:
            y = x * 2
        else:
            y = -x
        return y
    assert _types(f, tf.constant(1)).count("If") == 1
    assert int(f(tf.constant(3))) == 6 and int(f(tf.constant(-4))) == 4


def test_if_on_python_value_stays_python():
    @tf.function
    def f(x, flag):
        if flag:
            y = x + 1
        else:
            y = x - 1
        return y
    assert "If" not in _types(f, tf.constant(1), True)
    assert int(f(tf.constant(1), True)) == 2 and int(f(tf.constant(1), False)) == 0


def test_elif_chain():
    @tf.function
    def f(x):
        if x < 0:
            r = -1
        elif x == 0:
            r = 0
        else:
            r = 1
        return r
    assert [int(f(tf.constant(v))) for v in (-5, 0, 5)] == [-1, 0, 1]


def test_while_on_tensor_becomes_one_while_node():
    @tf.function
    def f(n):
        i = 0
        s = 0
        while i < n:
            s += i
            i += 1
        return s
    assert _types(f, tf.constant(4)).count("While") == 1
    assert int(f(tf.constant(5))) == 10 and int(f(tf.constant(0))) == 0


def test_while_of_1000_small_steps():
    @tf.function
    def f(x, n):
        i = tf.constant(0)
        while i < n:
            x = x * 0.5 + 1.0
            i += 1
        return x
    expected = np.ones((2, 2), np.float32)
    for _ in range(1000):
        expected = expected * np.float32(0.5) + np.float32(1.0)
    np.testing.assert_allclose(f(tf.ones([2, 2]), tf.constant(1000)).numpy(), expected)


def test_python_while_unrolls():
    @tf.function
    def f(x):
        i = 0
        while i < 3:
            x = x + 1
            i += 1
        return x
    assert "While" not in _types(f, tf.constant(0))
    assert int(f(tf.constant(0))) == 3


def test_for_over_tf_range():
    @tf.function
    def f(n):
        s = tf.constant(0)
        for i in tf.range(n):
            s += i * i
        return s
    assert _types(f, tf.constant(3)).count("While") == 1
    assert int(f(tf.constant(4))) == 14


def test_for_over_range_of_tensor_uses_tf_range():
    @tf.function
    def f(n):
        s = 0
        for i in range(n):
            s += i
        return s
    assert int(f(tf.constant(5))) == 10


def test_for_over_tensor_rows():
    @tf.function
    def f(m):
        s = tf.zeros([2])
        for row in m:
            s += row
        return s
    np.testing.assert_array_equal(f(tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])).numpy(), [9.0, 12.0])


def test_for_over_python_list_unrolls():
    @tf.function
    def f(x):
        for k in [1, 2, 3]:
            x = x * k
        return x
    assert "While" not in _types(f, tf.constant(1))
    assert int(f(tf.constant(1))) == 6


def test_break_and_continue_in_tensor_loop():
    @tf.function
    def f(n):
        s = 0
        for i in tf.range(n):
            if i > 5:
                break
            if i % 2 == 0:
                continue
            s += i
        return s
    assert int(f(tf.constant(10))) == 9


def test_break_in_tensor_while():
    @tf.function
    def f(x):
        while x < 100:
            x = x * 2
            if x > 20:
                break
        return x
    assert int(f(tf.constant(3))) == 24


def test_return_inside_tensor_if():
    @tf.function
    def f(x):
        if x > 0:
            return x * 10
        return x - 1
    assert int(f(tf.constant(2))) == 20 and int(f(tf.constant(-2))) == -3


def test_return_inside_tensor_loop():
    @tf.function
    def f(n):
        for i in tf.range(n):
            if i > 3:
                return i
        return -1
    assert int(f(tf.constant(10))) == 4 and int(f(tf.constant(2))) == -1


def test_boolean_operators_on_tensors():
    @tf.function
    def f(x):
        return x > 0 and x < 5, not x > 0, x > 0 or x < -5
    assert [bool(v) for v in f(tf.constant(1))] == [True, False, True]
    assert [bool(v) for v in f(tf.constant(7))] == [False, False, True]


def test_and_short_circuits_on_python_values():
    calls = []

    @tf.function
    def f(x):
        flag = False
        return flag and calls.append(1), x
    f(tf.constant(1))
    assert calls == []


def test_called_user_functions_are_converted():
    def helper(x):
        if x > 0:
            return x
        return -x

    @tf.function
    def f(x):
        return helper(x) + 1
    assert int(f(tf.constant(-3))) == 4


def test_do_not_convert_keeps_python_semantics():
    @tf.autograph.experimental.do_not_convert
    def helper(x):
        if x > 0:
            return x
        return -x

    @tf.function
    def f(x):
        return helper(x)
    with pytest.raises(TypeError):
        f(tf.constant(1))


def test_methods_are_converted():
    class Model(tf.Module):
        def __init__(self):
            super().__init__()
            self.scale = 3

        @tf.function
        def __call__(self, x):
            if x > 0:
                x = x * self.scale
            return x

    assert int(Model()(tf.constant(2))) == 6


def test_variable_defined_in_one_branch_only_raises():
    @tf.function
    def f(x):
        if x > 0:
            y = x
        return y
    with pytest.raises(ValueError, match="'y' must also be initialized in the else branch"):
        f(tf.constant(1))


def test_variable_defined_in_else_only_raises():
    @tf.function
    def f(x):
        if x > 0:
            pass
        else:
            y = x
        return y
    with pytest.raises(ValueError, match="'y' must also be initialized in the main branch"):
        f(tf.constant(1))


def test_branch_local_variable_not_used_after_is_fine():
    @tf.function
    def f(x):
        if x > 0:
            z = x + 1
        return x
    assert int(f(tf.constant(1))) == 1


def test_branches_with_different_dtypes_raise():
    @tf.function
    def f(x):
        if x > 0:
            y = 1
        else:
            y = 2.0
        return y
    with pytest.raises(TypeError, match="'y' has dtype int32 in the main branch, but dtype float32 in the else branch"):
        f(tf.constant(1))


def test_none_on_one_branch_raises():
    @tf.function
    def f(x):
        if x > 0:
            y = 1
        else:
            y = None
        return y
    with pytest.raises(ValueError, match="'y' is None at the end of the else branch."):
        f(tf.constant(1))


def test_loop_variable_changing_dtype_raises():
    @tf.function
    def f(n):
        x = tf.constant(1)
        i = 0
        while i < n:
            x = tf.cast(x, tf.float32)
            i += 1
        return x
    with pytest.raises(TypeError, match="'x' has dtype int32 before the loop, but dtype float32 after one iteration"):
        f(tf.constant(3))


def test_loop_variable_changing_shape_raises():
    @tf.function
    def f(n):
        x = tf.zeros([1])
        i = 0
        while i < n:
            x = tf.concat([x, x], 0)
            i += 1
        return x
    with pytest.raises(ValueError, match=r"'x' has shape \(1,\) before the loop, but shape \(2,\) after one iteration"):
        f(tf.constant(3))


def test_variable_first_assigned_in_loop_and_used_after():
    @tf.function
    def f(n):
        i = 0
        while i < n:
            y = i
            i += 1
        return y
    assert int(f(tf.constant(3))) == 2


def test_variable_read_in_loop_before_definition_raises():
    @tf.function
    def f(n):
        i = 0
        while i < n:
            y = y + 1
            i += 1
        return i
    with pytest.raises(ValueError, match="'y' must be defined before the loop"):
        f(tf.constant(3))


def test_to_code_shows_converted_source():
    def f(x):
        if x > 0:
            x = x + 1
        return x
    code = tf.autograph.to_code(f)
    assert "if_stmt" in code and code.startswith("def f(x):")


def test_to_graph_runs_eagerly_as_python():
    def f(x):
        while x < 10:
            x = x * 2
        return x
    assert int(tf.autograph.to_graph(f)(tf.constant(3))) == 12


def test_autograph_false_leaves_python_control_flow():
    @tf.function(autograph=False)
    def f(x):
        if x > 0:
            return x
        return -x
    with pytest.raises(tf.errors.OperatorNotAllowedInGraphError):
        f(tf.constant(1))


def test_closure_variables_are_read_at_call_time():
    scale = [2]

    def g(x):
        if x > 0:
            x = x * scale[0]
        return x
    converted = tf.autograph.to_graph(g)
    scale[0] = 5
    assert int(converted(tf.constant(2))) == 10


def test_gradient_through_converted_if_and_while():
    @tf.function
    def f(x):
        i = 0
        while i < 3:  # Python loop: unrolled
            if x > 0:
                x = x * x
            else:
                x = -x
            i += 1
        return x
    x = tf.constant(1.1)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    np.testing.assert_allclose(float(tape.gradient(y, x)), 8 * 1.1 ** 7, rtol=1e-5)


def test_iterable_hook_runs_loop():
    class Source:
        def __iter__(self):
            return iter([1, 2, 3])

        def _autograph_for_loop(self, extra_test, body, state):
            for item in [10, 20]:
                state = body(item, *state)
            return state

    @tf.function
    def f(x):
        for v in Source():
            x = x + v
        return x
    assert int(f(tf.constant(0))) == 30


def test_set_verbosity_and_trace_are_callable(capsys):
    tf.autograph.set_verbosity(0)
    tf.autograph.trace("hello", 1)
    assert "hello 1" in capsys.readouterr().out
    assert tf.autograph.experimental.Feature.ALL.value == "ALL"


def test_assert_on_tensor_is_not_converted_as_in_tf():
    @tf.function
    def f(x):
        assert x > 0
        return x
    with pytest.raises(tf.errors.OperatorNotAllowedInGraphError):
        f(tf.constant(1))


def test_global_assigned_in_converted_branch():

    def bump(x):
        global _COUNTER
        if x > 0:
            _COUNTER = _COUNTER + 1
        return x
    tf.autograph.to_graph(bump)(tf.constant(1))
    assert _COUNTER == 1


_COUNTER = 0


def test_nonlocal_assigned_in_converted_branch():
    def outer():
        total = 0

        def add(x):
            nonlocal total
            if x > 0:
                total = total + x
            return total
        return add
    add = tf.autograph.to_graph(outer())
    add(3)
    assert add(4) == 7


def test_generators_run_as_written():
    def evens(n):
        for i in range(n):
            if i % 2 == 0:
                yield i
    assert list(tf.autograph.to_graph(evens)(5)) == [0, 2, 4]


def test_for_over_dataset_is_one_while_reading_elements_at_run_time():
    ds = tf.data.Dataset.range(5)

    @tf.function
    def total():
        s = tf.constant(0, tf.int64)
        for x in ds:
            s += x
        return s
    types = [op.type for op in total.get_concrete_function().graph.get_operations()]
    assert types.count("While") == 1 and "AddV2" not in types  # not unrolled at trace time
    assert int(total()) == 10 and int(total()) == 10


def test_for_over_structured_dataset_with_break():
    ds = tf.data.Dataset.from_tensor_slices(({"a": [1.0, 2.0, 3.0]}, [3, 4, 5])).batch(2)

    @tf.function
    def f():
        total = tf.constant(0.0)
        n = 0
        for feats, label in ds:
            total += tf.reduce_sum(feats["a"]) * tf.cast(tf.reduce_sum(label), tf.float32)
            n += 1
            if n >= 1:
                break
        return total, n
    total, n = f()
    assert float(total) == 21.0 and int(n) == 1


def test_indexing_with_loop_index_inside_function():
    @tf.function
    def sum_squares(x):
        s = tf.constant(0.0)
        for i in tf.range(tf.shape(x)[0]):
            s += x[i] * x[i]
        return s
    assert float(sum_squares(tf.constant([1.0, 2.0, 3.0]))) == 14.0


def test_traced_indices_and_slices():
    @tf.function
    def pick(m, i):
        return m[i], m[:, i], m[i, 1], m[1:i + 1]
    m = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])
    row, col, item, rows = pick(m, tf.constant(2))
    np.testing.assert_array_equal(row.numpy(), [7.0, 8.0, 9.0])
    np.testing.assert_array_equal(col.numpy(), [3.0, 6.0, 9.0])
    assert float(item) == 8.0
    np.testing.assert_array_equal(rows.numpy(), [[4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])


def test_set_loop_options_shape_invariants():
    @tf.function
    def f(n):
        x = tf.zeros([1])
        i = 0
        while i < n:
            tf.autograph.experimental.set_loop_options(shape_invariants=[(x, tf.TensorShape([None]))])
            x = tf.concat([x, x], 0)
            i += 1
        return x
    assert f(tf.constant(3)).shape == tf.TensorShape([8])


def test_set_loop_options_maximum_iterations():
    @tf.function
    def f(n):
        s = 0
        for i in tf.range(n):
            tf.autograph.experimental.set_loop_options(maximum_iterations=3)
            s += i
        return s
    assert int(f(tf.constant(10))) == 3


def test_conditional_expression_on_tensor():
    @tf.function
    def f(x):
        return x if x > 0 else -x
    assert int(f(tf.constant(3))) == 3 and int(f(tf.constant(-4))) == 4


def test_branches_with_different_structures_raise_type_error():
    @tf.function
    def f(x):
        if x > 0:
            y = [1]
        else:
            y = [1, 2]
        return y
    with pytest.raises(TypeError, match="'y' must have the same nested structure in the main and else branches"):
        f(tf.constant(1))


def test_none_before_tensor_loop_takes_the_body_type():
    @tf.function
    def f(n):
        x = None
        i = 0
        while i < n:
            x = i
            i += 1
        return x
    assert int(f(tf.constant(3))) == 2


def test_training_loop_over_dataset_with_tape_in_loop_body():
    w = tf.Variable(0.0)
    b = tf.Variable(0.0)
    xs = np.linspace(-1, 1, 32).astype(np.float32)
    ds = tf.data.Dataset.from_tensor_slices((xs, 3 * xs + 1)).batch(8)

    @tf.function
    def train_epoch(lr):
        for x, y in ds:
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean((w * x + b - y) ** 2)
            gw, gb = tape.gradient(loss, [w, b])
            w.assign_sub(lr * gw)
            b.assign_sub(lr * gb)
    for _ in range(30):
        train_epoch(tf.constant(0.1))
    assert abs(float(w.numpy()) - 3.0) < 0.01 and abs(float(b.numpy()) - 1.0) < 0.01
    assert train_epoch.experimental_get_tracing_count() == 1


def _from_library_module(f):
    f.__module__ = "keras.src.example_test"  # a library module (Keras's own tests live in one)
    return f


def test_library_function_given_to_tf_function_is_converted_as_user_requested():
    seen = []

    @_from_library_module
    def loop(ds):
        for x in ds:
            seen.append(x.shape.as_list())
        return 0

    tf.function(loop)(tf.data.Dataset.range(5).batch(2))
    assert seen == [[None]]  # one traced loop over the element spec, not three eager batches

