"""Differential test: eager tensors closed over in cond/while/map_fn/scan bodies of a
tf.function get the gradients TensorFlow 2.21 gives (issue #13), with the tape inside the
function and around the call."""
import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

import eagerflow as ef  # noqa: E402
from tests.compat.programs import assert_prints_like  # noqa: E402

pytestmark = pytest.mark.tensorflow


PRELUDE = """
def show(*values):
    print([None if v is None else np.round(np.asarray(v, np.float64), 3).tolist() for v in values])
x = tf.constant(1.5)
w = tf.constant([0.5, -1.0, 2.0])
v = tf.Variable(0.7)
def around(fn, *sources):
    with tf.GradientTape(persistent=True) as tape:
        for s in sources:
            tape.watch(s)
        y = fn()
    show(y, *[tape.gradient(y, s) for s in sources])
"""

PROGRAMS = [
    # tf.cond branches, both taken, the tape inside the function and around the call
    """
@tf.function
def inside(flag):
    with tf.GradientTape() as t:
        t.watch(x)
        y = tf.cond(flag, lambda: tf.sin(x) * x, lambda: x * w)
    return t.gradient(y, x)
show(inside(tf.constant(True)), inside(tf.constant(False)))
around(tf.function(lambda: tf.cond(x > 1.0, lambda: x * x * w, lambda: x)), x, w)
around(tf.function(lambda: tf.cond(x < 1.0, lambda: x * x, lambda: x)), x)
""",
    # tf.while_loop bodies: a closed-over scalar, a vector, a variable, a nested cond
    """
body = lambda i, a: (i + 1, a * x + w * v)
around(tf.function(lambda: tf.reduce_sum(tf.while_loop(lambda i, a: i < 3, body, (0, tf.ones(3)))[1])), x, w, v)
nested = lambda i, a: (i + 1, tf.cond(a > 2.0, lambda: a - x, lambda: a * x))
around(tf.function(lambda: tf.while_loop(lambda i, a: i < 4, nested, (0, 1.0))[1]), x)
@tf.function
def inside():
    with tf.GradientTape() as t:
        t.watch(w)
        y = tf.while_loop(lambda i, a: i < 2, lambda i, a: (i + 1, a * w), (0, w))[1]
    return t.gradient(y, w)
show(inside())
""",
    # autograph if/while/for, map_fn and scan
    """
@tf.function
def loops():
    a = tf.constant(1.0)
    for i in tf.range(3):
        if i % 2 == 0:
            a = a * x
        else:
            a = a + w[0]
    while a < 10.0:
        a = a * x
    return a
around(loops, x, w)
around(tf.function(lambda: tf.reduce_sum(tf.map_fn(lambda e: e * x, w))), x, w)
around(tf.function(lambda: tf.scan(lambda a, e: a * x + e, w)[-1]), x, w)
""",
]


@pytest.mark.parametrize("index", range(len(PROGRAMS)))
def test_program_prints_what_tensorflow_prints(index, tmp_path):
    assert_prints_like(ef, tf_real, PRELUDE + PROGRAMS[index], tmp_path)
