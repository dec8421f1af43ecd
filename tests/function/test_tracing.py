"""tf.function: tracing into a graph, replaying the plan, retracing by dtype and shape."""
import numpy as np
import pytest

import eagerflow as tf


def test_traced_function_computes_what_eager_code_computes():
    @tf.function
    def f(x, y):
        return tf.tanh(tf.matmul(x, y) * 0.5 + 1.0)

    x = tf.constant(np.arange(6, dtype=np.float32).reshape(2, 3))
    y = tf.constant(np.ones((3, 4), dtype=np.float32))
    np.testing.assert_allclose(f(x, y).numpy(), np.tanh((x.numpy() @ y.numpy()) * 0.5 + 1.0), rtol=1e-6)


def test_python_print_runs_once_per_trace(capsys):
    @tf.function
    def f(x):
        print("tracing")
        return x + 1

    f(tf.constant(1))
    f(tf.constant(2))
    assert capsys.readouterr().out == "tracing\n"


def test_new_dtype_or_shape_retraces_same_does_not():
    @tf.function
    def f(x):
        return x * 2

    f(tf.constant(1))
    f(tf.constant(2))
    assert f.experimental_get_tracing_count() == 1
    f(tf.constant(1.0))
    assert f.experimental_get_tracing_count() == 2
    f(tf.constant([1.0, 2.0]))
    assert f.experimental_get_tracing_count() == 3


def test_python_scalars_retrace_by_value():
    @tf.function
    def f(x):
        return tf.constant(x) * 2

    f(1)
    f(1)
    f(2)
    assert f.experimental_get_tracing_count() == 2


def test_inside_trace_not_executing_eagerly():
    seen = []

    @tf.function
    def f(x):
        seen.append((tf.executing_eagerly(), tf.inside_function()))
        return x

    f(tf.constant(1))
    assert seen == [(False, True)]
    assert tf.executing_eagerly() and not tf.inside_function()


def test_symbolic_tensor_str_and_repr_are_tfs():
    texts = []

    @tf.function
    def f(x):
        y = x + x
        texts.append((str(y), repr(y)))
        return y

    f.get_concrete_function(tf.TensorSpec([None, 3], tf.float32))
    assert texts == [('Tensor("add:0", shape=(None, 3), dtype=float32)',
                      "<tf.Tensor 'add:0' shape=(None, 3) dtype=float32>")]


def test_unknown_dimension_is_inferred_through_matmul_and_reduction():
    shapes = []

    @tf.function
    def f(x, w):
        y = tf.matmul(x, w)
        shapes.append((y.shape, tf.reduce_sum(y, axis=1).shape, tf.reduce_sum(y).shape))
        return y

    f.get_concrete_function(tf.TensorSpec([None, 3]), tf.TensorSpec([3, 5]))
    assert shapes == [(tf.TensorShape([None, 5]), tf.TensorShape([None]), tf.TensorShape([]))]


def test_broadcast_with_unknown_dimension_keeps_known_one():
    shapes = []

    @tf.function
    def f(x, y):
        shapes.append((x + y).shape)
        return x

    f.get_concrete_function(tf.TensorSpec([None, 3]), tf.TensorSpec([3, 3]))
    assert shapes == [tf.TensorShape([3, 3])]


def test_bool_of_symbolic_tensor_raises_operator_not_allowed():
    def f(x):
        if x > 0:
            return x
        return -x

    with pytest.raises(tf.errors.OperatorNotAllowedInGraphError, match="as a Python `bool` is not allowed"):
        tf.function(f, autograph=False)(tf.constant(1.0))


def test_numpy_of_symbolic_tensor_is_attribute_error():
    @tf.function
    def f(x):
        return x.numpy()

    with pytest.raises(AttributeError, match="'SymbolicTensor' object has no attribute 'numpy'"):
        f(tf.constant(1.0))


def test_concrete_function_graph_lists_operations_by_tf_names():
    @tf.function
    def f(x, y):
        return tf.reduce_sum(tf.matmul(x, y) * 0.5)

    cf = f.get_concrete_function(tf.TensorSpec([2, 2]), tf.TensorSpec([2, 2]))
    ops = cf.graph.get_operations()
    assert [op.type for op in ops] == ["Placeholder", "Placeholder", "MatMul", "Const", "Mul", "Sum", "Identity"]
    assert [op.name for op in ops][:3] == ["x", "y", "MatMul"]


def test_concrete_function_runs_with_smaller_shape_than_traced_for():
    @tf.function
    def f(x):
        return x * 2.0

    cf = f.get_concrete_function(tf.TensorSpec([None], tf.float32))
    np.testing.assert_array_equal(cf(tf.constant([1.0, 2.0, 3.0])).numpy(), [2.0, 4.0, 6.0])
    f(tf.constant([1.0]))
    assert f.experimental_get_tracing_count() == 1  # the (None,) trace covers (1,)


