"""Keras models saved by one of eagerflow and TF 2.21 + Keras 3.15 and loaded by the other.

`tf.train.Checkpoint` (TF's format and object graph), `Checkpoint(root=...)`,
`CheckpointManager`, `.keras` and `.weights.h5`. Each side runs in its own subprocess (one
process cannot hold both: once tf.keras is loaded `tensorflow` is eagerflow, and under
`make compat` real TF + Keras may already be loaded here): TF saves everything, eagerflow
loads that and saves its own, TF loads ours; the tests compare what each wrote down.
Tests marked `tensorflow` run under `make compat`; the others check our side alone, in process.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import eagerflow as tf

# Model definitions run on both sides (`tf`, `keras` passed in).
MODELS = textwrap.dedent('''
    import numpy as np

    KINDS = ("sequential", "functional", "subclassed")

    def make(tf, keras, kind, seed):
        keras.utils.set_random_seed(seed)
        if kind == "sequential":
            return keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"),
                                     keras.layers.Dense(2)])
        if kind == "functional":
            inputs = keras.Input((3,))
            hidden = keras.layers.Dense(4, activation="relu")(inputs)
            return keras.Model(inputs, keras.layers.Dense(2)(hidden))

        class Subclassed(keras.Model):
            def __init__(self):
                super().__init__()
                self.d1 = keras.layers.Dense(4, activation="relu")
                self.d2 = keras.layers.Dense(2)

            def call(self, x):
                return self.d2(self.d1(x))

        model = Subclassed()
        model(np.zeros((1, 3), "float32"))  # built before any restore, as Keras requires
        return model

    def x_data():
        return np.random.RandomState(0).randn(5, 3).astype("float32")

    def train_step(tf, model, optimizer):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(model(x_data()) ** 2)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))

    def trained(tf, keras, kind, seed=1):
        model = make(tf, keras, kind, seed)
        optimizer = keras.optimizers.Adam(0.01)
        train_step(tf, model, optimizer)
        return model, optimizer

    def state(model, optimizer=None):
        found = {"pred": np.asarray(model(x_data()))}
        if optimizer is not None:
            for i, v in enumerate(optimizer.variables):
                found[f"opt{i}"] = np.asarray(v)
        return found
''')

# Saves every kind every way under OUT (the last argument), with the state after saving; run by
# real TF, and by eagerflow at the end of EF_SIDE.
TF_SAVE = textwrap.dedent('''
    out = sys.argv[-1]
    for kind in KINDS:
        model, optimizer = trained(tf, keras, kind)
        tf.train.Checkpoint(model=model, optimizer=optimizer).save(f"{out}/{kind}/ckpt")
        tf.train.Checkpoint(root=model, optimizer=optimizer).save(f"{out}/{kind}_root/ckpt")
        model.save_weights(f"{out}/{kind}.weights.h5")
        if kind != "subclassed":
            model.save(f"{out}/{kind}.keras")
        np.savez(f"{out}/{kind}_state.npz", **state(model, optimizer))
''')

# eagerflow: loads everything TF saved under THEIRS (states to OUT/<...>_loaded.npz), then saves
# every kind every way under OUT as TF_SAVE does, plus three CheckpointManager saves.
EF_SIDE = textwrap.dedent('''
    theirs, out = sys.argv[1], sys.argv[2]
    report = {}
    for kind in KINDS:
        for layout in ("", "_root"):
            model, optimizer = make(tf, keras, kind, seed=2), keras.optimizers.Adam(0.01)
            checkpoint = tf.train.Checkpoint(root=model, optimizer=optimizer) if layout else \\
                tf.train.Checkpoint(model=model, optimizer=optimizer)
            status = checkpoint.restore(f"{theirs}/{kind}{layout}/ckpt-1")
            optimizer.build(model.trainable_variables)  # slots made after restore take saved values
            status.assert_consumed()
            report[f"{kind}{layout}_save_counter"] = int(checkpoint.save_counter.numpy())
            np.savez(f"{out}/{kind}{layout}_loaded.npz", **state(model, optimizer))
        model = make(tf, keras, kind, seed=2)
        model.load_weights(f"{theirs}/{kind}.weights.h5")
        np.savez(f"{out}/{kind}_h5_loaded.npz", **state(model))
        if kind != "subclassed":
            np.savez(f"{out}/{kind}_keras_loaded.npz", **state(keras.models.load_model(f"{theirs}/{kind}.keras")))
    exec(TF_SAVE_CODE)
    model, optimizer = make(tf, keras, "functional", seed=3), keras.optimizers.Adam(0.01)
    manager = tf.train.CheckpointManager(tf.train.Checkpoint(model=model, optimizer=optimizer),
                                         f"{out}/managed", max_to_keep=2)
    for _ in range(3):
        train_step(tf, model, optimizer)
        manager.save()
    np.savez(f"{out}/managed_state.npz", **state(model, optimizer))
    print(json.dumps(report))
''')

# Real TF: loads everything eagerflow saved under OUT (states to OUT/<...>_tf.npz).
TF_LOAD = textwrap.dedent('''
    out = sys.argv[-1]
    report = {}
    for kind in KINDS:
        for layout in ("", "_root"):
            model, optimizer = make(tf, keras, kind, seed=2), keras.optimizers.Adam(0.01)
            checkpoint = tf.train.Checkpoint(root=model, optimizer=optimizer) if layout else \\
                tf.train.Checkpoint(model=model, optimizer=optimizer)
            status = checkpoint.restore(f"{out}/{kind}{layout}/ckpt-1")
            optimizer.build(model.trainable_variables)
            status.assert_consumed()
            np.savez(f"{out}/{kind}{layout}_tf.npz", **state(model, optimizer))
        model = make(tf, keras, kind, seed=2)
        model.load_weights(f"{out}/{kind}.weights.h5")
        np.savez(f"{out}/{kind}_h5_tf.npz", **state(model))
        if kind != "subclassed":
            np.savez(f"{out}/{kind}_keras_tf.npz", **state(keras.models.load_model(f"{out}/{kind}.keras")))
    model, optimizer = make(tf, keras, "functional", seed=2), keras.optimizers.Adam(0.01)
    latest = tf.train.latest_checkpoint(f"{out}/managed")
    tf.train.Checkpoint(model=model, optimizer=optimizer).restore(latest).expect_partial()
    optimizer.build(model.trainable_variables)
    report["managed"] = os.path.basename(latest)
    np.savez(f"{out}/managed_tf.npz", **state(model, optimizer))
    print(json.dumps(report))
''')

KINDS = ("sequential", "functional", "subclassed")
LAYOUTS = ("", "_root")  # Checkpoint(model=..., optimizer=...), Checkpoint(root=model, optimizer=...)


@pytest.fixture(scope="module")
def keras():
    return tf.keras


@pytest.fixture(scope="module")
def models():
    namespace: dict = {}
    exec(MODELS, namespace)
    return namespace


def _run(side: str, script: str, *args: str) -> dict:
    """Runs `script` after MODELS in a fresh interpreter with real TF + Keras (`side="tf"`) or
    eagerflow's tf.keras; returns the JSON report it prints last (or {})."""
    imports = "import tensorflow as tf\nimport keras\n" if side == "tf" else \
        "import eagerflow as tf\nkeras = tf.keras\n"
    code = ("import json, os, sys\nimport numpy as np\n" + imports + MODELS
            + f"TF_SAVE_CODE = {TF_SAVE!r}\n" + script)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND="tensorflow")
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=600,
                            env=env)
    assert result.returncode == 0, result.stderr[-4000:]
    lines = result.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else {}


