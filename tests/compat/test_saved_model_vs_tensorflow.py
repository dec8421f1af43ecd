"""SavedModels cross between TensorFlow and eagerflow: each loads what the other saves."""
import numpy as np
import pytest

import eagerflow

tensorflow = pytest.importorskip("tensorflow")
pytestmark = pytest.mark.tensorflow

X = np.array([[1.0, -2.0, 0.5], [0.5, 0.5, -1.0], [3.0, 1.0, 2.0]], np.float32)


def _module(tf):
    class Model(tf.Module):
        def __init__(self):
            super().__init__()
            self.w = tf.Variable(np.arange(6, dtype=np.float32).reshape(3, 2) / 4.0, name="w")
            self.b = tf.Variable([0.5, -0.5], name="b")
            self.steps = tf.Variable(0, dtype=tf.int64, name="steps")

        @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
        def __call__(self, x):
            h = tf.nn.relu(tf.matmul(x, self.w) + self.b)
            return tf.nn.softmax(tf.concat([h, tf.reduce_mean(h, axis=1, keepdims=True)], axis=1))

        @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32), tf.TensorSpec([], tf.int64)])
        def summary(self, x, n):
            self.steps.assign_add(n)
            y = tf.reshape(tf.transpose(x), [-1])
            return {"sorted_max": tf.reduce_max(x, axis=0), "flat": y[1:4], "steps": self.steps.read_value(),
                    "cast": tf.cast(tf.argmax(x, axis=1), tf.float32)}

    return Model()


def _outputs(tf, obj):
    x = tf.constant(X)
    out = {"call": obj(x).numpy(), "serving": obj.signatures["serving_default"](x=x)["output_0"].numpy()}
    for key, value in obj.summary(x, tf.constant(2, tf.int64)).items():
        out[key] = np.asarray(value)
    out["w"] = obj.w.numpy()
    return out


def _save(tf, module, path):
    tf.saved_model.save(module, path, signatures={"serving_default": module.__call__})


def _compare(got, want):
    assert sorted(got) == sorted(want)
    for key in want:
        np.testing.assert_allclose(got[key], want[key], rtol=1e-6, err_msg=key)


def test_eagerflow_loads_tensorflow_saved_model(tmp_path):
    module = _module(tensorflow)
    _save(tensorflow, module, str(tmp_path / "tf"))
    want = _outputs(tensorflow, tensorflow.saved_model.load(str(tmp_path / "tf")))
    got = _outputs(eagerflow, eagerflow.saved_model.load(str(tmp_path / "tf")))
    _compare(got, want)


def test_tensorflow_loads_eagerflow_saved_model(tmp_path):
    module = _module(eagerflow)
    _save(eagerflow, module, str(tmp_path / "ef"))
    want = _outputs(eagerflow, eagerflow.saved_model.load(str(tmp_path / "ef")))
    got = _outputs(tensorflow, tensorflow.saved_model.load(str(tmp_path / "ef")))
    _compare(got, want)


def test_same_outputs_from_both_savers(tmp_path):
    _save(tensorflow, _module(tensorflow), str(tmp_path / "tf"))
    _save(eagerflow, _module(eagerflow), str(tmp_path / "ef"))
    _compare(_outputs(tensorflow, tensorflow.saved_model.load(str(tmp_path / "ef"))),
             _outputs(tensorflow, tensorflow.saved_model.load(str(tmp_path / "tf"))))


# --- Keras 3's model.export: a CNN exported on one side, served by the other ---
def _export_keras_cnn(path, on_eagerflow):
    import json
    import os
    import pathlib
    import subprocess
    import sys

    script = str(pathlib.Path(__file__).parent / "scripts" / "keras_export.py")
    args = ["-m", "eagerflow", "run", script, path] if on_eagerflow else [script, path]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    out = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, timeout=600, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return np.array(result["input"], np.float32), np.array(result["prediction"], np.float32)


def test_tensorflow_serves_keras_model_exported_on_eagerflow(tmp_path):
    data, prediction = _export_keras_cnn(str(tmp_path / "ef"), on_eagerflow=True)
    loaded = tensorflow.saved_model.load(str(tmp_path / "ef"))
    np.testing.assert_allclose(loaded.serve(tensorflow.constant(data)).numpy(), prediction, rtol=1e-5, atol=1e-6)
    served = loaded.signatures["serving_default"](tensorflow.constant(data))
    np.testing.assert_allclose(list(served.values())[0].numpy(), prediction, rtol=1e-5, atol=1e-6)


def test_eagerflow_serves_keras_model_exported_on_tensorflow(tmp_path):
    data, prediction = _export_keras_cnn(str(tmp_path / "tf"), on_eagerflow=False)
    loaded = eagerflow.saved_model.load(str(tmp_path / "tf"))
    np.testing.assert_allclose(loaded.serve(eagerflow.constant(data)).numpy(), prediction, rtol=1e-5, atol=1e-6)
    served = loaded.signatures["serving_default"](eagerflow.constant(data))
    np.testing.assert_allclose(list(served.values())[0].numpy(), prediction, rtol=1e-5, atol=1e-6)
