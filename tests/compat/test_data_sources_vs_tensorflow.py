"""Differential test: `tf.data.experimental.from_list`, `at`, `pad_to_cardinality`,
`rejection_resample` (its form), `tf.data.FixedLengthRecordDataset`, `tf.data.NumpyIterator`
and `tf.data.ThreadingOptions` print the values, specs, reprs and errors of TensorFlow 2.21."""
import pytest

tf_real = pytest.importorskip("tensorflow")

import eagerflow as ef  # noqa: E402
from tests.compat.programs import run  # noqa: E402

pytestmark = pytest.mark.tensorflow

PRELUDE = r"""
import re
def attempt(f):
    try:
        out = f()
        print(out if not isinstance(out, tf.data.Dataset) else list(out.as_numpy_iterator()))
    except Exception as e:
        message = re.sub(r"\{\{function_node [^}]*\}\} ", "", str(e)).split(" [Op:")[0]
        message = message.split("FlatMap: ")[-1].split("\n")[0].replace(DIR, "<dir>")
        print(type(e).__name__, message)
import tempfile, gzip, zlib, os
DIR = tempfile.mkdtemp()
"""

FROM_LIST_AT_PAD = PRELUDE + """
d = tf.data.experimental.from_list([(1, "a"), (2, "b")])
print(d, list(d.as_numpy_iterator()), d.cardinality().numpy())
d = tf.data.experimental.from_list([{"a": 1, "b": [1., 2.]}, {"a": 3, "b": [3., 4.]}])
print(d, list(d.as_numpy_iterator()))
print(tf.data.experimental.from_list([[1], [1, 2]]))
print(list(tf.data.experimental.from_list([1, 2, 3]).map(lambda x: x * 2).as_numpy_iterator()))
attempt(lambda: tf.data.experimental.from_list([]))
attempt(lambda: tf.data.experimental.from_list((1, 2)))
attempt(lambda: tf.data.experimental.from_list([1, "a"]))
r = tf.data.Dataset.range(10)
print(tf.data.experimental.at(r, 3), tf.data.experimental.at(r.map(lambda x: (x, x * 2)), 4))
print(tf.data.experimental.at(r.batch(3), 3), tf.data.experimental.at(tf.data.experimental.from_list(["x", "y"]), 1))
attempt(lambda: tf.data.experimental.at(r, 10))
attempt(lambda: tf.data.experimental.at(r, -1))
attempt(lambda: tf.data.experimental.at(r.filter(lambda x: x > 2), 1))
p = tf.data.Dataset.from_tensor_slices({"a": [1, 2, 3]}).apply(tf.data.experimental.pad_to_cardinality(5))
print(p, list(p.as_numpy_iterator()), p.cardinality().numpy())
p = tf.data.Dataset.from_tensor_slices({"a": [[1., 2.]], "b": ["x"]}).apply(
    tf.data.experimental.pad_to_cardinality(3, mask_key="real"))
print(p, list(p.as_numpy_iterator()))
attempt(lambda: tf.data.Dataset.range(3).apply(tf.data.experimental.pad_to_cardinality(5)))
attempt(lambda: tf.data.Dataset.range(3).filter(lambda x: True).apply(tf.data.experimental.pad_to_cardinality(5)))
attempt(lambda: tf.data.Dataset.from_tensor_slices({"a": [1, 2, 3]}).apply(tf.data.experimental.pad_to_cardinality(2)))
rs = tf.data.Dataset.range(20).apply(tf.data.experimental.rejection_resample(
    lambda x: tf.cast(x % 2, tf.int32), [0.5, 0.5], initial_dist=[0.5, 0.5], seed=1))
print(rs.element_spec)
tf.random.set_seed(5)  # eagerflow's random ops reproduce TF's stream: the same draws
rs = tf.data.Dataset.range(60).apply(tf.data.experimental.rejection_resample(
    lambda x: tf.cast(x % 3, tf.int32), [0.6, 0.2, 0.2], initial_dist=[1 / 3, 1 / 3, 1 / 3], seed=7))
print([(int(c), int(x)) for c, x in rs])
rs = tf.data.Dataset.range(60).apply(tf.data.experimental.rejection_resample(
    lambda x: tf.cast(x % 2, tf.int32), [0.5, 0.5], seed=3))
print([(int(c), int(x)) for c, x in rs][:20])
"""

