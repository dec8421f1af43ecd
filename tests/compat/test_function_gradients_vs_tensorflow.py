"""Differential test: gradients of tf.function calls (a tape around a call, nested tapes, loops,
variables updated inside loop bodies) under eagerflow and TensorFlow 2.21 print the same values."""
import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

import eagerflow as ef  # noqa: E402
from tests.compat.programs import assert_prints_like  # noqa: E402

pytestmark = pytest.mark.tensorflow


PRELUDE = """
np.set_printoptions(precision=3, suppress=True)
def show(*values):
    print([None if v is None else np.round(np.asarray(v, np.float64), 3).tolist() for v in values])
x = tf.constant([0.5, -1.0, 2.0])
w = tf.Variable([[0.3, -0.2], [0.1, 0.4], [-0.5, 0.6]])
"""

PROGRAMS = [
    # a tape around a call: inputs, captured variables, several outputs, integer outputs
    """
@tf.function
def f(x):
    h = tf.tanh(tf.linalg.matvec(w, x, transpose_a=True))
    return tf.reduce_sum(h * h), tf.shape(h), h
with tf.GradientTape(persistent=True) as tape:
    tape.watch(x)
    y, shape, h = f(x)
show(*tape.gradient(y, [x, w]))
show(*tape.gradient(h, [x, w]))
show(*tape.gradient([y, h], [x, w]))
print(shape.numpy().tolist(), [v.name for v in tape.watched_variables()])
""",
    # second and third order around calls: elementwise, matmul, reductions, cond
    """
@tf.function
def f(x):
    y = tf.reduce_sum(tf.sin(x) * tf.exp(0.5 * x))
    return tf.cond(y > 0, lambda: y * y, lambda: -y)
with tf.GradientTape() as t3:
    t3.watch(x)
    with tf.GradientTape() as t2:
        t2.watch(x)
        with tf.GradientTape() as t1:
            t1.watch(x)
            y = f(x)
        g1 = t1.gradient(y, x)
    g2 = t2.gradient(g1, x)
show(g1, g2, t3.gradient(g2, x))
""",
    # stop_gradient, unconnected gradients, output gradients
    """
@tf.function
def f(a, b):
    return a * tf.stop_gradient(a) + 2.0 * a
a, b = tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0])
with tf.GradientTape() as tape:
    tape.watch([a, b])
    y = f(a, b)
show(*tape.gradient(y, [a, b], output_gradients=tf.constant([1.0, -1.0]),
                    unconnected_gradients=tf.UnconnectedGradients.ZERO))
""",
    # second order through a graph while loop and an autograph for loop
    """
@tf.function
def loop(x):
    return tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, tf.sin(a) * x), [0, x])[1]
@tf.function
def autograph(x):
    a = x
    for i in tf.range(3):
        a = a * x + tf.cast(i, tf.float32)
    return tf.reduce_sum(a)
for fn in (loop, autograph, loop.python_function):
    with tf.GradientTape() as t2:
        t2.watch(x)
        with tf.GradientTape() as t1:
            t1.watch(x)
            y = fn(x)
        g = t1.gradient(y, x)
    show(g, t2.gradient(g, x))
""",
    # nested tapes inside the function
    """
@tf.function
def hessian_diagonal(x):
    with tf.GradientTape() as t2:
        t2.watch(x)
        with tf.GradientTape() as t1:
            t1.watch(x)
            y = tf.while_loop(lambda i, a: i < 2, lambda i, a: (i + 1, a * x), [0, x])[1]
        g = t1.gradient(y, x)
    return g, t2.gradient(g, x)
show(*hessian_diagonal(x))
""",
    # a variable updated inside a loop body, read after the update
    """
for traced in (False, True):
    u = tf.Variable(1.0)
    def loop(x):
        def body(i, a):
            u.assign_add(x)
            return i + 1, a + u * x
        return tf.while_loop(lambda i, a: i < 3, body, [tf.constant(0), tf.constant(0.0)])[1]
    fn = tf.function(loop) if traced else loop
    s = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(s)
        r = fn(s)
    show(r, tape.gradient(r, s), tape.gradient(r, u), u)
""",
    # read before the update, and a tape inside the function
    """
u = tf.Variable([1.0, 2.0])
@tf.function
def step(x):
    with tf.GradientTape() as tape:
        def body(i, a):
            a = a + tf.reduce_sum(u * u) * x
            u.assign_add(x * [1.0, 0.5])
            return i + 1, a
        r = tf.while_loop(lambda i, a: i < 2, body, [0, tf.constant(0.0)])[1]
    return r, tape.gradient(r, u)
show(*step(tf.constant(1.5)))
show(u)
""",
    # a cond branch that updates a variable it does not read: the gradient's replay of the
    # branch does not update it again (tape inside the function, and around the call)
    """
u = tf.Variable(1.5)
c = tf.Variable(0.0)
@tf.function
def step(x):
    with tf.GradientTape() as tape:
        def yes():
            c.assign_add(1.0)
            return u * x * x
        y = tf.cond(x > 0, yes, lambda: u - x)
    u.assign_sub(0.1 * tape.gradient(y, u))
    return y
for v in (2.0, -1.0, 3.0):
    show(step(tf.constant(v)), u, c)
f = tf.function(lambda x: tf.cond(x > 0, lambda: (c.assign_add(1.0), u * x)[1], lambda: x))
with tf.GradientTape() as tape:
    y = f(tf.constant(2.0))
show(tape.gradient(y, u), c)
""",
]


@pytest.mark.parametrize("index", range(len(PROGRAMS)))
def test_program_prints_what_tensorflow_prints(index, tmp_path):
    assert_prints_like(ef, tf_real, PRELUDE + PROGRAMS[index], tmp_path)
