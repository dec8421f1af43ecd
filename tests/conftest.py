"""Shared fixtures: logical-device helpers and the `gpu` marker's skip."""
import pytest


def pytest_collection_modifyitems(config, items):
    from eagerflow.framework import devices

    has_gpu = any(d.device_type == "GPU" for d in devices.logical_devices())
    if has_gpu:
        return
    skip = pytest.mark.skip(reason="no CUDA GPU with CuPy on this machine")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)
