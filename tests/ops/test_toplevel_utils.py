"""Top-level helpers that are not elementwise ops: conversion registration, TensorProtos,
gradient registration and pass-through, grouping, global-norm clipping, script functions.
Expected values are TensorFlow 2.21's."""
import numpy as np
import pytest

import eagerflow as tf


class Pair:
    def __init__(self, a, b):
        self.a, self.b = a, b


def test_registered_conversion_function_feeds_every_op():
    tf.register_tensor_conversion_function(
        Pair, lambda v, dtype=None, name=None, as_ref=False: tf.constant([v.a, v.b], dtype=dtype))
    assert tf.add(Pair(1.0, 2.0), 1.0).numpy().tolist() == [2.0, 3.0]
    assert tf.convert_to_tensor(Pair(1, 2), dtype=tf.int64).dtype == tf.int64


def test_conversion_for_python_numbers_cannot_be_registered():
    with pytest.raises(TypeError, match="Cannot register conversions for Python numeric types"):
        tf.register_tensor_conversion_function(int, lambda v, dtype=None, name=None, as_ref=False: v)


def test_tensor_proto_round_trip():
    value = np.array([[1.5, -2.0], [3.0, 4.25]], np.float32)
    proto = tf.make_tensor_proto(value)
    assert proto.tensor_content == value.tobytes()
    np.testing.assert_array_equal(tf.make_ndarray(proto), value)


def test_tensor_proto_broadcasts_one_value_to_shape():
    proto = tf.make_tensor_proto(1.0, shape=[2])
    assert list(proto.float_val) == [1.0]
    np.testing.assert_array_equal(tf.make_ndarray(proto), [1.0, 1.0])


def test_tensor_proto_too_many_values():
    with pytest.raises(ValueError, match="Too many elements provided. Takes at most 2, but got 3."):
        tf.make_tensor_proto([1, 2, 3], shape=[2])


def test_get_static_value():
    assert tf.get_static_value(tf.constant([1, 2])).tolist() == [1, 2]
    assert tf.get_static_value(tf.Variable(1.0)) is None


def test_register_gradient_replaces_nothing_registered_twice():
    with pytest.raises(KeyError, match="Registering two gradient with name 'Sin'"):
        tf.RegisterGradient("Sin")(lambda op, dy: dy)


def test_no_gradient_makes_op_unconnected():
    from eagerflow._src.framework.op import REGISTRY
    from eagerflow._src.ops.sequence_ops import ROLL

    saved = ROLL.grad
    try:
        tf.no_gradient("Roll")
        x = tf.constant([1.0, 2.0])
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(tf.roll(x, 1, 0))
        assert tape.gradient(y, x) is None
    finally:
        REGISTRY["Roll"].grad = saved


def test_gradients_raise_in_eager_mode():
    with pytest.raises(RuntimeError, match="tf.gradients is not supported when eager execution is enabled"):
        tf.gradients(tf.constant(1.0), tf.constant(1.0))


def test_grad_pass_through_uses_identity_gradient():
    x = tf.constant([1.2, 2.7])
    f = tf.grad_pass_through(tf.round)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(f(x) * 3.0)
    assert f(x).numpy().tolist() == [1.0, 3.0]
    assert tape.gradient(y, x).numpy().tolist() == [3.0, 3.0]


def test_group_and_no_op_return_none_eagerly():
    assert tf.group(tf.constant(1)) is None and tf.no_op() is None


def test_tuple_keeps_none_entries():
    out = tf.tuple([tf.constant(1), None])
    assert out[1] is None and int(out[0]) == 1


def test_clip_by_global_norm_scales_all_and_keeps_none():
    clipped, norm = tf.clip_by_global_norm([tf.constant([3.0, 4.0]), None, tf.constant([12.0])], 6.5)
    assert float(norm) == 13.0
    assert clipped[0].numpy().tolist() == [1.5, 2.0] and clipped[1] is None and clipped[2].numpy().tolist() == [6.0]


