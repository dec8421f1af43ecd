"""Differential tests: bugs found in everyday TF programs (issue 11), run under both libraries.

Each snippet's transcript (printed values, or the error class and message) must match
TensorFlow 2.21's exactly. Values are printed as float hex where the last digit matters.
"""
import pytest

pytest.importorskip("tensorflow")

import eagerflow as ef  # noqa: E402
import tensorflow as tf_real  # noqa: E402

from tests.compat.test_vs_tensorflow import run  # noqa: E402

pytestmark = pytest.mark.tensorflow

SNIPPETS = [
    # Reflected operators convert the Python scalar to the variable's dtype.
    "v = tf.Variable(2.0); print(1 / v, 1.5 / v, 7 // v, 2 - v, 2 ** v)",
    "v = tf.Variable(2); print(1 / v, 7 // v)",
    # custom_gradient: the gradient flows only through grad_fn, also when y is x itself.
    """
@tf.custom_gradient
def clip_gradient_by_norm(x, norm):
    y = tf.identity(x)
    def grad_fn(dresult):
        return [tf.clip_by_norm(dresult, norm), None]
    return y, grad_fn
v = tf.Variable(2.0)
with tf.GradientTape() as tape:
    output = clip_gradient_by_norm(v * v, 2.0)
print(tape.gradient(output, v))
""",
    """
@tf.custom_gradient
def clip_gradients(y):
    def backward(dy):
        return tf.clip_by_norm(dy, 0.5)
    return y, backward
v = tf.Variable(2.0)
with tf.GradientTape() as t:
    output = clip_gradients(v * v)
print(t.gradient(output, v))
""",
    """
@tf.custom_gradient
def passthrough(x):
    def grad_fn(dy):
        return dy * 2.0
    return x, grad_fn
x = tf.constant(3.0)
with tf.GradientTape() as t:
    t.watch(x)
    y = passthrough(x) * 3.0
print(t.gradient(y, x))
""",
    """
@tf.custom_gradient
def half(a):
    def g(dy):
        return dy * 0.5
    return a * 1.0, g
v = tf.Variable(2.0)
with tf.GradientTape() as t:
    y = half(v)
print(t.gradient(y, v))
""",
    # Optimizers: Keras 3's formulas in Keras's order, bit for bit.
    """
for lr, g, steps in [(0.1, 0.5, 1), (0.1, 0.5, 5), (0.001, -3.0, 3)]:
    a = tf.Variable([0.0, 1.0, -2.0])
    opt = tf.optimizers.Adam(lr)
    for _ in range(steps):
        opt.apply_gradients([(tf.constant([g, g * 2, -g]), a)])
    print([float(x).hex() for x in a.numpy()])
""",
    """
for nesterov in (False, True):
    a = tf.Variable([0.0, 1.0, -2.0])
    opt = tf.optimizers.SGD(0.1, momentum=0.9, nesterov=nesterov)
    for _ in range(4):
        opt.apply_gradients([(tf.constant([0.5, 1.0, -0.5]), a)])
    print([float(x).hex() for x in a.numpy()])
""",
    # Optimizers inside tf.function: the rate and step are read per call (rounded: traced pow).
    """
for make in (lambda: tf.optimizers.SGD(0.1), lambda: tf.optimizers.Adam(0.1),
             lambda: tf.optimizers.SGD(0.1, momentum=0.9, nesterov=True),
             lambda: tf.optimizers.Adam(0.05, clipnorm=1.0),
             lambda: tf.optimizers.SGD(0.1, global_clipnorm=0.5)):
    opt = make()
    w = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    def step(x):
        with tf.GradientTape() as t:
            loss = tf.reduce_sum(tf.matmul(x, w) ** 2)
        opt.apply_gradients(zip(t.gradient(loss, [w]), [w]))
        return loss
    step = tf.function(step)
    for _ in range(3):
        step(tf.ones([1, 2]))
    opt.learning_rate.assign(0.01)
    step(tf.ones([1, 2]))
    print(np.round(w.numpy(), 5).tolist(), int(opt.iterations.numpy()))
""",
    # Errors TF raises where we crashed or were lenient.
    "print(tf.random.Generator.from_seed('abc'))",
    "print(tf.matmul(tf.ones([2, 3, 4]), tf.ones([3, 4, 5])))",
    "w = tf.Variable([1.0, 2.0]); tf.optimizers.SGD(0.1).apply_gradients([(tf.constant([1.0, 2.0, 3.0]), w)])",
    "w = tf.Variable([1.0, 2.0]); tf.optimizers.SGD(0.1, momentum=0.9).apply_gradients([(tf.constant([1.0, 2.0, 3.0]), w)])",
    "w = tf.Variable([1.0, 2.0]); tf.optimizers.Adam(0.1).apply_gradients([(tf.constant([1.0, 2.0, 3.0]), w)])",
    "tf.optimizers.SGD('fast')",
    "x = tf.constant(3.0)\nwith tf.GradientTape() as t:\n    t.watch(x)\nt.gradient(None, x)",
    "v = tf.Variable('a'); v.assign_add('b')",
    "v = tf.Variable('a'); v.assign_sub('b')",
]


@pytest.mark.parametrize("code", SNIPPETS, ids=[s.strip()[:60] for s in SNIPPETS])
def test_everyday_program_matches_tensorflow(code):
    assert run(ef, code) == run(tf_real, code)


def test_constant_of_tensors_is_tfs_value_error():
    code = "tf.constant([tf.constant(1), tf.constant(2.0)])"
    ours, theirs = run(ef, code), run(tf_real, code)
    # TF appends a Python traceback of its own internals; the error and first line must match.
    assert ours.splitlines()[0] == theirs.splitlines()[0] == "!! ValueError: TypeError: Scalar tensor has no `len()`"
