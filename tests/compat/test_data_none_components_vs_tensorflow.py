"""Differential test: `None` components of tf.data elements (NoneTensorSpec) print the element
specs, yield the values and raise the errors of TensorFlow 2.21."""
import pytest

tf_real = pytest.importorskip("tensorflow")

import eagerflow as ef  # noqa: E402
from tests.compat.programs import run  # noqa: E402

pytestmark = pytest.mark.tensorflow

PRELUDE = """
def plain(element):
    return tf.nest.map_structure(lambda v: None if v is None else np.asarray(v).tolist(), element)
def show(ds):
    print(ds.element_spec)
    print([plain(e) for e in ds])
pairs = tf.data.Dataset.range(5).map(lambda x: (x, None))
"""

SPECS_AND_VALUES = PRELUDE + """
show(pairs)
show(tf.data.Dataset.range(3).map(lambda x: {"a": x, "b": None}))
show(tf.data.Dataset.from_tensors((1, None)))
show(tf.data.Dataset.from_tensors({"a": 1, "b": None, "c": (None, 2.5)}))
show(tf.data.Dataset.from_tensor_slices(([1, 2], None)))
show(tf.data.Dataset.range(2).map(lambda x: (x, (None, {"c": None}))))
show(tf.data.Dataset.range(2).map(lambda x: [x, None]))
print(repr(pairs.batch(2)))
"""

TRANSFORMATIONS = PRELUDE + """
show(pairs.batch(2))
show(pairs.batch(2, drop_remainder=True))
show(pairs.batch(2).unbatch())
show(pairs.batch(2).rebatch(3))
show(pairs.prefetch(2))
show(pairs.take(2))
show(pairs.skip(3))
show(pairs.repeat(2))
show(pairs.cache())
show(pairs.shuffle(5, seed=3))
show(pairs.shard(2, 1))
show(pairs.enumerate())
show(pairs.filter(lambda x, y: x % 2 == 0))
show(pairs.filter(lambda x, y: y is None))
show(pairs.map(lambda x, y: (x * 2, y)))
show(pairs.map(lambda x, y: (x, y is None)))
show(pairs.map(lambda x, y: (x, y), num_parallel_calls=2))
show(pairs.take_while(lambda x, y: x < 2))
show(pairs.scan(tf.constant(0, tf.int64), lambda s, e: (s + e[0], e)))
show(pairs.ragged_batch(2))
show(pairs.group_by_window(lambda x, y: x % 2, lambda k, d: d.batch(5), 5))
show(tf.data.Dataset.zip(pairs, tf.data.Dataset.range(3)))
show(pairs.concatenate(pairs))
show(tf.data.Dataset.range(2).interleave(lambda x: pairs.take(2)))
show(tf.data.Dataset.range(2).flat_map(lambda x: pairs.take(1)))
show(tf.data.Dataset.choose_from_datasets([pairs, pairs], tf.data.Dataset.range(2)))
show(tf.data.Dataset.from_generator(lambda: iter([(1, None), (2, 3)]),
                                    output_signature=(tf.TensorSpec([], tf.int32), tf.NoneTensorSpec())))
show(tf.data.Dataset.range(4).batch(2).map(lambda x: {"a": x, "b": None}).unbatch())
show(tf.data.Dataset.range(2).map(lambda x: (x, [x, x * 2])))
sparse_pairs = tf.data.Dataset.from_tensors((tf.sparse.SparseTensor([[0, 1]], [5], [2, 3]), None))
print(sparse_pairs.map(lambda s, n: (s, n)).element_spec)
ragged = tf.ragged.constant([[1], [2, 3]])
unbatched = tf.data.Dataset.from_tensors((ragged, None, tf.constant([7, 8]))).unbatch()
print(unbatched.element_spec, list(unbatched))
print(tf.data.Dataset.from_tensors(tf.ragged.constant([[[1], [2, 3]], [[4]]])).unbatch().element_spec)
sparse = tf.data.Dataset.from_tensors(tf.sparse.SparseTensor([[0, 1], [1, 0]], [5, 6], [2, 3])).unbatch()
print(sparse.element_spec, [tf.sparse.to_dense(s).numpy().tolist() for s in sparse])
print([plain(e) for e in pairs.as_numpy_iterator()])
print(plain(pairs.take(1).get_single_element()), pairs.cardinality().numpy())
print(pairs.window(2).element_spec)
print(plain(pairs.reduce(tf.constant(0, tf.int64), lambda s, e: s + e[0])))
"""

