"""Differential test of tf.lookup: the same snippets with `tf` bound to eagerflow and to TF 2.21.

Exports are compared sorted (hash-table order is TF's own); tables print no repr worth comparing.
"""
import pytest

from tests.compat.test_vs_tensorflow import run

tf_real = pytest.importorskip("tensorflow")

import eagerflow as ef  # noqa: E402

pytestmark = pytest.mark.tensorflow

_SETUP = """
init = tf.lookup.KeyValueTensorInitializer(["a", "b", "c"], [1, 2, 3], key_dtype=tf.string, value_dtype=tf.int64)
t = tf.lookup.StaticHashTable(init, default_value=-1)
m = tf.lookup.experimental.MutableHashTable(key_dtype=tf.string, value_dtype=tf.int64, default_value=-1)
m.insert(tf.constant(["a", "b"]), tf.constant([1, 2], tf.int64))
mv = tf.lookup.experimental.MutableHashTable(tf.int64, tf.float32, default_value=[0., 0.])
mv.insert(tf.constant([1, 2], tf.int64), tf.constant([[1., 2.], [3., 4.]]))
d = tf.lookup.experimental.DenseHashTable(tf.int64, tf.int64, default_value=-1, empty_key=0, deleted_key=-1,
                                          initial_num_buckets=8)
d.insert(tf.constant([1, 2, 3], tf.int64), tf.constant([10, 20, 30], tf.int64))
"""

SNIPPETS = [
    "print(init.key_dtype, init.value_dtype, t.key_dtype, t.value_dtype, t.default_value, t.size(), t.name)",
    "print(t.lookup(tf.constant(['a', 'z', 'c'])))",
    "print(t.lookup(tf.constant([['a'], ['b']])))",
    "print(t[tf.constant('a')])",
    "k, v = t.export(); print(k.dtype, v.dtype, sorted(zip(k.numpy().tolist(), v.numpy().tolist())))",
    "print(t.lookup(tf.ragged.constant([['a', 'b'], ['q']])))",
    "t.lookup(tf.constant([1, 2]))",
    "tf.lookup.StaticHashTable(tf.lookup.KeyValueTensorInitializer([1, 2], [1]), -1)",
    "tf.lookup.StaticHashTable(tf.lookup.KeyValueTensorInitializer([1, 1], [1, 2]), -1)",
    "tf.lookup.StaticHashTable(init, default_value=-1.5)",
    "tf.lookup.StaticHashTable(init, default_value=[1, 2])",
    "i2 = tf.lookup.KeyValueTensorInitializer([1, 2], [1.5, 2.5]); print(i2.key_dtype, i2.value_dtype)",
    "v = tf.lookup.StaticVocabularyTable(tf.lookup.KeyValueTensorInitializer(['emerson', 'lake', 'palmer'], "
    "tf.range(3, dtype=tf.int64)), num_oov_buckets=5)\n"
    "print(v.size(), v.key_dtype, v.value_dtype, v.name)\n"
    "print(v.lookup(tf.constant(['emerson', 'lake', 'palmer', 'king', 'crimson', 'x'])))",
    "v = tf.lookup.StaticVocabularyTable(tf.lookup.KeyValueTensorInitializer(tf.constant([10, 20], tf.int64), "
    "tf.constant([0, 1], tf.int64)), num_oov_buckets=3)\nprint(v.lookup(tf.constant([10, 20, 30, 40, 7], tf.int64)))",
    "v = tf.lookup.StaticVocabularyTable(None, num_oov_buckets=4); print(v.lookup(tf.constant(['a', 'b'])), v.size(), v.name)",
    "tf.lookup.StaticVocabularyTable(tf.lookup.KeyValueTensorInitializer(['a'], [1]), 2)",
    "tf.lookup.StaticVocabularyTable(tf.lookup.KeyValueTensorInitializer([1], tf.constant([1], tf.int64)), 2)",
    "print(m.size(), m.name, m.lookup(tf.constant(['a', 'q'])))",
    "k, v = m.export(); print(sorted(zip(k.numpy().tolist(), v.numpy().tolist())))",
    "m.remove(tf.constant(['a'])); print(m.size(), m.lookup(tf.constant(['a'])))",
    "print(m.lookup(['a', 'q'], dynamic_default_values=tf.constant([5, 6], tf.int64)))",
    "print(mv.lookup(tf.constant([1, 5], tf.int64)))",
    "print(mv.lookup(tf.constant([[1], [5]], tf.int64)).shape)",
    "m.insert(tf.constant(['a']), tf.constant([1, 2], tf.int64))",
    "m.insert(tf.constant([1]), tf.constant([1], tf.int64))",
    "m.remove(tf.constant([1]))",
    "mv.insert(tf.constant([1], tf.int64), tf.constant([1.]))",
    "mv.lookup(tf.constant(1.0))",
    "print(d.size(), d.lookup(tf.constant([1, 5], tf.int64)))",
    "d.remove(tf.constant([1], tf.int64)); print(d.size())\n"
    "k, v = d.export(); print(k.shape, v.shape, sorted(p for p in zip(k.numpy().ravel().tolist(), "
    "v.numpy().ravel().tolist()) if p[0] > 0))",
    "d.insert(tf.range(4, 9, dtype=tf.int64), tf.range(5, dtype=tf.int64)); print(d.export()[0].shape)",
    "d.insert(tf.constant([0], tf.int64), tf.constant([1], tf.int64))",
    "d.lookup(tf.constant([-1], tf.int64))",
    "d.remove(tf.constant([1]))",
    "tf.lookup.TextFileInitializer('', tf.string, 0, tf.int64, 1)",
    "tf.lookup.TextFileInitializer('f', tf.int32, -1, tf.int64, 1)",
    "tf.lookup.TextFileInitializer('f', tf.string, -3, tf.int64, 1)",
    "tf.lookup.TextFileInitializer('f', tf.string, 0, tf.float32, -1)",
    "print(tf.lookup.TextFileIndex.WHOLE_LINE, tf.lookup.TextFileIndex.LINE_NUMBER)",
]