FIXED_LENGTH = PRELUDE + """
open(f"{DIR}/a.bin", "wb").write(b"HH" + b"abcdefghijkl" + b"F")
open(f"{DIR}/b.bin", "wb").write(b"HH" + b"mnopqr" + b"F")
open(f"{DIR}/c.bin", "wb").write(b"HH" + b"abcdefghijk" + b"F")
open(f"{DIR}/e.bin", "wb").write(b"HH")
with gzip.open(f"{DIR}/a.gz", "wb") as f:
    f.write(b"HH" + b"abcdefghijkl" + b"F")
open(f"{DIR}/a.zz", "wb").write(zlib.compress(b"HH" + b"abcdefghijkl" + b"F"))
with gzip.open(f"{DIR}/c.gz", "wb") as f:
    f.write(b"HH" + b"abcdefghijk" + b"F")
def show(*a, **k):
    d = tf.data.FixedLengthRecordDataset(*a, **k)
    print(d, d.cardinality().numpy())
    attempt(lambda: d)
show([f"{DIR}/a.bin", f"{DIR}/b.bin"], 3, header_bytes=2, footer_bytes=1)
show(f"{DIR}/a.bin", 4, 2, 1, buffer_size=1)
show(f"{DIR}/a.bin", 5)
show(f"{DIR}/a.bin", 3, num_parallel_reads=2)
open(f"{DIR}/d.bin", "wb").write(b"HHstuvwxyz1F")
for n in (2, 3):
    show([f"{DIR}/a.bin", f"{DIR}/b.bin", f"{DIR}/d.bin"], 3, 2, 1, num_parallel_reads=n)
show(tf.data.Dataset.from_tensor_slices([f"{DIR}/a.bin", f"{DIR}/b.bin"]), 3, 2, 1)
show(f"{DIR}/a.gz", 3, 2, 1, compression_type="GZIP")
show(f"{DIR}/a.zz", 3, 2, 1, compression_type="ZLIB")
show(f"{DIR}/c.bin", 3, 2, 1)
show(f"{DIR}/c.gz", 3, 2, 1, compression_type="GZIP")
show(f"{DIR}/e.bin", 3, 2, 1)
show(f"{DIR}/e.bin", 3, 3, 1)
show(f"{DIR}/nope.bin", 3)
show(f"{DIR}/a.bin", 0)
show(f"{DIR}/a.bin", 3, header_bytes=-1)
show(f"{DIR}/a.bin", 3, compression_type="BAD")
show([], 3)
d = tf.data.FixedLengthRecordDataset(f"{DIR}/a.bin", 3, 2, 1)
@tf.function
def total_length():
    s = tf.constant(0)
    for x in d:
        s += tf.strings.length(x)
    return s
print(total_length(), total_length())
print(list(d.map(lambda x: tf.strings.substr(x, 1, 2)).as_numpy_iterator()))
"""

NUMPY_ITERATOR_AND_OPTIONS = PRELUDE + """
it = tf.data.Dataset.range(3).as_numpy_iterator()
print(type(it).__name__, isinstance(it, tf.data.NumpyIterator), iter(it) is it)
print(re.sub(r"<\\S*OwnedIterator object at 0x[0-9a-f]+>", "<it>", repr(it)))
print(next(it), it.next(), list(it))
print(list(tf.data.Dataset.from_tensors({"a": [1, 2], "b": "s"}).as_numpy_iterator()))
attempt(lambda: tf.data.Dataset.range(3).window(2).as_numpy_iterator())
@tf.function
def traced():
    return tf.data.Dataset.range(3).as_numpy_iterator()
try:
    traced()
except RuntimeError as e:  # TF's autograph puts the user-code trace first
    print(str(e).strip().splitlines()[-1].split("RuntimeError: ")[-1])
o = tf.data.ThreadingOptions()
print(o.private_threadpool_size, o.max_intra_op_parallelism, tf.data.ThreadingOptions is tf.data.experimental.ThreadingOptions)
o.private_threadpool_size = 3
print(o.private_threadpool_size, o == tf.data.ThreadingOptions(), isinstance(tf.data.Options().threading, tf.data.ThreadingOptions))
attempt(lambda: setattr(o, "foo", 1))
opts = tf.data.Options()
opts.threading.max_intra_op_parallelism = 1
print(tf.data.Dataset.range(2).with_options(opts).options().threading.max_intra_op_parallelism)
"""


