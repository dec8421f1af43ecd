"""_FusedConv2D (Conv2D + BiasAdd + activation, made by graph rewrites): bit-identical to the ops it replaces."""
import numpy as np
import pytest

import eagerflow as tf
from eagerflow._src.framework.execute import execute
from eagerflow._src.ops import conv_ops
from eagerflow._src.ops.conv_ops import CONV2D_BACKPROP_FILTER_WITH_BIAS, FUSED_CONV2D

RNG = np.random.default_rng(7)
ACTIVATIONS = {None: lambda y: y, "Relu": tf.nn.relu, "Relu6": tf.nn.relu6, "Elu": tf.nn.elu,
               "LeakyRelu": lambda y: tf.nn.leaky_relu(y, 0.3)}


def _fused(x, f, b, strides, padding, dilations=1, activation=None, data_format="NHWC", **extra):
    four = [1, strides, strides, 1] if data_format == "NHWC" else [1, 1, strides, strides]
    dil = [1, dilations, dilations, 1] if data_format == "NHWC" else [1, 1, dilations, dilations]
    attrs = {"strides": four, "padding": padding, "explicit_paddings": [], "data_format": data_format,
             "dilations": dil, "fused_ops": ("BiasAdd",) + ((activation,) if activation else ()),
             "leakyrelu_alpha": 0.3, **extra}
    return execute(FUSED_CONV2D, (x, f, b), attrs)


def _composed(x, f, b, strides, padding, dilations=1, activation=None, data_format="NHWC"):
    y = tf.nn.conv2d(x, f, strides, padding, data_format, dilations)
    return ACTIVATIONS[activation](tf.nn.bias_add(y, b, data_format))


def _operands(shape, c_out, dtype):
    x = tf.constant(RNG.standard_normal(shape).astype(dtype))
    f = tf.constant(RNG.standard_normal((3, 3, shape[-1], c_out)).astype(dtype))
    b = tf.constant(RNG.standard_normal(c_out).astype(dtype))
    return x, f, b


def _assert_bit_identical(a, b):
    assert a.dtype == b.dtype and a.shape == b.shape
    assert a.numpy().tobytes() == b.numpy().tobytes()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("c_in, c_out", [(1, 32), (32, 64), (3, 5)])
@pytest.mark.parametrize("padding, strides, dilations", [("VALID", 1, 1), ("SAME", 1, 1), ("SAME", 2, 1),
                                                         ("VALID", 1, 2)])
def test_bias_relu_is_bit_identical_to_conv_bias_add_relu(dtype, c_in, c_out, padding, strides, dilations):
    x, f, b = _operands((3, 12, 11, c_in), c_out, dtype)
    _assert_bit_identical(_fused(x, f, b, strides, padding, dilations, "Relu"),
                          _composed(x, f, b, strides, padding, dilations, "Relu"))


@pytest.mark.parametrize("activation", [None, "Relu6", "Elu", "LeakyRelu"])
def test_other_activations_are_bit_identical_to_their_ops(activation):
    x, f, b = _operands((2, 9, 10, 4), 6, np.float32)
    x = x * 4.0  # values past Relu6's cap
    _assert_bit_identical(_fused(x, f, b, 1, "SAME", activation=activation),
                          _composed(x, f, b, 1, "SAME", activation=activation))


def test_chunked_output_on_two_threads_equals_the_composition(monkeypatch):
    monkeypatch.setattr(conv_ops, "_CHUNK_BYTES", 4096)  # many chunks, each with its epilogue
    x, f, b = _operands((5, 11, 9, 8), 16, np.float32)
    monkeypatch.setenv("EAGERFLOW_NUM_THREADS", "2")
    two = _fused(x, f, b, 1, "SAME", activation="Relu")
    monkeypatch.setenv("EAGERFLOW_NUM_THREADS", "1")
    _assert_bit_identical(two, _fused(x, f, b, 1, "SAME", activation="Relu"))
    _assert_bit_identical(two, _composed(x, f, b, 1, "SAME", activation="Relu"))


def test_nan_and_negative_zero_pass_through_as_in_relu():
    x, f, b = _operands((1, 5, 5, 2), 3, np.float32)
    x = tf.constant(np.where(RNG.random((1, 5, 5, 2)) < 0.2, np.nan, x.numpy()).astype(np.float32))
    b = tf.constant(np.array([-0.0, 0.0, np.nan], np.float32))
    _assert_bit_identical(_fused(x, f, b, 1, "SAME", activation="Relu"),
                          _composed(x, f, b, 1, "SAME", activation="Relu"))


def test_nchw_is_bit_identical_to_the_nchw_composition():
    x, f, b = _operands((2, 4, 9, 8), 5, np.float32)  # NCHW: 4 channels, 9x8
    f = tf.constant(RNG.standard_normal((3, 3, 4, 5)).astype(np.float32))
    _assert_bit_identical(_fused(x, f, b, 2, "SAME", activation="Relu", data_format="NCHW"),
                          _composed(x, f, b, 2, "SAME", activation="Relu", data_format="NCHW"))


def test_half_precision_rounds_as_the_separate_ops_do():
    x, f, b = _operands((2, 7, 7, 3), 4, np.float16)
    _assert_bit_identical(_fused(x, f, b, 1, "VALID", activation="Relu"),
                          _composed(x, f, b, 1, "VALID", activation="Relu"))


def test_tf_only_attrs_are_accepted():
    x, f, b = _operands((1, 6, 6, 2), 3, np.float32)
    extra = {"num_args": 1, "epsilon": 1e-4, "filter_format": "HWIO", "use_cudnn_on_gpu": True}
    _assert_bit_identical(_fused(x, f, b, 1, "SAME", activation="Relu", **extra),
                          _composed(x, f, b, 1, "SAME", activation="Relu"))


