"""Differential test for tf.function: the same programs under eagerflow and TensorFlow 2.21 print
the same transcripts (trace counts, symbolic tensor reprs, signatures, errors, values).

Normalised: object addresses, and the number TF gives each concrete function's name.
"""
import contextlib
import io
import re
import sys

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

import eagerflow as ef  # noqa: E402

pytestmark = pytest.mark.tensorflow

_ADDRESS = re.compile(r"0x[0-9a-fA-F]+")
_INFERENCE = re.compile(r"__inference_(\w+?)_\d+")


def run(module, code):
    out = io.StringIO()
    namespace = {"tf": module, "np": np, "sys": sys}
    try:
        with contextlib.redirect_stdout(out):
            exec(code, namespace)  # noqa: S102 - fixed programs from this file
    except Exception as error:  # noqa: BLE001 - the error itself is compared
        out.write(f"!! {type(error).__name__}: {error}")
    return _INFERENCE.sub(r"__inference_\1_N", _ADDRESS.sub("0x...", out.getvalue()))


PROGRAMS = [
    # trace counts and symbolic tensors
    """
@tf.function
def f(x):
    print("tracing", x, repr(x))
    return x * 2 + 1
print(f(tf.constant(1)), f(tf.constant(2)), f(tf.constant(1.5)), f(tf.constant([1, 2])))
print(f.experimental_get_tracing_count())
""",
    # Python values retrace by value; structures
    """
@tf.function
def f(x, n, flag):
    print("tracing", n, flag)
    return x * n if flag else x
for n, flag in [(1, True), (1, True), (2, True), (2, False)]:
    print(f(tf.constant(3.0), n, flag))
print(f.experimental_get_tracing_count())
""",
    # input_signature and its errors
    """
@tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32)])
def f(x):
    print("tracing", x)
    return tf.reduce_sum(x, axis=1)
print(f(tf.ones([3, 2])))
print(f(tf.ones([1, 2])))
for bad in (tf.ones([2, 3]), tf.ones([2, 2], tf.int32)):
    try:
        f(bad)
    except Exception as e:
        print(type(e).__name__, e)
try:
    f(tf.ones([1, 2]), 1)
except Exception as e:
    print(type(e).__name__, e)
""",
    # reduce_retracing
    """
@tf.function(reduce_retracing=True)
def f(x):
    print("tracing", x)
    return tf.shape(x)
for n in (2, 3, 4):
    print(f(tf.zeros([n, 5])))
print(f.experimental_get_tracing_count())
""",
    # signatures
    """
@tf.function
def f(a, b=2, *, c=None):
    return a + b
f(tf.constant(1.0))
f(tf.constant([1, 2]), 3)
print(f.pretty_printed_concrete_signatures())
cf = f.get_concrete_function(tf.TensorSpec([None], tf.float32), tf.TensorSpec([], tf.float32))
print(cf)
print(cf.structured_input_signature)
print(cf.structured_outputs)
""",
    # variables by reference, created once, errors
    """
v = tf.Variable(1.0)
@tf.function
def f():
    v.assign_add(1.0)
    return v.read_value()
print(f(), f(), v.numpy())
v.assign(10.0)
print(f())
@tf.function
def g(x):
    w = tf.Variable(2.0)
    return w * x
try:
    g(tf.constant(1.0))
except Exception as e:
    print(type(e).__name__, e)
print(g.experimental_get_tracing_count())
class M(tf.Module):
    def __init__(self):
        self.v = None
    @tf.function
    def __call__(self, x):
        print("tracing M")
        if self.v is None:
            self.v = tf.Variable(x * 2)
        return self.v + x
m = M()
print(m(tf.constant(1.0)), m.__call__.experimental_get_tracing_count())
print(m(tf.constant(2.0)), m(tf.constant([2.0])))
""",
    # inside a trace
    """
@tf.function
def f(x):
    print(tf.executing_eagerly(), tf.inside_function())
    with tf.init_scope():
        print(tf.executing_eagerly())
    try:
        bool(x)
    except Exception as e:
        print(type(e).__name__, e)
    try:
        x.numpy()
    except Exception as e:
        print(type(e).__name__, e)
    return x
f(tf.constant(1.0))
print(tf.executing_eagerly(), tf.inside_function())
""",
    # gradients: tape inside, around, second order
    """
w = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
x = tf.constant([[1.0, -1.0]])
@tf.function
def step():
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.tanh(x @ w))
    g = tape.gradient(loss, w)
    w.assign_sub(0.1 * g)
    return loss
print(np.round(step().numpy(), 4), np.round(step().numpy(), 4))
print(np.round(w.numpy(), 4))
@tf.function
def cube(t):
    return t * t * t
t = tf.constant(2.0)
with tf.GradientTape() as outer:
    outer.watch(t)
    with tf.GradientTape() as inner:
        inner.watch(t)
        y = cube(t)
    g = inner.gradient(y, t)
print(g, outer.gradient(g, t))
""",
    # graph inspection
    """
@tf.function
def f(x, y):
    return tf.nn.relu(tf.matmul(x, y))
cf = f.get_concrete_function(tf.TensorSpec([None, 2], tf.float32), tf.TensorSpec([2, 3], tf.float32))
print([op.type for op in cf.graph.get_operations()])
print(cf.graph.inputs, cf.graph.outputs)
for node in cf.graph.as_graph_def().node:
    print(node.name, node.op, list(node.input))
print(cf(tf.ones([1, 2]), tf.ones([2, 3])))
""",
    # methods: one cache per instance
    """
class M(tf.Module):
    def __init__(self, k):
        super().__init__()
        self.k = tf.Variable(k)
    @tf.function
    def __call__(self, x):
        print("tracing")
        return x * self.k
a, b = M(2.0), M(3.0)
print(a(tf.constant(1.0)), b(tf.constant(1.0)), a(tf.constant(2.0)))
print(a.__call__.experimental_get_tracing_count(), b.__call__.experimental_get_tracing_count())
""",
    # non-strict execution and run_functions_eagerly
    """
@tf.function
def f(x):
    tf.gather(x, [5])
    print("py")
    return x + 1
print(f(tf.constant([1.0])))
tf.config.run_functions_eagerly(True)
try:
    print(tf.config.functions_run_eagerly())
    f(tf.constant([1.0]))
except Exception as e:
    print(type(e).__name__)
finally:
    tf.config.run_functions_eagerly(False)
""",
    # static shapes inferred for ops traced with an unknown batch dimension
    """
CASES = {
    "reshape_to_run_time_shape": lambda x: tf.reshape(x, tf.shape(x)),
    "reshape_list": lambda x: tf.reshape(x, [-1, 2]),
    "zeros_of_run_time_shape": lambda x: tf.zeros(tf.shape(x)),
    "fill_run_time_shape": lambda x: tf.fill(tf.shape(x), 2.0),
    "range_of_run_time_length": lambda x: tf.range(tf.shape(x)[0]),
    "column": lambda x: x[:, 1],
    "row": lambda x: x[1],
    "concat": lambda x: tf.concat([x, x], axis=1),
    "concat0": lambda x: tf.concat([x, x], axis=0),
    "stack": lambda x: tf.stack([x, x]),
    "unstack": lambda x: tf.unstack(x, axis=1)[0],
    "transpose": lambda x: tf.transpose(x),
    "tile": lambda x: tf.tile(x, [2, 1]),
    "gather": lambda x: tf.gather(x, [0, 1], axis=1),
    "where_coordinates": lambda x: tf.where(x > 0),
    "reduce_mean": lambda x: tf.reduce_mean(x, axis=0),
    "reduce_keep": lambda x: tf.reduce_sum(x, axis=1, keepdims=True),
    "argmax": lambda x: tf.argmax(x, axis=1),
    "softmax": lambda x: tf.nn.softmax(x),
    "one_hot": lambda x: tf.one_hot(tf.cast(x[:, 0], tf.int32), 3),
    "matmul_transposed": lambda x: tf.matmul(x, x, transpose_b=True),
    "einsum": lambda x: tf.einsum("ij,kj->ik", x, x),
    "pad": lambda x: tf.pad(x, [[1, 1], [0, 0]]),
    "split": lambda x: tf.split(x, 2, axis=1)[0],
    "sort": lambda x: tf.sort(x, axis=1),
    "top_k": lambda x: tf.math.top_k(x, 2).values,
    "cumsum": lambda x: tf.cumsum(x, axis=0),
    "size": lambda x: tf.size(x),
    "shape": lambda x: tf.shape(x),
    "unique": lambda x: tf.unique(tf.reshape(x, [-1]))[0],
    "conv2d": lambda x: tf.nn.conv2d(tf.reshape(x, [-1, 2, 2, 1]), tf.ones([1, 1, 1, 2]), 1, "SAME"),
    "expand": lambda x: tf.expand_dims(x, -1),
    "squeeze": lambda x: tf.squeeze(x[:, :1], axis=1),
    "cast": lambda x: tf.cast(x, tf.int64),
    "equal": lambda x: tf.equal(x, 0.0),
    "broadcast_bias": lambda x: x + tf.ones([4]),
    "outer": lambda x: x[:, :, None] * x[:, None, :],
    "slice_strided": lambda x: x[::2, 1:3],
    "diag": lambda x: tf.linalg.diag(x),
    "reverse": lambda x: tf.reverse(x, [0]),
    "segment_sum": lambda x: tf.math.segment_sum(x, tf.zeros(tf.shape(x)[:1], tf.int32)),
}
for name, fn in CASES.items():
    f = tf.function(fn, input_signature=[tf.TensorSpec([None, 4], tf.float32)], autograph=False)
    y = f.get_concrete_function().structured_outputs
    print(name, y.shape, y.dtype.name)
""",
]


@pytest.mark.parametrize("code", PROGRAMS, ids=[f"program{i}" for i in range(len(PROGRAMS))])
def test_transcripts_match(code):
    assert run(ef, code) == run(tf_real, code)
