"""Differential test: tf.nest, tf.TensorSpec and tf.IndexedSlices snippets printed by eagerflow
and by TensorFlow 2.21 must match exactly (errors included)."""
import pytest

from tests.compat.test_vs_tensorflow import run

tf_real = pytest.importorskip("tensorflow")

import eagerflow as ef  # noqa: E402

pytestmark = pytest.mark.tensorflow

SNIPPETS = [
    "print(tf.nest.flatten({'b': 1, 'a': [2, None], 'c': (3, {'z': 4, 'y': 5})}))",
    "import collections; P = collections.namedtuple('P', 'x y'); print(tf.nest.map_structure(lambda v: v * 2, P(1, [2, 3])))",
    "print(tf.nest.pack_sequence_as({'b': [0, 0], 'a': 0}, [1, 2, 3]))",
    "tf.nest.assert_same_structure([1, [2]], [1, 2])",
    "tf.nest.assert_same_structure({'a': 1, 'b': [1]}, {'a': 1, 'b': (1,)})",
    "tf.nest.assert_same_structure([1, 2], [1, 2, 3])",
    "tf.nest.pack_sequence_as([1, [2]], [5, 6, 7])",
    "tf.nest.pack_sequence_as(1, [5, 6])",
    "print(tf.nest.map_structure(lambda a, b: a + b, [tf.constant(1.)], [tf.constant(2.)]))",
    "print(tf.nest.is_nested([]), tf.nest.is_nested('ab'), tf.nest.is_nested(tf.constant([1])))",
    "s = tf.IndexedSlices(tf.constant([[1., 2.]]), tf.constant([1]), tf.constant([2, 2])); print(tf.nest.flatten(s, expand_composites=True))",
    "print(tf.TensorSpec([None, 3]), repr(tf.TensorSpec([], tf.int64, name='n')))",
    "print(tf.TensorSpec([2, 3]).most_specific_common_supertype([tf.TensorSpec([4, 3])]))",
    "print(tf.type_spec_from_value(tf.constant([[1, 2]])), tf.type_spec_from_value(1.5))",
    "print(tf.IndexedSlicesSpec(), tf.IndexedSlicesSpec([3, 2], tf.float64, tf.int32))",
    "print(tf.IndexedSlices(tf.constant([[1., 2.]]), tf.constant([1]), tf.constant([2, 2])))",
    "print(tf.convert_to_tensor(tf.IndexedSlices(tf.constant([[1., 2.], [3., 4.]]), tf.constant([1, 1]), tf.constant([3, 2]))))",
    "tf.convert_to_tensor(tf.IndexedSlices(tf.constant([[1., 2.]]), tf.constant([1]), tf.constant([2, 2])), dtype=tf.int32)",
    ("v = tf.Variable([[1., 2.], [3., 4.], [5., 6.]])\n"
     "with tf.GradientTape() as t:\n"
     "    y = tf.reduce_sum(tf.gather(v, [[0, 2]])) + tf.reduce_sum(tf.gather(v, [1]) * 3.)\n"
     "g = t.gradient(y, v); print(type(g).__name__, g); print(g._type_spec)"),
    ("x = tf.constant([[1., 2.], [3., 4.]])\n"
     "with tf.GradientTape() as t:\n"
     "    t.watch(x); y = tf.reduce_sum(tf.gather(x, [0, 0]) ** 2)\n"
     "print(t.gradient(y, x))"),
]


@pytest.mark.parametrize("code", SNIPPETS, ids=[s[:70] for s in SNIPPETS])
def test_same_transcript(code):
    assert run(ef, code) == run(tf_real, code)
