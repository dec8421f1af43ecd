"""Differential test: traced ragged programs (tf.function, tf.data map) run with `tf` bound to
eagerflow and to TensorFlow 2.21; the printed results (and static shapes seen while tracing)
must match."""
import pytest

tf_real = pytest.importorskip("tensorflow")

import eagerflow as ef  # noqa: E402
from tests.compat.programs import transcript  # noqa: E402

pytestmark = pytest.mark.tensorflow


def run(module, code):
    return transcript(module, code)


S = "tf.TensorSpec([None], tf.string)"
RI = "tf.RaggedTensorSpec([None, None], tf.int64)"
RF = "tf.RaggedTensorSpec([None, None], tf.float32)"
RT_I = "tf.ragged.constant([[1, 2, 3], [], [4, 5]], dtype=tf.int64)"
RT_F = "tf.ragged.constant([[1., 2., 3.], [], [4., 5.]])"

PROGRAMS = [
    # strings: split, to_tensor with a shape, ngrams, lookups of split tokens
    f"""
@tf.function(input_signature=[{S}])
def f(s):
    r = tf.strings.split(s)
    print(r.shape, r.values.shape)
    return r.to_tensor(default_value='', shape=[None, 4])
print(f(tf.constant(['a b', 'c d e f g', ''])))
""",
    f"""
@tf.function(input_signature=[{S}])
def f(s):
    return tf.strings.split(s)
print(f(tf.constant(['a b', 'c'])))
""",
    f"""
@tf.function(input_signature=[{S}])
def f(s):
    return tf.strings.ngrams(tf.strings.split(s), [1, 2], pad_values=('<', '>'))
print(f(tf.constant(['a b c', 'd'])))
""",
    f"""
@tf.function(input_signature=[{S}])
def f(s):
    t = tf.strings.split(s)
    return tf.ragged.map_flat_values(tf.strings.length, t), t.row_lengths(), t.nrows()
print(f(tf.constant(['ab c', 'def', ''])))
""",
    f"""
@tf.function(input_signature=[{S}])
def f(s):
    a, b = tf.strings.unicode_split(s, 'UTF-8'), tf.strings.unicode_decode(s, 'UTF-8')
    print(a.shape, a.values.shape, b.values.shape)
    for m in (a.to_list, a.numpy):
        try:
            m()
        except ValueError as e:
            print(e)
    return a, b, tf.strings.bytes_split(s)
print(f(tf.constant(['h\u00e9llo', 'ab', ''])))
""",
    # factories on traced tensors
    """
@tf.function(input_signature=[tf.TensorSpec([None], tf.float32), tf.TensorSpec([None], tf.int64)])
def f(v, s):
    r = tf.RaggedTensor.from_row_splits(v, s)
    print(r.shape)
    return r.to_tensor(), r.value_rowids()
print(f(tf.constant([1., 2., 3., 4.]), tf.constant([0, 3, 3, 4], tf.int64)))
""",
    """
@tf.function(input_signature=[tf.TensorSpec([None], tf.int32), tf.TensorSpec([None], tf.int64)])
def f(v, ids):
    return tf.RaggedTensor.from_value_rowids(v, ids, nrows=4)
print(f(tf.constant([1, 2, 3]), tf.constant([0, 0, 3], tf.int64)))
""",
    """
@tf.function(input_signature=[tf.TensorSpec([None], tf.int32), tf.TensorSpec([None], tf.int64)])
def f(v, n):
    return tf.RaggedTensor.from_row_lengths(v, n)
print(f(tf.constant([1, 2, 3]), tf.constant([2, 0, 1], tf.int64)))
""",
    # ragged arguments and results, reductions, concat/stack, bincount
    f"""
@tf.function(input_signature=[{RF}])
def f(r):
    return tf.reduce_sum(r, axis=1), tf.reduce_max(r, axis=1), tf.reduce_mean(r), r.bounding_shape()
print(f({RT_F}))
""",
    f"""
@tf.function(input_signature=[{RF}])
def f(r):
    return tf.reduce_sum(r, axis=0), r * 2.0 + 1.0
print(f({RT_F}))
""",
    f"""
@tf.function(input_signature=[{RI}, {RI}])
def f(a, b):
    return tf.concat([a, b], axis=0), tf.concat([a, b], axis=1), tf.stack([a, b], axis=1)
print(f({RT_I}, tf.ragged.constant([[7], [8, 9], []], dtype=tf.int64)))
""",
    f"""
@tf.function(input_signature=[{RI}])
def f(r):
    return (tf.math.bincount(r, axis=-1, minlength=6, maxlength=6, binary_output=True),
            tf.math.bincount(r, axis=-1), tf.math.bincount(r))
print(f({RT_I}))
""",
    f"""
@tf.function(input_signature=[{RI}])
def f(r):
    return r[0], r[1:], r[:, :2], tf.gather(r, [2, 0])
print(f({RT_I}))
""",
    f"""
@tf.function(input_signature=[{RI}])
def f(r):
    s = r.to_sparse()
    return s.indices, s.values, s.dense_shape
print(f({RT_I}))
""",
    f"""
@tf.function(input_signature=[{RI}])
def f(r):
    return r.with_row_splits_dtype(tf.int32), tf.ragged.range(r.row_lengths())
print(f({RT_I}))
""",
    """
rt = tf.ragged.constant([[1., 2.], [3.]])
@tf.function
def f(x):
    return rt * x, tf.reduce_sum(rt, axis=1)
print(f(tf.constant(3.)))
""",
    f"""
@tf.function(input_signature=[{RI}, tf.TensorSpec([None], tf.int64)])
def f(r, d):
    return (tf.ragged.boolean_mask(r, r > 1), r + tf.expand_dims(d, 1), tf.expand_dims(r, 0),
            tf.reduce_sum(r, axis=1, keepdims=True), r.merge_dims(0, -1),
            tf.ragged.stack_dynamic_partitions(r.flat_values, r.flat_values % 2, 2))
print(f({RT_I}, tf.constant([10, 20, 30], tf.int64)))
""",
    """
@tf.function(input_signature=[tf.RaggedTensorSpec([None, None], tf.string)])
def f(r):
    return tf.strings.reduce_join(r, axis=-1, separator='-'), tf.strings.split(r).merge_dims(1, 2)
print(f(tf.ragged.constant([['a b', 'c'], [], ['d']])))
""",
    """
@tf.function
def f(d):
    return {'n': d['r'].row_lengths(), 'r': d['r'] + 1}
print(f({'r': tf.ragged.constant([[1], [2, 3]])}))
""",
    """
v = tf.constant([1., 2., 3.])
@tf.function
def f(rt):
    return tf.reduce_sum(rt * rt, axis=1)
with tf.GradientTape() as tape:
    tape.watch(v)
    y = tf.reduce_sum(f(tf.RaggedTensor.from_row_splits(v, [0, 2, 3])))
print(tape.gradient(y, v))
""",
    # gradients flow to the values
    """
@tf.function(input_signature=[tf.TensorSpec([None], tf.float32), tf.TensorSpec([None], tf.int64)])
def f(v, s):
    with tf.GradientTape() as tape:
        tape.watch(v)
        d = tf.RaggedTensor.from_row_splits(v, s).to_tensor(default_value=0., shape=[None, 2])
        y = tf.reduce_sum(d * tf.constant([[1., 10.]]))
    return tf.convert_to_tensor(tape.gradient(y, v))  # TF's is IndexedSlices (a gather), ours dense
print(f(tf.constant([1., 2., 3., 4.]), tf.constant([0, 3, 4], tf.int64)))
""",
    """
v = tf.constant([1., 2., 3.])
with tf.GradientTape() as tape:
    tape.watch(v)
    r = tf.RaggedTensor.from_row_splits(v, [0, 2, 3])
    y = tf.reduce_sum(tf.reduce_mean(r * r, axis=1))
print(tape.gradient(y, v))
""",
    # tf.data: traced maps over ragged elements
    """
ds = tf.data.Dataset.from_tensor_slices(['a b c', 'd', 'e f']).batch(2).map(tf.strings.split)
print(ds.element_spec)
for x in ds: print(x)
""",
    """
rt = tf.ragged.constant([[1, 2], [3], [4, 5, 6]])
ds = tf.data.Dataset.from_tensor_slices(rt).batch(2)
print(ds.element_spec)
ds = ds.map(lambda r: (r * 2, r.row_lengths()))
print(ds.element_spec)
for x in ds: print(x)
""",
    """
ds = tf.data.Dataset.from_tensor_slices(['a b c', 'd', 'e f']).map(lambda s: tf.strings.split(s))
ds = ds.ragged_batch(2)
print(ds.element_spec)
for x in ds.map(lambda r: r.to_tensor(default_value='-')): print(x)
""",
]


@pytest.mark.parametrize("code", PROGRAMS, ids=[f"program{i}" for i in range(len(PROGRAMS))])
def test_traced_ragged_program_matches_tensorflow(code):
    assert run(ef, code) == run(tf_real, code)
