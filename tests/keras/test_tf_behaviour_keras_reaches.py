"""TF behaviours Keras's TensorFlow backend relies on, found by running Keras's own tests."""
import numpy as np
import pytest

import eagerflow as tf


def test_eager_tensor_takes_python_attributes():
    t = tf.nn.sigmoid(tf.constant([0.0]))
    t._keras_logits = "logits"
    assert t._keras_logits == "logits"


def test_graph_tensor_takes_python_attributes():
    @tf.function
    def f(x):
        y = x + 1
        y._keras_mask = x
        return y._keras_mask

    assert f(tf.constant([1.0])).numpy().tolist() == [1.0]


def test_reverse_axis_from_range_of_rank_in_function():
    @tf.function
    def f(x):
        return tf.reverse(x, tf.range(tf.rank(x)))

    assert f(tf.constant([[1, 2], [3, 4]])).numpy().tolist() == [[4, 3], [2, 1]]


def test_float_range_counts_elements_in_its_dtype():
    # (1.1f - 0.1f) / 0.1f is exactly 10 in float32 (10.0000001 in float64).
    assert tf.range(0.1, 1.1, delta=0.1, dtype="float32").shape == (10,)
    assert tf.range(0.1, 2.3, delta=0.1, dtype="float16").shape == (23,)
    np.testing.assert_allclose(tf.range(0.0, 1.0, 0.3).numpy(), [0.0, 0.3, 0.6, 0.9], rtol=1e-6)


def test_indexed_slices_with_tuple_indices_and_shape_converts_to_dense():
    slices = tf.IndexedSlices(tf.ones((2, 2)), (0, 2), (3, 2))
    assert tf.convert_to_tensor(slices).numpy().tolist() == [[1, 1], [0, 0], [1, 1]]


def test_cast_keeps_indexed_slices_sparse():
    slices = tf.cast(tf.IndexedSlices(tf.ones((2, 2)), (0, 2), (3, 2)), tf.float64)
    assert isinstance(slices, tf.IndexedSlices)
    assert slices.values.dtype == tf.float64


def test_variable_scatter_add_and_sub_take_indexed_slices():
    v = tf.Variable(tf.ones((4, 2)))
    v.scatter_sub(tf.IndexedSlices(tf.ones((2, 2)), (0, 2), (4, 2)))
    v.scatter_add(tf.IndexedSlices(tf.ones((2, 2)) * 3, tf.constant([1, 1]), (4, 2)))
    assert v.numpy().tolist() == [[0, 0], [7, 7], [0, 0], [1, 1]]


def test_variable_scatter_rejects_dense_delta():
    v = tf.Variable(tf.ones((2,)))
    with pytest.raises(TypeError, match="must be a `tf.IndexedSlices`"):
        v.scatter_add(tf.ones((2,)))


def test_one_replica_all_reduce_keeps_indexed_slices():
    slices = tf.IndexedSlices(tf.ones((1, 2)), (1,), (3, 2))
    reduced = tf.distribute.get_replica_context().all_reduce("sum", [slices])
    assert isinstance(reduced[0], tf.IndexedSlices)


def test_int8_matmul_with_int32_output_type_accumulates_in_int32():
    a = tf.constant([[100, 2], [3, 4]], tf.int8)
    b = tf.constant([[100, 1], [1, 1]], tf.int8)
    out = tf.matmul(a, b, transpose_b=True, output_type=tf.int32)
    assert out.dtype == tf.int32
    assert out.numpy().tolist() == [[10002, 102], [304, 7]]


def test_matmul_output_type_without_a_kernel_is_not_found():
    with pytest.raises(tf.errors.NotFoundError, match="BatchMatMulV3"):
        tf.matmul(tf.ones((2, 2)), tf.ones((2, 2)), output_type=tf.int32)


def test_function_returns_optional_with_eager_value():
    @tf.function
    def f(x):
        return tf.experimental.Optional.from_value({"loss": tf.reduce_mean(x)})

    optional = f(tf.ones(3))
    assert isinstance(optional, tf.experimental.Optional)
    assert bool(optional.has_value())
    assert type(optional.get_value()["loss"]) is type(tf.constant(1.0))
    assert float(optional.get_value()["loss"]) == 1.0


def test_function_returns_empty_optional():
    @tf.function
    def f(x):
        return tf.experimental.Optional.empty(None)

    assert not bool(f(tf.ones(3)).has_value())


def test_reshape_gradient_in_function_with_unknown_batch():
    @tf.function(input_signature=[tf.TensorSpec([None, 4])])
    def f(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(tf.reshape(x, [-1, 2, 2]) * 2.0)
        return tape.gradient(y, x)

    assert f(tf.ones((3, 4))).numpy().tolist() == [[2.0] * 4] * 3


def test_shape_of_sparse_tensor_is_its_dense_shape():
    sparse = tf.sparse.SparseTensor([[0, 0], [1, 2]], [1.0, 2.0], [2, 3])
    assert tf.shape(sparse).dtype == tf.int32
    assert tf.shape(sparse).numpy().tolist() == [2, 3]
    assert tf.shape(sparse, out_type=tf.int64).dtype == tf.int64


def test_einsum_gradient_sums_ellipsis_dims_the_operand_lacks():
    x = tf.reshape(tf.range(24, dtype=tf.float32), (2, 3, 4))
    w = tf.ones((4, 5))
    with tf.GradientTape() as tape:
        tape.watch(w)
        y = tf.einsum("...b,bc->...c", x, w)
    expected = np.einsum("ijb,ijc->bc", x.numpy(), np.ones((2, 3, 5), np.float32))
    np.testing.assert_allclose(tape.gradient(y, w).numpy(), expected)


def test_op_determinism_flag_reads_through_tf_internal_config_module():
    # Keras's model_supports_jit imports it from tensorflow.python.framework.config.
    import subprocess
    import sys

    code = ("from eagerflow.python.framework.config import is_op_determinism_enabled as f\n"
            "import eagerflow as tf\n"
            "before = f(); tf.config.experimental.enable_op_determinism(); print(before, f())")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["False", "True"]  # TF 2.21 prints the same