def _load(path: str) -> dict:
    with np.load(path) as data:
        return dict(data)


def _assert_same_predictions(ours: dict, theirs: dict) -> None:
    np.testing.assert_allclose(ours["pred"], theirs["pred"], rtol=1e-5, atol=1e-6)


def _assert_same_state(ours: dict, theirs: dict) -> None:
    assert sorted(ours) == sorted(theirs)
    _assert_same_predictions(ours, theirs)
    for key in ours:
        if key != "pred":  # optimizer variables are restored values: exactly equal
            np.testing.assert_array_equal(ours[key], theirs[key], err_msg=key)


@pytest.fixture(scope="module")
def crossed(tmp_path_factory):
    """(TF's directory, ours, our side's report, TF's load report)."""
    theirs = str(tmp_path_factory.mktemp("tf_saved"))
    ours = str(tmp_path_factory.mktemp("ef_saved"))
    _run("tf", TF_SAVE, theirs)
    ef_report = _run("eagerflow", EF_SIDE, theirs, ours)
    tf_report = _run("tf", TF_LOAD, ours)
    return theirs, ours, ef_report, tf_report


# -- TF saves, eagerflow loads ------------------------------------------------------------------

@pytest.mark.tensorflow
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_tensorflow_checkpoint_restores_into_eagerflow(crossed, kind, layout):
    theirs, ours, report, _ = crossed
    assert report[f"{kind}{layout}_save_counter"] == 1
    _assert_same_state(_load(f"{ours}/{kind}{layout}_loaded.npz"), _load(f"{theirs}/{kind}_state.npz"))


