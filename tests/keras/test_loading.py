"""tf.keras: upstream Keras 3 on eagerflow, loaded on first access, never a real TensorFlow."""
import subprocess
import sys

import eagerflow as tf


def _run(*args: str) -> str:
    result = subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_import_eagerflow_loads_nothing_of_keras():
    out = _run("-c", "import sys, eagerflow; print(sorted(m for m in sys.modules if m.split('.')[0] == 'keras'))")
    assert out.strip() == "[]"


def test_tf_keras_is_keras_tf_api_on_eagerflow_backend():
    keras = tf.keras
    assert keras.__name__ == "keras._tf_keras.keras"
    assert keras.backend.backend() == "tensorflow"
    assert sys.modules["tensorflow"] is tf


def test_tf_keras_submodule_import_is_the_same_module():
    import eagerflow.keras.layers as layers

    assert layers is tf.keras.layers
    assert tf.keras.layers.Dense is sys.modules["keras"].layers.Dense


def test_missing_keras_raises_import_error_naming_the_extra():
    code = ("import sys; sys.modules['keras'] = None\n"
            "import eagerflow as tf\n"
            "try:\n    tf.keras\nexcept ImportError as e:\n    print(e)\n")
    assert "pip install 'eagerflow[keras]'" in _run("-c", code)


def test_import_keras_under_eagerflow_run(tmp_path):
    script = tmp_path / "script.py"
    script.write_text(
        "import keras\n"
        "import tensorflow as tf\n"
        "from tensorflow import keras as tk\n"
        "from tensorflow.keras import layers\n"
        "import eagerflow\n"
        "assert tf is eagerflow and keras.backend.backend() == 'tensorflow'\n"
        "assert layers.Dense is keras.layers.Dense and tk.Model is keras.Model\n"
        "print(keras.layers.Dense(2)(tf.ones([1, 3])).shape)\n")
    assert _run("-m", "eagerflow", "run", str(script)).strip() == "(1, 2)"