def test_clip_by_global_norm_keeps_indexed_slices_sparse():
    s = tf.IndexedSlices(tf.constant([[3.0, 4.0]]), tf.constant([1]), tf.constant([2, 2]))
    clipped, norm = tf.clip_by_global_norm([s], 2.5)
    assert isinstance(clipped[0], tf.IndexedSlices)
    assert clipped[0].values.numpy().tolist() == [[1.5, 2.0]] and float(norm) == 5.0


def test_clip_by_global_norm_of_infinite_norm_is_nan():
    clipped, _ = tf.clip_by_global_norm([tf.constant([np.inf, 1.0])], 1.0)
    assert np.isnan(clipped[0].numpy()).all()


def test_ensure_shape_error():
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=r"Shape of tensor input \[2,3\] is not compatible with expected shape \[3,3\]"):
        tf.ensure_shape(tf.zeros([2, 3]), [3, 3])


def test_py_function_is_differentiable():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.py_function(lambda t: t * t, [x], tf.float32))
    assert tape.gradient(y, x).numpy().tolist() == [2.0, 4.0]


def test_numpy_function_gets_arrays():
    seen = []
    out = tf.numpy_function(lambda a: seen.append(type(a)) or a + 1, [tf.constant([1, 2])], tf.int32)
    assert seen == [np.ndarray] and out.numpy().tolist() == [2, 3]


def test_dynamic_stitch_later_index_wins():
    out = tf.dynamic_stitch([[0, 2], [1, 2]], [tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0])])
    assert out.numpy().tolist() == [1.0, 3.0, 4.0]


def test_boolean_mask_gradient_is_dense_as_tfs():
    # TF's boolean_mask reshapes before its gather, so the variable's gradient comes back dense.
    v = tf.Variable([[1.0, 2.0], [3.0, 4.0]])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.boolean_mask(v, [False, True]))
    g = tape.gradient(y, v)
    assert not isinstance(g, tf.IndexedSlices)
    assert g.numpy().tolist() == [[0.0, 0.0], [1.0, 1.0]]


def test_parallel_stack_is_graph_only():
    with pytest.raises(RuntimeError, match="tf.parallel_stack\\(\\) is not compatible with eager execution."):
        tf.parallel_stack([tf.constant(1)])


def test_fingerprint_of_strings_is_farmhash64_little_endian():
    assert tf.fingerprint(tf.constant(["hello"])).numpy().tolist() == [[232, 12, 56, 49, 169, 229, 139, 180]]


def test_fingerprint_of_numbers_hashes_row_bytes():
    assert tf.fingerprint(tf.constant([[1, 2]])).numpy().tolist() == [[76, 18, 253, 133, 168, 204, 240, 10]]


def test_seeded_initializer_draws_tfs_numbers():
    np.testing.assert_allclose(tf.random_normal_initializer(seed=1)([2]).numpy(), [0.00633252, -0.02465083],
                               rtol=1e-6)


def test_initializer_round_trips_through_config():
    init = tf.random_uniform_initializer(-1.0, 1.0, seed=3)
    again = tf.random_uniform_initializer.from_config(init.get_config())
    np.testing.assert_array_equal(init([3]).numpy(), again([3]).numpy())


def test_integer_random_normal_initializer_is_rejected():
    with pytest.raises(ValueError, match="Argument `dtype` is expected to be floating point. Received: "):
        tf.random_normal_initializer()([2], tf.int32)


def test_edit_distance_normalizes_by_truth_length():
    hyp = tf.SparseTensor([[0, 0, 0], [1, 0, 0]], ["a", "b"], [2, 1, 1])
    truth = tf.SparseTensor([[0, 1, 0], [1, 0, 0], [1, 0, 1], [1, 0, 2]], ["a", "b", "c", "a"], [2, 2, 3])
    np.testing.assert_allclose(tf.edit_distance(hyp, truth).numpy(), [[np.inf, 1.0], [2 / 3, 0.0]], rtol=1e-6)
    assert tf.edit_distance(hyp, truth, normalize=False).numpy().tolist() == [[1.0, 1.0], [2.0, 0.0]]
