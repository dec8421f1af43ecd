"""SavedModels holding lookup tables and vocabulary files cross between TensorFlow and eagerflow."""
import os

import numpy as np
import pytest

import eagerflow
from tests.saved_model.modules import tables_module

tensorflow = pytest.importorskip("tensorflow")
pytestmark = pytest.mark.tensorflow

WORDS = ["banana", "x", "apple", "zz", "y"]
IDS = [3, 4, 9]


def _module(tf, vocab_file):
    return tables_module(tf, vocab_file)


def _outputs(tf, obj):
    words, ids = tf.constant(WORDS), tf.constant(IDS, tf.int64)
    out = {k: np.asarray(v) for k, v in obj.find(words, ids).items()}
    out["serving"] = np.asarray(obj.signatures["serving_default"](words=words, ids=ids)["text"])
    return out


def _save(tf, path, vocab_file):
    module = _module(tf, vocab_file)
    tf.saved_model.save(module, path, signatures={"serving_default": module.find})


def _compare(got, want, skip=()):
    assert sorted(got) == sorted(want)
    for key in want:
        if key not in skip:
            np.testing.assert_array_equal(got[key], want[key], err_msg=key)


@pytest.fixture
def vocab_file(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("apple\nbanana\ncherry\n")
    return str(path)


def test_eagerflow_loads_tensorflow_tables(tmp_path, vocab_file):
    path = str(tmp_path / "tf")
    _save(tensorflow, path, vocab_file)
    os.remove(vocab_file)  # the loaded table reads the SavedModel's own copy
    _compare(_outputs(eagerflow, eagerflow.saved_model.load(path)),
             _outputs(tensorflow, tensorflow.saved_model.load(path)))


def test_tensorflow_loads_eagerflow_tables(tmp_path, vocab_file):
    path = str(tmp_path / "ef")
    _save(eagerflow, path, vocab_file)
    os.remove(vocab_file)
    want = _outputs(eagerflow, eagerflow.saved_model.load(path))
    _compare(_outputs(tensorflow, tensorflow.saved_model.load(path)), want)


def test_both_savers_write_the_same_tables(tmp_path, vocab_file):
    _save(tensorflow, str(tmp_path / "tf"), vocab_file)
    _save(eagerflow, str(tmp_path / "ef"), vocab_file)
    assert os.listdir(tmp_path / "ef" / "assets") == os.listdir(tmp_path / "tf" / "assets")
    _compare(_outputs(tensorflow, tensorflow.saved_model.load(str(tmp_path / "ef"))),
             _outputs(tensorflow, tensorflow.saved_model.load(str(tmp_path / "tf"))))


# --- Keras lookup layers (StringLookup with a vocabulary file, IntegerLookup, TextVectorization) ---
KERAS_INPUTS = ([["green", "x"], ["blue", "red"]], [[9], [1]], ["The cat", "dog x ran"])


def _export_keras_lookups(path, on_eagerflow):
    import json
    import pathlib
    import subprocess
    import sys

    script = str(pathlib.Path(__file__).parent / "scripts" / "keras_lookup_export.py")
    args = ["-m", "eagerflow", "run", script, path] if on_eagerflow else [script, path]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    out = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, timeout=600, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])["outputs"]


def _serve(tf, path):
    loaded = tf.saved_model.load(path)
    a, b, c = KERAS_INPUTS
    return [np.asarray(o).tolist() for o in loaded.serve([tf.constant(a), tf.constant(b, tf.int64), tf.constant(c)])]


def test_tensorflow_serves_keras_lookup_layers_exported_on_eagerflow(tmp_path):
    want = _export_keras_lookups(str(tmp_path / "ef"), on_eagerflow=True)
    assert os.listdir(tmp_path / "ef" / "assets") == ["colors.txt"]
    assert _serve(tensorflow, str(tmp_path / "ef")) == want


def test_eagerflow_serves_keras_lookup_layers_exported_on_tensorflow(tmp_path):
    want = _export_keras_lookups(str(tmp_path / "tf"), on_eagerflow=False)
    assert _serve(eagerflow, str(tmp_path / "tf")) == want


# --- tf.saved_model.Asset captured by functions ---
def _asset_module(tf, vocab_file):
    module = tf.Module()
    module.vocab = tf.saved_model.Asset(vocab_file)
    module.read = tf.function(lambda: tf.io.read_file(module.vocab.asset_path), input_signature=[])
    return module


@pytest.mark.parametrize("saver, loader", [(eagerflow, tensorflow), (tensorflow, eagerflow)])
def test_asset_crosses(tmp_path, vocab_file, saver, loader):
    path = str(tmp_path / "m")
    saver.saved_model.save(_asset_module(saver, vocab_file), path)
    os.remove(vocab_file)
    loaded = loader.saved_model.load(path)
    assert loaded.read().numpy() == b"apple\nbanana\ncherry\n"
    assert isinstance(loaded.vocab, loader.saved_model.Asset)
