"""`tf.train.load_checkpoint` and `tf.train.list_variables`: reading a checkpoint by key."""
from __future__ import annotations

import os
from typing import Any

import numpy as np

from eagerflow._src.checkpoint import state as state_lib
from eagerflow._src.checkpoint.formats import protos
from eagerflow._src.checkpoint.formats.tensor_bundle import BundleReader, numpy_dtype
from eagerflow._src.framework import dtypes, proto_pool


class CheckpointReader:
    """Reads tensors from a TF checkpoint by key (TF's `CheckpointReader`).

    Args:
      prefix: the checkpoint prefix (e.g. `/tmp/ckpt/ckpt-3`).

    Raises:
      NotFoundError: no checkpoint at `prefix`.
      DataLossError: a corrupt index.
    """

    def __init__(self, prefix: str | os.PathLike) -> None:
        self._reader = BundleReader(prefix)

    def get_tensor(self, tensor_str: str) -> Any:
        """The value under `tensor_str` as NumPy (a TF string scalar comes back as bytes).

        Raises:
          NotFoundError: no such key. DataLossError: corrupt data.
        """
        value = self._reader.get_tensor(tensor_str)
        if value.dtype == object and value.shape == ():
            return value.item()
        return value

    def has_tensor(self, tensor_str: str) -> bool:
        return tensor_str in self._reader

    def get_variable_to_shape_map(self) -> dict[str, list[int]]:
        """Key -> shape as a list of ints."""
        return {key: list(shape) for key, shape in self._reader.shape_map().items()}

    def get_variable_to_dtype_map(self) -> dict[str, dtypes.DType]:
        """Key -> `tf.DType`."""
        result = {}
        for key in self._reader.keys():
            data_type = self._reader.entry(key).dtype
            result[key] = dtypes.string if data_type == proto_pool.DT_STRING else dtypes.from_numpy(
                np.dtype(numpy_dtype(data_type, key)))
        return result

    def debug_string(self) -> bytes:
        shapes = self._reader.shape_map()
        lines = []
        for key, dtype in sorted(self.get_variable_to_dtype_map().items()):
            lines.append(f"{key} ({dtype.name}) {list(shapes[key])}")
        return ("\n".join(lines) + "\n").encode()


def checkpoint_prefix(ckpt_dir_or_file: str | os.PathLike) -> str:
    """A directory's latest checkpoint (from its state file), or the prefix itself."""
    path = os.fspath(ckpt_dir_or_file)
    if os.path.isdir(path):
        latest = state_lib.latest_checkpoint(path)
        if latest is None:
            raise ValueError(f"Couldn't find 'checkpoint' file or checkpoints in given directory {path}")
        return latest
    return path


def load_checkpoint(ckpt_dir_or_file: str | os.PathLike) -> CheckpointReader:
    """`tf.train.load_checkpoint`: a reader for a checkpoint prefix or a directory's latest.

    Raises:
      ValueError: a directory with no checkpoint. NotFoundError: no such checkpoint.
    """
    return CheckpointReader(checkpoint_prefix(ckpt_dir_or_file))


def list_variables(ckpt_dir_or_file: str | os.PathLike) -> list[tuple[str, list[int]]]:
    """`tf.train.list_variables`: sorted (key, shape) pairs of a checkpoint."""
    shapes = load_checkpoint(ckpt_dir_or_file).get_variable_to_shape_map()
    return [(key, shapes[key]) for key in sorted(shapes)]


