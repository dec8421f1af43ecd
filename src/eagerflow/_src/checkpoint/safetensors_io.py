"""safetensors export and import of variables by name, with a CRC32C per tensor.

Names are the object-graph paths a TF checkpoint uses, without the attribute suffix
(`layers/0/w` for `module.layers[0].w`; `model/layers/0/w` through a Checkpoint), or the
keys of a dict passed in. safetensors itself has no checksum: each tensor's CRC32C is
stored in the file's metadata as `crc32c/<name>` (8 hex digits) and verified on load.

`safetensors` is an optional dependency, imported when these functions are called.
"""
from __future__ import annotations

import json
import os
import secrets
import struct
from typing import Any

import numpy as np

from eagerflow._src.checkpoint import graph as graph_lib
from eagerflow._src.checkpoint.formats.table import crc32c
from eagerflow._src.framework import errors
from eagerflow._src.variables import Variable

CHECKSUM_PREFIX = "crc32c/"
_MAX_HEADER = 100 << 20  # safetensors' own limit on the JSON header
# dtypes safetensors' NumPy API cannot hold, or saves but cannot load.
_REFUSED_KINDS = {np.dtype(np.complex128): "complex128"}
_FLOAT8_TAGS = ("F8_E5M2", "F8_E4M3", "F8_E4M3FN", "F8_E4M3FNUZ", "F8_E5M2FNUZ", "F8_E8M0")


def _safetensors_numpy() -> Any:
    try:
        import safetensors.numpy
    except ImportError:
        raise ImportError("safetensors files need the optional `safetensors` package: "
                          "pip install 'eagerflow[safetensors]'") from None
    return safetensors.numpy


def named_variables(obj: Any) -> dict[str, Any]:
    """Name -> variable (or array) for a module, checkpoint, or dict of variables/arrays."""
    if isinstance(obj, dict) and all(isinstance(k, str) for k in obj) and not any(
            isinstance(v, (dict, list, tuple)) for v in obj.values()):
        return dict(obj)
    graph = graph_lib.ObjectGraph(obj)
    return {graph_lib.object_path_key(graph.paths[i]): variable for i, _, variable in graph.variables()}


def _as_array(name: str, value: Any) -> np.ndarray:
    array = value.numpy() if isinstance(value, Variable) else np.asarray(value)
    array = np.asarray(array, order="C")  # not ascontiguousarray: that makes 0-d arrays 1-d
    if array.dtype in _REFUSED_KINDS:
        raise errors.InvalidArgumentError(
            None, None, f"safetensors cannot hold {_REFUSED_KINDS[array.dtype]} (tensor {name}); "
                        "use a TF checkpoint (tf.train.Checkpoint) instead")
    if array.dtype.kind in "OSU":
        raise errors.InvalidArgumentError(None, None, f"safetensors cannot hold string tensors (tensor {name})")
    if array.dtype.name.startswith("float8"):
        raise errors.InvalidArgumentError(
            None, None, f"safetensors' NumPy API cannot load {array.dtype.name} (tensor {name}); "
                        "use a TF checkpoint (tf.train.Checkpoint) instead")
    return array


def save_safetensors(obj: Any, path: str | os.PathLike, metadata: dict[str, str] | None = None) -> list[str]:
    """Writes the variables of `obj` to the safetensors file `path`, with a CRC32C each.

    Args:
      obj: a `tf.Module`, a `tf.train.Checkpoint` (or any trackable), or a dict of
        name -> variable or array.
      path: the file to write; written under a temporary name, fsynced, then renamed.
      metadata: extra str -> str metadata to store.

    Returns:
      The tensor names written, sorted.

    Raises:
      InvalidArgumentError: a dtype safetensors cannot hold (complex128, float8, strings).
    """
    st = _safetensors_numpy()
    path = os.fspath(path)
    arrays = {name: _as_array(name, value) for name, value in named_variables(obj).items()}
    meta = dict(metadata or {})
    for name, array in arrays.items():
        meta[CHECKSUM_PREFIX + name] = f"{crc32c(array.reshape(-1).view(np.uint8)):08x}"
    directory = os.path.dirname(path)
    if directory:
        os.makedirs(directory, exist_ok=True)
    tmp = f"{path}.tmp{secrets.token_hex(8)}"
    try:
        st.save_file(arrays, tmp, metadata=meta)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # safetensors creates 0600 files
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return sorted(arrays)


