"""TF's guide "Better performance with tf.function", cell by cell, with the output TF 2.21 prints
(checked against TF; timing lines left out)."""
import sys

import pytest

import eagerflow as tf


def test_add_and_its_gradient(capsys):
    @tf.function
    def add(a, b):
        return a + b

    print(add(tf.ones([2, 2]), tf.ones([2, 2])))
    v = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        result = add(v, 1.0)
    print(tape.gradient(result, v))
    assert capsys.readouterr().out == (
        "tf.Tensor(\n[[2. 2.]\n [2. 2.]], shape=(2, 2), dtype=float32)\n"
        "tf.Tensor(1.0, shape=(), dtype=float32)\n")


def test_nested_functions(capsys):
    @tf.function
    def add(a, b):
        return a + b

    @tf.function
    def dense_layer(x, w, b):
        return add(tf.matmul(x, w), b)

    print(dense_layer(tf.ones([3, 2]), tf.ones([2, 2]), tf.ones([2])))
    assert capsys.readouterr().out == (
        "tf.Tensor(\n[[3. 3.]\n [3. 3.]\n [3. 3.]], shape=(3, 2), dtype=float32)\n")


@pytest.fixture
def double():
    @tf.function
    def double(a):
        print("Tracing with", a)
        return a + a

    return double


def test_tracing_per_dtype(capsys, double):
    print(double(tf.constant(1)))
    print()
    print(double(tf.constant(1.1)))
    print()
    print(double(tf.constant("a")))
    print()
    print(double(tf.constant("b")))
    assert capsys.readouterr().out == (
        'Tracing with Tensor("a:0", shape=(), dtype=int32)\n'
        "tf.Tensor(2, shape=(), dtype=int32)\n\n"
        'Tracing with Tensor("a:0", shape=(), dtype=float32)\n'
        "tf.Tensor(2.2, shape=(), dtype=float32)\n\n"
        'Tracing with Tensor("a:0", shape=(), dtype=string)\n'
        "tf.Tensor(b'aa', shape=(), dtype=string)\n\n"
        "tf.Tensor(b'bb', shape=(), dtype=string)\n")


def test_pretty_printed_concrete_signatures(capsys, double):
    double(tf.constant(1))
    double(tf.constant(1.1))
    capsys.readouterr()
    assert double.pretty_printed_concrete_signatures() == (
        "Input Parameters:\n"
        "  a (POSITIONAL_OR_KEYWORD): TensorSpec(shape=(), dtype=tf.int32, name=None)\n"
        "Output Type:\n"
        "  TensorSpec(shape=(), dtype=tf.int32, name=None)\n"
        "Captures:\n"
        "  None\n\n"
        "Input Parameters:\n"
        "  a (POSITIONAL_OR_KEYWORD): TensorSpec(shape=(), dtype=tf.float32, name=None)\n"
        "Output Type:\n"
        "  TensorSpec(shape=(), dtype=tf.float32, name=None)\n"
        "Captures:\n"
        "  None")


def test_concrete_function_called_positionally_and_by_keyword(capsys, double):
    double_strings = double.get_concrete_function(tf.constant("a"))
    print(double_strings(tf.constant("a")))
    print(double_strings(a=tf.constant("b")))
    assert capsys.readouterr().out == (
        'Tracing with Tensor("a:0", shape=(), dtype=string)\n'
        "tf.Tensor(b'aa', shape=(), dtype=string)\n"
        "tf.Tensor(b'bb', shape=(), dtype=string)\n")


def test_concrete_function_of_unknown_rank_spec(capsys, double):
    double_strings = double.get_concrete_function(tf.TensorSpec(shape=None, dtype=tf.string))
    print(double_strings(tf.constant("c")))
    print(double_strings)
    print(double_strings.structured_input_signature)
    print(double_strings.structured_outputs)
    assert capsys.readouterr().out == (
        'Tracing with Tensor("a:0", dtype=string)\n'
        "tf.Tensor(b'cc', shape=(), dtype=string)\n"
        "ConcreteFunction Input Parameters:\n"
        "  a (POSITIONAL_OR_KEYWORD): TensorSpec(shape=<unknown>, dtype=tf.string, name=None)\n"
        "Output Type:\n"
        "  TensorSpec(shape=<unknown>, dtype=tf.string, name=None)\n"
        "Captures:\n"
        "  None\n"
        "((TensorSpec(shape=<unknown>, dtype=tf.string, name='a'),), {})\n"
        'Tensor("Identity:0", dtype=string)\n')


