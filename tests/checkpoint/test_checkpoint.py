"""tf.train.Checkpoint: object graph, save/restore, status assertions, deferred restoration, safety."""
from __future__ import annotations

import os

import numpy as np
import pytest

from eagerflow._src.checkpoint.formats import protos
from eagerflow._src.checkpoint.formats.tensor_bundle import BundleReader
from eagerflow._src.framework import errors
from helpers import ef

train = ef.train


class Net(ef.Module):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.w = ef.Variable(np.ones((2, 3), np.float32), name="w")
        self.blocks = [ef.Variable(1.0, name="a"), {"k": ef.Variable(2, dtype=ef.int64, name="k")}]


def test_save_numbers_checkpoints_and_writes_state(tmp_path):
    checkpoint = train.Checkpoint(v=ef.Variable(1.0))
    assert checkpoint.save(str(tmp_path / "ckpt")) == str(tmp_path / "ckpt-1")
    assert checkpoint.save(str(tmp_path / "ckpt")) == str(tmp_path / "ckpt-2")
    assert (tmp_path / "checkpoint").read_text() == (
        'model_checkpoint_path: "ckpt-2"\nall_model_checkpoint_paths: "ckpt-2"\n')
    assert train.latest_checkpoint(str(tmp_path)) == str(tmp_path / "ckpt-2")
    assert int(checkpoint.save_counter.numpy()) == 2


def test_keys_follow_object_paths(tmp_path):
    net = Net()
    prefix = train.Checkpoint(model=net).write(str(tmp_path / "c"))
    assert [name for name, _ in train.list_variables(prefix)] == [
        "_CHECKPOINTABLE_OBJECT_GRAPH", "model/blocks/0/.ATTRIBUTES/VARIABLE_VALUE",
        "model/blocks/1/k/.ATTRIBUTES/VARIABLE_VALUE", "model/w/.ATTRIBUTES/VARIABLE_VALUE"]
    assert "save_counter/.ATTRIBUTES/VARIABLE_VALUE" not in BundleReader(prefix)  # write() makes no counter


def test_kwargs_are_sorted_and_save_counter_last(tmp_path):
    checkpoint = train.Checkpoint(zeta=ef.Variable(1.0), alpha=ef.Variable(2.0))
    prefix = checkpoint.save(str(tmp_path / "c"))
    graph = BundleReader(prefix).object_graph()
    assert [c.local_name for c in graph.nodes[0].children] == ["alpha", "zeta", "save_counter"]


def test_round_trip_restores_values(tmp_path):
    net = Net()
    prefix = train.Checkpoint(model=net).save(str(tmp_path / "c"))
    other = Net()
    other.w.assign(np.zeros((2, 3), np.float32))
    train.Checkpoint(model=other).restore(prefix).assert_consumed()
    np.testing.assert_array_equal(other.w.numpy(), np.ones((2, 3)))
    assert int(other.blocks[1]["k"].numpy()) == 2


def test_restore_hands_the_read_buffer_to_the_variable(tmp_path):
    """A plain variable takes the freshly read array as its buffer (no second copy); tensors read
    before the restore keep their values, and later updates still write in place."""
    from eagerflow._src.ops import state_ops

    v = ef.Variable(np.arange(6, dtype=np.float32).reshape(2, 3))
    prefix = train.Checkpoint(v=v).write(str(tmp_path / "c"))
    v.assign(np.zeros((2, 3), np.float32))
    before = v.read_value()
    old_buffer = v._array
    train.Checkpoint(v=v).read(prefix).assert_consumed()
    np.testing.assert_array_equal(v.numpy(), np.arange(6).reshape(2, 3))
    np.testing.assert_array_equal(before.numpy(), np.zeros((2, 3)))
    assert v._array is not old_buffer and not np.shares_memory(v._array, before._array)
    del before, old_buffer
    assert state_ops.owns_buffer(v)
    # Without other references the old buffer could be overwritten in place; restore still
    # takes the read array rather than copying it over.
    address = v._array.__array_interface__["data"][0]
    train.Checkpoint(v=v).read(prefix).assert_consumed()
    assert v._array.__array_interface__["data"][0] != address
    address = v._array.__array_interface__["data"][0]  # no reference kept: it would force a copy
    v.assign_add(np.ones((2, 3), np.float32))
    assert v._array.__array_interface__["data"][0] == address  # in place: the buffer is the variable's
    np.testing.assert_array_equal(v.numpy(), np.arange(6).reshape(2, 3) + 1)


