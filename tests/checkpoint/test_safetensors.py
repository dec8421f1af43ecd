"""safetensors export/import with per-tensor CRC32C."""
from __future__ import annotations

import json
import struct

import ml_dtypes
import numpy as np
import pytest

from eagerflow._src.framework import errors
from helpers import ef

pytest.importorskip("safetensors")
train = ef.train


def _module():
    m = ef.Module(name="m")
    m.w = ef.Variable(np.arange(6, dtype=np.float32).reshape(2, 3))
    m.layers = [ef.Variable(np.array(2.5, ml_dtypes.bfloat16)), ef.Variable(np.array([1, 2], np.int64))]
    return m


def test_round_trip_by_name(tmp_path):
    path = str(tmp_path / "m.safetensors")
    assert train.save_safetensors(_module(), path) == ["layers/0", "layers/1", "w"]
    target = _module()
    target.w.assign(np.zeros((2, 3), np.float32))
    assert train.load_safetensors(target, path) == ["layers/0", "layers/1", "w"]
    np.testing.assert_array_equal(target.w.numpy(), np.arange(6).reshape(2, 3))
    arrays = train.read_safetensors(path)
    assert arrays["layers/0"].shape == () and arrays["layers/0"].dtype == ml_dtypes.bfloat16


def test_checkpoint_names_and_transposed_values(tmp_path):
    path = str(tmp_path / "c.safetensors")
    v = ef.Variable(np.arange(6, dtype=np.float32).reshape(2, 3))
    train.save_safetensors({"t": np.arange(6, dtype=np.float32).reshape(2, 3).T}, path)
    np.testing.assert_array_equal(train.read_safetensors(path)["t"], np.arange(6).reshape(2, 3).T)
    train.save_safetensors(train.Checkpoint(model=_module(), v=v), path)
    assert sorted(train.read_safetensors(path)) == ["model/layers/0", "model/layers/1", "model/w", "v"]


def test_complex128_and_float8_refused(tmp_path):
    with pytest.raises(errors.InvalidArgumentError, match="complex128"):
        train.save_safetensors({"c": np.array([1j])}, str(tmp_path / "x"))
    with pytest.raises(errors.InvalidArgumentError, match="float8"):
        train.save_safetensors({"f": np.zeros(2, ml_dtypes.float8_e4m3fn)}, str(tmp_path / "x"))


def test_float8_file_refused_on_load(tmp_path):
    import safetensors.numpy

    path = str(tmp_path / "f8.safetensors")
    safetensors.numpy.save_file({"f": np.zeros(2, ml_dtypes.float8_e4m3fn)}, path)
    with pytest.raises(errors.UnimplementedError, match="F8_E4M3"):
        train.read_safetensors(path)


def test_flipped_data_byte_raises_data_loss_and_changes_nothing(tmp_path):
    path = tmp_path / "m.safetensors"
    train.save_safetensors(_module(), str(path))
    data = bytearray(path.read_bytes())
    data[-1] ^= 0x01
    path.write_bytes(bytes(data))
    target = _module()
    target.w.assign(np.zeros((2, 3), np.float32))
    with pytest.raises(errors.DataLossError, match="Checksum does not match"):
        train.load_safetensors(target, str(path))
    np.testing.assert_array_equal(target.w.numpy(), np.zeros((2, 3)))


@pytest.mark.parametrize("cut", [0, 4, 9, 40])
def test_truncated_file_raises_data_loss(tmp_path, cut):
    path = tmp_path / "m.safetensors"
    train.save_safetensors(_module(), str(path))
    path.write_bytes(path.read_bytes()[:cut])
    with pytest.raises(errors.DataLossError):
        train.read_safetensors(str(path))


def test_hostile_header_length(tmp_path):
    path = tmp_path / "h.safetensors"
    path.write_bytes(struct.pack("<Q", 1 << 60) + b"{}")
    with pytest.raises(errors.DataLossError, match="header length"):
        train.read_safetensors(str(path))
    header = json.dumps({"x": {"dtype": "F32", "shape": [1 << 40], "data_offsets": [0, 4]}}).encode()
    path.write_bytes(struct.pack("<Q", len(header)) + header + b"\0" * 4)
    with pytest.raises(errors.DataLossError):
        train.read_safetensors(str(path))


def test_strict_load_reports_missing_and_unexpected(tmp_path):
    path = str(tmp_path / "m.safetensors")
    train.save_safetensors({"a": np.zeros(2, np.float32)}, path)
    with pytest.raises(errors.NotFoundError, match="b"):
        train.load_safetensors({"a": ef.Variable(np.ones(2, np.float32)), "b": ef.Variable(1.0)}, path)
    target = {"b": ef.Variable(1.0)}
    assert train.load_safetensors(target, path, strict=False) == []


def test_shape_mismatch_changes_nothing(tmp_path):
    path = str(tmp_path / "m.safetensors")
    train.save_safetensors({"a": np.zeros(2, np.float32), "b": np.zeros(3, np.float32)}, path)
    a, b = ef.Variable(np.ones(2, np.float32)), ef.Variable(np.ones(4, np.float32))
    with pytest.raises(ValueError, match="incompatible tensor"):
        train.load_safetensors({"a": a, "b": b}, path)
    np.testing.assert_array_equal(a.numpy(), [1, 1])
