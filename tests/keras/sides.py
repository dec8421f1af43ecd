"""Runs one Keras script under real TF 2.21 + Keras and under eagerflow, each in its own process
(the `make compat` process may already hold real TF, and tf.keras refuses a Keras bound to it)."""
import json
import os
import subprocess
import sys

TENSORFLOW = "import tensorflow as tf\nimport keras\n"
EAGERFLOW = "import eagerflow as tf\nkeras = tf.keras\n"


def run(header: str, script: str) -> dict:
    """The JSON object `script` prints last, run after `header` (TENSORFLOW or EAGERFLOW)."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND="tensorflow")
    result = subprocess.run([sys.executable, "-c", header + script], capture_output=True, text=True, timeout=600,
                            env=env)
    assert result.returncode == 0, result.stderr[-4000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def both(script: str) -> tuple[dict, dict]:
    """(eagerflow's result, TF's result) of `script`."""
    return run(EAGERFLOW, script), run(TENSORFLOW, script)
