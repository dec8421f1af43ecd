"""A small Keras CNN trained for two epochs; prints its losses and a prediction (compat script)."""
import json

import numpy as np
import keras

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
x = rng.standard_normal((16, 12, 12, 3)).astype("float32")
y = rng.integers(0, 4, 16)
model = keras.Sequential([
    keras.Input((12, 12, 3)),
    keras.layers.Conv2D(8, 3, padding="same", activation="relu"),
    keras.layers.BatchNormalization(),
    keras.layers.MaxPooling2D(2),
    keras.layers.DepthwiseConv2D(3, padding="same"),
    keras.layers.SeparableConv2D(8, 3, padding="valid"),
    keras.layers.Conv2DTranspose(4, 3, strides=2, padding="same"),
    keras.layers.AveragePooling2D(2),
    keras.layers.Flatten(),
    keras.layers.Dense(4),
])
model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
history = model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
print(json.dumps({"loss": history.history["loss"], "prediction": model.predict(x[:2], verbose=0).tolist()}))