GROUPING_AND_BATCHING = PRELUDE + """
red = tf.data.experimental.Reducer(lambda k: tf.constant(0, tf.int64), lambda s, x: s + x, lambda s: s * 10)
print(red.init_func(1), red.reduce_func(tf.constant(1, tf.int64), tf.constant(2, tf.int64)))
d = tf.data.Dataset.range(10).apply(tf.data.experimental.group_by_reducer(lambda x: (12 - x) % 4, red))
print(d, d.cardinality().numpy())
attempt(lambda: d)
red2 = tf.data.experimental.Reducer(lambda k: (k, tf.constant(0, tf.int64)), lambda s, x: (s[0], s[1] + x),
                                    lambda k, s: {"k": k, "s": s})
attempt(lambda: tf.data.Dataset.range(10).apply(tf.data.experimental.group_by_reducer(lambda x: x % 3, red2)))
attempt(lambda: tf.data.Dataset.range(10).apply(
    tf.data.experimental.group_by_reducer(lambda x: tf.cast(x % 3, tf.int32), red)))
attempt(lambda: tf.data.Dataset.range(10).apply(tf.data.experimental.group_by_reducer(
    lambda x: x % 3, tf.data.experimental.Reducer(lambda k: tf.constant(0, tf.int32), lambda s, x: tf.cast(x, tf.float32), lambda s: s))))
lists = tf.data.Dataset.range(10).apply(tf.data.experimental.group_by_reducer(lambda x: x % 3,
    tf.data.experimental.Reducer(lambda k: tf.zeros([0], tf.int64), lambda s, x: tf.concat([s, [x]], 0), lambda s: s)))
print(lists.element_spec)
attempt(lambda: lists)
@tf.function
def total():
    s = tf.constant(0, tf.int64)
    for x in d:
        s += x
    return s
print(total())
v = tf.data.Dataset.range(6).map(lambda x: tf.fill([x % 3], x))
for args in ((4,), (4, True), (4, False, tf.int32)):
    r = v.apply(tf.data.experimental.dense_to_ragged_batch(*args))
    print(r, [x.tolist() for x in r.as_numpy_iterator()])
def show_sparse(ds):
    print(ds, ds.element_spec, ds.cardinality().numpy())
    for b in ds:
        print(b.indices.numpy().tolist(), b.values.numpy().tolist(), b.dense_shape.numpy().tolist())
show_sparse(v.apply(tf.data.experimental.dense_to_sparse_batch(4, [5])))
show_sparse(tf.data.Dataset.range(4).map(lambda x: tf.fill([x % 2 + 1, 2], x)).apply(
    tf.data.experimental.dense_to_sparse_batch(3, [None, 2])))
scalars = tf.data.Dataset.range(3).apply(tf.data.experimental.dense_to_sparse_batch(2, []))
print([x.tolist() for x in scalars.as_numpy_iterator()])
attempt(lambda: list(v.apply(tf.data.experimental.dense_to_sparse_batch(4, [1]))))
attempt(lambda: list(v.apply(tf.data.experimental.dense_to_sparse_batch(4, [1, 2]))))
print(list(tf.data.Dataset.from_tensors(tf.sparse.SparseTensor([[0, 1]], [5], [2, 3])).as_numpy_iterator()))
"""


