"""`tensorflow.python.data.experimental.ops.distribute.compute_batch_size`: TF 2.21's values for
batch, padded_batch, pass-through datasets (filter, shuffle, repeat, take), and -1 past a map
or a rebatch."""
import pytest

import eagerflow as tf
from eagerflow.python.data.experimental.ops import distribute


@pytest.mark.parametrize("make, expected", [
    (lambda ds: ds.batch(4), 4),
    (lambda ds: ds.padded_batch(3), 3),
    (lambda ds: ds.batch(4).filter(lambda x: True), 4),
    (lambda ds: ds.batch(4).shuffle(3).repeat().take(2), 4),
    (lambda ds: ds.batch(4).map(lambda x: x).prefetch(2), -1),
    (lambda ds: ds.batch(4).rebatch(2), -1),
])
def test_batch_size_as_tf_computes_it(make, expected):
    size = distribute.compute_batch_size(make(tf.data.Dataset.range(10)))
    assert (int(size), size.dtype) == (expected, tf.int64)
