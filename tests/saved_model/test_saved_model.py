"""tf.saved_model.save / load round trips with eagerflow on both sides."""
import os

import numpy as np
import pytest

import eagerflow as tf
from tests.saved_model.modules import control_flow_module


class Dense(tf.Module):
    def __init__(self):
        super().__init__()
        self.w = tf.Variable([[1.0, 2.0], [3.0, 4.0]], name="w")
        self.b = tf.Variable([0.5, -0.5], name="b")

    @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32)])
    def __call__(self, x):
        return tf.nn.relu(tf.matmul(x, self.w) + self.b)


X = np.array([[1.0, -2.0], [0.5, 0.5], [3.0, 1.0]], np.float32)


@pytest.fixture
def saved_dense(tmp_path):
    module = Dense()
    path = str(tmp_path / "dense")
    tf.saved_model.save(module, path)
    return module, path


def test_save_writes_tensorflow_layout(saved_dense):
    _, path = saved_dense
    assert os.path.isfile(os.path.join(path, "saved_model.pb"))
    assert os.path.isfile(os.path.join(path, "variables", "variables.index"))
    assert os.path.isfile(os.path.join(path, "variables", "variables.data-00000-of-00001"))
    assert os.path.isfile(os.path.join(path, "fingerprint.pb"))


def test_contains_saved_model(saved_dense, tmp_path):
    _, path = saved_dense
    assert tf.saved_model.contains_saved_model(path)
    assert not tf.saved_model.contains_saved_model(str(tmp_path / "nothing"))


def test_loaded_call_matches_original(saved_dense):
    module, path = saved_dense
    loaded = tf.saved_model.load(path)
    np.testing.assert_allclose(loaded(tf.constant(X)).numpy(), module(tf.constant(X)).numpy())


def test_loaded_variables_keep_values(saved_dense):
    _, path = saved_dense
    loaded = tf.saved_model.load(path)
    np.testing.assert_array_equal(loaded.w.numpy(), [[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(loaded.b.numpy(), [0.5, -0.5])


def test_serving_signature_returns_dict(saved_dense):
    module, path = saved_dense
    out = tf.saved_model.load(path).signatures["serving_default"](x=tf.constant(X))
    assert list(out) == ["output_0"]
    np.testing.assert_allclose(out["output_0"].numpy(), module(tf.constant(X)).numpy())


def test_signature_binds_positional_arguments_in_keyword_order(saved_dense):
    module, path = saved_dense
    out = tf.saved_model.load(path).signatures["serving_default"](tf.constant(X))
    np.testing.assert_allclose(out["output_0"].numpy(), module(tf.constant(X)).numpy())


def test_signature_rejects_extra_positional_arguments(saved_dense):
    _, path = saved_dense
    with pytest.raises(TypeError, match="too many positional arguments"):
        tf.saved_model.load(path).signatures["serving_default"](tf.constant(X), tf.constant(X))


def test_loaded_function_uses_assigned_variable(saved_dense):
    _, path = saved_dense
    loaded = tf.saved_model.load(path)
    loaded.b.assign([10.0, 10.0])
    np.testing.assert_allclose(loaded(tf.constant([[0.0, 0.0]])).numpy(), [[10.0, 10.0]])


def test_variables_saved_at_save_time_values(tmp_path):
    module = Dense()
    module.w.assign([[0.0, 1.0], [1.0, 0.0]])
    tf.saved_model.save(module, str(tmp_path / "m"))
    np.testing.assert_array_equal(tf.saved_model.load(str(tmp_path / "m")).w.numpy(), [[0.0, 1.0], [1.0, 0.0]])


class Counter(tf.Module):
    def __init__(self):
        super().__init__()
        self.count = tf.Variable(0, dtype=tf.int64)
        self.child = Dense()

    @tf.function(input_signature=[tf.TensorSpec([], tf.int64)])
    def add(self, n):
        self.count.assign_add(n)
        return self.count.read_value()

    @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32)])
    def stats(self, x):
        y = self.child(x)
        return {"total": tf.reduce_sum(y, axis=1), "max": tf.reduce_max(y, axis=[0, 1]),
                "flat": tf.reshape(tf.transpose(y), [-1])}


def test_variable_updates_in_loaded_function(tmp_path):
    tf.saved_model.save(Counter(), str(tmp_path / "c"))
    loaded = tf.saved_model.load(str(tmp_path / "c"))
    loaded.add(tf.constant(3, tf.int64))
    assert int(loaded.add(tf.constant(4, tf.int64))) == 7
    assert int(loaded.count.numpy()) == 7


