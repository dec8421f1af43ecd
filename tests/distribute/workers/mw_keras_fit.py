"""One MPI worker fitting a Keras model under MultiWorkerMirroredStrategy, run eagerly, traced,
and traced with steps_per_execution=3; compares each with a single-process fit on the same
global batches (computed here, without a strategy). Usage: mpiexec -n 2 python mw_keras_fit.py"""
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

import eagerflow as tf  # noqa: E402
from tests.distribute import training  # noqa: E402

MODES = {"run_eagerly": (True, 1), "traced": (False, 1), "steps_per_execution_3": (False, 3)}
keras = tf.keras
rng = np.random.RandomState(0)
x = rng.randn(40, 4).astype("float32")
y = (x @ rng.randn(4, 1)).astype("float32")


def build(run_eagerly, steps_per_execution):
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", run_eagerly=run_eagerly,
                  steps_per_execution=steps_per_execution)
    return model


strategy = tf.distribute.MultiWorkerMirroredStrategy()
rank = strategy.cluster_resolver.task_id
reference = build(True, 1)
reference_history = reference.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False)
reference_evaluation = float(reference.evaluate(x, y, batch_size=8, verbose=0))
# predict gives this worker's replica's rows of each global batch (DATA sharding: 4 of every 8).
mine = np.concatenate([np.arange(start + 4 * rank, start + 4 * rank + 4) for start in range(0, 40, 8)])
reference_prediction = reference.predict(x[mine], verbose=0)
report = {"rank": rank, "reference_loss": reference_history.history["loss"],
          "evaluate_reference": reference_evaluation}
for mode, options in MODES.items():
    with strategy.scope():
        model = build(*options)
    history = model.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False)
    report[mode] = {
        "error": max(float(np.abs(a - b).max()) for a, b in zip(model.get_weights(), reference.get_weights())),
        "loss": history.history["loss"],
        "evaluate": float(model.evaluate(x, y, batch_size=8, verbose=0)),
        "predict_error": float(np.abs(model.predict(x, batch_size=8, verbose=0) - reference_prediction).max()),
        "iterations": int(model.optimizer.iterations.numpy()),
    }
training.report(rank, report)
