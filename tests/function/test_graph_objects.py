"""Graphs as objects: operations, inputs/outputs, captures, GraphDef, placeholders, tf.Graph."""
import numpy as np
import pytest

import eagerflow as tf
from eagerflow._src.function.func_graph import FuncGraph


def test_graph_inputs_outputs_and_variable_captures():
    v = tf.Variable(2.0, name="w")

    @tf.function
    def f(x):
        return x * v

    cf = f.get_concrete_function(tf.TensorSpec([None], tf.float32))
    assert [t.name for t in cf.graph.inputs] == ["x:0"]
    assert [t.name for t in cf.graph.outputs] == ["Identity:0"]
    assert cf.variables == (v,)
    assert cf.graph.get_operation_by_name("mul").type == "Mul"


def test_graph_def_has_tf_op_types_inputs_and_attrs():
    @tf.function
    def f(x, y):
        return tf.matmul(x, y)

    gd = f.get_concrete_function(tf.TensorSpec([None, 2]), tf.TensorSpec([2, 3])).graph.as_graph_def()
    nodes = {n.name: n for n in gd.node}
    assert nodes["MatMul"].op == "MatMul"
    assert list(nodes["MatMul"].input) == ["x", "y"]
    assert nodes["MatMul"].attr["T"].type == 1  # DT_FLOAT
    assert [d.size for d in nodes["x"].attr["shape"].shape.dim] == [-1, 2]
    assert type(gd).__name__ == "GraphDef"
    assert gd.SerializeToString()  # a real protobuf message


def test_graph_def_constant_holds_its_value():
    @tf.function
    def f(x):
        return x + 2.5

    gd = f.get_concrete_function(tf.TensorSpec([], tf.float32)).graph.as_graph_def()
    const = [n for n in gd.node if n.op == "Const"][0]
    assert list(const.attr["value"].tensor.float_val) == [2.5]


def test_placeholder_in_standalone_func_graph_builds_symbolic_model():
    graph = FuncGraph("keras_graph")
    with graph.as_default():
        x = tf.compat.v1.placeholder(tf.float32, [None, 4], name="input")
        y = tf.nn.relu(x @ tf.ones((4, 2)))
        assert not tf.executing_eagerly()
    assert str(x) == 'Tensor("input:0", shape=(None, 4), dtype=float32)'
    assert y.shape == tf.TensorShape([None, 2]) and y.dtype == tf.float32
    assert y.graph is graph


def test_placeholder_outside_a_graph_is_tfs_runtime_error():
    with pytest.raises(RuntimeError, match=r"tf.placeholder\(\) is not compatible with eager execution"):
        tf.compat.v1.placeholder(tf.float32)


def test_tf_graph_as_default_records_ops():
    with tf.Graph().as_default() as g:
        a = tf.constant(1.0) + 2.0
        assert tf.compat.v1.get_default_graph() is g
    assert [op.type for op in g.get_operations()] == ["Const", "Const", "AddV2"]
    assert a.graph is g


def test_tensors_of_an_enclosing_graph_are_captured_as_placeholders():
    graph = FuncGraph("outer")
    with graph.as_default():
        x = tf.compat.v1.placeholder(tf.float32, [3])
        y = x * 2.0
        inner = FuncGraph("inner")
        with inner.as_default():
            z = y + 1.0
    assert [(outer_t is y, inner_t.op.type) for outer_t, inner_t in inner.captures] == [(True, "Placeholder")]
    assert z.graph is inner and inner.inputs == [inner.captures[0][1]]


def test_control_dependencies_are_recorded():
    @tf.function
    def f(x):
        a = x + 1.0
        with tf.control_dependencies([a]):
            b = x * 2.0
        return b

    graph = f.get_concrete_function(tf.TensorSpec([], tf.float32)).graph
    assert [op.name for op in graph.get_operation_by_name("mul").control_inputs] == ["add"]


def test_set_shape_refines_static_shape():
    shapes = []

    @tf.function(input_signature=[tf.TensorSpec([None, None], tf.float32)])
    def f(x):
        x.set_shape([None, 3])
        shapes.append(x.shape)
        return x

    f.get_concrete_function()
    assert shapes == [tf.TensorShape([None, 3])]


def test_device_scope_inside_function_places_ops():
    @tf.function
    def f(x):
        with tf.device("/cpu:0"):
            return x + 1.0

    graph = f.get_concrete_function(tf.TensorSpec([], tf.float32)).graph
    assert graph.get_operation_by_name("add").device == "/device:CPU:0"
    assert float(f(tf.constant(1.0))) == 2.0


def test_runtime_kernel_error_names_the_graph_node():
    @tf.function
    def f(x, i):
        return tf.gather(x, i)

    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Graph execution error:[\s\S]*GatherV2"):
        f(tf.constant([1.0, 2.0]), tf.constant(5))
    np.testing.assert_array_equal(f(tf.constant([1.0, 2.0]), tf.constant(1)).numpy(), 2.0)
