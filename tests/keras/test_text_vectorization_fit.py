"""Keras TextVectorization inside compiled models and traced tf.data maps (ragged strings in graphs)."""
import numpy as np
import pytest

import eagerflow as tf
from tests.keras import sides

TEXTS = ["the cat sat", "the dog ran far", "a cat ran", "dogs and cats", "the end", "a dog sat down"]
LABELS = [1.0, 0.0, 1.0, 0.0, 1.0, 0.0]


@pytest.fixture(scope="module")
def keras():
    return tf.keras


def _model(keras, output_mode="int", run_eagerly=False):
    keras.utils.set_random_seed(0)
    vec = keras.layers.TextVectorization(max_tokens=20, output_mode=output_mode, ngrams=(1, 2) if output_mode != "int"
                                         else None, output_sequence_length=5 if output_mode == "int" else None)
    vec.adapt(tf.constant(TEXTS))
    layers = [keras.Input(shape=(1,), dtype="string"), vec]
    if output_mode == "int":
        layers += [keras.layers.Embedding(20, 4), keras.layers.GlobalAveragePooling1D()]
    model = keras.Sequential(layers + [keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", run_eagerly=run_eagerly)
    return model


def _dataset():
    return tf.data.Dataset.from_tensor_slices((tf.constant([[t] for t in TEXTS]), tf.constant(LABELS))).batch(4)


def test_compiled_fit_with_text_vectorization_equals_eager_fit(keras):
    compiled = _model(keras).fit(_dataset(), epochs=3, verbose=0).history["loss"]
    eager = _model(keras, run_eagerly=True).fit(_dataset(), epochs=3, verbose=0).history["loss"]
    np.testing.assert_allclose(compiled, eager, rtol=1e-6)


def test_compiled_predict_on_strings_equals_eager_call(keras):
    model = _model(keras)
    model.fit(_dataset(), epochs=1, verbose=0)
    queries = tf.constant([["the cat"], ["dogs ran far away"]])
    predicted = model.predict(tf.data.Dataset.from_tensor_slices(queries).batch(2), verbose=0)
    np.testing.assert_allclose(predicted, model(queries).numpy(), rtol=1e-6)


def test_multi_hot_bigrams_in_compiled_fit_equals_eager_fit(keras):
    compiled = _model(keras, "multi_hot").fit(_dataset(), epochs=2, verbose=0).history["loss"]
    eager = _model(keras, "multi_hot", run_eagerly=True).fit(_dataset(), epochs=2, verbose=0).history["loss"]
    np.testing.assert_allclose(compiled, eager, rtol=1e-6)


def test_vectorize_layer_in_dataset_map_equals_eager_call(keras):
    vec = keras.layers.TextVectorization(max_tokens=20, output_sequence_length=4)
    vec.adapt(tf.constant(TEXTS))
    mapped = tf.data.Dataset.from_tensor_slices((tf.constant(TEXTS), tf.constant(LABELS))).batch(3).map(
        lambda x, y: (vec(x), y))
    batches = [x.numpy() for x, _ in mapped]
    np.testing.assert_array_equal(np.concatenate(batches), vec(tf.constant(TEXTS)).numpy())


# -- against TF 2.21 + Keras 3.15 (run by `make compat`) --------------------------------------------
SCRIPT = '''
import json
import numpy as np
TEXTS = %r
LABELS = %r
def data():
    return tf.data.Dataset.from_tensor_slices((tf.constant([[t] for t in TEXTS]), tf.constant(LABELS))).batch(4)
out = {}
for mode in ("int", "multi_hot", "count"):
    keras.utils.set_random_seed(0)
    vec = keras.layers.TextVectorization(max_tokens=20, output_mode=mode, ngrams=None if mode == "int" else 2,
                                         output_sequence_length=5 if mode == "int" else None)
    vec.adapt(tf.constant(TEXTS))
    layers = [keras.Input(shape=(1,), dtype="string"), vec]
    if mode == "int":
        layers += [keras.layers.Embedding(20, 4), keras.layers.GlobalAveragePooling1D()]
    model = keras.Sequential(layers + [keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    loss = model.fit(data(), epochs=3, verbose=0).history["loss"]
    queries = tf.data.Dataset.from_tensor_slices(tf.constant([["the cat"], ["dogs ran far away"]])).batch(2)
    mapped = tf.data.Dataset.from_tensor_slices(tf.constant(TEXTS)).batch(4).map(vec)
    out[mode] = {"vocabulary": [str(w) for w in vec.get_vocabulary()], "loss": loss,
                 "predict": model.predict(queries, verbose=0).tolist(),
                 "mapped": [b.numpy().tolist() for b in mapped]}
print(json.dumps(out))
''' % (TEXTS, LABELS)


@pytest.mark.tensorflow
def test_text_vectorization_models_match_tensorflow():
    theirs = sides.run(sides.TENSORFLOW, SCRIPT)
    ours = sides.run(sides.EAGERFLOW, SCRIPT)
    for mode in theirs:
        assert ours[mode]["vocabulary"] == theirs[mode]["vocabulary"]
        assert ours[mode]["mapped"] == theirs[mode]["mapped"]
        np.testing.assert_allclose(ours[mode]["loss"], theirs[mode]["loss"], rtol=1e-5)
        np.testing.assert_allclose(ours[mode]["predict"], theirs[mode]["predict"], rtol=1e-5, atol=1e-6)


# TF's text classification tutorial, in small: custom standardization, adapt on a mapped dataset,
# ds.map(vectorize_text), Dropout (seeded), an exported model taking raw strings.
TUTORIAL = '''
import json, re, string
layers = keras.layers
texts = ["Great movie!<br />Loved it", "terrible, awful film", "I loved the acting", "boring and bad.",
         "what a great film", "awful acting, bad plot"] * 4
raw = tf.data.Dataset.from_tensor_slices((texts, [1, 0, 1, 0, 1, 0] * 4)).batch(4)
def custom_standardization(input_data):
    lowercase = tf.strings.lower(input_data)
    stripped_html = tf.strings.regex_replace(lowercase, "<br />", " ")
    return tf.strings.regex_replace(stripped_html, "[%s]" % re.escape(string.punctuation), "")
vectorize_layer = layers.TextVectorization(standardize=custom_standardization, max_tokens=100,
                                           output_mode="int", output_sequence_length=8)
vectorize_layer.adapt(raw.map(lambda x, y: x))
def vectorize_text(text, label):
    return vectorize_layer(tf.expand_dims(text, -1)), label
train = raw.map(vectorize_text).cache().prefetch(tf.data.AUTOTUNE)
keras.utils.set_random_seed(0)
model = keras.Sequential([layers.Embedding(100, 8), layers.Dropout(0.2), layers.GlobalAveragePooling1D(),
                          layers.Dropout(0.2), layers.Dense(1)])
model.compile(loss=keras.losses.BinaryCrossentropy(from_logits=True), optimizer="adam",
              metrics=[keras.metrics.BinaryAccuracy(threshold=0.0)])
loss = model.fit(train, epochs=3, verbose=0).history["loss"]
export_model = keras.Sequential([vectorize_layer, model, layers.Activation("sigmoid")])
export_model.compile(loss=keras.losses.BinaryCrossentropy(from_logits=False), optimizer="adam", metrics=["accuracy"])
print(json.dumps({"vocabulary": [str(w) for w in vectorize_layer.get_vocabulary()], "loss": loss,
                  "evaluate": export_model.evaluate(raw, verbose=0),
                  "predict": export_model.predict(tf.constant(["great acting", "awful plot"]), verbose=0).tolist()}))
'''


@pytest.mark.tensorflow
def test_text_classification_tutorial_matches_tensorflow():
    theirs = sides.run(sides.TENSORFLOW, TUTORIAL)
    ours = sides.run(sides.EAGERFLOW, TUTORIAL)
    assert ours["vocabulary"] == theirs["vocabulary"]
    np.testing.assert_allclose(ours["loss"], theirs["loss"], rtol=1e-5)
    np.testing.assert_allclose(ours["evaluate"], theirs["evaluate"], rtol=1e-5)
    np.testing.assert_allclose(ours["predict"], theirs["predict"], rtol=1e-5, atol=1e-6)
