"""TF's guide "Introduction to graphs and tf.function", cell by cell, with TF 2.21's output."""
import pytest

import eagerflow as tf


def test_function_and_its_graph_compute_the_same():
    def a_regular_function(x, y, b):
        x = tf.matmul(x, y)
        x = x + b
        return x

    a_function_that_uses_a_graph = tf.function(a_regular_function)
    x1 = tf.constant([[1.0, 2.0]])
    y1 = tf.constant([[2.0], [3.0]])
    b1 = tf.constant(4.0)
    orig_value = a_regular_function(x1, y1, b1).numpy()
    tf_function_value = a_function_that_uses_a_graph(x1, y1, b1).numpy()
    assert orig_value == tf_function_value == 12.0


def test_inner_functions_are_traced_into_the_outer_graph():
    def inner_function(x, y, b):
        x = tf.matmul(x, y)
        x = x + b
        return x

    @tf.function
    def outer_function(x):
        y = tf.constant([[2.0], [3.0]])
        b = tf.constant(4.0)
        return inner_function(x, y, b)

    assert str(outer_function(tf.constant([[1.0, 2.0]])).numpy()) == "[[12.]]"


def test_my_relu_traces_once_per_signature(capsys):
    @tf.function
    def my_relu(x):
        return tf.maximum(0., x)

    print(my_relu(tf.constant(5.5)))
    print(my_relu([1, -1]))
    print(my_relu(tf.constant([3., -3.])))
    print(my_relu(tf.constant(-2.5)))
    print(my_relu([-1., 1.]))
    assert capsys.readouterr().out == (
        "tf.Tensor(5.5, shape=(), dtype=float32)\n"
        "tf.Tensor([1. 0.], shape=(2,), dtype=float32)\n"
        "tf.Tensor([3. 0.], shape=(2,), dtype=float32)\n"
        "tf.Tensor(0.0, shape=(), dtype=float32)\n"
        "tf.Tensor([0. 1.], shape=(2,), dtype=float32)\n")
    assert my_relu.pretty_printed_concrete_signatures() == "\n\n".join(
        "Input Parameters:\n"
        f"  x (POSITIONAL_OR_KEYWORD): {spec}\n"
        "Output Type:\n"
        f"  {out}\n"
        "Captures:\n"
        "  None" for spec, out in (
            ("TensorSpec(shape=(), dtype=tf.float32, name=None)", "TensorSpec(shape=(), dtype=tf.float32, name=None)"),
            ("List[Literal[1], Literal[-1]]", "TensorSpec(shape=(2,), dtype=tf.float32, name=None)"),
            ("TensorSpec(shape=(2,), dtype=tf.float32, name=None)", "TensorSpec(shape=(2,), dtype=tf.float32, name=None)"),
            ("List[Literal[-1.0], Literal[1.0]]", "TensorSpec(shape=(2,), dtype=tf.float32, name=None)")))


def test_python_print_runs_only_while_tracing_unless_run_eagerly(capsys):
    @tf.function
    def get_MSE(y_true, y_pred):  # noqa: N802 - the guide's name
        print("Calculating MSE!")
        sq_diff = tf.pow(y_true - y_pred, 2)
        return tf.reduce_mean(sq_diff)

    y_true = tf.constant([1, 2, 3, 4, 5])
    y_pred = tf.constant([2, 2, 5, 4, 1])
    print(get_MSE(y_true, y_pred))
    get_MSE(y_true, y_pred)
    get_MSE(y_true, y_pred)
    tf.config.run_functions_eagerly(True)
    try:
        get_MSE(y_true, y_pred)
        get_MSE(y_true, y_pred)
    finally:
        tf.config.run_functions_eagerly(False)
    assert capsys.readouterr().out == (
        "Calculating MSE!\ntf.Tensor(4, shape=(), dtype=int32)\nCalculating MSE!\nCalculating MSE!\n")


def test_unused_stateless_ops_are_not_run_in_graphs():
    def unused_return_eager(x):
        tf.gather(x, [1])  # unused: fails eagerly
        return x

    with pytest.raises(tf.errors.InvalidArgumentError):
        unused_return_eager(tf.constant([0.0]))

    @tf.function
    def unused_return_graph(x):
        tf.gather(x, [1])  # unused: pruned from the graph, as TF's non-strict execution
        return x

    assert str(unused_return_graph(tf.constant([0.0]))) == "tf.Tensor([0.], shape=(1,), dtype=float32)"


def test_module_method_traced_once_per_instance():
    class Model(tf.Module):
        def __init__(self):
            super().__init__()
            self.v = tf.Variable(2.0)

        @tf.function
        def __call__(self, x):
            return x * self.v

    m = Model()
    assert str(m(tf.constant(3.0))) == "tf.Tensor(6.0, shape=(), dtype=float32)"
    assert m.__call__.experimental_get_tracing_count() == 1
