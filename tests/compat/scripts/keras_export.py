"""Builds a small Keras CNN with fixed weights, exports it with model.export(argv[1]) and prints
its prediction as JSON (run under TF, or under eagerflow via `python -m eagerflow run`)."""
import json
import sys

import numpy as np
import keras

keras.utils.set_random_seed(0)
inputs = keras.Input((8, 8, 3))
x = keras.layers.Conv2D(4, 3, padding="same", activation="relu")(inputs)
x = keras.layers.BatchNormalization()(x)
x = keras.layers.MaxPooling2D()(x)
x = keras.layers.DepthwiseConv2D(3, padding="same")(x)
x = keras.layers.GlobalAveragePooling2D()(x)
x = keras.layers.Dense(5, activation="gelu")(x)
x = keras.layers.LayerNormalization()(x)
outputs = keras.layers.Dense(3, activation="softmax")(x)
model = keras.Model(inputs, outputs)
rng = np.random.default_rng(0)
for w in model.weights:
    value = rng.standard_normal(w.shape).astype("float32") * 0.5
    w.assign(np.abs(value) + 0.1 if "variance" in w.path else value)
data = rng.standard_normal((2, 8, 8, 3)).astype("float32")
model.export(sys.argv[1], verbose=False)
print(json.dumps({"prediction": np.asarray(model(data)).tolist(), "input": data.tolist()}))