def test_corrupt_tensor_fails_restore_and_changes_nothing(tmp_path):
    a, b = ef.Variable(np.ones(4, np.float32)), ef.Variable(np.full(3, 2.0, np.float32))
    prefix = train.Checkpoint(a=a, b=b).write(str(tmp_path / "c"))
    data = tmp_path / "c.data-00000-of-00001"
    raw = bytearray(data.read_bytes())
    raw[-20] ^= 0xFF  # inside the last tensor written: every earlier one verifies
    data.write_bytes(bytes(raw))
    a.assign(np.zeros(4, np.float32))
    b.assign(np.zeros(3, np.float32))
    with pytest.raises(errors.DataLossError, match="Checksum does not match"):
        train.Checkpoint(a=a, b=b).read(prefix)
    np.testing.assert_array_equal(a.numpy(), np.zeros(4))
    np.testing.assert_array_equal(b.numpy(), np.zeros(3))


def test_non_trackable_kwarg_raises_tf_message():
    with pytest.raises(ValueError, match="`Checkpoint` was expecting x to be a trackable object"):
        train.Checkpoint(x=3)


def test_shape_mismatch_raises_and_changes_nothing(tmp_path):
    prefix = train.Checkpoint(a=ef.Variable([1.0, 2.0]), b=ef.Variable([5.0, 6.0])).write(str(tmp_path / "c"))
    a, b = ef.Variable([9.0, 9.0]), ef.Variable([1.0, 2.0, 3.0], name="weights")
    with pytest.raises(ValueError, match=r"Received incompatible tensor with shape \(2,\) when attempting to "
                                         r"restore variable with shape \(3,\) and name weights:0\."):
        train.Checkpoint(a=a, b=b).read(prefix)
    np.testing.assert_array_equal(a.numpy(), [9.0, 9.0])


def test_dtype_mismatch_raises_and_changes_nothing(tmp_path):
    prefix = train.Checkpoint(a=ef.Variable([1.0, 2.0]), b=ef.Variable([5.0])).write(str(tmp_path / "c"))
    a, b = ef.Variable([9.0, 9.0]), ef.Variable([1], name="b")
    with pytest.raises(errors.InvalidArgumentError, match="expected dtype int32 does not equal original dtype float"):
        train.Checkpoint(a=a, b=b).read(prefix)
    np.testing.assert_array_equal(a.numpy(), [9.0, 9.0])


def test_restore_missing_path_raises_not_found(tmp_path):
    with pytest.raises(errors.NotFoundError, match="You may be missing the checkpoint suffix"):
        train.Checkpoint(v=ef.Variable(1.0)).restore(str(tmp_path / "nothing"))


def test_restore_none_is_initialization_only():
    status = train.Checkpoint(v=ef.Variable(1.0)).restore(None)
    with pytest.raises(AssertionError, match="No checkpoint specified"):
        status.assert_consumed()


def test_assert_consumed_reports_unresolved_checkpoint_value(tmp_path):
    prefix = train.Checkpoint(a=ef.Variable(1.0), b=ef.Variable(2.0)).write(str(tmp_path / "c"))
    status = train.Checkpoint(a=ef.Variable(0.0)).read(prefix)
    status.assert_existing_objects_matched().assert_nontrivial_match()
    with pytest.raises(AssertionError, match=r"Unresolved object in checkpoint \(root\)\.b"):
        status.assert_consumed()
    assert status.expect_partial() is status


def test_assert_existing_objects_matched_reports_new_variable(tmp_path):
    prefix = train.Checkpoint(a=ef.Variable(1.0)).write(str(tmp_path / "c"))
    status = train.Checkpoint(a=ef.Variable(0.0), extra=ef.Variable(3.0)).read(prefix)
    with pytest.raises(AssertionError, match="Found 1 Python objects that were not bound"):
        status.assert_existing_objects_matched()


def test_assert_nontrivial_match_when_nothing_matches(tmp_path):
    prefix = train.Checkpoint(a=ef.Variable(1.0)).write(str(tmp_path / "c"))
    status = train.Checkpoint(zz=ef.Variable(0.0)).read(prefix)
    with pytest.raises(AssertionError, match="Nothing except the root object matched"):
        status.assert_nontrivial_match()


