"""Differential test of smaller tf.train, tf.random and tf.dtypes names against TF 2.21."""
import pytest

from tests.compat.test_vs_tensorflow import run

tf_real = pytest.importorskip("tensorflow")

import eagerflow as ef  # noqa: E402

pytestmark = pytest.mark.tensorflow

SNIPPETS = [
    # tf.train.ExponentialMovingAverage
    "v = tf.Variable(1.0, name='v'); w = tf.Variable([1.0, 2.0])\n"
    "ema = tf.train.ExponentialMovingAverage(0.9, num_updates=tf.Variable(0))\n"
    "print(ema.name, ema.average_name(v), ema.average(v), ema.apply([v, w]))\n"
    "a = ema.average(v); print(a.name, a.trainable, a.numpy(), ema.average(w).name)\n"
    "v.assign(2.0); ema.apply([v]); print(a.numpy(), ema.average(w).numpy())",
    "v = tf.Variable(2.0)\nema = tf.train.ExponentialMovingAverage(0.5)\n"
    "ema.apply([v]); v.assign(4.0); ema.apply([v]); v.assign(0.0); ema.apply([v]); print(ema.average(v).numpy())",
    "tf.train.ExponentialMovingAverage(0.5).apply([tf.Variable(1)])",
    # tf.train.ClusterSpec
    "c = tf.train.ClusterSpec({'worker': ['a:1', 'b:2'], 'ps': {3: 'c:3'}})\n"
    "print(c, c.jobs, c.num_tasks('worker'), c.task_indices('ps'), c.task_address('ps', 3), "
    "c.job_tasks('worker'), c.job_tasks('ps'), c.as_dict(), bool(c), bool(tf.train.ClusterSpec({})))",
    "print(tf.train.ClusterSpec({'w': ['a']}) == tf.train.ClusterSpec({'w': {0: 'a'}}))",
    "tf.train.ClusterSpec({'ps': ['a']}).task_address('ps', 1)",
    "tf.train.ClusterSpec({'ps': ['a']}).num_tasks('worker')",
    # tf.train.Coordinator
    "import sys\nc = tf.train.Coordinator()\ntry:\n    raise ValueError('x')\nexcept ValueError:\n"
    "    c.request_stop(sys.exc_info())\nprint(c.should_stop()); c.join([])",
    "c = tf.train.Coordinator(); c.request_stop(tf.errors.OutOfRangeError(None, None, 'end')); c.join([])\n"
    "print(c.joined, c.should_stop()); c.clear_stop(); print(c.should_stop(), c.wait_for_stop(0.01))",
    # tf.random
    "for s, a in [(5, 'philox'), (5, 'threefry'), (2**70 + 3, 1), (-1, 'auto_select'), ([1, 2], 'philox'), "
    "([1, 2, 3, 4], 2), (2**64 - 1, 1)]:\n    print(tf.random.create_rng_state(s, a))",
    "print(tf.random.fold_in([1, 2], 7), tf.random.split([1, 2], 3))",
    "print(tf.random.experimental.create_rng_state(3, 'philox'))",
    # tf.dtypes
    "print(tf.dtypes.experimental.float8_e4m3fn, tf.dtypes.experimental.int4, tf.dtypes.experimental.uint2)",
    "print(sorted(d.name for d in tf.dtypes.QUANTIZED_DTYPES if not d.name.endswith('_ref')))",
    "print(tf.dtypes.complex(tf.constant(1.0), tf.constant(2.0)))",
    # tf.data.experimental
    "E = tf.data.experimental; ds = tf.data.Dataset.range(6)\n"
    "print(list(E.Counter(2, 3).take(3).as_numpy_iterator()), E.Counter().element_spec, E.SHARD_HINT)\n"
    "print(list(tf.data.Dataset.from_tensor_slices([[1, 2], [3, 4]]).apply(E.unbatch()).as_numpy_iterator()))\n"
    "print(list(ds.apply(E.enumerate_dataset(5)).as_numpy_iterator())[:2])\n"
    "print(list(ds.apply(E.take_while(lambda x: x < 3)).as_numpy_iterator()))\n"
    "print(list(ds.apply(E.scan(tf.constant(0, tf.int64), lambda s, x: (s + x, s))).as_numpy_iterator()))\n"
    "print(list(tf.data.Dataset.from_tensor_slices([1, 1, 2, 1]).apply(E.unique()).as_numpy_iterator()))\n"
    "print(list(ds.apply(E.group_by_window(lambda x: x % 2, lambda k, w: w.batch(3), 3)).as_numpy_iterator()))\n"
    "print(list(ds.apply(E.map_and_batch(lambda x: x * 2, 4)).as_numpy_iterator()))\n"
    "print(sorted(ds.apply(E.shuffle_and_repeat(3, 2, seed=1)).as_numpy_iterator()))\n"
    "print(E.get_single_element(tf.data.Dataset.range(1)), E.get_structure(ds), E.get_structure(iter(ds)))",
    "tf.data.experimental.get_single_element(tf.data.Dataset.range(0))",
    "tf.data.experimental.get_single_element(tf.data.Dataset.range(2).map(lambda x: (x, x)))",
    "tf.data.experimental.TFRecordWriter('x').write(tf.data.Dataset.range(2))",
    # tf.data.experimental lookup tables
    "E = tf.data.experimental\nkeys = tf.data.Dataset.range(100)\n"
    "ds = tf.data.Dataset.zip((keys, keys.map(lambda x: tf.strings.as_string(x * 2))))\n"
    "init = E.DatasetInitializer(ds); print(init.key_dtype, init.value_dtype)\n"
    "print(tf.lookup.StaticHashTable(init, '').lookup(tf.constant([0, 1, 2, 500], dtype=tf.int64)))\n"
    "ds2 = tf.data.Dataset.range(10).map(lambda x: tf.strings.as_string(x * 2))\n"
    "t2 = E.index_table_from_dataset(ds2, key_dtype=tf.int64)\n"
    "print(t2.lookup(tf.constant(['0', '2', '4', '7'])), t2.size())\n"
    "t3 = E.index_table_from_dataset(ds2, num_oov_buckets=3)\n"
    "print(t3.lookup(tf.constant(['0', '2', '7', 'zz'])), t3.size())\n"
    "t4 = E.table_from_dataset(ds, vocab_size=5, default_value='?')\n"
    "print(t4.lookup(tf.constant([0, 4, 5], tf.int64)), t4.size())",
    "tf.data.experimental.DatasetInitializer(tf.data.Dataset.from_tensors(([1], 2)))",
    "tf.data.experimental.table_from_dataset(tf.data.Dataset.from_tensors((1, 'a')))",
    # tf.config.optimizer and tf.config.experimental switches
    "c = tf.config\nprint(repr(c.optimizer.get_jit()), sorted(c.optimizer.get_experimental_options().items()))\n"
    "print(c.experimental.tensor_float_32_execution_enabled(), c.experimental.get_device_policy(), "
    "c.experimental.get_synchronous_execution(), c.experimental_functions_run_eagerly())\n"
    "c.optimizer.set_jit(True); print(repr(c.optimizer.get_jit())); c.optimizer.set_jit(False)\n"
    "c.optimizer.set_experimental_options({'constant_folding': False})\n"
    "print(sorted(c.optimizer.get_experimental_options().items()))\n"
    "for p in ['warn', 'explicit', None]:\n    c.experimental.set_device_policy(p); print(c.experimental.get_device_policy())\n"
    "c.experimental.set_device_policy('x')",
    # tf.io codecs
    "x = tf.constant([b'hello?>', b'', b'\\xff\\xfe'])\n"
    "print(tf.io.encode_base64(x), tf.io.encode_base64(x, pad=True))\n"
    "print(tf.io.decode_base64(tf.io.encode_base64(x)), tf.io.decode_base64(tf.io.encode_base64(x, pad=True)))",
    "tf.io.decode_base64('a')",
    "tf.io.decode_base64(tf.constant('ab+/'))",
    "tf.io.encode_base64(1)",
    "tf.io.decode_compressed(b'xyz', 'ZLIB')",
    "tf.io.decode_compressed(tf.constant(b'xyz'), 'FOO')",
    "import zlib, gzip\nprint(tf.io.decode_compressed([zlib.compress(b'abc'), zlib.compress(b'')], 'ZLIB'), "
    "tf.io.decode_compressed(gzip.compress(b'abc'), 'GZIP'), tf.io.decode_compressed(b'raw'))",
]


@pytest.mark.parametrize("code", SNIPPETS, ids=[s[:70] for s in SNIPPETS])
def test_matches_tensorflow(code):
    assert run(ef, code) == run(tf_real, code)
