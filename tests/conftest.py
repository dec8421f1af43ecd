"""Shared test settings: the `gpu` marker's skip and hypothesis without per-example deadlines."""
import os

import pytest
from hypothesis import settings

# Timing belongs in bench/, not in tests: a slow or busy machine must not fail an example.
# `eagerflow` (the default) draws fresh examples each run; `ci` (.ci/run) draws the same examples
# every run, so a landing is judged on a fixed set and a newly found counterexample is reported by
# `make fuzz` (fresh random examples, run by hand) instead of turning an unrelated commit red.
settings.register_profile("eagerflow", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True)
settings.register_profile("fuzz", deadline=None, max_examples=500)
settings.load_profile(os.environ.get("EAGERFLOW_HYPOTHESIS_PROFILE", "eagerflow"))


def _skip_gpu_tests_without_a_gpu(items):
    from eagerflow._src.framework import devices

    has_gpu = any(d.device_type == "GPU" for d in devices.logical_devices())
    if has_gpu:
        return
    skip = pytest.mark.skip(reason="no CUDA GPU with CuPy on this machine")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)


# Whether the real TensorFlow is importable, decided before any test runs: `tf.keras` (and the
# `python -m eagerflow run` alias) make `import tensorflow` resolve to eagerflow in-process, after
# which a differential test would compare eagerflow with itself. Tests marked `tensorflow` run
# only where TensorFlow itself is installed (`make compat`).
def _real_tensorflow_importable() -> bool:
    import importlib.util
    import sys

    module = sys.modules.get("tensorflow")
    if module is not None:
        return module.__name__ == "tensorflow"
    return importlib.util.find_spec("tensorflow") is not None


REAL_TENSORFLOW = _real_tensorflow_importable()


def pytest_collection_modifyitems(config, items):
    _skip_gpu_tests_without_a_gpu(items)
    if REAL_TENSORFLOW:
        return
    skip = pytest.mark.skip(reason="TensorFlow is not installed here (differential tests run in `make compat`)")
    for item in items:
        if "tensorflow" in item.keywords:
            item.add_marker(skip)
