"""Shared test settings: the `gpu` marker's skip and hypothesis without per-example deadlines."""
import pytest
from hypothesis import settings

# Timing belongs in bench/, not in tests: a slow or busy machine must not fail an example.
settings.register_profile("eagerflow", deadline=None)
settings.load_profile("eagerflow")


def pytest_collection_modifyitems(config, items):
    from eagerflow._src.framework import devices

    has_gpu = any(d.device_type == "GPU" for d in devices.logical_devices())
    if has_gpu:
        return
    skip = pytest.mark.skip(reason="no CUDA GPU with CuPy on this machine")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)