@pytest.mark.tensorflow
@pytest.mark.parametrize("kind", KINDS)
def test_tensorflow_weights_h5_loads_into_eagerflow(crossed, kind):
    theirs, ours, _, _ = crossed
    _assert_same_predictions(_load(f"{ours}/{kind}_h5_loaded.npz"), _load(f"{theirs}/{kind}_state.npz"))


@pytest.mark.tensorflow
@pytest.mark.parametrize("kind", ["sequential", "functional"])
def test_tensorflow_keras_file_loads_into_eagerflow(crossed, kind):
    theirs, ours, _, _ = crossed
    _assert_same_predictions(_load(f"{ours}/{kind}_keras_loaded.npz"), _load(f"{theirs}/{kind}_state.npz"))


@pytest.mark.tensorflow
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_checkpoint_keys_and_object_graph_equal_tensorflows(crossed, kind, layout):
    theirs, ours, _, _ = crossed
    ours, theirs = f"{ours}/{kind}{layout}/ckpt-1", f"{theirs}/{kind}{layout}/ckpt-1"
    assert tf.train.list_variables(ours) == tf.train.list_variables(theirs)
    assert _graph_without_names(ours) == _graph_without_names(theirs)


def _graph_without_names(path):
    """The saved object graph, its variables' `full_name`s cleared (Keras numbers its models'
    names per process: `sequential_3/dense_6/kernel`)."""
    from eagerflow._src.checkpoint.formats.tensor_bundle import BundleReader

    graph = BundleReader(path).object_graph()
    for node in graph.nodes:
        for attribute in node.attributes:
            attribute.full_name = ""
    return graph.SerializeToString()


# -- eagerflow saves, TF loads ------------------------------------------------------------------

@pytest.mark.tensorflow
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_eagerflow_checkpoint_restores_into_tensorflow(crossed, kind, layout):
    _, ours, _, _ = crossed
    _assert_same_state(_load(f"{ours}/{kind}_state.npz"), _load(f"{ours}/{kind}{layout}_tf.npz"))


@pytest.mark.tensorflow
@pytest.mark.parametrize("kind", KINDS)
def test_eagerflow_weights_h5_loads_into_tensorflow(crossed, kind):
    _, ours, _, _ = crossed
    _assert_same_predictions(_load(f"{ours}/{kind}_state.npz"), _load(f"{ours}/{kind}_h5_tf.npz"))


@pytest.mark.tensorflow
@pytest.mark.parametrize("kind", ["sequential", "functional"])
def test_eagerflow_keras_file_loads_into_tensorflow(crossed, kind):
    _, ours, _, _ = crossed
    _assert_same_predictions(_load(f"{ours}/{kind}_state.npz"), _load(f"{ours}/{kind}_keras_tf.npz"))


@pytest.mark.tensorflow
def test_eagerflow_checkpoint_manager_latest_restores_into_tensorflow(crossed):
    _, ours, _, report = crossed
    assert report["managed"] == "ckpt-3"
    assert sorted(f for f in os.listdir(f"{ours}/managed") if f.endswith(".index")) == ["ckpt-2.index",
                                                                                        "ckpt-3.index"]
    _assert_same_state(_load(f"{ours}/managed_state.npz"), _load(f"{ours}/managed_tf.npz"))


# -- eagerflow alone ----------------------------------------------------------------------------

