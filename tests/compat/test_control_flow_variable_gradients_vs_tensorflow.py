"""Differential test (issue #13): gradients through traced `tf.cond` branches and
`tf.while_loop` bodies that read variables they update (reads before, after, both, `assign`,
nested conds, a cond inside a loop; tapes inside the function and around its call; second and
third orders through loops updating variables) print the same under eagerflow and TF 2.21."""
import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

import eagerflow as ef  # noqa: E402
from tests.compat.programs import assert_prints_like  # noqa: E402

pytestmark = pytest.mark.tensorflow


PRELUDE = """
def show(*values):
    def flat(v):
        if v is None:
            return None
        if isinstance(v, (list, tuple)):
            return [flat(a) for a in v]
        return np.round(np.asarray(v, np.float64), 4).tolist()
    print(flat(list(values)))
"""

PROGRAMS = [
    # a read after assign_add in the branch
    """
v = tf.Variable(2.0)
@tf.function
def f(x):
    with tf.GradientTape() as t:
        t.watch(x)
        y = tf.cond(x > 0, lambda: (v.assign_add(1.0), v * x)[1], lambda: x)
    return y, t.gradient(y, [x, v])
r = f(tf.constant(5.0))
show([r, v])
""",
    # a read before the update
    """
v = tf.Variable(2.0)
@tf.function
def f(x):
    with tf.GradientTape() as t:
        t.watch(x)
        def br():
            r = v * x
            with tf.control_dependencies([r]):
                v.assign_add(1.0)
            return r
        y = tf.cond(x > 0, br, lambda: x)
    return y, t.gradient(y, [x, v])
r = f(tf.constant(5.0))
show([r, v])
""",
    # reads before and after the update
    """
v = tf.Variable(2.0)
@tf.function
def f(x):
    with tf.GradientTape() as t:
        t.watch(x)
        def br():
            r = v * x
            with tf.control_dependencies([r]):
                op = v.assign_add(1.0)
            with tf.control_dependencies([op]):
                return r + v * v * x
        y = tf.cond(x > 0, br, lambda: x)
    return y, t.gradient(y, [x, v])
r = f(tf.constant(5.0))
show([r, v])
""",
    # assign (not differentiated), reads around it
    """
v = tf.Variable(2.0)
@tf.function
def f(x):
    with tf.GradientTape() as t:
        t.watch(x)
        def br():
            r = v * x
            with tf.control_dependencies([r]):
                op = v.assign(x * 3.0)
            with tf.control_dependencies([op]):
                return r + v * x
        y = tf.cond(x > 0, br, lambda: x)
    return y, t.gradient(y, [x, v])
r = f(tf.constant(5.0))
show([r, v])
""",
    # tape around the call
    """
v = tf.Variable(2.0)
f = tf.function(lambda x: tf.cond(x > 0, lambda: (v.assign_add(1.0), v * x * x)[1], lambda: x))
x = tf.constant(5.0)
with tf.GradientTape() as t:
    t.watch(x)
    y = f(x)
show([y, t.gradient(y, [x, v]), v])
""",
    # tape around the call, persistent, counter bumped once
    """
v = tf.Variable(2.0)
counter = tf.Variable(0)
def br(x):
    r = v * x
    with tf.control_dependencies([r]):
        op = v.assign_add(1.0)
        counter.assign_add(1)
    with tf.control_dependencies([op]):
        return r + v * v * x
f = tf.function(lambda x: tf.cond(x > 0, lambda: br(x), lambda: x))
x = tf.constant(5.0)
with tf.GradientTape(persistent=True) as t:
    t.watch(x)
    y = f(x)
show([y, t.gradient(y, [x, v]), t.gradient(y, [x, v]), v, counter])
""",
    # nested cond in cond, both reading the variable
    """
v = tf.Variable(2.0)
@tf.function
def f(x):
    with tf.GradientTape() as t:
        t.watch(x)
        def outer():
            def inner():
                v.assign_add(1.0)
                return v * x
            return tf.cond(x > 1, inner, lambda: x) * v
        y = tf.cond(x > 0, outer, lambda: x)
    return y, t.gradient(y, [x, v])
r = f(tf.constant(5.0))
show([r, v])
""",
    # cond updating a variable inside a while loop
    """
v = tf.Variable(2.0)
@tf.function
def f(x):
    with tf.GradientTape() as t:
        t.watch(x)
        def body(i, a):
            def br():
                v.assign_add(1.0)
                return a + v * x
            return i + 1, tf.cond(i > 0, br, lambda: a + x)
        y = tf.while_loop(lambda i, a: i < 3, body, [tf.constant(0), tf.constant(0.0)])[1]
    return y, t.gradient(y, [x, v])
r = f(tf.constant(5.0))
show([r, v])
""",
    # the same, tape around the call
    """
v = tf.Variable(2.0)
def body(i, a, x):
    def br():
        v.assign_add(1.0)
        return a + v * x
    return i + 1, tf.cond(i > 0, br, lambda: a + x), x
f = tf.function(lambda x: tf.while_loop(lambda i, a, x: i < 3, body, [tf.constant(0), tf.constant(0.0), x])[1])
x = tf.constant(5.0)
with tf.GradientTape() as t:
    t.watch(x)
    y = f(x)
show([y, t.gradient(y, [x, v]), v])
""",
    # second order through an updating loop, nested tapes inside
    """
u = tf.Variable(1.0)
@tf.function
def f(x):
    with tf.GradientTape() as t2:
        t2.watch(x)
        with tf.GradientTape() as t1:
            t1.watch(x)
            def body(i, a):
                u.assign_add(x)
                return i + 1, a + u * x * x
            r = tf.while_loop(lambda i, a: i < 3, body, [tf.constant(0), tf.constant(0.0)])[1]
        g = t1.gradient(r, x)
    return r, g, t2.gradient(g, [x, u])
show([f(tf.constant(2.0)), u])
""",
    # second order, nested tapes around the call
    """
u = tf.Variable(1.0)
def loop(x):
    def body(i, a):
        u.assign_add(x)
        return i + 1, a + u * x * x
    return tf.while_loop(lambda i, a: i < 3, body, [tf.constant(0), tf.constant(0.0)])[1]
f = tf.function(loop)
x = tf.constant(2.0)
with tf.GradientTape() as t2:
    t2.watch(x)
    with tf.GradientTape() as t1:
        t1.watch(x)
        r = f(x)
    g = t1.gradient(r, [x, u])
show([r, g, t2.gradient(g[0], [x, u]), u])
""",
    # second order of the variable's gradient, around the call
    """
u = tf.Variable(1.0)
def loop(x):
    def body(i, a):
        u.assign_add(x)
        return i + 1, a + u * x * x
    return tf.while_loop(lambda i, a: i < 3, body, [tf.constant(0), tf.constant(0.0)])[1]
f = tf.function(loop)
x = tf.constant(2.0)
with tf.GradientTape() as t2:
    t2.watch(x)
    with tf.GradientTape() as t1:
        t1.watch(x)
        r = f(x)
    g = t1.gradient(r, u)
show([r, g, t2.gradient(g, [x, u]), u])
""",
    # second order around a call whose inner tape differentiates the loop
    """
u = tf.Variable(1.0)
@tf.function
def f(x):
    with tf.GradientTape() as t1:
        t1.watch(x)
        def body(i, a):
            u.assign_add(x)
            return i + 1, a + u * x * x
        r = tf.while_loop(lambda i, a: i < 3, body, [tf.constant(0), tf.constant(0.0)])[1]
    return r, t1.gradient(r, [x, u])
x = tf.constant(2.0)
with tf.GradientTape(persistent=True) as t2:
    t2.watch(x)
    r, (gx, gu) = f(x)
show([r, gx, gu, t2.gradient(gx, [x, u]), t2.gradient(gu, [x, u]), u])
""",
    # second order through an autograph for loop updating a variable
    """
u = tf.Variable(1.0)
@tf.function
def f(x):
    with tf.GradientTape() as t2:
        t2.watch(x)
        with tf.GradientTape() as t1:
            t1.watch(x)
            a = tf.constant(0.0)
            for i in tf.range(3):
                u.assign_add(x)
                a = a + u * x * x
        g = t1.gradient(a, [x, u])
    return a, g, t2.gradient(g[0], [x, u]), 
show([f(tf.constant(2.0)), u])
""",
    # else taken
    """
v = tf.Variable(2.0)
@tf.function
def f(x):
    with tf.GradientTape() as t:
        t.watch(x)
        y = tf.cond(x > 0, lambda: (v.assign_add(1.0), v * x)[1], lambda: x * x)
    return y, t.gradient(y, [x, v])
show([f(tf.constant(-3.0)), f(tf.constant(3.0)), v])
""",
    # both branches
    """
v = tf.Variable([1.0, 2.0])
@tf.function
def f(x):
    with tf.GradientTape() as t:
        t.watch(x)
        def a():
            r = tf.reduce_sum(v * x)
            with tf.control_dependencies([r]):
                op = v.assign(v * 2.0)
            with tf.control_dependencies([op]):
                return r + tf.reduce_sum(v * v)
        def b():
            v.assign_sub([1.0, 1.0])
            return tf.reduce_sum(v) * x
        y = tf.cond(x > 1.0, a, b)
    return y, t.gradient(y, [x, v])
show([f(tf.constant(2.0)), f(tf.constant(0.5)), v])
""",
    # second order if
    """
v = tf.Variable(2.0)
@tf.function
def f(x):
    with tf.GradientTape() as t2:
        t2.watch(x)
        with tf.GradientTape() as t1:
            t1.watch(x)
            def br():
                r = v * x * x * x
                with tf.control_dependencies([r]):
                    op = v.assign_add(1.0)
                with tf.control_dependencies([op]):
                    return r + v * x * x
            y = tf.cond(x > 0, br, lambda: x)
        g = t1.gradient(y, x)
    return y, g, t2.gradient(g, [x, v])
show([f(tf.constant(2.0)), v])
""",
    # second order if around
    """
v = tf.Variable(2.0)
def br(x):
    r = v * x * x * x
    with tf.control_dependencies([r]):
        op = v.assign_add(1.0)
    with tf.control_dependencies([op]):
        return r + v * x * x
f = tf.function(lambda x: tf.cond(x > 0, lambda: br(x), lambda: x))
x = tf.constant(2.0)
with tf.GradientTape() as t2:
    t2.watch(x)
    with tf.GradientTape() as t1:
        t1.watch(x)
        y = f(x)
    g = t1.gradient(y, [x, v])
show([y, g, t2.gradient(g[0], [x, v]), v])
""",
    # autograph if in for
    """
v = tf.Variable(1.0)
@tf.function
def f(x):
    with tf.GradientTape() as t:
        t.watch(x)
        s = tf.constant(0.0)
        for i in tf.range(4):
            if i % 2 == 0:
                v.assign_add(x)
                s += v * x
            else:
                s += x
    return s, t.gradient(s, [x, v])
show([f(tf.constant(2.0)), v])
""",
    # plain then taped then plain
    """
v = tf.Variable(2.0)
f = tf.function(lambda x: tf.cond(x > 0, lambda: (v.assign_add(1.0), v * x)[1], lambda: x))
x = tf.constant(5.0)
a = f(x)
with tf.GradientTape() as t:
    t.watch(x)
    y = f(x)
g = t.gradient(y, [x, v])
b = f(x)
show([a, y, g, b, v])
""",
    # counter in while body
    """
c = tf.Variable(0)
@tf.function
def f(x):
    with tf.GradientTape() as t:
        t.watch(x)
        def body(i, a):
            c.assign_add(1)
            return i + 1, a * x
        y = tf.while_loop(lambda i, a: i < 3, body, [0, tf.constant(1.0)])[1]
    return t.gradient(y, x)
show([f(tf.constant(2.0)), c])
""",
    # while 2nd state dep
    """
u = tf.Variable(0.5)
@tf.function
def f(x):
    with tf.GradientTape(persistent=True) as t2:
        t2.watch(x)
        with tf.GradientTape() as t1:
            t1.watch(x)
            def body(i, a):
                u.assign_add(0.25)
                return i + 1, a * a * u + x
            r = tf.while_loop(lambda i, a: i < 3, body, [tf.constant(0), x])[1]
        g = t1.gradient(r, [x, u])
    return r, g, t2.gradient(g[0], [x, u]), t2.gradient(g[1], [x, u])
show([f(tf.constant(0.7)), u])
""",
    # while 3rd
    """
u = tf.Variable(1.0)
def loop(x):
    def body(i, a):
        u.assign_add(1.0)
        return i + 1, a + u * x * x * x
    return tf.while_loop(lambda i, a: i < 2, body, [tf.constant(0), tf.constant(0.0)])[1]
f = tf.function(loop)
x = tf.constant(2.0)
with tf.GradientTape() as t3:
    t3.watch(x)
    with tf.GradientTape() as t2:
        t2.watch(x)
        with tf.GradientTape() as t1:
            t1.watch(x)
            r = f(x)
        g = t1.gradient(r, x)
    h = t2.gradient(g, x)
show([r, g, h, t3.gradient(h, x), u])
""",
    # persistent twice
    """
v = tf.Variable(2.0)
f = tf.function(lambda x: tf.cond(x > 0, lambda: (v.assign(v * x), v * x)[1], lambda: x))
x = tf.constant(3.0)
with tf.GradientTape(persistent=True) as t:
    t.watch(x)
    y = f(x)
show([y, t.gradient(y, [x, v]), t.gradient(y * y, [x, v]), v])
""",
    # second order through a cond updating a variable inside a loop
    """
v = tf.Variable(2.0)
@tf.function
def f(x):
    with tf.GradientTape() as t2:
        t2.watch(x)
        with tf.GradientTape() as t:
            t.watch(x)
            def body(i, a):
                def br():
                    v.assign_add(1.0)
                    return a + v * x * x
                return i + 1, tf.cond(i > 0, br, lambda: a + x)
            y = tf.while_loop(lambda i, a: i < 3, body, [tf.constant(0), tf.constant(0.0)])[1]
        g = t.gradient(y, x)
    return y, g, t2.gradient(g, [x, v])
show([f(tf.constant(5.0)), v])
""",
    # a loop updating a variable inside a cond
    """
v = tf.Variable(2.0)
@tf.function
def f(x):
    with tf.GradientTape() as t:
        t.watch(x)
        def br():
            def body(i, a):
                v.assign_add(1.0)
                return i + 1, a + v * x
            return tf.while_loop(lambda i, a: i < 2, body, [tf.constant(0), x])[1] * v
        y = tf.cond(x > 0, br, lambda: x)
    return y, t.gradient(y, [x, v])
show([f(tf.constant(5.0)), v])
""",
    # third order around a call: a cond updating a variable inside a loop
    """
v = tf.Variable(2.0)
def loop(x):
    def body(i, a):
        def br():
            v.assign_add(1.0)
            return a * a * 0.1 + v * x * x
        return i + 1, tf.cond(i > 0, br, lambda: a + x)
    return tf.while_loop(lambda i, a: i < 3, body, [tf.constant(0), tf.constant(0.0)])[1]
f = tf.function(loop)
x = tf.constant(1.5)
with tf.GradientTape() as t3:
    t3.watch(x)
    with tf.GradientTape() as t2:
        t2.watch(x)
        with tf.GradientTape() as t:
            t.watch(x)
            y = f(x)
        g = t.gradient(y, x)
    h = t2.gradient(g, x)
show([y, g, h, t3.gradient(h, x), v])
""",
    # matrix variable assigned between two reads, several cond outputs (one int)
    """
w = tf.Variable([[0.5, -1.0], [2.0, 0.25]])
@tf.function
def f(x):
    with tf.GradientTape() as t:
        t.watch(x)
        def br():
            h = tf.linalg.matvec(w, x)
            with tf.control_dependencies([h]):
                u = w.assign_sub(0.1 * tf.ones_like(w))
            with tf.control_dependencies([u]):
                return tf.reduce_sum(tf.tanh(tf.linalg.matvec(w, h))), tf.shape(h), h
        def other():
            return tf.reduce_sum(x), tf.constant([2]), x
        y, s, h = tf.cond(tf.reduce_sum(x) > 0, br, other)
        loss = y + tf.reduce_sum(h * h)
    return loss, s, t.gradient(loss, [x, w])
show([f(tf.constant([1.0, 2.0])), w])
""",
    # switch_case branches updating the variable they read
    """
v = tf.Variable(1.0)
@tf.function
def f(i, x):
    with tf.GradientTape() as t:
        t.watch(x)
        y = tf.switch_case(i, [lambda: (v.assign_add(1.0), v * x)[1],
                               lambda: (v.assign(x), v * v)[1],
                               lambda: x])
    return y, t.gradient(y, [x, v])
show([f(tf.constant(0), tf.constant(3.0)), f(tf.constant(1), tf.constant(3.0)), f(tf.constant(2), tf.constant(3.0)), v])
""",
    # a watched non-trainable variable updated and read in a branch
    """
v = tf.Variable(2.0, trainable=False)
@tf.function
def f(x):
    with tf.GradientTape() as t:
        t.watch(v)
        y = tf.cond(x > 0, lambda: (v.assign_add(1.0), v * x)[1], lambda: x)
    return y, t.gradient(y, v)
show([f(tf.constant(5.0)), v])
""",
    # a loop writing a TensorArray while updating a variable
    """
v = tf.Variable(1.0)
@tf.function
def f(x):
    with tf.GradientTape() as t:
        t.watch(x)
        ta = tf.TensorArray(tf.float32, size=3)
        def body(i, ta):
            v.assign_add(x)
            return i + 1, ta.write(i, v * x)
        _, ta = tf.while_loop(lambda i, ta: i < 3, body, [0, ta])
        y = tf.reduce_sum(ta.stack())
    return y, t.gradient(y, [x, v])
show([f(tf.constant(2.0)), v])
""",
    # a training step whose cond bumps a step counter
    """
w = tf.Variable([[0.1, 0.2], [0.3, -0.4]])
step_count = tf.Variable(0)
@tf.function
def train(x):
    with tf.GradientTape() as t:
        def warm():
            step_count.assign_add(1)
            return tf.reduce_sum(tf.matmul(x, w) ** 2)
        loss = tf.cond(step_count < 2, warm, lambda: tf.reduce_sum(tf.matmul(x, w)))
    g = t.gradient(loss, w)
    w.assign_sub(0.1 * g)
    return loss
x = tf.constant([[1.0, 2.0]])
show([[train(x) for _ in range(4)], w, step_count])
""",
]


@pytest.mark.parametrize("index", range(len(PROGRAMS)))
def test_program_prints_what_tensorflow_prints(index, tmp_path):
    assert_prints_like(ef, tf_real, PRELUDE + PROGRAMS[index], tmp_path)
