"""Keras's recurrent layers trained by compiled `fit`: their `tf.while_loop` over TensorArrays
of unknown batch size must carry gradients to the cell's weights (as eagerly)."""
import numpy as np
import pytest

import eagerflow as tf


def _fit_losses(layer_fn, run_eagerly):
    keras = tf.keras
    keras.utils.set_random_seed(3)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((48, 7, 4)).astype("float32")
    y = (np.arange(48) % 2).astype("float32")
    model = keras.Sequential([keras.Input((7, 4)), layer_fn(keras), keras.layers.Dense(1)])
    model.compile("adam", keras.losses.BinaryCrossentropy(from_logits=True), run_eagerly=run_eagerly)
    history = model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    return history.history["loss"], [w.numpy() for w in model.trainable_weights]


@pytest.mark.parametrize("layer_fn", [
    lambda keras: keras.layers.LSTM(5),
    lambda keras: keras.layers.GRU(5),
    lambda keras: keras.Sequential([keras.layers.SimpleRNN(5, return_sequences=True), keras.layers.SimpleRNN(2)]),
    lambda keras: keras.layers.Bidirectional(keras.layers.LSTM(3)),
], ids=["lstm", "gru", "stacked_simple_rnn", "bidirectional_lstm"])
def test_compiled_fit_trains_recurrent_weights_as_eager_fit(layer_fn):
    compiled_losses, compiled_weights = _fit_losses(layer_fn, run_eagerly=False)
    eager_losses, eager_weights = _fit_losses(layer_fn, run_eagerly=True)
    np.testing.assert_allclose(compiled_losses, eager_losses, rtol=1e-5)
    for got, want in zip(compiled_weights, eager_weights):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)
