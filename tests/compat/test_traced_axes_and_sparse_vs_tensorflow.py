"""Differential tests: run-time axes, framing of run-time lengths and SparseTensors inside traced
functions and tf.data, run under eagerflow and TensorFlow 2.21; the transcripts (values and the
static shapes printed while tracing) must match."""
import pytest

pytest.importorskip("tensorflow")

import eagerflow as ef  # noqa: E402
import tensorflow as tf_real  # noqa: E402

from tests.compat.test_vs_tensorflow import run  # noqa: E402

pytestmark = pytest.mark.tensorflow

SNIPPETS = [
    # An axis computed in the trace: values and gradients as with a constant axis.
    """
x = tf.reshape(tf.range(8.0), (2, 4))
f = tf.function(lambda x, a: (tf.gather(x, [0, 1, 1], axis=a), tf.expand_dims(x, a), tf.concat([x, x], a)),
                input_signature=[tf.TensorSpec([None, 4]), tf.TensorSpec([], tf.int32)])
for a in (0, 1, -1):
    print([t.numpy().tolist() for t in f(x, tf.constant(a))])
""",
    """
x = tf.reshape(tf.range(8.0), (2, 4))
def g(x, a):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.concat([x, 2.0 * x], a) ** 2) + tf.reduce_sum(tf.gather(x, [1, 1], axis=a))
    return tape.gradient(y, x)
f = tf.function(g, input_signature=[tf.TensorSpec([None, 4]), tf.TensorSpec([], tf.int32)])
print(f(x, tf.constant(0)).numpy().tolist(), f(x, tf.constant(1)).numpy().tolist())
""",
    # Framing a length known at run time; pads keep their static shapes.
    """
f = tf.function(lambda s: tf.signal.frame(s, 4, 3, pad_end=True, pad_value=-1.0))
c = f.get_concrete_function(tf.TensorSpec([2, None]))
print(c.structured_outputs.shape, c(tf.reshape(tf.range(14.0), (2, 7))).numpy().tolist())
p = tf.function(lambda s: tf.pad(s, [[0, 0], [2, 3]], mode="REFLECT"))
print(p.get_concrete_function(tf.TensorSpec([None, None])).structured_outputs.shape)
""",
    # SparseTensors in and out of traced functions.
    """
sp = tf.SparseTensor([[0, 1], [2, 0], [2, 2]], [1.0, 2.0, 3.0], (4, 3))
f = tf.function(lambda s: tf.sparse.fill_empty_rows(s, -1.0),
                input_signature=[tf.SparseTensorSpec([None, 3], tf.float32)])
out, empty = f(sp)
print(out.indices.numpy().tolist(), out.values.numpy().tolist(), empty.numpy().tolist())
t = tf.function(lambda s: tf.sparse.transpose(s), input_signature=[tf.SparseTensorSpec([None, 3], tf.float32)])(sp)
print(t.indices.numpy().tolist(), t.values.numpy().tolist(), t.dense_shape.numpy().tolist())
""",
    """
table = tf.reshape(tf.range(6.0), (3, 2))
ids = tf.SparseTensor([[0, 0, 0], [0, 0, 1], [1, 2, 0], [1, 1, 0]], [2, 1, -1, 2], (2, 3, 2))
f = tf.function(lambda s: tf.nn.safe_embedding_lookup_sparse(table, s, default_id=1),
                input_signature=[tf.SparseTensorSpec([None, 3, 2], tf.int32)])
print(f.get_concrete_function().structured_outputs.shape, f(ids).numpy().tolist())
""",
    """
ds = tf.data.Dataset.from_tensors((tf.constant([["x"], ["y"]]), tf.constant([[1], [2]], tf.int64)))
ds = ds.map(lambda a, b: tf.sparse.to_dense(tf.sparse.cross_hashed([a, b], num_buckets=1000)))
print(next(iter(ds)).numpy().tolist())
print(tf.math.bincount(tf.constant([[1.0], [3.7]]), minlength=5, maxlength=5, axis=-1).numpy().tolist())
""",
]


@pytest.mark.parametrize("code", SNIPPETS, ids=[s.strip().splitlines()[0][:60] for s in SNIPPETS])
def test_traced_program_matches_tensorflow(code):
    assert run(ef, code) == run(tf_real, code)
