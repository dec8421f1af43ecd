"""Common Keras layers trained by compiled `fit` (a train step traced with an unknown batch size)
give the losses and weights of eager `fit`: every gradient on the way works with dims known only
when the graph runs. (LSTM/GRU: tests/keras/test_recurrent_fit.py.)"""
import numpy as np
import pytest

import eagerflow as tf

# name: (input shape without the batch, model body building the output from the input tensor(s))
CASES = {
    "dense": ((5,), lambda k, x: k.layers.Dense(3)(x)),
    "conv1d": ((8, 3), lambda k, x: k.layers.Conv1D(4, 3)(x)),
    "conv1d_causal": ((8, 3), lambda k, x: k.layers.Conv1D(4, 3, padding="causal", dilation_rate=2)(x)),
    "conv2d": ((6, 6, 2), lambda k, x: k.layers.Conv2D(3, 3, padding="same")(x)),
    "conv3d": ((4, 4, 4, 2), lambda k, x: k.layers.Conv3D(2, 2)(x)),
    "conv2d_transpose": ((4, 4, 2), lambda k, x: k.layers.Conv2DTranspose(3, 3, strides=2)(x)),
    "depthwise_conv2d": ((6, 6, 2), lambda k, x: k.layers.DepthwiseConv2D(3)(x)),
    "separable_conv2d": ((6, 6, 2), lambda k, x: k.layers.SeparableConv2D(3, 3)(x)),
    "max_pooling1d": ((8, 3), lambda k, x: k.layers.MaxPooling1D(2)(k.layers.Dense(3)(x))),
    "average_pooling1d": ((8, 3), lambda k, x: k.layers.AveragePooling1D(2)(k.layers.Dense(3)(x))),
    "max_pooling2d": ((6, 6, 2), lambda k, x: k.layers.MaxPooling2D(2)(k.layers.Conv2D(2, 1)(x))),
    "average_pooling2d": ((6, 6, 2), lambda k, x: k.layers.AveragePooling2D(2)(k.layers.Conv2D(2, 1)(x))),
    "global_average_pooling2d": ((5, 5, 2), lambda k, x: k.layers.GlobalAveragePooling2D()(k.layers.Conv2D(3, 2)(x))),
    "global_max_pooling1d": ((6, 3), lambda k, x: k.layers.GlobalMaxPooling1D()(k.layers.Dense(4)(x))),
    "batch_normalization": ((5,), lambda k, x: k.layers.BatchNormalization()(k.layers.Dense(4)(x))),
    "layer_normalization": ((5,), lambda k, x: k.layers.LayerNormalization()(k.layers.Dense(4)(x))),
    "group_normalization": ((6, 4), lambda k, x: k.layers.GroupNormalization(2)(k.layers.Dense(4)(x))),
    "dropout": ((5,), lambda k, x: k.layers.Dropout(0.3, seed=1)(k.layers.Dense(4)(x))),
    "embedding": ((6,), lambda k, x: k.layers.Flatten()(k.layers.Embedding(10, 3)(x))),
    "flatten": ((3, 4), lambda k, x: k.layers.Flatten()(k.layers.Dense(2)(x))),
    "reshape": ((6,), lambda k, x: k.layers.Flatten()(k.layers.Dense(2)(k.layers.Reshape((3, 2))(x)))),
    "permute": ((3, 4), lambda k, x: k.layers.Flatten()(k.layers.Permute((2, 1))(k.layers.Dense(2)(x)))),
    "repeat_vector": ((4,), lambda k, x: k.layers.Flatten()(k.layers.RepeatVector(3)(k.layers.Dense(2)(x)))),
    "cropping2d": ((6, 6, 2), lambda k, x: k.layers.Cropping2D(((1, 0), (2, 1)))(k.layers.Conv2D(2, 1)(x))),
    "zero_padding2d": ((4, 4, 2), lambda k, x: k.layers.ZeroPadding2D(((1, 0), (2, 1)))(k.layers.Conv2D(2, 1)(x))),
    "up_sampling2d": ((3, 3, 2), lambda k, x: k.layers.UpSampling2D(2)(k.layers.Conv2D(2, 1)(x))),
    "concatenate": ((5,), lambda k, x: k.layers.Concatenate()([k.layers.Dense(2)(x), k.layers.Dense(3)(x)])),
    "add": ((5,), lambda k, x: k.layers.Add()([k.layers.Dense(2)(x), k.layers.Dense(2)(x)])),
    "multiply": ((5,), lambda k, x: k.layers.Multiply()([k.layers.Dense(2)(x), k.layers.Dense(2)(x)])),
    "attention": ((4, 3), lambda k, x: k.layers.Attention()([k.layers.Dense(3)(x), k.layers.Dense(3)(x)])),
    "multi_head_attention": ((4, 3), lambda k, x: k.layers.MultiHeadAttention(2, 2)(x, x)),
    "time_distributed_dense": ((4, 3), lambda k, x: k.layers.TimeDistributed(k.layers.Dense(2))(x)),
}


def _fit(name, run_eagerly):
    keras = tf.keras
    keras.utils.set_random_seed(3)
    shape, body = CASES[name]
    rng = np.random.default_rng(0)
    if name == "embedding":
        x = rng.integers(0, 10, size=(32,) + shape).astype("int32")
    else:
        x = rng.standard_normal((32,) + shape).astype("float32")
    inputs = keras.Input(shape, dtype=x.dtype.name)
    out = body(keras, inputs)
    out = keras.layers.Dense(1)(out if len(out.shape) == 2 else keras.layers.Flatten()(out))
    model = keras.Model(inputs, out)
    y = rng.standard_normal((32, 1)).astype("float32")
    model.compile(keras.optimizers.SGD(0.05), "mse", run_eagerly=run_eagerly)
    history = model.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    return history.history["loss"], [w.numpy() for w in model.weights]


@pytest.mark.parametrize("name", sorted(CASES))
def test_compiled_fit_with_unknown_batch_matches_eager_fit(name):
    compiled_losses, compiled_weights = _fit(name, run_eagerly=False)
    eager_losses, eager_weights = _fit(name, run_eagerly=True)
    np.testing.assert_allclose(compiled_losses, eager_losses, rtol=1e-5)
    assert len(compiled_weights) == len(eager_weights)
    for got, want in zip(compiled_weights, eager_weights):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)
