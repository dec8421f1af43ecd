"""SavedModels cross between TensorFlow and eagerflow: each loads what the other saves."""
import numpy as np
import pytest

import eagerflow
from tests.saved_model.modules import control_flow_module

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


# --- 80 ops of everyday models, saved by each side and run by the other ---
def _many_ops(tf):
    class M(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([2, 3, 4], tf.float32), tf.TensorSpec([2, 2], tf.int32)])
        def f(self, x, i):
            return [
                tf.reduce_sum(x, 1), tf.reduce_mean(x, [0, 2], keepdims=True), tf.reduce_max(x),
                tf.argmax(x, 1), tf.reshape(x, [6, 4]), tf.transpose(x, [2, 0, 1]), tf.expand_dims(x, 0),
                tf.squeeze(tf.expand_dims(x,0), [0]), tf.concat([x, x], axis=1), tf.stack([x, x]),
                tf.tile(x, [1, 2, 1]), tf.fill([2, 3], 1.0), tf.range(5), x[:, 1:, ::2], x[..., 0],
                x[None, 1], tf.slice(x, [0,0,0], [1,2,3]), tf.pad(x, [[0,0],[1,1],[0,0]]),
                tf.gather(x, i, axis=1), tf.one_hot(i, 4), tf.math.cumsum(x, axis=1),
                *tf.split(x, 2, axis=2), *tf.split(x, [1, 3], axis=2), tf.broadcast_to(x[0,0], [5,4]),
                tf.nn.softmax(x), tf.nn.bias_add(x, tf.ones([4])), tf.shape(x), tf.zeros_like(x),
                tf.ones([3]), tf.where(x > 3, x, 0.), tf.maximum(x, 1.), tf.square(x), tf.sqrt(x), tf.exp(x),
                tf.math.rsqrt(x+1), tf.matmul(x, x, transpose_b=True),
                tf.nn.conv2d(x[None], tf.ones([2,2,4,3]), 1, "SAME"),
                tf.nn.max_pool2d(x[None], 2, 2, "VALID"), tf.nn.avg_pool2d(x[None], 2, 1, "SAME"),
                tf.math.top_k(x, 2).values, tf.clip_by_value(x, 0., 1.),
                tf.linalg.einsum("ijk,ilk->ijl", x, x), tf.nn.sigmoid(x), tf.tanh(x), tf.math.log(x+1),
                tf.cast(x, tf.int32), tf.nn.gelu(x), tf.nn.moments(x, [0])[0], tf.math.l2_normalize(x, 1),
                tf.gather_nd(x, [[0,1]]), tf.math.floordiv(x, 2.0), tf.sort(x), tf.argsort(x),
                tf.math.reduce_std(x), tf.abs(x), tf.sign(x), tf.pow(x, 2.), tf.nn.leaky_relu(x),
                tf.nn.elu(x), tf.nn.selu(x), tf.nn.softplus(x), tf.math.erf(x), tf.nn.relu6(x),
                tf.reverse(x, [1]), tf.cast(tf.math.logical_and(x>1, x<4), tf.float32),
                tf.unstack(x, axis=1)[1], tf.math.reduce_prod(x, 0), tf.reduce_min(x, -1),
                tf.math.squared_difference(x, 1.), tf.math.divide_no_nan(x, x - 2.), tf.math.floormod(x, 3.),
                tf.nn.log_softmax(x), tf.math.cumprod(x, 2, exclusive=True),
                tf.linalg.matmul(x[0], x[1], transpose_a=True), tf.identity_n([x, x])[1],
                tf.reduce_logsumexp(x, 1), tf.reduce_logsumexp(x, [0, 2], keepdims=True), tf.reduce_logsumexp(x)]
    return M()

def _many_ops_outputs(fn, tf):
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 7.0
    i = np.array([[0, 1], [1, 2]], np.int32)
    return [np.asarray(v) for v in fn(tf.constant(x), tf.constant(i))]


def _assert_all_close(got, want):
    assert len(got) == len(want)
    for k, (a, b) in enumerate(zip(got, want)):
        assert a.shape == b.shape, k
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6, err_msg=str(k))


def test_many_ops_saved_by_tensorflow_run_on_eagerflow(tmp_path):
    module = _many_ops(tensorflow)
    tensorflow.saved_model.save(module, str(tmp_path / "tf"))
    loaded = eagerflow.saved_model.load(str(tmp_path / "tf"))
    _assert_all_close(_many_ops_outputs(loaded.f, eagerflow), _many_ops_outputs(module.f, tensorflow))


