"""tf.random.Generator: state is an int64 Variable updated in place; streams match TF 2.21."""

import numpy as np
import pytest

from eagerflow import random as tf_random
from eagerflow._src.variables import Variable
from tests.ops.test_random_ops import CASES, bits, case_id


def _replay(seed):
    g = tf_random.Generator.from_seed(seed)
    steps = [
        lambda: g.normal([3]),
        lambda: g.uniform([5]),
        lambda: g.normal([3], dtype="float64"),
        lambda: g.normal([5], dtype="float16"),
        lambda: g.uniform([5], dtype="bfloat16", minval=1.0, maxval=3.0),
        lambda: g.truncated_normal([6], mean=1.0, stddev=2.0),
        lambda: g.uniform([7], minval=-3, maxval=9, dtype="int32"),
        lambda: g.uniform([7], minval=-3, maxval=2**40, dtype="int64"),
        lambda: g.uniform_full_int([5], dtype="uint64"),
        lambda: g.make_seeds(3),
    ]
    results = [(None, g.state.numpy())]
    for step in steps:
        results.append((step(), g.state.numpy()))
    children = g.split(2)
    results.append((np.stack([c.state.numpy() for c in children]), g.state.numpy()))
    results.append((children[1].normal([4]), g.state.numpy()))
    g.skip(10)
    results.append((g.normal([2]), g.state.numpy()))
    results.append((g.normal([]), g.state.numpy()))
    return results


_REPLAYS = {}


@pytest.mark.parametrize("case", [c for c in CASES if c[0]["op"] in ("generator",
                                                                     "generator_state")],
                         ids=case_id)
def test_generator_matches_tensorflow_bits(case):
    spec, want = case
    key = json_key = str(spec["seed"])
    if key not in _REPLAYS:
        _REPLAYS[json_key] = _replay(spec["seed"])
    value, state = _REPLAYS[key][spec["index"] + 1]
    got = bits(value if spec["op"] == "generator" else state)
    assert got.shape == want.shape
    assert got.dtype == want.dtype
    assert np.array_equal(got, want)


def test_state_is_a_nontrainable_int64_variable():
    g = tf_random.Generator.from_seed(1234)
    assert isinstance(g.state, Variable)
    assert not g.state.trainable
    assert g.state.dtype.name == "int64"
    assert g.state.shape.as_list() == [3]
    assert g.state.numpy().tolist() == [1234, 0, 0]


def test_draws_update_the_state_buffer_in_place():
    g = tf_random.Generator.from_seed(1)
    before = g.state._array.__array_interface__["data"][0]
    g.normal([2, 3])
    assert g.state._array.__array_interface__["data"][0] == before
    assert g.state.numpy().tolist() == [1 + 6 * 256, 0, 0]


def test_draw_after_a_read_keeps_the_read_unchanged():
    g = tf_random.Generator.from_seed(1)
    held = g.state.read_value()
    g.normal([1])
    assert held.numpy().tolist() == [1, 0, 0]
    assert g.state.numpy().tolist() == [257, 0, 0]


def test_documented_tensorflow_values():
    g = tf_random.Generator.from_seed(1234)
    want = np.array([[0.9356609, 1.0854305, -0.93788373], [-0.5061547, 1.3169702, 0.7137579]],
                    np.float32)
    assert np.array_equal(g.normal((2, 3)).numpy(), want)
    assert g.state.numpy().tolist() == [2770, 0, 0]


def test_reset_from_seed_restarts_the_stream():
    g = tf_random.Generator.from_seed(7)
    a = g.normal([4]).numpy()
    g.reset_from_seed(7)
    assert np.array_equal(a, g.normal([4]).numpy())


def test_reset_and_from_state():
    g = tf_random.Generator.from_seed(3)
    state = g.state.numpy()
    a = g.uniform([3]).numpy()
    g.reset(state)
    assert np.array_equal(a, g.uniform([3]).numpy())
    h = tf_random.Generator.from_state(state, alg="philox")
    assert np.array_equal(a, h.uniform([3]).numpy())


def test_from_state_reuses_a_variable():
    v = Variable(np.array([1, 2, 3], np.int64))
    g = tf_random.Generator.from_state(v, tf_random.Algorithm.PHILOX)
    assert g.state is v
    g.normal([1])
    assert v.numpy().tolist() == [257, 2, 3]


def test_key_counter_round_trip():
    g = tf_random.Generator.from_key_counter(5, [1, 2], "philox")
    assert g.state.numpy().tolist() == [1, 2, 5]
    assert int(g.key.numpy()) == 5
    g.reset_from_key_counter(9, [0, 4])
    assert g.state.numpy().tolist() == [0, 4, 9]


