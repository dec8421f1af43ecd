"""`import eagerflow` stays light: no optional dependency is imported."""
import subprocess
import sys

OPTIONAL = ("cupy", "mpi4py", "safetensors", "google.protobuf", "google_crc32c", "tqdm", "scipy", "tensorflow", "torch")


def test_import_loads_no_optional_dependency():
    code = ("import sys, eagerflow\n"
            f"print(','.join(m for m in {OPTIONAL!r} if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == ""


def test_python_m_eagerflow_run_aliases_tensorflow(tmp_path):
    script = tmp_path / "script.py"
    script.write_text("import sys\nimport tensorflow as tf\nprint(tf.__name__, tf.constant([1, 2]) * 2, sys.argv[1:])\n")
    run = subprocess.run([sys.executable, "-m", "eagerflow", "run", str(script), "--flag", "x"],
                         capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "eagerflow tf.Tensor([2 4], shape=(2,), dtype=int32) ['--flag', 'x']"