def test_submodule_and_dict_outputs(tmp_path):
    module = Counter()
    tf.saved_model.save(module, str(tmp_path / "c"))
    loaded = tf.saved_model.load(str(tmp_path / "c"))
    got, want = loaded.stats(tf.constant(X)), module.stats(tf.constant(X))
    assert sorted(got) == ["flat", "max", "total"]
    for key in want:
        np.testing.assert_allclose(got[key].numpy(), want[key].numpy())
    np.testing.assert_array_equal(loaded.child.w.numpy(), module.child.w.numpy())


def test_explicit_signatures_dict(tmp_path):
    module = Counter()
    tf.saved_model.save(module, str(tmp_path / "c"), signatures={"stats": module.stats})
    out = tf.saved_model.load(str(tmp_path / "c")).signatures["stats"](x=tf.constant(X))
    np.testing.assert_allclose(out["total"].numpy(), module.stats(tf.constant(X))["total"].numpy())


def test_traced_function_without_signature_is_saved(tmp_path):
    module = tf.Module()
    module.v = tf.Variable(2.0)
    module.scale = tf.function(lambda x: x * module.v)
    module.scale(tf.constant([1.0, 2.0]))
    tf.saved_model.save(module, str(tmp_path / "s"))
    loaded = tf.saved_model.load(str(tmp_path / "s"))
    np.testing.assert_allclose(loaded.scale(tf.constant([3.0, 4.0])).numpy(), [6.0, 8.0])


def test_loaded_function_differentiates(saved_dense):
    module, path = saved_dense
    loaded = tf.saved_model.load(path)
    grads = []
    for obj in (module, loaded):
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(obj(tf.constant(X)))
        grads.append(tape.gradient(y, [obj.w, obj.b]))
    for got, want in zip(grads[1], grads[0]):
        np.testing.assert_allclose(got.numpy(), want.numpy())


def test_tags_mismatch_raises(saved_dense):
    _, path = saved_dense
    with pytest.raises(ValueError, match="tags"):
        tf.saved_model.load(path, tags=["train"])


def test_missing_directory_raises_oserror(tmp_path):
    with pytest.raises(OSError, match="SavedModel file does not exist"):
        tf.saved_model.load(str(tmp_path / "nothing"))


def test_malformed_proto_raises_data_loss(saved_dense):
    _, path = saved_dense
    with open(os.path.join(path, "saved_model.pb"), "wb") as f:
        f.write(b"\x12\xff\xff\xff\xff\x0f garbage")
    with pytest.raises(tf.errors.DataLossError):
        tf.saved_model.load(path)


def test_unknown_op_raises_not_found(saved_dense):
    from eagerflow._src.saved_model import protos

    _, path = saved_dense
    pb = os.path.join(path, "saved_model.pb")
    model = protos.parse("SavedModel", open(pb, "rb").read(), "SavedModel")
    for function in model.meta_graphs[0].graph_def.library.function:
        for node in function.node_def:
            if node.op == "Relu":
                node.op = "NoSuchOpAnywhere"
    with open(pb, "wb") as f:
        f.write(model.SerializeToString())
    loaded = tf.saved_model.load(path)
    with pytest.raises(tf.errors.NotFoundError, match="NoSuchOpAnywhere"):
        loaded(tf.constant(X))


def test_untracked_variable_refused(tmp_path):
    hidden = tf.Variable(1.0)
    module = tf.Module()
    module.f = tf.function(lambda x: x + hidden, input_signature=[tf.TensorSpec([], tf.float32)])
    with pytest.raises(ValueError, match="untracked"):
        tf.saved_model.save(module, str(tmp_path / "u"))


def test_save_options_accepted(tmp_path):
    tf.saved_model.save(Dense(), str(tmp_path / "o"), options=tf.saved_model.SaveOptions())
    loaded = tf.saved_model.load(str(tmp_path / "o"), options=tf.saved_model.LoadOptions())
    assert loaded.w.shape == (2, 2)


def _edit_functions(path, edit):
    from eagerflow._src.saved_model import protos

    pb = os.path.join(path, "saved_model.pb")
    model = protos.parse("SavedModel", open(pb, "rb").read(), "SavedModel")
    for function in model.meta_graphs[0].graph_def.library.function:
        edit(function)
    with open(pb, "wb") as f:
        f.write(model.SerializeToString())


