"""Differential test: dataset iterators passed to a tf.function (get_next, next, optionals, for
loops, the end of the data) give TensorFlow 2.21's values, and its trace counts."""
import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

import eagerflow as ef  # noqa: E402
from tests.compat.programs import run  # noqa: E402

pytestmark = pytest.mark.tensorflow


CODE = """
def show(*values):
    print([np.asarray(v).tolist() for v in tf.nest.flatten(values)])
pairs = lambda n: tf.data.Dataset.range(n).map(lambda x: (x, tf.cast(x, tf.float32) / 2.0))
@tf.function
def step(it):
    a, b = it.get_next()
    return a * 3, b
@tf.function
def take(it):
    return next(it)
@tf.function
def has(it):
    return it.get_next_as_optional().has_value()
@tf.function
def total(it):
    s = tf.constant(0, tf.int64)
    for a, _ in it:
        s += a
    return s
one, two = iter(pairs(4)), iter(pairs(6))
show(step(one), step(one), step(two), step(one), step(iter(pairs(2))))
show(take(one), take(iter(pairs(3))), has(one), has(iter(pairs(0))), total(two), total(iter(pairs(5))))
step(iter(tf.data.Dataset.range(3).map(lambda x: (x, x))))
print(step.experimental_get_tracing_count(), take.experimental_get_tracing_count(),
      has.experimental_get_tracing_count(), total.experimental_get_tracing_count())
try:
    step(one)
except tf.errors.OutOfRangeError as e:
    print("OutOfRangeError", "End of sequence" in str(e))
@tf.function(autograph=False)
def python_loop(it):
    s = tf.constant(0, tf.int64)
    for a, _ in it:
        s += a
    return s
try:
    python_loop(iter(pairs(3)))
except ValueError as e:
    print("ValueError", e)
"""


def test_iterator_arguments_behave_as_in_tensorflow(tmp_path):
    ours = run(ef, CODE, tmp_path / "ours.py")
    assert "!!" not in ours
    assert ours == run(tf_real, CODE, tmp_path / "theirs.py")
