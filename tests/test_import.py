"""`import eagerflow` stays light: no optional dependency is imported."""
import subprocess
import sys

OPTIONAL = ("cupy", "mpi4py", "safetensors", "google.protobuf", "google_crc32c", "tqdm", "scipy", "tensorflow", "torch",
            "ml_dtypes", "keras", "concurrent.futures", "threading_pool")
# What `import eagerflow` may load besides the standard library: NumPy and eagerflow itself.
ALLOWED_TOP_LEVEL = {"numpy", "eagerflow"}


def test_import_loads_no_optional_dependency():
    code = ("import sys, eagerflow\n"
            f"print(','.join(m for m in {OPTIONAL!r} if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == ""


def test_import_loads_only_numpy_besides_the_standard_library():
    code = ("import sys\nbefore = set(sys.modules)\nimport eagerflow\n"
            "print(sorted({m.split('.')[0] for m in set(sys.modules) - before}))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(eval(run.stdout))  # noqa: S307 - our own subprocess's printed list
    third_party = {m for m in loaded if m not in sys.stdlib_module_names and not m.startswith("_")}
    assert third_party <= ALLOWED_TOP_LEVEL, third_party - ALLOWED_TOP_LEVEL


def test_bfloat16_loads_ml_dtypes_on_first_use():
    code = ("import sys, eagerflow as tf\nprint('ml_dtypes' in sys.modules)\n"
            "t = tf.constant([1.5], tf.bfloat16)\nprint('ml_dtypes' in sys.modules, t.dtype, t.numpy().dtype)")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["False", "True", "<dtype:", "'bfloat16'>", "bfloat16"]


def test_python_m_eagerflow_run_aliases_tensorflow(tmp_path):
    script = tmp_path / "script.py"
    script.write_text("import sys\nimport tensorflow as tf\nprint(tf.__name__, tf.constant([1, 2]) * 2, sys.argv[1:])\n")
    run = subprocess.run([sys.executable, "-m", "eagerflow", "run", str(script), "--flag", "x"],
                         capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "eagerflow tf.Tensor([2 4], shape=(2,), dtype=int32) ['--flag', 'x']"


def test_run_script_sees_stable_namespaces_and_submodule_imports(tmp_path):
    script = tmp_path / "script.py"
    script.write_text(
        "import tensorflow as tf\n"
        "from tensorflow import nn\n"
        "import tensorflow.distribute as d\n"
        "print(tf.distribute.ReduceOp.SUM, tf.distribute.ReduceOp.MEAN, d is tf.distribute, nn is tf.nn)\n"
        "print(tf.train.Checkpoint.__name__, tf.__version__, tf.version.VERSION)\n"
        "print(type(tf.constant(1.0)).__name__, type(tf.Variable(1.0)).__name__)\n")
    run = subprocess.run([sys.executable, "-m", "eagerflow", "run", str(script)],
                         capture_output=True, text=True, check=True)
    assert run.stdout.splitlines() == ["ReduceOp.SUM ReduceOp.MEAN True True", "Checkpoint 2.21.0 2.21.0",
                                       "EagerTensor ResourceVariable"]