def test_many_ops_saved_by_eagerflow_run_on_tensorflow(tmp_path):
    eagerflow.saved_model.save(_many_ops(eagerflow), str(tmp_path / "ef"))
    loaded = tensorflow.saved_model.load(str(tmp_path / "ef"))
    reference = _many_ops(tensorflow)
    _assert_all_close(_many_ops_outputs(loaded.f, tensorflow), _many_ops_outputs(reference.f, tensorflow))


# --- autograph if/while saved by TensorFlow (functional If/While nodes) run on eagerflow ---
def _control_flow(tf):
    return control_flow_module(tf)

@pytest.mark.parametrize("x, n", [([1.0, 2.0], 3), ([-1.0, -2.0], 0), ([0.5, -3.0], 5)])
def test_tensorflow_control_flow_runs_on_eagerflow(tmp_path, x, n):
    module = _control_flow(tensorflow)
    tensorflow.saved_model.save(module, str(tmp_path / "tf"))
    loaded = eagerflow.saved_model.load(str(tmp_path / "tf"))
    got = loaded.f(eagerflow.constant(x), eagerflow.constant(n))
    want = module.f(tensorflow.constant(x), tensorflow.constant(n))
    for a, b in zip(got, want):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-6)


@pytest.mark.parametrize("x, n", [([1.0, 2.0], 3), ([-1.0, -2.0], 0), ([0.5, -3.0], 5)])
def test_eagerflow_control_flow_runs_on_tensorflow(tmp_path, x, n):
    eagerflow.saved_model.save(_control_flow(eagerflow), str(tmp_path / "ef"))
    loaded = tensorflow.saved_model.load(str(tmp_path / "ef"))
    got = loaded.f(tensorflow.constant(x), tensorflow.constant(n))
    reference = _control_flow(tensorflow)  # held: TF's bound functions keep their module weakly
    want = reference.f(tensorflow.constant(x), tensorflow.constant(n))
    for a, b in zip(got, want):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-6)


# --- tf.strings.split (TF's sparse StringSplitV2 vs our ragged one) crossing both ways ---
def _splitter(tf):
    class Splitter(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([None], tf.string)])
        def f(self, s):
            parts = tf.strings.split(s, " ")
            return parts.row_lengths(), parts.flat_values, tf.strings.split(s).flat_values

    return Splitter()


STRINGS = ["a bb c", "dd", ""]


def _split_outputs(fn, tf):
    return [np.asarray(v).tolist() for v in fn(tf.constant(STRINGS))]


def test_string_split_saved_by_tensorflow_runs_on_eagerflow(tmp_path):
    module = _splitter(tensorflow)
    tensorflow.saved_model.save(module, str(tmp_path / "tf"))
    loaded = eagerflow.saved_model.load(str(tmp_path / "tf"))
    assert _split_outputs(loaded.f, eagerflow) == _split_outputs(module.f, tensorflow)


def test_string_split_saved_by_eagerflow_runs_on_tensorflow(tmp_path):
    eagerflow.saved_model.save(_splitter(eagerflow), str(tmp_path / "ef"))
    loaded = tensorflow.saved_model.load(str(tmp_path / "ef"))
    reference = _splitter(tensorflow)
    assert _split_outputs(loaded.f, tensorflow) == _split_outputs(reference.f, tensorflow)


def test_run_time_paddings_and_multiples_cross_to_tensorflow(tmp_path):
    # tf.pad REFLECT and tf.tile with values known only when the graph runs are written as TF's
    # MirrorPad and Tile (ours are MirrorPadDynamic / DynamicTile in the graph).
    def module(tf):
        class M(tf.Module):
            @tf.function(input_signature=[tf.TensorSpec([None, None], tf.float32)])
            def f(self, x):
                n = tf.shape(x)[0] // 2
                return tf.pad(x, [[n, 0], [0, n]], "REFLECT"), tf.tile(x, [1, n])
        return M()

    eagerflow.saved_model.save(module(eagerflow), str(tmp_path / "ef"))
    x = np.arange(16, dtype=np.float32).reshape(4, 4)
    want = [t.numpy() for t in module(tensorflow).f(x)]
    for loaded in (tensorflow.saved_model.load(str(tmp_path / "ef")), eagerflow.saved_model.load(str(tmp_path / "ef"))):
        for got, w in zip(loaded.f(x), want):
            np.testing.assert_array_equal(got.numpy(), w)
