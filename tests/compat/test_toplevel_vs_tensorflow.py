"""Differential test: the top-level additions (array reshuffles, grouping, shape checks, script
ops, gradient helpers, TensorProtos) printed by eagerflow and by TensorFlow 2.21 must match."""
import pytest

from tests.compat.test_vs_tensorflow import run

tf_real = pytest.importorskip("tensorflow")

import eagerflow as ef  # noqa: E402

pytestmark = pytest.mark.tensorflow

SNIPPETS = [
    "print(tf.sequence_mask([1, 3, 2], 5)); print(tf.sequence_mask([[1, 3], [2, 0]])); print(tf.sequence_mask([1, 3], dtype=tf.float32))",
    "print(tf.boolean_mask(tf.constant([[1, 2], [3, 4], [5, 6]]), [True, False, True]))",
    "print(tf.boolean_mask(tf.constant([[1, 2], [3, 4]]), [[True, False], [False, True]]))",
    "tf.boolean_mask(tf.constant([[1, 2], [3, 4]]), [True, False, True])",
    "print(tf.boolean_mask(tf.constant([[1, 2], [3, 4]]), [True, False], axis=1))",
    "print(tf.repeat(tf.constant([[1, 2], [3, 4]]), 2)); print(tf.repeat(tf.constant([[1, 2], [3, 4]]), [1, 2], axis=0))",
    "print(tf.roll(tf.constant([[1, 2, 3], [4, 5, 6]]), shift=[1, -1], axis=[0, 1]))",
    "print(tf.meshgrid([1, 2, 3], [4, 5])); print(tf.meshgrid([1, 2, 3], [4, 5], indexing='ij'))",
    "print(tf.reverse_sequence(tf.constant([[1, 2, 3], [4, 5, 6]]), [2, 3], seq_axis=1, batch_axis=0))",
    "print(tf.unravel_index([5, 7], [3, 4]))",
    "tf.unravel_index(5, [2, 2])",
    "print(tf.dynamic_partition(tf.constant([10, 20, 30, 40]), [0, 1, 0, 2], 3))",
    "print(tf.dynamic_partition(tf.constant([[1, 2], [3, 4]]), [[0, 1], [1, 0]], 2))",
    "print(tf.dynamic_stitch([[0, 2], [1, 2]], [tf.constant([[1.], [2.]]), tf.constant([[3.], [4.]])]))",
    "print(tf.dynamic_stitch([[0, 4]], [tf.constant([1., 2.])]))",
    "x = tf.reshape(tf.range(24.), [2, 3, 4, 1]); y = tf.space_to_batch_nd(x, [2, 2], [[1, 0], [0, 0]]); print(y); print(tf.batch_to_space(y, [2, 2], [[1, 0], [0, 0]]))",
    "print(tf.space_to_batch(tf.reshape(tf.range(16.), [1, 4, 4, 1]), [2, 2], [[0, 0], [0, 0]]).shape)",
    "print(tf.required_space_to_batch_paddings([5, 6], [2, 4]))",
    "tf.ensure_shape(tf.zeros([2, 3]), [3, 3])",
    "print(tf.ensure_shape(tf.zeros([2, 3]), [None, 3]))",
    "print(tf.broadcast_static_shape(tf.TensorShape([2, 1]), tf.TensorShape([None, 4])))",
    "tf.broadcast_static_shape(tf.TensorShape([2, 3]), tf.TensorShape([4]))",
    "print(tf.broadcast_dynamic_shape([2, 1], [3]))",
    "tf.broadcast_dynamic_shape([2, 3], [4])",
    "print(tf.get_static_value(tf.constant([1, 2])), tf.get_static_value([1, 2]), tf.get_static_value(tf.Variable(1.)))",
    "tf.gradients(tf.constant(1.), tf.constant(1.))",
    "tf.hessians(tf.constant(1.), tf.constant(1.))",
    "print(tf.group(tf.constant(1)), tf.no_op())",
    "print(tf.identity_n([tf.constant(1), tf.constant([2.])])); print(tf.tuple([tf.constant(1), tf.constant([2.])]))",
    "print(tf.timestamp().dtype, tf.timestamp().shape)",
    "print(tf.clip_by_global_norm([tf.constant([3., 4.]), None, tf.constant([12.])], 6.5))",
    "print(tf.clip_by_global_norm([tf.constant([3., 4.])], 10.))",
    "print(tf.make_tensor_proto([1, 2])); print(tf.make_tensor_proto(1)); print(tf.make_tensor_proto(1., shape=[2])); print(tf.make_tensor_proto(['a', 'bc']))",
    "print(tf.make_tensor_proto([1, 2], dtype=tf.float32))",
    "tf.make_tensor_proto([1, 2, 3], shape=[2])",
    "print(repr(tf.make_ndarray(tf.make_tensor_proto(np.array([[1.5, 2]], np.float32)))), repr(tf.make_ndarray(tf.make_tensor_proto(1., shape=[2]))))",
    "print(tf.get_logger().name)",
    "tf.parallel_stack([tf.constant(1), tf.constant(2)])",
    "print(tf.scalar_mul(2., tf.constant([1.])), tf.atan2(tf.constant([1.]), tf.constant([1.])))",
    "print(tf.numpy_function(lambda x: x * 2, [tf.constant([1, 2])], tf.int32))",
    "print(tf.numpy_function(lambda x: (x * 2).astype(np.float64), [tf.constant([1, 2])], tf.float32))",
    "print(tf.py_function(lambda x: x * 2, [tf.constant([1., 2.])], tf.float32)); print(tf.py_function(lambda x: [x, x], [tf.constant([1., 2.])], [tf.float32, tf.float32]))",
    ("x = tf.constant([1., 2.])\n"
     "with tf.GradientTape() as g:\n"
     "    g.watch(x); y = tf.reduce_sum(tf.py_function(lambda t: t * t, [x], tf.float32))\n"
     "print(g.gradient(y, x))"),
    ("x = tf.constant([1.2, 2.7])\n"
     "f = tf.grad_pass_through(lambda t: tf.round(t))\n"
     "with tf.GradientTape() as g:\n"
     "    g.watch(x); y = tf.reduce_sum(f(x) * 3.)\n"
     "print(f(x), g.gradient(y, x))"),
    ("x = tf.constant([1., 2.])\n"
     "f = tf.recompute_grad(lambda t: t * t * 3.)\n"
     "with tf.GradientTape() as g:\n"
     "    g.watch(x); y = tf.reduce_sum(f(x))\n"
     "print(g.gradient(y, x))"),
    ("class P:\n"
     "    def __init__(self, v): self.v = v\n"
     "tf.register_tensor_conversion_function(P, lambda v, dtype=None, name=None, as_ref=False: tf.constant(v.v, dtype=dtype))\n"
     "print(tf.convert_to_tensor(P([1., 2.])), tf.add(P([1., 2.]), 1.))"),
    "tf.register_tensor_conversion_function(int, lambda v, dtype=None, name=None, as_ref=False: v)",
    "print(tf.fingerprint(tf.constant(['hello', 'x']))); print(tf.fingerprint(tf.constant([[1, 2], [3, 4]])))",
    "print(tf.fingerprint(tf.constant([['a', 'b'], ['c', 'd']]))); print(tf.fingerprint(tf.constant([1.5])))",
    "tf.fingerprint(tf.constant(1))",
    "tf.fingerprint(tf.constant([1]), method='x')",
    "print(tf.zeros_initializer()(shape=[2, 3]), tf.ones_initializer()([2], tf.float64), tf.constant_initializer(2)([2], dtype=tf.int32))",
    "print(tf.random_normal_initializer(seed=1)([2]), tf.random_uniform_initializer(-1., 1., seed=1)([2]))",
    "print(tf.random_normal_initializer(seed=1).get_config(), tf.constant_initializer([1, 2]).get_config())",
    "tf.zeros_initializer()([2], tf.string)",
    ("h = tf.SparseTensor([[0, 0, 0], [1, 0, 0]], ['a', 'b'], [2, 1, 1])\n"
     "t = tf.SparseTensor([[0, 1, 0], [1, 0, 0], [1, 0, 1], [1, 0, 2]], ['a', 'b', 'c', 'a'], [2, 2, 3])\n"
     "print(tf.edit_distance(h, t)); print(tf.edit_distance(h, t, normalize=False))"),
    "tf.edit_distance(tf.SparseTensor([[0, 0]], [1], [1, 1]), tf.SparseTensor([[0, 0]], [1.], [1, 1]))",
    ("with tf.name_scope('a'):\n"
     "    with tf.name_scope('b'):\n"
     "        print(repr(tf.get_current_name_scope()))\n"
     "print(repr(tf.get_current_name_scope()), tf.is_symbolic_tensor(tf.constant(1)))"),
    "print(tf.approx_top_k(tf.constant([[1., 3., 2.]]), 2)); print(tf.matrix_square_root(tf.constant([[4., 0.], [0., 9.]])))",
    "print(tf.math.l2_normalize([3., 4.]), tf.math.zero_fraction(tf.constant([0, 1, 0, 2])))",
    "tf.random_normal_initializer()([2], tf.int32)",
    "tf.ones_initializer()(shape=[2, 2], partition_info=None)",
    ("x = tf.Variable([[1., 2.], [3., 4.]])\n"
     "with tf.GradientTape() as g:\n"
     "    y = tf.reduce_sum(tf.boolean_mask(x, [False, True]) * 2.)\n"
     "gx = g.gradient(y, x); print(type(gx).__name__, tf.convert_to_tensor(gx))"),
]


@pytest.mark.parametrize("code", SNIPPETS, ids=[s[:70] for s in SNIPPETS])
def test_same_transcript(code):
    assert run(ef, code) == run(tf_real, code)