def test_skip_returns_old_state_and_moves_like_draws():
    g = tf_random.Generator.from_seed(5)
    assert g.skip(3).numpy().tolist() == [5, 0, 0]
    h = tf_random.Generator.from_seed(5)
    h.normal([3])
    assert g.state.numpy().tolist() == h.state.numpy().tolist()


def test_from_seed_splits_big_and_negative_ints_like_tensorflow():
    assert tf_random.Generator.from_seed(-1).state.numpy().tolist() == [-1, -1, -1]
    assert tf_random.Generator.from_seed(2**64 - 1).state.numpy().tolist() == [-1, 0, 0]


def test_algorithm_and_auto_select():
    assert tf_random.Generator.from_seed(1).algorithm == 1
    g = tf_random.Generator.from_seed(1, alg="auto_select")
    assert g.algorithm == 3
    assert np.array_equal(g.normal([3]).numpy(), tf_random.Generator.from_seed(1).normal([3]).numpy())


def test_binomial_advances_the_state_like_tensorflow():
    # States observed under TF 2.21 after one binomial draw from from_seed(0).
    for shape, counts, want in [([1], 10.0, 200), ([5], 10.0, 400), ([2, 3], 10.0, 450),
                                ([100], 10.0, 5150), ([4, 2], [10.0, 20.0], 700)]:
        g = tf_random.Generator.from_seed(0)
        x = g.binomial(shape, counts=counts, probs=0.5)
        assert x.shape.as_list() == shape
        assert g.state.numpy()[0] == want * 256


def test_binomial_statistics():
    g = tf_random.Generator.from_seed(4)
    x = g.binomial([100_000, 2], counts=[10.0, 200.0], probs=[0.3]).numpy()
    assert np.allclose(x.mean(axis=0), [3.0, 60.0], rtol=0.02)
    assert np.allclose(x.var(axis=0), [2.1, 42.0], rtol=0.05)


def test_errors_match_tensorflow():
    with pytest.raises(ValueError, match=r"Shapes \(2,\) and \[3\] are incompatible"):
        tf_random.Generator.from_state([1, 2], alg="philox")
    with pytest.raises(ValueError, match="Argument `alg` got unsupported value foo"):
        tf_random.Generator.from_seed(1, alg="foo")
    with pytest.raises(ValueError, match="minval and maxval must be both `None` or both"):
        tf_random.Generator.from_seed(1).uniform([2], minval=None, maxval=3, dtype="int32")
    from eagerflow._src.framework import errors
    with pytest.raises(errors.InvalidArgumentError, match="Need minval < maxval, got 5 >= 3"):
        tf_random.Generator.from_seed(1).uniform([2], minval=5, maxval=3, dtype="int32")
    with pytest.raises(errors.InvalidArgumentError, match="Value for attr 'dtype' of int8"):
        tf_random.Generator.from_seed(1).uniform([2], minval=0, maxval=5, dtype="int8")
    with pytest.raises(errors.UnimplementedError, match="Non-XLA devices don't support"):
        tf_random.Generator.from_state([1, 2], alg="threefry").normal([2])


def test_global_generator():
    g = tf_random.get_global_generator()
    assert g is tf_random.get_global_generator()
    mine = tf_random.Generator.from_seed(1)
    tf_random.set_global_generator(mine)
    assert tf_random.get_global_generator() is mine
    tf_random.set_global_generator(g)


def test_non_deterministic_generators_differ():
    a = tf_random.Generator.from_non_deterministic_state().normal([4]).numpy()
    b = tf_random.Generator.from_non_deterministic_state().normal([4]).numpy()
    assert not np.array_equal(a, b)


def test_copy_from():
    g = tf_random.Generator.from_seed(8)
    h = tf_random.Generator(copy_from=g)
    assert h.state is not g.state
    assert np.array_equal(g.normal([3]).numpy(), h.normal([3]).numpy())


def test_generator_lives_on_its_creation_device():
    g = tf_random.Generator.from_seed(1)
    assert g.state.device.endswith("CPU:0")


def test_generator_state_round_trips_through_a_checkpoint(tmp_path):
    import eagerflow

    g = tf_random.Generator.from_seed(7)
    g.normal([4])
    path = eagerflow.train.Checkpoint(g=g).save(str(tmp_path / "ckpt"))
    assert ("g/_state_var/.ATTRIBUTES/VARIABLE_VALUE", [3]) in eagerflow.train.list_variables(str(tmp_path))
    expected = g.normal([5]).numpy()
    fresh = tf_random.Generator.from_seed(123)
    eagerflow.train.Checkpoint(g=fresh).restore(path).assert_consumed()
    np.testing.assert_array_equal(fresh.normal([5]).numpy(), expected)


def test_from_seed_of_a_string_is_unimplemented_as_in_tf():
    import eagerflow as tf

    with pytest.raises(tf.errors.UnimplementedError, match="Cast string to int64 is not supported"):
        tf.random.Generator.from_seed("abc")