# The keys TF 2.21 + Keras 3.15.1 write for `Checkpoint(model=model, optimizer=adam).save(...)`
# of `models["trained"]`, copied from `tf.train.list_variables` of TF's checkpoint. Keras 3 is
# tracked through attributes: a Sequential's layers sit under `_functional/_operations/<i>`,
# and each model variable takes the first path found breadth first, through the optimizer.
TF_KEYS = {
    "sequential": [
        "optimizer/_iterations/.ATTRIBUTES/VARIABLE_VALUE",
        "optimizer/_learning_rate/.ATTRIBUTES/VARIABLE_VALUE",
        *(f"optimizer/_trainable_variables/{i}/.ATTRIBUTES/VARIABLE_VALUE" for i in range(4)),
        *(f"optimizer/_variables/{i}/.ATTRIBUTES/VARIABLE_VALUE" for i in range(2, 10)),
        "save_counter/.ATTRIBUTES/VARIABLE_VALUE",
    ],
    "subclassed": [
        "model/d1/_kernel/.ATTRIBUTES/VARIABLE_VALUE",
        "model/d1/bias/.ATTRIBUTES/VARIABLE_VALUE",
        "model/d2/_kernel/.ATTRIBUTES/VARIABLE_VALUE",
        "model/d2/bias/.ATTRIBUTES/VARIABLE_VALUE",
        "optimizer/_iterations/.ATTRIBUTES/VARIABLE_VALUE",
        "optimizer/_learning_rate/.ATTRIBUTES/VARIABLE_VALUE",
        *(f"optimizer/_variables/{i}/.ATTRIBUTES/VARIABLE_VALUE" for i in range(2, 10)),
        "save_counter/.ATTRIBUTES/VARIABLE_VALUE",
    ],
}
# TF's keys for `Checkpoint(root=model, optimizer=adam)` of the functional model (same source).
TF_ROOT_KEYS_FUNCTIONAL = [
    "_operations/1/_kernel/.ATTRIBUTES/VARIABLE_VALUE",
    "_operations/1/bias/.ATTRIBUTES/VARIABLE_VALUE",
    "_operations/2/_kernel/.ATTRIBUTES/VARIABLE_VALUE",
    "_operations/2/bias/.ATTRIBUTES/VARIABLE_VALUE",
    "optimizer/_iterations/.ATTRIBUTES/VARIABLE_VALUE",
    "optimizer/_learning_rate/.ATTRIBUTES/VARIABLE_VALUE",
    *(f"optimizer/_variables/{i}/.ATTRIBUTES/VARIABLE_VALUE" for i in range(2, 10)),
    "save_counter/.ATTRIBUTES/VARIABLE_VALUE",
]


def _keys(path):
    return [key for key, _ in tf.train.list_variables(path) if key != "_CHECKPOINTABLE_OBJECT_GRAPH"]


@pytest.mark.parametrize("kind", sorted(TF_KEYS))
def test_checkpoint_keys_are_tensorflows(tmp_path, keras, models, kind):
    model, optimizer = models["trained"](tf, keras, kind)
    path = tf.train.Checkpoint(model=model, optimizer=optimizer).save(str(tmp_path / "ckpt"))
    assert _keys(path) == sorted(TF_KEYS[kind])


def test_root_checkpoint_keys_are_tensorflows(tmp_path, keras, models):
    model, optimizer = models["trained"](tf, keras, "functional")
    path = tf.train.Checkpoint(root=model, optimizer=optimizer).save(str(tmp_path / "ckpt"))
    assert _keys(path) == sorted(TF_ROOT_KEYS_FUNCTIONAL)


def test_root_checkpoint_root_is_its_own_dependency_named_root(tmp_path, keras, models):
    model, optimizer = models["trained"](tf, keras, "functional")
    path = tf.train.Checkpoint(root=model, optimizer=optimizer).write(str(tmp_path / "ckpt"))
    from eagerflow._src.checkpoint.formats.tensor_bundle import BundleReader

    root = BundleReader(path).object_graph().nodes[0]
    names = [(ref.local_name, ref.node_id) for ref in root.children]
    assert names[-2:] == [("optimizer", names[-2][1]), ("root", 0)]  # TF: sorted kwargs after own


@pytest.mark.parametrize("kind", KINDS)
def test_checkpoint_round_trip_restores_predictions_and_slots(tmp_path, keras, models, kind):
    model, optimizer = models["trained"](tf, keras, kind)
    path = tf.train.Checkpoint(model=model, optimizer=optimizer).save(str(tmp_path / "ckpt"))
    fresh, fresh_optimizer = models["make"](tf, keras, kind, 2), keras.optimizers.Adam(0.01)
    status = tf.train.Checkpoint(model=fresh, optimizer=fresh_optimizer).restore(path)
    fresh_optimizer.build(fresh.trainable_variables)
    status.assert_consumed()
    _assert_same_state(models["state"](model, optimizer), models["state"](fresh, fresh_optimizer))
    assert int(fresh_optimizer.iterations.numpy()) == 1