def test_deferred_restoration_on_attribute_assignment(tmp_path):
    net = Net()
    net.later = ef.Variable([4.0, 5.0])
    prefix = train.Checkpoint(model=net).save(str(tmp_path / "c"))
    fresh = Net()
    checkpoint = train.Checkpoint(model=fresh)
    status = checkpoint.restore(prefix)
    with pytest.raises(AssertionError):
        status.assert_consumed()
    fresh.later = ef.Variable([0.0, 0.0])
    np.testing.assert_array_equal(fresh.later.numpy(), [4.0, 5.0])
    status.assert_consumed()
    assert int(checkpoint.save_counter.numpy()) == 1


def test_deferred_restoration_of_checkpoint_attribute_and_submodule(tmp_path):
    inner = ef.Module(name="inner")
    inner.v = ef.Variable(3.0)
    prefix = train.Checkpoint(sub=inner).write(str(tmp_path / "c"))
    checkpoint = train.Checkpoint()
    checkpoint.read(prefix)
    replacement = ef.Module(name="inner")
    replacement.v = ef.Variable(0.0)
    checkpoint.sub = replacement
    assert float(replacement.v.numpy()) == 3.0


def test_optimizer_slots_restored_into_unbuilt_optimizer(tmp_path):
    w = ef.Variable([1.0, 2.0], name="w")
    opt = ef.optimizers.Adam(0.1)
    opt.apply_gradients([(ef.constant([1.0, 1.0]), w)])
    prefix = train.Checkpoint(w=w, optimizer=opt).write(str(tmp_path / "c"))
    w2 = ef.Variable([0.0, 0.0], name="w")
    opt2 = ef.optimizers.Adam(0.1)
    train.Checkpoint(w=w2, optimizer=opt2).read(prefix).assert_consumed()
    assert len(opt2.variables) == 4
    for a, b in zip(opt.variables, opt2.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_nested_checkpoint_and_shared_variable(tmp_path):
    shared = ef.Variable(1.0)
    prefix = train.Checkpoint(inner=train.Checkpoint(v=shared), alias=shared).write(str(tmp_path / "c"))
    graph = BundleReader(prefix).object_graph()
    assert len(graph.nodes) == 3  # root, alias (== inner/v), inner
    assert graph.nodes[1].attributes[0].checkpoint_key == "alias/.ATTRIBUTES/VARIABLE_VALUE"


def test_object_graph_has_checkpoint_values_flags(tmp_path):
    module = ef.Module(name="m")
    module.sizes = [1, 2]
    module.v = ef.Variable(1.0)
    prefix = train.Checkpoint(m=module).write(str(tmp_path / "c"))
    graph = BundleReader(prefix).object_graph()
    flags = {c.local_name: graph.nodes[c.node_id].has_checkpoint_values.value for c in graph.nodes[1].children}
    assert flags == {"sizes": False, "v": True}


def test_string_variable_round_trip(tmp_path):
    text = ef.Variable(b"hello")
    prefix = train.Checkpoint(t=text).write(str(tmp_path / "c"))
    other = ef.Variable(b"other")
    train.Checkpoint(t=other).read(prefix).assert_consumed()
    assert other.numpy() == b"hello"
    assert protos.OBJECT_GRAPH_PROTO_KEY in BundleReader(prefix)


def test_write_leaves_no_temporary_files(tmp_path):
    train.Checkpoint(v=ef.Variable(np.zeros(1000))).save(str(tmp_path / "c"))
    assert sorted(os.listdir(tmp_path)) == ["c-1.data-00000-of-00001", "c-1.index", "checkpoint"]


def test_progress_bar_silent_off_terminal(tmp_path, capsys):
    from eagerflow._src.checkpoint.progress import ProgressBar

    bar = ProgressBar("x", threshold=1)
    bar(10, 100)
    bar.close()
    assert bar._bar is None
    assert capsys.readouterr().err == ""


def test_progress_bar_shown_on_terminal_for_large_transfers():
    pytest.importorskip("tqdm")
    import io

    from eagerflow._src.checkpoint.progress import ProgressBar

    class Tty(io.StringIO):
        def isatty(self):
            return True

    stream = Tty()
    with ProgressBar("Saving", threshold=10, stream=stream) as bar:
        bar(50, 100)
        bar(100, 100)
    assert "Saving" in stream.getvalue()
    quiet = Tty()
    with ProgressBar("Saving", threshold=1000, stream=quiet) as bar:
        bar(100, 100)
    assert quiet.getvalue() == ""
