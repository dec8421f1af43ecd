"""Helpers shared by the checkpoint format tests: fixture paths, TF's values, a TF Python."""
from __future__ import annotations

import importlib.util
import os
import shutil
import sys

DATA = os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, "data")
TF_CHECKPOINTS = os.path.join(DATA, "tf_checkpoints")


def _load_fixture_module():
    spec = importlib.util.spec_from_file_location("make_tf_checkpoints", os.path.join(DATA, "make_tf_checkpoints.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


fixtures = _load_fixture_module()


def fixture_prefix(name: str) -> str:
    return os.path.join(TF_CHECKPOINTS, name, "ckpt")


def copy_fixture(name: str, directory: str) -> str:
    """Copies fixture `name` into `directory`; returns the copy's prefix."""
    source = os.path.join(TF_CHECKPOINTS, name)
    for file_name in os.listdir(source):
        shutil.copy(os.path.join(source, file_name), directory)
    return os.path.join(directory, "ckpt")


def tensorflow_python() -> str | None:
    """A Python that can import tensorflow: this one, $EAGERFLOW_TF_PYTHON, or .venv-compat."""
    spec = importlib.util.find_spec("tensorflow")
    if spec is not None and spec.origin is not None and "eagerflow" not in spec.origin:
        return sys.executable  # the real TensorFlow (not eagerflow's `tensorflow` alias)
    candidates = [os.environ.get("EAGERFLOW_TF_PYTHON"),
                  os.path.join(DATA, os.pardir, os.pardir, ".venv-compat", "bin", "python")]
    for candidate in candidates:
        if candidate and os.path.exists(candidate):
            return os.path.abspath(candidate)
    return None
