"""`tf.distribute.TPUStrategy`: eagerflow runs on CPUs and CUDA GPUs, so no TPU strategy can be
created; the class exists for the `isinstance` checks libraries make."""
from __future__ import annotations

from typing import Any

from eagerflow._src.distribute.strategy import Strategy


class TPUStrategy(Strategy):
    """Synchronous training on TPUs (TF's TPUStrategy); there are no TPUs here."""

    def __init__(self, tpu_cluster_resolver: Any = None, experimental_device_assignment: Any = None,
                 experimental_spmd_xla_partitioning: bool = False) -> None:
        raise ValueError("TPUStrategy needs TPU devices; eagerflow has CPU and GPU devices only.")
