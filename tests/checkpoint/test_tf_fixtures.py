"""Restoring checkpoints written by TensorFlow 2.21 (tests/data/make_tf_train_checkpoints.py)."""
from __future__ import annotations

import os

import numpy as np
import pytest

from eagerflow._src.checkpoint.graph import ObjectGraph
from helpers import ef, fixture, make_fixtures

train = ef.train


def _expected(name: str) -> dict[str, np.ndarray]:
    with np.load(fixture(name, "expected.npz")) as data:
        return {key.replace("|", "/"): data[key] for key in data.files if data[key].dtype.kind != "S"}


def _check_values(root, expected: dict[str, np.ndarray]) -> None:
    keys = {key: variable for _, key, variable in ObjectGraph(root).variables()}
    assert set(keys) == set(expected) - {"_CHECKPOINTABLE_OBJECT_GRAPH"}
    for key, variable in keys.items():
        _same_value(variable.numpy(), expected[key], key)


def _same_value(ours: np.ndarray, theirs: np.ndarray, key: str) -> None:
    """Same shape, same item size and the same bytes (npz keeps bfloat16 as raw 2-byte voids)."""
    ours = np.asarray(ours)
    assert ours.shape == theirs.shape and ours.dtype.itemsize == theirs.dtype.itemsize, key
    assert ours.tobytes() == theirs.tobytes(), key


def _same_bytes(prefix_a: str, prefix_b: str) -> None:
    for suffix in (".index", ".data-00000-of-00001"):
        with open(prefix_a + suffix, "rb") as a, open(prefix_b + suffix, "rb") as b:
            assert a.read() == b.read(), suffix


@pytest.mark.parametrize("name,optimizer,prefix", [("adam", "adam", "ckpt-1"), ("sgd", "sgd", "ckpt")])
def test_restore_tf_module_and_keras_optimizer(name, optimizer, prefix):
    model, opt = make_fixtures.build(ef, optimizer)
    checkpoint = train.Checkpoint(model=model, optimizer=opt)
    # restore() creates save_counter, which a write() checkpoint lacks (as in TF): read() there.
    load = checkpoint.restore if name == "adam" else checkpoint.read
    load(fixture(name, prefix)).assert_consumed()
    _check_values(checkpoint, _expected(name))


def test_restore_of_write_checkpoint_leaves_save_counter_unmatched():
    model, opt = make_fixtures.build(ef, "sgd")
    status = train.Checkpoint(model=model, optimizer=opt).restore(fixture("sgd", "ckpt"))
    status.assert_nontrivial_match()
    with pytest.raises(AssertionError, match="save_counter"):
        status.assert_consumed()


@pytest.mark.parametrize("name,optimizer,prefix", [("adam", "adam", "ckpt-1"), ("sgd", "sgd", "ckpt")])
def test_rewrite_of_tf_checkpoint_is_byte_identical(tmp_path, name, optimizer, prefix):
    model, opt = make_fixtures.build(ef, optimizer)
    checkpoint = train.Checkpoint(model=model, optimizer=opt)
    (checkpoint.restore if name == "adam" else checkpoint.read)(fixture(name, prefix)).assert_consumed()
    out = checkpoint.write(str(tmp_path / "ours"))
    _same_bytes(out, fixture(name, prefix))


def test_restored_optimizer_continues_training():
    model, opt = make_fixtures.build(ef, "adam")
    train.Checkpoint(model=model, optimizer=opt).restore(fixture("adam", "ckpt-1")).assert_consumed()
    assert int(opt.iterations.numpy()) == 1
    make_fixtures.train_step(ef, model, opt)
    assert int(opt.iterations.numpy()) == 2


def test_restore_structures_dtypes_and_escaped_names(tmp_path):
    checkpoint = make_fixtures.build_structures(ef)
    checkpoint.read(fixture("structures", "ckpt")).assert_consumed()
    expected = _expected("structures")
    assert "holder/table/a.Sb/.ATTRIBUTES/VARIABLE_VALUE" in expected
    assert "holder/table/x..y/.ATTRIBUTES/VARIABLE_VALUE" in expected
    keys = {key: v for _, key, v in ObjectGraph(checkpoint).variables()}
    for key, value in expected.items():
        if key == "_CHECKPOINTABLE_OBJECT_GRAPH" or key.endswith("text/.ATTRIBUTES/VARIABLE_VALUE"):
            continue
        _same_value(keys[key].numpy(), value, key)
    assert checkpoint.holder.text.numpy() == b"bytes \x00 value"
    out = checkpoint.write(str(tmp_path / "ours"))
    _same_bytes(out, fixture("structures", "ckpt"))


def test_state_file_written_by_tf_manager():
    directory = fixture("manager")
    state = train.get_checkpoint_state(directory)
    assert state.model_checkpoint_path == os.path.join(directory, "ckpt-3")
    assert state.all_model_checkpoint_paths == [os.path.join(directory, f"ckpt-{i}") for i in (2, 3)]
    assert len(state.all_model_checkpoint_timestamps) == 2 and state.last_preserved_timestamp > 0
    assert train.latest_checkpoint(directory) == os.path.join(directory, "ckpt-3")
    value = ef.Variable(np.zeros(3, np.float32))
    train.Checkpoint(value=value).restore(train.latest_checkpoint(directory)).assert_consumed()
    np.testing.assert_array_equal(value.numpy(), [3, 3, 3])


def test_manager_takes_over_tf_state(tmp_path):
    import shutil

    directory = tmp_path / "m"
    shutil.copytree(fixture("manager"), directory)
    value = ef.Variable(np.zeros(3, np.float32))
    manager = train.CheckpointManager(train.Checkpoint(value=value), str(directory), max_to_keep=2)
    assert manager.latest_checkpoint == str(directory / "ckpt-3")
    assert manager.checkpoints == [str(directory / "ckpt-2"), str(directory / "ckpt-3")]
    assert manager.restore_or_initialize() == str(directory / "ckpt-3")
    assert manager.save() == str(directory / "ckpt-4")
    assert not (directory / "ckpt-2.index").exists()
    assert manager.checkpoints == [str(directory / "ckpt-3"), str(directory / "ckpt-4")]


def test_list_variables_and_reader_of_tf_checkpoint():
    prefix = fixture("adam", "ckpt-1")
    names = [name for name, _ in train.list_variables(prefix)]
    assert names == sorted(names) and "save_counter/.ATTRIBUTES/VARIABLE_VALUE" in names
    reader = train.load_checkpoint(fixture("adam"))
    shapes = reader.get_variable_to_shape_map()
    assert shapes["optimizer/_trainable_variables/1/.ATTRIBUTES/VARIABLE_VALUE"] == [4]
    assert reader.get_variable_to_dtype_map()["optimizer/_iterations/.ATTRIBUTES/VARIABLE_VALUE"] == ef.int64
    assert isinstance(reader.get_tensor("_CHECKPOINTABLE_OBJECT_GRAPH"), bytes)