def test_concrete_function_rejects_another_dtype(double):
    double_strings = double.get_concrete_function(tf.TensorSpec(shape=None, dtype=tf.string))
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"cannot compute __inference_double_\d+ as input #0\(zero-based\) was expected "
                             r"to be a string tensor but is a int32 tensor \[Op:__inference_double_\d+\]"):
        double_strings(tf.constant(1))


def test_graph_def_nodes_and_inputs(capsys, double):
    graph = double.get_concrete_function(tf.TensorSpec(shape=None, dtype=tf.string)).graph
    for node in graph.as_graph_def().node:
        print(f"{node.input} -> {node.name}")
    assert capsys.readouterr().out.splitlines()[1:] == ["[] -> a", "['a', 'a'] -> add", "['add'] -> Identity"]


def test_python_side_effects_trace_once_tf_print_every_call(capsys):
    @tf.function
    def f(x):
        print("Traced with", x)
        tf.print("Executed with", x, output_stream=sys.stdout)

    f(1)
    f(1)
    f(2)
    assert capsys.readouterr().out == (
        "Traced with 1\nExecuted with 1\nExecuted with 1\nTraced with 2\nExecuted with 2\n")


def test_input_signature_with_none_dimension(capsys):
    @tf.function(input_signature=(tf.TensorSpec(shape=[None], dtype=tf.int32),))
    def next_collatz(x):
        print("Tracing with", x)
        return tf.where(x % 2 == 0, x // 2, 3 * x + 1)

    print(next_collatz(tf.constant([1, 2])))
    with pytest.raises(TypeError) as raised:
        next_collatz(tf.constant([[1, 2], [3, 4]]))
    assert capsys.readouterr().out == (
        'Tracing with Tensor("x:0", shape=(None,), dtype=int32)\n'
        "tf.Tensor([4 1], shape=(2,), dtype=int32)\n")
    assert str(raised.value) == (
        "Binding inputs to tf.function failed due to `Can not cast TensorSpec(shape=(2, 2), "
        "dtype=tf.int32, name=None) to TensorSpec(shape=(None,), dtype=tf.int32, name=None)`. Received "
        "args: (<tf.Tensor: shape=(2, 2), dtype=int32, numpy=\narray([[1, 2],\n       [3, 4]], "
        "dtype=int32)>,) and kwargs: {} for signature: (x: TensorSpec(shape=(None,), dtype=tf.int32, "
        "name=None)).")


def test_reduce_retracing_generalises_shapes(capsys):
    @tf.function(reduce_retracing=True)
    def g(x):
        print("Tracing with", x)
        return x

    print(g(tf.constant([1, 2, 3])))
    print(g(tf.constant([1, 2, 3, 4, 5])))
    print(g(tf.constant([1, 2, 3, 4, 5, 6, 7])))
    print(g(tf.constant([[1, 2], [3, 4]])))
    assert capsys.readouterr().out == (
        'Tracing with Tensor("x:0", shape=(3,), dtype=int32)\n'
        "tf.Tensor([1 2 3], shape=(3,), dtype=int32)\n"
        'Tracing with Tensor("x:0", shape=(None,), dtype=int32)\n'
        "tf.Tensor([1 2 3 4 5], shape=(5,), dtype=int32)\n"
        "tf.Tensor([1 2 3 4 5 6 7], shape=(7,), dtype=int32)\n"
        'Tracing with Tensor("x:0", dtype=int32)\n'
        "tf.Tensor(\n[[1 2]\n [3 4]], shape=(2, 2), dtype=int32)\n")
