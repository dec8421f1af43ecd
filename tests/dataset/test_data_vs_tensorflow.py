"""tf.data against TensorFlow 2.21: shuffle/random orders for the same seeds, element specs."""
import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

import eagerflow as tf  # noqa: E402

pytestmark = pytest.mark.tensorflow


def _plain(v):
    if isinstance(v, tuple):
        return tuple(_plain(x) for x in v)
    return np.asarray(v).tolist()


def _values(ds):
    return [_plain(v) for v in ds.as_numpy_iterator()]


@pytest.mark.parametrize("seed", [0, 1, 7, 12345])
@pytest.mark.parametrize("buffer_size", [1, 3, 10, 100])
def test_shuffle_order_with_op_seed(seed, buffer_size):
    def build(mod):
        return mod.data.Dataset.range(37).shuffle(buffer_size, seed=seed)
    assert _values(build(tf)) == _values(build(tf_real))


@pytest.mark.parametrize("reshuffle", [True, False])
def test_shuffle_order_over_epochs(reshuffle):
    def epochs(mod):
        ds = mod.data.Dataset.range(25).shuffle(8, seed=5, reshuffle_each_iteration=reshuffle)
        return [_values(ds) for _ in range(3)]
    assert epochs(tf) == epochs(tf_real)


@pytest.mark.parametrize("global_seed,op_seed", [(1, None), (42, 3), (None, 9)])
def test_shuffle_order_with_global_seed(global_seed, op_seed):
    def build(mod):
        if global_seed is not None:
            mod.random.set_seed(global_seed)
        return _values(mod.data.Dataset.range(30).shuffle(10, seed=op_seed))
    assert build(tf) == build(tf_real)


def test_shuffle_then_repeat_order():
    def build(mod):
        return _values(mod.data.Dataset.range(10).shuffle(4, seed=2).repeat(3))
    assert build(tf) == build(tf_real)


@pytest.mark.parametrize("seed", [1, 4, 99])
def test_random_dataset_stream(seed):
    def build(mod):
        return _values(mod.data.Dataset.random(seed=seed).take(10))
    assert build(tf) == build(tf_real)


def test_interleave_order():
    def build(mod):
        return _values(mod.data.Dataset.range(10).interleave(
            lambda x: mod.data.Dataset.range(x), cycle_length=3, block_length=2))
    assert build(tf) == build(tf_real)


def test_element_spec_reprs():
    def specs(mod):
        ds = mod.data.Dataset.from_tensor_slices(({"a": [1, 2]}, [[1.0, 2.0], [3.0, 4.0]]))
        return [repr(ds), repr(ds.batch(2)), repr(ds.batch(2, drop_remainder=True).element_spec),
                repr(mod.data.Dataset.range(3)), repr(mod.data.Dataset.range(3).cardinality())]
    assert specs(tf) == specs(tf_real)


def test_padded_batch_values():
    def build(mod):
        return _values(mod.data.Dataset.range(1, 5).map(lambda x: mod.fill([x], x)).padded_batch(3))
    assert build(tf) == build(tf_real)