def _read_header(path: str) -> tuple[dict, dict]:
    """Parses the JSON header (bounds-checked); returns (tensor infos, metadata)."""
    try:
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            head = f.read(8)
            if len(head) < 8:
                raise errors.DataLossError(None, None, f"{path}: not a safetensors file (too short)")
            (length,) = struct.unpack("<Q", head)
            if length > _MAX_HEADER or length > size - 8:
                raise errors.DataLossError(None, None, f"{path}: invalid safetensors header length {length}")
            header = json.loads(f.read(length).decode("utf-8"))
    except FileNotFoundError:
        raise errors.NotFoundError(None, None, f"No such file: {path}") from None
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise errors.DataLossError(None, None, f"{path}: invalid safetensors header: {exc}") from None
    if not isinstance(header, dict):
        raise errors.DataLossError(None, None, f"{path}: invalid safetensors header")
    metadata = header.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict):
        raise errors.DataLossError(None, None, f"{path}: invalid safetensors metadata")
    for name, info in header.items():
        dtype = info.get("dtype") if isinstance(info, dict) else None
        if dtype in _FLOAT8_TAGS:
            raise errors.UnimplementedError(
                None, None, f"{path}: tensor {name} has dtype {dtype}, which safetensors' NumPy API cannot load")
    return header, metadata


def read_safetensors(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Reads every tensor of a safetensors file, verifying stored CRC32C checksums.

    Raises:
      NotFoundError: no such file.
      DataLossError: a corrupt file or a checksum mismatch.
      UnimplementedError: a float8 tensor.
    """
    st = _safetensors_numpy()
    path = os.fspath(path)
    _, metadata = _read_header(path)
    try:
        from safetensors import SafetensorError
    except ImportError:  # older releases
        SafetensorError = Exception  # noqa: N806
    try:
        arrays = st.load_file(path)
    except (SafetensorError, ValueError, TypeError, OSError) as exc:
        raise errors.DataLossError(None, None, f"{path}: cannot read safetensors file: {exc}") from None
    for name, array in arrays.items():
        stored = metadata.get(CHECKSUM_PREFIX + name)
        if stored is None:
            continue  # written by another tool: nothing to verify
        actual = f"{crc32c(np.asarray(array, order='C').reshape(-1).view(np.uint8)):08x}"
        if stored != actual:
            raise errors.DataLossError(
                None, None, f"Checksum does not match for tensor {name} in {path}: stored {stored} vs. "
                            f"calculated {actual}")
    return arrays


def load_safetensors(obj: Any, path: str | os.PathLike, strict: bool = True) -> list[str]:
    """Assigns the tensors of a safetensors file to the variables of `obj`, by name.

    Every tensor is read and verified, and every matched variable's dtype and shape is
    checked, before any variable is assigned: a failed load changes nothing.

    Args:
      obj: a `tf.Module`, a `tf.train.Checkpoint` (or any trackable), or a dict of
        name -> variable.
      path: the safetensors file.
      strict: require the file's names and the variables' names to be the same set.

    Returns:
      The names assigned, sorted.

    Raises:
      NotFoundError: (strict) a variable has no tensor in the file.
      InvalidArgumentError: (strict) the file holds a tensor no variable takes, or a dtype
        mismatch.
      ValueError: a shape mismatch.
      DataLossError: a corrupt file or checksum mismatch.
    """
    targets = {name: v for name, v in named_variables(obj).items() if isinstance(v, Variable)}
    arrays = read_safetensors(path)
    if strict:
        missing = sorted(set(targets) - set(arrays))
        if missing:
            raise errors.NotFoundError(None, None, f"Tensors not found in {os.fspath(path)}: {missing}")
        unexpected = sorted(set(arrays) - set(targets))
        if unexpected:
            raise errors.InvalidArgumentError(
                None, None, f"{os.fspath(path)} holds tensors no variable takes: {unexpected}")
    plan = []
    for name in sorted(set(targets) & set(arrays)):
        variable, array = targets[name], arrays[name]
        if array.dtype != np.dtype(variable.dtype.as_numpy_dtype):
            raise errors.InvalidArgumentError(
                None, None, f"Tensor {name}: expected dtype {variable.dtype.name} does not equal stored dtype "
                            f"{array.dtype}")
        if not variable.shape.is_compatible_with(array.shape):
            raise ValueError(f"Received incompatible tensor with shape {array.shape} when attempting to restore "
                             f"variable with shape {variable.shape} and name {variable.name}.")
        plan.append((name, variable, array))
    for _, variable, array in plan:
        variable.assign(array, read_value=False)
    return [name for name, _, _ in plan]
