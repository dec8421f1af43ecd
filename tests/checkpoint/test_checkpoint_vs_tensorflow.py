"""Differential: eagerflow writes, TensorFlow 2.21 restores, and the reverse (in one process)."""
from __future__ import annotations

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")
pytestmark = pytest.mark.tensorflow

from helpers import ef, make_fixtures  # noqa: E402

from eagerflow._src.checkpoint.state import from_text, to_text, CheckpointState  # noqa: E402


def _values(module):
    return [np.asarray(v.numpy()) for v in module.variables]


def test_tensorflow_restores_eagerflow_module_and_adam(tmp_path):
    model, opt = make_fixtures.build(ef, "adam")
    make_fixtures.train_step(ef, model, opt)
    path = ef.train.Checkpoint(model=model, optimizer=opt).save(str(tmp_path / "ckpt"))
    tf_model, tf_opt = make_fixtures.build(tf, "adam")
    status = tf.train.Checkpoint(model=tf_model, optimizer=tf_opt).restore(path)
    tf_opt.build(tf_model.trainable_variables)
    status.assert_consumed()
    for ours, theirs in zip(_values(model), _values(tf_model)):
        np.testing.assert_array_equal(ours, theirs)
    assert tf.train.latest_checkpoint(str(tmp_path)) == path
    assert int(tf_opt.iterations.numpy()) == 1


def test_eagerflow_restores_tensorflow_and_rewrites_same_bytes(tmp_path):
    tf_model, tf_opt = make_fixtures.build(tf, "sgd")
    make_fixtures.train_step(tf, tf_model, tf_opt)
    path = tf.train.Checkpoint(model=tf_model, optimizer=tf_opt).save(str(tmp_path / "tf" / "ckpt"))
    model, opt = make_fixtures.build(ef, "sgd")
    checkpoint = ef.train.Checkpoint(model=model, optimizer=opt)
    checkpoint.restore(path).assert_consumed()
    for ours, theirs in zip(_values(model), _values(tf_model)):
        np.testing.assert_array_equal(ours, theirs)
    ours = checkpoint.write(str(tmp_path / "ef" / "ckpt-1"))
    for suffix in (".index", ".data-00000-of-00001"):
        assert open(ours + suffix, "rb").read() == open(path + suffix, "rb").read()


def test_structures_round_trip_both_ways(tmp_path):
    ours = make_fixtures.build_structures(ef).write(str(tmp_path / "ef"))
    theirs = make_fixtures.build_structures(tf)
    theirs.read(ours).assert_consumed()
    tf_path = theirs.write(str(tmp_path / "tf"))
    for suffix in (".index", ".data-00000-of-00001"):
        assert open(ours + suffix, "rb").read() == open(tf_path + suffix, "rb").read()


def test_tensorflow_shape_error_text_matches(tmp_path):
    path = ef.train.Checkpoint(v=ef.Variable([1.0, 2.0])).write(str(tmp_path / "c"))
    messages = []
    for lib in (tf, ef):
        try:
            lib.train.Checkpoint(v=lib.Variable([1.0, 2.0, 3.0], name="weights")).read(path)
        except ValueError as e:
            messages.append(str(e))
    assert len(messages) == 2 and messages[0] == messages[1]


def test_state_file_text_matches_tensorflow(tmp_path):
    from google.protobuf import text_format
    from tensorflow.python.checkpoint.checkpoint_management import CheckpointState as TFState

    state = CheckpointState("ckpt-3", ["ckpt-2", "ckpt-3"], [1795631305.5489147, 1.0], 1795631304.4944727)
    theirs = text_format.MessageToString(TFState(
        model_checkpoint_path=state.model_checkpoint_path, all_model_checkpoint_paths=state.all_model_checkpoint_paths,
        all_model_checkpoint_timestamps=state.all_model_checkpoint_timestamps,
        last_preserved_timestamp=state.last_preserved_timestamp))
    assert to_text(state) == theirs
    assert from_text(theirs) == state


def test_manager_interoperates(tmp_path):
    value = ef.Variable(np.zeros(3, np.float32))
    manager = ef.train.CheckpointManager(ef.train.Checkpoint(value=value), str(tmp_path), max_to_keep=2)
    for step in range(3):
        value.assign(np.full(3, step, np.float32))
        manager.save()
    tf_value = tf.Variable(np.zeros(3, np.float32))
    tf_manager = tf.train.CheckpointManager(tf.train.Checkpoint(value=tf_value), str(tmp_path), max_to_keep=2)
    assert tf_manager.checkpoints == manager.checkpoints
    tf_manager.restore_or_initialize()
    np.testing.assert_array_equal(tf_value.numpy(), [2, 2, 2])