ERRORS = PRELUDE + """
def attempt(f):
    try:
        f()
        print("no error")
    except Exception as e:
        message = str(e)
        if message.startswith("Length for attr"):  # TF names one of two attrs, at random
            message = message.split("NodeDef: ")[1]
        print(type(e).__name__, message)
attempt(lambda: tf.data.Dataset.from_tensors(None))
attempt(lambda: tf.data.Dataset.from_tensors((None,)))
attempt(lambda: tf.data.Dataset.range(2).map(lambda x: None))
attempt(lambda: tf.data.Dataset.range(2).map(lambda x: (None, {"b": None})))
attempt(lambda: tf.data.Dataset.range(2).map(lambda x: None, num_parallel_calls=2))
attempt(lambda: tf.data.Dataset.from_tensor_slices((None,)))
attempt(lambda: pairs.padded_batch(2))
attempt(lambda: pairs.unique())
attempt(lambda: tf.data.Dataset.range(3).map(lambda x: tf.cast(x, tf.float32)).unique())
attempt(lambda: tf.data.Dataset.range(2).filter(lambda x: None))
attempt(lambda: pairs.concatenate(tf.data.Dataset.range(3).map(lambda x: (x, x))))
attempt(lambda: tf.data.experimental.get_single_element(pairs))
attempt(lambda: tf.data.Dataset.range(1).map(lambda x: (x, [None, x])))
attempt(lambda: tf.data.Dataset.range(2).take_while(lambda x: None))
attempt(lambda: tf.experimental.Optional.from_value(None))
attempt(lambda: tf.data.Dataset.from_generator(lambda: iter([(1, 2)]), output_types=(tf.int32, None)))
attempt(lambda: tf.experimental.Optional.from_value((None, {"a": None})))
attempt(lambda: tf.data.Dataset.from_tensors(([1, 2], None, [1, 2, 3])).unbatch())
attempt(lambda: tf.data.Dataset.from_tensors((1, [2])).unbatch())
attempt(lambda: list(tf.data.Dataset.from_tensors((tf.ragged.constant([[1], [2]]), [1, 2, 3])).unbatch()))
attempt(lambda: list(tf.data.Dataset.range(3).map(lambda x: (tf.fill([x], x), None, tf.fill([2], x))).skip(1).unbatch()))
"""

FUNCTIONS = PRELUDE + """
@tf.function
def take(it):
    return next(it)
@tf.function
def optional(it):
    return it.get_next_as_optional().get_value()
@tf.function
def total(ds):
    s = tf.constant(0, tf.int64)
    for x, y in ds:
        s += x
    return s
@tf.function
def local_iterator(ds):
    return iter(ds).get_next_as_optional().get_value()
it = iter(pairs)
print(plain(take(it)), plain(take(it)), plain(optional(it)), plain(take(iter(pairs))))
print(plain(total(pairs)), plain(local_iterator(pairs)))
print(iter(pairs).element_spec, iter(pairs).get_next_as_optional().element_spec)
print(take.experimental_get_tracing_count())
"""

SPECS = """
s = tf.NoneTensorSpec()
print(s, tf.type_spec_from_value(None), s == tf.NoneTensorSpec(), s != tf.TensorSpec([]))
print(s.is_compatible_with(None), s.is_compatible_with(tf.NoneTensorSpec()), s.is_compatible_with(tf.constant(1)))
print(s.most_specific_common_supertype([tf.NoneTensorSpec()]), s.is_subtype_of(tf.NoneTensorSpec()))
print(s.value_type.__name__, isinstance(s, tf.TypeSpec), hash(s) == hash(tf.NoneTensorSpec()))
print(tf.nest.flatten(s, expand_composites=True), tf.nest.flatten((1, None), expand_composites=True))
print(tf.nest.map_structure(tf.type_spec_from_value, (1, None)))
print(tf.experimental.Optional.from_value((1, None)).element_spec)
"""


@pytest.mark.parametrize("code", [SPECS_AND_VALUES, TRANSFORMATIONS, ERRORS, FUNCTIONS, SPECS],
                         ids=["specs_and_values", "transformations", "errors", "functions", "specs"])
def test_none_components_behave_as_in_tensorflow(code, tmp_path):
    ours = run(ef, code, tmp_path / "ours.py")
    assert "!!" not in ours
    assert ours == run(tf_real, code, tmp_path / "theirs.py")