def test_optimizer_slots_restored_when_built_after_restore(tmp_path, keras, models):
    model, optimizer = models["trained"](tf, keras, "sequential")
    path = tf.train.Checkpoint(optimizer=optimizer, model=model).write(str(tmp_path / "ckpt"))
    fresh, fresh_optimizer = models["make"](tf, keras, "sequential", 2), keras.optimizers.Adam(0.01)
    tf.train.Checkpoint(optimizer=fresh_optimizer, model=fresh).read(path)
    assert len(fresh_optimizer.variables) == 2  # iterations and learning rate only, so far
    assert int(fresh_optimizer.iterations.numpy()) == 1
    fresh_optimizer.build(fresh.trainable_variables)
    np.testing.assert_array_equal(fresh_optimizer.variables[2].numpy(), optimizer.variables[2].numpy())


def test_root_checkpoint_round_trip(tmp_path, keras, models):
    model, optimizer = models["trained"](tf, keras, "subclassed")
    path = tf.train.Checkpoint(root=model, optimizer=optimizer).save(str(tmp_path / "ckpt"))
    fresh, fresh_optimizer = models["make"](tf, keras, "subclassed", 2), keras.optimizers.Adam(0.01)
    checkpoint = tf.train.Checkpoint(root=fresh, optimizer=fresh_optimizer)
    status = checkpoint.restore(path)
    fresh_optimizer.build(fresh.trainable_variables)
    status.assert_consumed()
    assert int(checkpoint.save_counter.numpy()) == 1
    _assert_same_state(models["state"](model, optimizer), models["state"](fresh, fresh_optimizer))


def test_root_checkpoint_keyword_clashing_with_root_dependency_raises(keras, models):
    model = models["make"](tf, keras, "subclassed", 1)
    with pytest.raises(ValueError, match="Cannot create a Checkpoint with keyword argument d1 if root.d1 "
                                         "already exists."):
        tf.train.Checkpoint(root=model, d1=keras.layers.Dense(1))


def test_model_only_restore_of_full_checkpoint_needs_expect_partial(tmp_path, keras, models):
    model, optimizer = models["trained"](tf, keras, "functional")
    path = tf.train.Checkpoint(model=model, optimizer=optimizer).save(str(tmp_path / "ckpt"))
    fresh = models["make"](tf, keras, "functional", 2)
    status = tf.train.Checkpoint(model=fresh).restore(path)
    status.assert_existing_objects_matched()
    with pytest.raises(AssertionError, match="Unresolved object in checkpoint"):
        status.assert_consumed()
    assert status.expect_partial() is status
    np.testing.assert_allclose(models["state"](fresh)["pred"], models["state"](model)["pred"], rtol=1e-6)


def test_restore_leaving_live_optimizer_variables_unmatched_fails_assert_consumed(tmp_path, keras, models):
    model, _ = models["trained"](tf, keras, "functional")
    path = tf.train.Checkpoint(model=model).save(str(tmp_path / "ckpt"))
    fresh, fresh_optimizer = models["make"](tf, keras, "functional", 2), keras.optimizers.Adam(0.01)
    status = tf.train.Checkpoint(model=fresh, optimizer=fresh_optimizer).restore(path)
    with pytest.raises(AssertionError, match="Python objects that were not bound to checkpointed values"):
        status.assert_consumed()


def test_checkpoint_manager_keeps_latest_keras_checkpoints(tmp_path, keras, models):
    model, optimizer = models["trained"](tf, keras, "functional")
    manager = tf.train.CheckpointManager(tf.train.Checkpoint(model=model, optimizer=optimizer),
                                         str(tmp_path), max_to_keep=2)
    for _ in range(3):
        models["train_step"](tf, model, optimizer)
        manager.save()
    assert [os.path.basename(p) for p in manager.checkpoints] == ["ckpt-2", "ckpt-3"]
    fresh, fresh_optimizer = models["make"](tf, keras, "functional", 2), keras.optimizers.Adam(0.01)
    fresh_manager = tf.train.CheckpointManager(tf.train.Checkpoint(model=fresh, optimizer=fresh_optimizer),
                                               str(tmp_path), max_to_keep=2)
    assert fresh_manager.restore_or_initialize() == manager.latest_checkpoint
    fresh_optimizer.build(fresh.trainable_variables)
    _assert_same_state(models["state"](model, optimizer), models["state"](fresh, fresh_optimizer))
    assert int(fresh_optimizer.iterations.numpy()) == 4


def test_trackable_view_walks_keras_dependencies(keras):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    view = tf.train.TrackableView(model)
    # TF 2.21 + Keras 3.15.1 give the same for this model: one child, 14 descendants.
    assert list(view.children(model)) == ["_functional"]
    assert len(view.descendants()) == 14
    assert view.descendants()[0] is model