@pytest.mark.parametrize("fused_ops", [("Relu",), ("BiasAdd", "Tanh"), ("FusedBatchNorm",), ()])
def test_unsupported_fusions_are_unimplemented(fused_ops):
    x, f, b = _operands((1, 6, 6, 2), 3, np.float32)
    attrs = {"strides": [1, 1, 1, 1], "padding": "SAME", "fused_ops": fused_ops}
    with pytest.raises(tf.errors.UnimplementedError, match="Fusion is not implemented"):
        execute(FUSED_CONV2D, (x, f, b), attrs)


def test_bias_of_wrong_length_is_rejected():
    x, f, _ = _operands((1, 6, 6, 2), 3, np.float32)
    with pytest.raises(tf.errors.InvalidArgumentError, match="as many biases"):
        _fused(x, f, tf.zeros([4]), 1, "SAME", activation="Relu")


def test_traced_output_has_the_conv_shape():
    _, f, b = _operands((1, 6, 6, 2), 3, np.float32)
    fn = tf.function(lambda x: _fused(x, f, b, 2, "SAME", activation="Relu"))
    out = fn.get_concrete_function(tf.TensorSpec([None, 9, 8, 2], tf.float32)).structured_outputs
    assert out.shape.as_list() == [None, 5, 4, 3] and out.dtype == tf.float32


def test_not_offered_in_raw_ops():
    assert not hasattr(tf.raw_ops, "_FusedConv2D")


# --- _Conv2DBackpropFilterWithBias ---------------------------------------------------------------
def _filter_with_bias(x, dy, f_shape, strides, padding):
    attrs = {"strides": [1, strides, strides, 1], "padding": padding, "explicit_paddings": [],
             "data_format": "NHWC", "dilations": [1, 1, 1, 1]}
    return execute(CONV2D_BACKPROP_FILTER_WITH_BIAS, (x, tf.constant(f_shape, tf.int32), dy), attrs)


# 3x20x20 outputs (1200 rows of dy) sum in one piece; 40x24x24 (23040 rows) in blocks.
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("batch, size, c_in, c_out, strides, padding",
                         [(3, 20, 1, 8, 1, "SAME"), (40, 24, 1, 32, 1, "SAME"), (40, 26, 4, 16, 1, "VALID"),
                          (6, 23, 5, 7, 2, "SAME")])
def test_filter_and_bias_gradients_are_bit_identical_to_the_two_ops(monkeypatch, dtype, batch, size, c_in, c_out,
                                                                   strides, padding):
    monkeypatch.setattr(conv_ops, "_CHUNK_BYTES", 1 << 16)  # chunks that straddle the bias sum's blocks
    x = tf.constant(RNG.standard_normal((batch, size, size, c_in)).astype(dtype))
    out = -(-size // strides) if padding == "SAME" else (size - 3) // strides + 1
    dy = tf.constant(RNG.standard_normal((batch, out, out, c_out)).astype(dtype))
    f_shape = [3, 3, c_in, c_out]
    df, db = _filter_with_bias(x, dy, f_shape, strides, padding)
    _assert_bit_identical(df, tf.raw_ops.Conv2DBackpropFilter(input=x, filter_sizes=f_shape, out_backprop=dy,
                                                              strides=[1, strides, strides, 1], padding=padding))
    _assert_bit_identical(db, tf.raw_ops.BiasAddGrad(out_backprop=dy))


def test_filter_and_bias_gradients_of_an_empty_batch_are_zeros():
    df, db = _filter_with_bias(tf.zeros([0, 5, 5, 2]), tf.zeros([0, 5, 5, 3]), [3, 3, 2, 3], 1, "SAME")
    assert df.shape == (3, 3, 2, 3) and db.shape == (3,)
    assert not df.numpy().any() and not db.numpy().any()


def test_filter_with_bias_traces_with_both_shapes():
    sizes = tf.constant([3, 3, 2, 4], tf.int32)
    fn = tf.function(lambda x, dy: execute(CONV2D_BACKPROP_FILTER_WITH_BIAS, (x, sizes, dy),
                                           {"strides": [1, 1, 1, 1], "padding": "SAME"}))
    df, db = fn.get_concrete_function(tf.TensorSpec([None, 6, 6, 2], tf.float32),
                                      tf.TensorSpec([None, 6, 6, 4], tf.float32)).structured_outputs
    assert df.shape.as_list() == [3, 3, 2, 4] and db.shape.as_list() == [4]


def test_filter_with_bias_refuses_channels_first():
    with pytest.raises(tf.errors.InvalidArgumentError, match="channels-last"):
        execute(CONV2D_BACKPROP_FILTER_WITH_BIAS, (tf.zeros([1, 2, 5, 5]), tf.constant([3, 3, 2, 3]),
                                                   tf.zeros([1, 3, 5, 5])),
                {"strides": [1, 1, 1, 1], "padding": "SAME", "data_format": "NCHW"})


def test_filter_and_bias_gradients_on_two_threads_equal_one_thread(monkeypatch):
    monkeypatch.setattr(conv_ops, "_CHUNK_BYTES", 1 << 14)  # many chunk tasks
    x = tf.constant(RNG.standard_normal((30, 20, 20, 3)).astype(np.float32))
    dy = tf.constant(RNG.standard_normal((30, 20, 20, 8)).astype(np.float32))
    monkeypatch.setenv("EAGERFLOW_NUM_THREADS", "2")
    two = _filter_with_bias(x, dy, [3, 3, 3, 8], 1, "SAME")
    monkeypatch.setenv("EAGERFLOW_NUM_THREADS", "1")
    for a, b in zip(two, _filter_with_bias(x, dy, [3, 3, 3, 8], 1, "SAME")):
        _assert_bit_identical(a, b)
