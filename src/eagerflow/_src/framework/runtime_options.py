"""Runtime switches TF exposes under `tf.config.optimizer` and `tf.config.experimental` that
eagerflow records but that change nothing it computes: XLA auto-clustering, Grappler's options,
TensorFloat-32, op determinism, the device policy, synchronous execution, the MLIR bridge.

eagerflow's kernels are deterministic and run synchronously in float32 (no TF32) already; the
getters return what was set, with TF's defaults, so code that saves and restores them works.
"""
from __future__ import annotations

from typing import Any

_DEVICE_POLICIES = ("silent", "silent_for_int32", "warn", "explicit")

_state: dict[str, Any] = {
    "jit": "", "experimental_options": {}, "tensor_float_32": True, "determinism": False,
    "device_policy": "silent", "synchronous": True, "mlir_bridge": None,
}


def get_jit() -> str:
    """The XLA JIT setting: "" (off), or "autoclustering" once enabled (`tf.config.optimizer.get_jit`)."""
    return _state["jit"]


def set_jit(enabled: Any) -> None:
    """Turns XLA auto-clustering on or off (recorded: eagerflow has no XLA)."""
    _state["jit"] = "autoclustering" if enabled else ""


def get_experimental_options() -> dict[str, Any]:
    """Grappler's options as set, with TF's two defaults (`tf.config.optimizer.get_experimental_options`)."""
    options = dict(_state["experimental_options"])
    options.setdefault("disable_model_pruning", False)
    options.setdefault("disable_meta_optimizer", False)
    return options


def set_experimental_options(options: dict[str, Any]) -> None:
    """Records Grappler's options (`tf.config.optimizer.set_experimental_options`)."""
    _state["experimental_options"].update(options)


def enable_op_determinism() -> None:
    """Requests deterministic ops: eagerflow's ops already are (`tf.config.experimental.enable_op_determinism`)."""
    _state["determinism"] = True


def is_op_determinism_enabled() -> bool:
    """Whether `enable_op_determinism` was called (TF's `config.is_op_determinism_enabled`)."""
    return _state["determinism"]


def enable_tensor_float_32_execution(enabled: bool) -> None:
    """Records whether TensorFloat-32 may be used (eagerflow computes float32 in float32)."""
    _state["tensor_float_32"] = bool(enabled)


def tensor_float_32_execution_enabled() -> bool:
    """Whether TensorFloat-32 is allowed (TF's default: True)."""
    return _state["tensor_float_32"]


def get_device_policy() -> str:
    """The device placement policy name (TF's default: "silent")."""
    return _state["device_policy"]


def set_device_policy(device_policy: str | None) -> None:
    """Records the device placement policy: "silent" (None), "silent_for_int32", "warn" or "explicit"."""
    if device_policy is None:
        device_policy = "silent"
    if device_policy not in _DEVICE_POLICIES:
        raise ValueError(f"Invalid argument `device_policy`: {device_policy!r}. Please refer to "
                         "https://www.tensorflow.org/api_docs/python/tf/config/experimental/set_device_policy "
                         "for valid `device_policy` arguments.")
    _state["device_policy"] = device_policy


def get_synchronous_execution() -> bool:
    """Whether ops run synchronously (always, in eagerflow)."""
    return _state["synchronous"]


def set_synchronous_execution(enable: bool) -> None:
    """Records the setting; eagerflow's ops always finish before returning."""
    _state["synchronous"] = bool(enable)


def enable_mlir_bridge() -> None:
    """Records that the MLIR bridge was requested (eagerflow compiles nothing through MLIR)."""
    _state["mlir_bridge"] = True


def disable_mlir_bridge() -> None:
    """Records that the MLIR bridge was turned off."""
    _state["mlir_bridge"] = False


def get_memory_usage(device: str) -> int:
    """Bytes in use on `device` (TF's deprecated spelling of `get_memory_info(device)['current']`)."""
    from eagerflow._src.framework.devices import get_memory_info

    return get_memory_info(device)["current"]
