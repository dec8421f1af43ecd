"""Mutated and truncated checkpoints: every failure is a clean eagerflow error, targets unchanged."""
from __future__ import annotations

import os
import shutil

import numpy as np
import pytest

from eagerflow._src.framework import errors
from helpers import ef

train = ef.train
SAVED = {"a": np.arange(12, dtype=np.float32).reshape(3, 4), "b": np.array([1, 2, 3], np.int64)}
INITIAL = {"a": np.full((3, 4), -1, np.float32), "b": np.zeros(3, np.int64)}


@pytest.fixture(scope="module")
def original(tmp_path_factory):
    directory = tmp_path_factory.mktemp("orig")
    module = ef.Module(name="m")
    module.a, module.b = ef.Variable(SAVED["a"]), [ef.Variable(SAVED["b"])]
    return train.Checkpoint(model=module).write(str(directory / "ckpt"))


def _fuzz_one(original, directory, rng) -> None:
    for suffix in (".index", ".data-00000-of-00001"):
        shutil.copy(original + suffix, str(directory / ("ckpt" + suffix)))
    target = str(directory / ("ckpt" + (".index" if rng.random() < 0.6 else ".data-00000-of-00001")))
    data = bytearray(open(target, "rb").read())
    kind = rng.integers(3)
    if kind == 0:
        data = data[:rng.integers(len(data))]
    elif kind == 1:
        for _ in range(rng.integers(1, 4)):
            data[rng.integers(len(data))] ^= 1 << int(rng.integers(8))
    else:
        data[rng.integers(len(data))] = int(rng.integers(256))
    open(target, "wb").write(bytes(data))
    module = ef.Module(name="m")
    module.a, module.b = ef.Variable(INITIAL["a"]), [ef.Variable(INITIAL["b"])]
    try:
        train.Checkpoint(model=module).read(str(directory / "ckpt"))
    except errors.OpError:
        expected = INITIAL
    else:
        expected = SAVED  # a mutation that changed nothing read (e.g. same byte written back)
    np.testing.assert_array_equal(module.a.numpy(), expected["a"])
    np.testing.assert_array_equal(module.b[0].numpy(), expected["b"])


def _run(original, tmp_path, cases, seed):
    rng = np.random.default_rng(seed)
    for _ in range(cases):
        _fuzz_one(original, tmp_path, rng)


def test_fuzz_mutations_fail_cleanly(original, tmp_path):
    _run(original, tmp_path, 300, 0)


@pytest.mark.slow
def test_fuzz_mutations_fail_cleanly_many(original, tmp_path):
    _run(original, tmp_path, 5000, 1)


def test_missing_data_file_is_not_found(original, tmp_path):
    shutil.copy(original + ".index", str(tmp_path / "ckpt.index"))
    v = ef.Variable(INITIAL["a"])
    module = ef.Module(name="m")
    module.a, module.b = v, [ef.Variable(INITIAL["b"])]
    with pytest.raises(errors.NotFoundError):
        train.Checkpoint(model=module).read(str(tmp_path / "ckpt"))
    np.testing.assert_array_equal(v.numpy(), INITIAL["a"])
    assert os.path.exists(tmp_path / "ckpt.index")
