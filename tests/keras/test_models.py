"""Keras 3 models trained and saved on eagerflow (run_eagerly=True: no tf.function needed)."""
import numpy as np
import pytest

import eagerflow as tf


@pytest.fixture(scope="module")
def keras():
    return tf.keras


def _data(n=256, d=8, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.randn(n, d).astype("float32")
    y = (x @ rng.randn(d, 1)).astype("float32")
    return x, y


def _mlp(keras):
    keras.utils.set_random_seed(1)
    return keras.Sequential([keras.Input((8,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dense(1)])


def test_keras_variable_is_a_tensor_and_a_tape_source(keras):
    v = keras.Variable(np.array([1.0, 2.0], "float32"))
    assert tf.is_tensor(v)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(v * v)
    np.testing.assert_allclose(tape.gradient(y, v).numpy(), [2.0, 4.0])


def test_keras_variable_converts_through_tf_tensor_protocol(keras):
    v = keras.Variable(np.array([1.0, 2.0], "float32"))
    assert type(tf.convert_to_tensor(v)).__name__ == "EagerTensor"
    np.testing.assert_allclose(tf.add(tf.constant([1.0, 1.0]), v).numpy(), [2.0, 3.0])


def test_sequential_fit_on_numpy_decreases_loss(keras):
    x, y = _data()
    model = _mlp(keras)
    model.compile(optimizer="adam", loss="mse", run_eagerly=True)
    history = model.fit(x, y, epochs=4, batch_size=32, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < losses[0]
    assert all(v.numpy().dtype == np.float32 for v in model.trainable_variables)


def test_fit_on_dataset_gives_every_batch(keras):
    x, y = _data(n=96)
    model = _mlp(keras)
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"], run_eagerly=True)
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(32)
    history = model.fit(dataset, epochs=2, verbose=0)
    assert set(history.history) == {"loss", "mae"}
    assert model.optimizer.iterations.numpy() == 6


def test_functional_predict_matches_weights(keras):
    inputs = keras.Input((3,))
    outputs = keras.layers.Dense(2, activation="tanh")(inputs)
    model = keras.Model(inputs, outputs)
    x = np.arange(6, dtype="float32").reshape(2, 3) / 6
    kernel, bias = model.get_weights()
    np.testing.assert_allclose(model.predict(x, verbose=0), np.tanh(x @ kernel + bias), rtol=1e-5)


def test_custom_train_step_with_gradient_tape(keras):
    class Linear(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(1)

        def call(self, x):
            return self.dense(x)

        def train_step(self, data):
            x, y = data
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(self(x, training=True) - y))
            grads = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
            return {"step_loss": loss}

    x, y = _data(d=8)
    model = Linear()
    model.compile(optimizer=keras.optimizers.SGD(0.1), run_eagerly=True)
    losses = model.fit(x, y, epochs=5, batch_size=64, verbose=0).history["step_loss"]
    assert losses[-1] < 0.5 * losses[0]


def test_save_and_load_model_round_trip(keras, tmp_path):
    x, y = _data(n=32)
    model = _mlp(keras)
    model.compile(optimizer="adam", loss="mse", run_eagerly=True)
    model.fit(x, y, epochs=1, verbose=0)
    path = str(tmp_path / "model.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_save_and_load_weights_round_trip(keras, tmp_path):
    x, _ = _data(n=8)
    model, other = _mlp(keras), _mlp(keras)
    other.set_weights([w + 1 for w in other.get_weights()])
    path = str(tmp_path / "w.weights.h5")
    model.save_weights(path)
    other.load_weights(path)
    np.testing.assert_allclose(other.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def _fit_losses(keras, run_eagerly):
    x, y = _data()
    model = _mlp(keras)
    model.compile(optimizer="adam", loss="mse", run_eagerly=run_eagerly)
    return model.fit(x, y, epochs=2, batch_size=32, shuffle=False, verbose=0).history["loss"]


def test_fit_in_tf_function_matches_run_eagerly(keras):
    np.testing.assert_allclose(_fit_losses(keras, False), _fit_losses(keras, True), rtol=1e-5)