@pytest.mark.parametrize("code", SNIPPETS, ids=[s[:70] for s in SNIPPETS])
def test_lookup_matches_tensorflow(code):
    assert run(ef, _SETUP + code) == run(tf_real, _SETUP + code)


_FILE_SNIPPETS = [
    "print(tf.lookup.StaticHashTable(tf.lookup.TextFileInitializer(path, tf.string, 0, tf.int64, 1, "
    "delimiter=' '), -1).lookup(tf.constant(['lake', 'x', 'palmer'])))",
    "print(tf.lookup.StaticHashTable(tf.lookup.TextFileInitializer(path, tf.string, -2, tf.int64, -1, "
    "value_index_offset=2), -1).lookup(tf.constant(['lake 20', 'x'])))",
    "print(tf.lookup.StaticHashTable(tf.lookup.TextFileInitializer(path, tf.int64, -1, tf.string, -2, "
    "vocab_size=2), 'UNK').lookup(tf.constant([0, 1, 2], tf.int64)))",
    "tf.lookup.StaticHashTable(tf.lookup.TextFileInitializer(path, tf.string, 0, tf.int64, 0, delimiter=' '), -1)",
    "tf.lookup.StaticHashTable(tf.lookup.TextFileInitializer(path, tf.string, 0, tf.int64, 2, delimiter=' '), -1)",
]


@pytest.mark.parametrize("code", _FILE_SNIPPETS, ids=[s[:70] for s in _FILE_SNIPPETS])
def test_text_file_tables_match_tensorflow(code, tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("emerson 10\nlake 20\npalmer 30\n")
    setup = f"path = {str(path)!r}\n"
    assert run(ef, setup + code) == run(tf_real, setup + code)