def test_run_functions_eagerly_runs_python_every_call(capsys):
    @tf.function
    def f(x):
        print("run")
        return x

    tf.config.run_functions_eagerly(True)
    try:
        assert tf.config.functions_run_eagerly()
        f(tf.constant(1))
        f(tf.constant(1))
    finally:
        tf.config.run_functions_eagerly(False)
    assert capsys.readouterr().out == "run\nrun\n"
    assert not tf.config.functions_run_eagerly()


def test_function_as_call_and_as_decorator_with_arguments():
    g = tf.function(lambda x: x + 1)
    np.testing.assert_array_equal(g(tf.constant(1)).numpy(), 2)

    @tf.function(jit_compile=True, reduce_retracing=True)
    def h(x):
        return x - 1

    np.testing.assert_array_equal(h(tf.constant(1)).numpy(), 0)


def test_nested_output_structure_is_rebuilt():
    @tf.function
    def f(x):
        return {"a": x, "b": [x + 1, None, 3]}

    out = f(tf.constant(1))
    assert set(out) == {"a", "b"}
    assert int(out["b"][0]) == 2 and out["b"][1] is None and out["b"][2] == 3


def test_leaked_symbolic_tensor_used_eagerly_is_out_of_scope_error():
    leaked = []

    @tf.function
    def f(x):
        leaked.append(x + 1)
        return x

    f(tf.constant(1))
    with pytest.raises(TypeError, match="is out of scope and cannot be used here"):
        leaked[0] + 1


def test_frequent_retracing_warns_as_tf_at_fifth_and_sixth_trace(caplog):
    @tf.function
    def f(x):
        return x

    messages = []
    for i in range(8):
        caplog.clear()
        f(i)
        messages.append([r.getMessage() for r in caplog.records])
    assert [len(m) for m in messages] == [0, 0, 0, 0, 1, 1, 0, 0]
    assert messages[4][0].startswith("5 out of the last 5 calls to <function ")
    assert "triggered tf.function retracing. Tracing is expensive" in messages[4][0]
    assert messages[5][0].startswith("6 out of the last 6 calls to")


def test_tf_function_made_in_a_loop_warns_about_retracing(caplog):
    warned = []
    for _ in range(5):
        caplog.clear()
        g = tf.function(lambda x: x + 1)
        g(tf.constant(1))
        warned.append(len(caplog.records))
    assert warned == [0, 0, 0, 0, 1]


def test_calls_without_tracing_count_in_the_retracing_history(caplog):
    @tf.function
    def f(x):
        return x

    f(tf.constant(0))
    for _ in range(10):
        f(tf.constant(0))
    for i in range(1, 5):
        f(tf.constant([0] * i))
    assert caplog.records == []


def test_a_failed_trace_leaves_eager_execution_intact():
    @tf.function
    def broken(x):
        y = x + 1
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        broken(tf.constant(1))
    assert tf.executing_eagerly() and not tf.inside_function()
    assert int(tf.constant(1) + 1) == 2


def test_calling_a_function_from_a_function_inlines_its_ops():
    @tf.function
    def inner(x):
        return x * 2

    @tf.function
    def outer(x):
        return inner(x) + 1

    assert int(outer(tf.constant(3))) == 7
    types = [op.type for op in outer.get_concrete_function(tf.TensorSpec([], tf.int32)).graph.get_operations()]
    assert "Mul" in types and "AddV2" in types


def test_defaults_filled_in_keep_calls_on_the_cached_trace():
    @tf.function
    def f(x, training=False):
        return x * 2 if training else x + 1

    assert int(f(tf.constant(1))) == 2
    assert int(f(tf.constant(1), True)) == 2
    assert int(f(tf.constant(5))) == 6
    assert f.experimental_get_tracing_count() == 2
    assert len(f._fast) == 1  # the tensor-only call is served by the fast path


def test_numpy_arguments_trace_as_tensors():
    # TF 2.21: NumPy arrays and scalars are traced as tensors (one trace per dtype and shape).
    traced = []

    @tf.function
    def f(x, d):
        traced.append((type(x).__name__, x.shape.as_list(), type(d["a"]).__name__))
        return x * 2

    for i in range(3):
        out = f(np.ones((2, 2), np.float32) * i, {"a": np.arange(3) + i})
    f(np.float32(3.0), {"a": np.arange(3)})
    f(np.float32(4.0), {"a": np.arange(3)})
    assert out.numpy().tolist() == [[4.0, 4.0], [4.0, 4.0]]
    assert traced == [("SymbolicTensor", [2, 2], "SymbolicTensor"), ("SymbolicTensor", [], "SymbolicTensor")]
    assert f.experimental_get_tracing_count() == 2
