"""Keras's data adapters recognise eagerflow tensors as TF tensors (they look for TF's module
names): tf.Tensor inputs are sliced as tensors, never turned into NumPy object arrays."""
import numpy as np

import eagerflow as tf


def test_predict_on_a_string_tensor_through_text_vectorization():
    keras = tf.keras
    vec = keras.layers.TextVectorization(max_tokens=20, output_sequence_length=4)
    vec.adapt(["the cat sat", "a dog"])
    model = keras.Sequential([vec, keras.layers.Embedding(20, 2), keras.layers.GlobalAveragePooling1D()])
    out = model.predict(tf.constant(["the cat", "a dog sat"]), verbose=0)
    assert out.shape == (2, 2)
    np.testing.assert_allclose(out[0], model(tf.constant(["the cat"])).numpy()[0], rtol=1e-6)


def test_fit_on_tensor_inputs_equals_fit_on_numpy():
    keras = tf.keras
    x = np.random.default_rng(0).standard_normal((32, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)

    def fit(xs, ys):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        model.compile("sgd", "mse")
        return model.fit(xs, ys, batch_size=8, epochs=2, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(fit(tf.constant(x), tf.constant(y)), fit(x, y), rtol=1e-6)


def test_tensor_classes_carry_tensorflows_module_names():
    assert type(tf.constant(1.0)).__module__ == "tensorflow.python.framework.ops"
    assert tf.Tensor.__module__ == "tensorflow.python.framework.tensor"
    assert tf.RaggedTensor.__module__ == "tensorflow.python.ops.ragged.ragged_tensor"
    assert tf.SparseTensor.__module__ == "tensorflow.python.framework.sparse_tensor"
