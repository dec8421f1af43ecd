"""tf.train.CheckpointManager and the `checkpoint` state file."""
from __future__ import annotations

import os

import numpy as np
import pytest

from eagerflow._src.checkpoint import state as state_lib
from helpers import ef

train = ef.train


def _manager(tmp_path, **kwargs):
    value = ef.Variable(np.zeros(2, np.float32))
    return value, train.CheckpointManager(train.Checkpoint(value=value), str(tmp_path), **kwargs)


def test_max_to_keep_deletes_oldest(tmp_path):
    value, manager = _manager(tmp_path, max_to_keep=2)
    for step in range(1, 4):
        value.assign([step, step])
        assert manager.save() == str(tmp_path / f"ckpt-{step}")
    assert manager.checkpoints == [str(tmp_path / "ckpt-2"), str(tmp_path / "ckpt-3")]
    assert sorted(os.listdir(tmp_path)) == ["checkpoint", "ckpt-2.data-00000-of-00001", "ckpt-2.index",
                                            "ckpt-3.data-00000-of-00001", "ckpt-3.index"]
    state = train.get_checkpoint_state(str(tmp_path))
    assert state.all_model_checkpoint_paths == manager.checkpoints
    assert len(state.all_model_checkpoint_timestamps) == 2


def test_max_to_keep_must_be_positive(tmp_path):
    with pytest.raises(ValueError, match="Expected a positive integer or `None` for `max_to_keep`, got 0."):
        _manager(tmp_path, max_to_keep=0)


def test_checkpoint_name_and_number(tmp_path):
    _, manager = _manager(tmp_path, max_to_keep=None, checkpoint_name="model")
    assert manager.save(checkpoint_number=42) == str(tmp_path / "model-42")
    assert manager.latest_checkpoint == str(tmp_path / "model-42")


def test_checkpoint_interval_skips_saves(tmp_path):
    step = ef.Variable(0, dtype=ef.int64)
    value = ef.Variable(1.0)
    with pytest.raises(ValueError, match="`step_counter` should be passed"):
        train.CheckpointManager(train.Checkpoint(v=value), str(tmp_path), 3, checkpoint_interval=2)
    manager = train.CheckpointManager(train.Checkpoint(v=value), str(tmp_path), 3, step_counter=step,
                                      checkpoint_interval=2)
    saved = []
    for i in range(5):
        step.assign(i)
        saved.append(manager.save() is not None)
    assert saved == [True, False, True, False, True]


def test_keep_checkpoint_every_n_hours_preserves(tmp_path, monkeypatch):
    import time

    clock = [1000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    _, manager = _manager(tmp_path, max_to_keep=1, keep_checkpoint_every_n_hours=1)
    for _ in range(3):
        clock[0] += 1800
        manager.save()
    # Start at 999; ckpt-1 (t=2800) is < 1 h later: deleted; ckpt-2 (t=4600) is >= 1 h: preserved.
    assert not (tmp_path / "ckpt-1.index").exists() and (tmp_path / "ckpt-2.index").exists()
    assert manager.checkpoints == [str(tmp_path / "ckpt-3")]


def test_restore_or_initialize(tmp_path):
    calls = []
    value = ef.Variable(0.0)
    manager = train.CheckpointManager(train.Checkpoint(v=value), str(tmp_path), 2, init_fn=lambda: calls.append(1))
    assert manager.restore_or_initialize() is None and calls == [1]
    value.assign(5.0)
    path = manager.save()
    value.assign(0.0)
    again = train.CheckpointManager(train.Checkpoint(v=value), str(tmp_path), 2)
    assert again.restore_or_initialize() == path and float(value.numpy()) == 5.0


def test_state_text_round_trip_and_escaping():
    state = state_lib.CheckpointState('we"ird\n/ckpt-1', ["a", 'we"ird\n/ckpt-1'], [1.5, 2.0], 0.25)
    text = state_lib.to_text(state)
    assert 'model_checkpoint_path: "we\\"ird\\n/ckpt-1"' in text
    assert "all_model_checkpoint_timestamps: 2.0\n" in text
    assert state_lib.from_text(text) == state


@pytest.mark.parametrize("text", ["garbage", 'model_checkpoint_path: "unterminated', "unknown_field: 1",
                                  'model_checkpoint_path: "a"\nall_model_checkpoint_timestamps: x'])
def test_corrupt_state_file_is_ignored(tmp_path, text):
    (tmp_path / "checkpoint").write_text(text)
    assert train.get_checkpoint_state(str(tmp_path)) is None
    assert train.latest_checkpoint(str(tmp_path)) is None


def test_latest_checkpoint_needs_the_index(tmp_path):
    (tmp_path / "checkpoint").write_text('model_checkpoint_path: "ckpt-9"\n')
    assert train.latest_checkpoint(str(tmp_path)) is None
    assert train.latest_checkpoint(str(tmp_path / "missing")) is None


def test_load_checkpoint_of_empty_directory_raises(tmp_path):
    with pytest.raises(ValueError, match="Couldn't find 'checkpoint' file"):
        train.load_checkpoint(str(tmp_path))