def test_cyclic_function_raises_invalid_argument(saved_dense):
    _, path = saved_dense

    def make_cycle(function):
        names = [n.name for n in function.node_def]
        for a, b in zip(names, names[1:] + names[:1]):
            node = next(n for n in function.node_def if n.name == a)
            node.input.append(f"^{b}")

    _edit_functions(path, make_cycle)
    with pytest.raises(tf.errors.InvalidArgumentError, match="cycle"):
        tf.saved_model.load(path)(tf.constant(X))


def test_huge_declared_constant_refused(saved_dense):
    _, path = saved_dense

    def add_const(function):
        node = function.node_def.add(name="huge", op="Const")
        node.attr["dtype"].type = 1
        node.attr["value"].tensor.dtype = 1
        for _ in range(3):
            node.attr["value"].tensor.tensor_shape.dim.add(size=1 << 20)
        node.attr["value"].tensor.float_val.append(1.0)

    _edit_functions(path, add_const)
    with pytest.raises(tf.errors.InvalidArgumentError, match="too large"):
        tf.saved_model.load(path)(tf.constant(X))


def test_untraced_function_is_saved_without_traces(tmp_path):
    class Adder(tf.Module):
        @tf.function
        def double(self, x):
            return x + x

    tf.saved_model.save(Adder(), str(tmp_path / "a"))
    loaded = tf.saved_model.load(str(tmp_path / "a"))
    with pytest.raises(ValueError, match="zero restored functions"):
        loaded.double(tf.constant(1.0))


def test_function_returning_nothing_is_no_default_signature(tmp_path):
    class Setter(tf.Module):
        def __init__(self):
            super().__init__()
            self.v = tf.Variable(1.0)

        @tf.function(input_signature=[tf.TensorSpec([], tf.float32)])
        def set(self, value):
            self.v.assign(value)

    tf.saved_model.save(Setter(), str(tmp_path / "s"))
    loaded = tf.saved_model.load(str(tmp_path / "s"))
    assert list(loaded.signatures) == []
    loaded.set(tf.constant(4.0))
    assert float(loaded.v.numpy()) == 4.0


@pytest.mark.parametrize("x, n", [([1.0, 2.0], 3), ([-1.0, -2.0], 0)])
def test_cond_and_while_round_trip(tmp_path, x, n):
    module = control_flow_module(tf)
    tf.saved_model.save(module, str(tmp_path / "l"))
    loaded = tf.saved_model.load(str(tmp_path / "l"))
    got = loaded.f(tf.constant(x), tf.constant(n))
    want = module.f(tf.constant(x), tf.constant(n))
    for a, b in zip(got, want):
        np.testing.assert_allclose(a.numpy(), b.numpy())


def test_cond_and_while_become_tensorflow_functional_ops(tmp_path):
    from eagerflow._src.saved_model import protos

    tf.saved_model.save(control_flow_module(tf), str(tmp_path / "l"))
    model = protos.parse("SavedModel", open(tmp_path / "l" / "saved_model.pb", "rb").read(), "SavedModel")
    ops = {n.op for f in model.meta_graphs[0].graph_def.library.function for n in f.node_def}
    assert {"StatelessIf", "StatelessWhile"} <= ops


def test_read_fingerprint_of_saved_model(saved_dense):
    _, path = saved_dense
    fingerprint = tf.saved_model.experimental.read_fingerprint(path)
    assert fingerprint.saved_model_checksum > 0
    assert fingerprint.singleprint().count("/") == 3


def test_read_fingerprint_missing_raises(tmp_path):
    with pytest.raises(FileNotFoundError, match="Could not find fingerprint"):
        tf.saved_model.experimental.read_fingerprint(str(tmp_path))


def test_reshape_to_a_traced_shape_round_trips(tmp_path):
    module = tf.Module()
    module.f = tf.function(lambda x, y: tf.reshape(x, tf.shape(y)),
                           input_signature=[tf.TensorSpec([None], tf.float32), tf.TensorSpec([None, 2], tf.float32)])
    tf.saved_model.save(module, str(tmp_path / "m"))
    loaded = tf.saved_model.load(str(tmp_path / "m"))
    out = loaded.f(tf.constant([1.0, 2.0, 3.0, 4.0]), tf.zeros([2, 2]))
    np.testing.assert_array_equal(out.numpy(), [[1.0, 2.0], [3.0, 4.0]])
