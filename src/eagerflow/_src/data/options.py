"""`tf.data.Options` and its sub-options, and the autotune/sharding enums."""
from __future__ import annotations

import enum
from typing import Any

AUTOTUNE = -1
INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2


class AutoShardPolicy(enum.IntEnum):
    """How a distributed dataset is split across workers (`tf.data.experimental.AutoShardPolicy`)."""

    OFF = -1
    AUTO = 0
    FILE = 1
    DATA = 2
    HINT = 3


class ExternalStatePolicy(enum.Enum):
    WARN = 0
    IGNORE = 1
    FAIL = 2


class AutotuneAlgorithm(enum.Enum):
    DEFAULT = 0
    HILL_CLIMB = 1
    GRADIENT_DESCENT = 2
    MAX_PARALLELISM = 3
    STAGE_BASED = 4


class _OptionsGroup:
    """Attributes start unset (None) and only known names may be set, as TF's options."""

    _fields: dict[str, Any] = {}

    def __init__(self) -> None:
        for name, default in self._fields.items():
            object.__setattr__(self, name, default() if callable(default) else default)

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self._fields:
            raise AttributeError(f"Cannot set the property {name} on {type(self).__name__}.")
        object.__setattr__(self, name, value)

    def __eq__(self, other: Any) -> bool:
        return type(self) is type(other) and all(
            getattr(self, n) == getattr(other, n) for n in self._fields)

    def _merge(self, other: "_OptionsGroup") -> None:
        for name in self._fields:
            mine, theirs = getattr(self, name), getattr(other, name)
            if isinstance(mine, _OptionsGroup):
                mine._merge(theirs)
            elif theirs is not None:
                object.__setattr__(self, name, theirs)


class AutotuneOptions(_OptionsGroup):
    _fields = {"enabled": None, "cpu_budget": None, "ram_budget": None, "autotune_algorithm": None}


class DistributeOptions(_OptionsGroup):
    _fields = {"auto_shard_policy": None, "num_devices": None}


class OptimizationOptions(_OptionsGroup):
    _fields = {name: None for name in (
        "apply_default_optimizations", "filter_fusion", "filter_parallelization",
        "inject_prefetch", "seq_interleave_prefetch", "map_and_batch_fusion",
        "map_and_filter_fusion", "map_fusion", "map_parallelization", "noop_elimination",
        "parallel_batch", "shuffle_and_repeat_fusion")}


class ThreadingOptions(_OptionsGroup):
    _fields = {"max_intra_op_parallelism": None, "private_threadpool_size": None}


class Options(_OptionsGroup):
    """Options for a dataset (`tf.data.Options`), applied with `Dataset.with_options`."""

    _fields = {
        "autotune": AutotuneOptions, "deterministic": None, "experimental_deterministic": None,
        "experimental_distribute": DistributeOptions, "experimental_external_state_policy": None,
        "experimental_optimization": OptimizationOptions, "experimental_slack": None,
        "experimental_symbolic_checkpoint": None, "experimental_warm_start": None,
        "threading": ThreadingOptions, "experimental_threading": None, "dataset_name": None,
        "framework_type": None,
    }

    def merge(self, options: "Options") -> "Options":
        """A new Options with `options`' set values over this one's."""
        out = Options()
        out._merge(self)
        out._merge(options)
        return out
