"""tf.raw_ops: TF's op names with keyword arguments, on the same ops as the public API."""
import numpy as np
import pytest

import eagerflow as tf


def test_raw_op_runs_the_op_with_keyword_arguments():
    np.testing.assert_array_equal(tf.raw_ops.AddV2(x=[1, 2], y=[3, 4]).numpy(), [4, 6])
    np.testing.assert_allclose(tf.raw_ops.MatMul(a=[[1.0, 2.0]], b=[[3.0], [4.0]]).numpy(), [[11.0]])


def test_raw_op_takes_keyword_arguments_only():
    with pytest.raises(TypeError, match=r"add_v2 only takes keyword args \(possible keys: \['x', 'y', 'name'\]\)"):
        tf.raw_ops.AddV2([1], [2])


def test_raw_op_reports_missing_and_unexpected_arguments():
    with pytest.raises(TypeError, match=r"add_v2\(\) missing 1 required positional argument: 'y'"):
        tf.raw_ops.AddV2(x=[1])
    with pytest.raises(TypeError, match=r"add_v2\(\) got an unexpected keyword argument 'z'"):
        tf.raw_ops.AddV2(x=[1], y=[2], z=3)


def test_raw_op_uses_tensorflows_python_argument_names():
    # TF's api_defs rename some OpDef inputs: Sum's reduction_indices is `axis`, Split's split_dim too.
    np.testing.assert_allclose(tf.raw_ops.Sum(input=[[1.0, 2.0]], axis=1, keep_dims=True).numpy(), [[3.0]])
    parts = tf.raw_ops.Split(axis=0, value=[1, 2], num_split=2)
    assert [p.numpy().tolist() for p in parts] == [[1], [2]]


def test_raw_op_with_several_outputs_returns_a_namedtuple():
    result = tf.raw_ops.Unique(x=[1, 1, 2])
    assert type(result).__name__ == "Unique" and result._fields == ("y", "idx")
    np.testing.assert_array_equal(result.y.numpy(), [1, 2])
    np.testing.assert_array_equal(result.idx.numpy(), [0, 0, 1])


def test_raw_op_attrs_take_dtypes_and_resource_inputs_take_variables():
    assert tf.raw_ops.Cast(x=[1.7], DstT=tf.int32).dtype == tf.int32
    v = tf.Variable(1.0)
    assert tf.raw_ops.AssignAddVariableOp(resource=v.handle, value=2.0) is None
    assert float(tf.raw_ops.ReadVariableOp(resource=v.handle, dtype=tf.float32)) == 3.0


def test_raw_op_inside_tf_function_adds_the_op_to_the_graph():
    @tf.function
    def f(x):
        return tf.raw_ops.Relu(features=x)
    np.testing.assert_array_equal(f(tf.constant([-1.0, 2.0])).numpy(), [0.0, 2.0])
    assert "Relu" in [op.type for op in f.get_concrete_function(tf.constant([1.0])).graph.get_operations()]


def test_raw_op_names_are_tensorflows_snake_case():
    assert tf.raw_ops.AssignAddVariableOp.__name__ == "assign_add_variable_op"
    assert tf.raw_ops.Conv2D.__name__ == "conv2d"
    assert tf.raw_ops.TopKV2.__name__ == "top_kv2"
    assert "ImageProjectiveTransformV3" in dir(tf.raw_ops)


def test_unknown_raw_op_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'NotAnOp'"):
        tf.raw_ops.NotAnOp


def test_bucketize_counts_boundaries_at_or_below_each_value():
    out = tf.raw_ops.Bucketize(input=[-1.0, 0.0, 0.5, 1.0, 2.0], boundaries=[0.0, 1.0])
    assert out.dtype == tf.int32
    np.testing.assert_array_equal(out.numpy(), [0, 1, 1, 2, 2])