SPECS = PRELUDE + """
d = tf.data.Dataset.range(3).map(lambda x: (x, tf.cast(x, tf.float32)))
s = tf.data.DatasetSpec.from_value(d)
print(repr(s), s.element_spec, s.value_type)
print(s == tf.data.DatasetSpec((tf.TensorSpec([], tf.int64), tf.TensorSpec([], tf.float32))), s == tf.data.DatasetSpec(tf.TensorSpec([], tf.int64)))
print(tf.data.DatasetSpec(tf.TensorSpec([2], tf.int32), [5]), tf.data.DatasetSpec({"a": tf.TensorSpec([], tf.string)}))
print(s.is_compatible_with(d), s.is_compatible_with(tf.data.Dataset.range(3)), hash(s) == hash(tf.data.DatasetSpec.from_value(d)))
print(d.batch(2).window(2).element_spec, isinstance(tf.data.Dataset.range(4).window(2).element_spec, tf.data.DatasetSpec))
print(tf.data.DatasetSpec(tf.TensorSpec([2], tf.int32)).most_specific_common_supertype([tf.data.DatasetSpec(tf.TensorSpec([3], tf.int32))]))
print(tf.data.DatasetSpec(tf.TensorSpec([2], tf.int32)).most_specific_common_supertype([tf.data.DatasetSpec(tf.TensorSpec([2], tf.int64))]))
print(tf.data.DatasetSpec(tf.TensorSpec([2], tf.int32)).is_subtype_of(tf.data.DatasetSpec(tf.TensorSpec([None], tf.int32))))
print(isinstance(s, tf.TypeSpec))
it = iter(d)
print(tf.data.IteratorSpec.from_value(it), tf.data.IteratorSpec(tf.TensorSpec([], tf.int64)).value_type)
print(tf.data.IteratorSpec(tf.TensorSpec([], tf.int64)) == tf.data.IteratorSpec(tf.TensorSpec([], tf.int64)))
print(tf.data.IteratorSpec(tf.TensorSpec([1], tf.int64)).most_specific_common_supertype([tf.data.IteratorSpec(tf.TensorSpec([2], tf.int64))]))
print(repr(tf.data.Dataset.range(2).as_numpy_iterator()).split(" object at")[0])
print(tf.type_spec_from_value(d), tf.type_spec_from_value(it), tf.type_spec_from_value(d.batch(2).window(2)))
"""


PARSING = PRELUDE + """
def ex(i):
    return tf.train.Example(features=tf.train.Features(feature={
        "x": tf.train.Feature(int64_list=tf.train.Int64List(value=[i])),
        "v": tf.train.Feature(float_list=tf.train.FloatList(value=[float(j) for j in range(i % 3)])),
        "s": tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"a%d" % i])),
    })).SerializeToString()
for f in range(2):
    with tf.io.TFRecordWriter(f"{DIR}/f{f}.tfrecord") as w:
        for i in range(5):
            w.write(ex(10 * f + i))
features = {"x": tf.io.FixedLenFeature([], tf.int64), "v": tf.io.VarLenFeature(tf.float32),
            "s": tf.io.FixedLenFeature([], tf.string, default_value="")}
def show(e):
    print(sorted(e), e["x"].numpy().tolist(), e["s"].numpy().tolist(), e["v"].indices.numpy().tolist(),
          e["v"].values.numpy().tolist(), e["v"].dense_shape.numpy().tolist())
d = tf.data.TFRecordDataset([f"{DIR}/f0.tfrecord"]).batch(3).apply(tf.data.experimental.parse_example_dataset(features))
print(d)
for e in d:
    show(e)
attempt(lambda: tf.data.Dataset.range(3).apply(tf.data.experimental.parse_example_dataset(features)))
attempt(lambda: tf.data.experimental.parse_example_dataset(None))
m = tf.data.experimental.make_batched_features_dataset(f"{DIR}/f*.tfrecord", 4, features, shuffle=False, num_epochs=1)
print(m)
for e in m:
    show(e)
m = tf.data.experimental.make_batched_features_dataset([f"{DIR}/f0.tfrecord"], 2, features, label_key="x",
                                                       shuffle=False, num_epochs=1, drop_final_batch=True)
print(m.element_spec)
for a, b in m:
    print(sorted(a), b.numpy().tolist())
print(tf.data.experimental.make_batched_features_dataset([f"{DIR}/f0.tfrecord"], 2, features, shuffle=False).cardinality().numpy())
attempt(lambda: tf.data.experimental.make_batched_features_dataset([f"{DIR}/f0.tfrecord"], 2, features, label_key="nope"))
"""


@pytest.mark.parametrize("program", [FROM_LIST_AT_PAD, FIXED_LENGTH, NUMPY_ITERATOR_AND_OPTIONS,
                                     GROUPING_AND_BATCHING, SPECS, PARSING],
                         ids=["from_list_at_pad", "fixed_length", "numpy_iterator_options", "grouping_batching",
                              "specs", "parsing"])
def test_prints_like_tensorflow(program, tmp_path):
    ours = run(ef, program, tmp_path / "ours.py")
    theirs = run(tf_real, program, tmp_path / "theirs.py")
    assert ours == theirs
