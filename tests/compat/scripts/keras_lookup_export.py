"""Exports a Keras model of StringLookup (vocabulary file: an asset), IntegerLookup and
TextVectorization (adapted) with model.export(argv[1]); prints its outputs as JSON (run under TF,
or under eagerflow via `python -m eagerflow run`)."""
import json
import os
import sys

import numpy as np
import keras

vocab = os.path.join(os.path.dirname(sys.argv[1]), "colors.txt")
with open(vocab, "w") as f:
    f.write("red\ngreen\nblue\n")
strings = keras.layers.StringLookup(vocabulary=vocab)
integers = keras.layers.IntegerLookup(vocabulary=[7, 8, 9], output_mode="one_hot")
text = keras.layers.TextVectorization(output_sequence_length=4)
text.adapt(["the cat sat", "the dog ran", "a cat ran"])
a = keras.Input(shape=(2,), dtype="string")
b = keras.Input(shape=(1,), dtype="int64")
c = keras.Input(shape=(), dtype="string")
model = keras.Model([a, b, c], [strings(a), integers(b), text(c)])
inputs = [np.array([["green", "x"], ["blue", "red"]]), np.array([[9], [1]], np.int64), np.array(["The cat", "dog x ran"])]
model.export(sys.argv[1], verbose=False)
os.remove(vocab)  # the SavedModel serves from its own copy
outputs = [np.asarray(o).tolist() for o in model(inputs)]
print(json.dumps({"outputs": outputs}))
