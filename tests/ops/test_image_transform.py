"""ImageProjectiveTransformV2/V3 (tf.raw_ops; Keras's RandomRotation/Zoom/Translation use it)."""
import itertools

import numpy as np
import pytest

import eagerflow as tf

IDENTITY = [[1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0]]


def _transform(images, transforms, shape=None, **kw):
    shape = list(np.asarray(images).shape[1:3]) if shape is None else shape
    return tf.raw_ops.ImageProjectiveTransformV3(images=images, transforms=transforms, output_shape=shape,
                                                 fill_value=kw.pop("fill_value", 0.0), **kw)


def test_identity_transform_returns_the_image():
    x = np.arange(24, dtype=np.float32).reshape(1, 4, 6, 1)
    for interpolation in ("NEAREST", "BILINEAR"):
        np.testing.assert_array_equal(_transform(x, IDENTITY, interpolation=interpolation).numpy(), x)


def test_translation_reads_the_input_shifted_and_fills_outside():
    x = np.arange(1, 10, dtype=np.float32).reshape(1, 1, 9, 1)
    out = _transform(x, [[1, 0, 2, 0, 1, 0, 0, 0]], fill_value=-1.0, fill_mode="CONSTANT").numpy().ravel()
    np.testing.assert_array_equal(out, [3, 4, 5, 6, 7, 8, 9, -1, -1])


def test_wrap_and_reflect_map_coordinates_back_inside():
    x = np.arange(9, dtype=np.float32).reshape(1, 1, 9, 1)
    wrap = _transform(x, [[1, 0, -2, 0, 1, 0, 0, 0]], fill_mode="WRAP").numpy().ravel()
    np.testing.assert_array_equal(wrap, [7, 8, 0, 1, 2, 3, 4, 5, 6])
    reflect = _transform(x, [[1, 0, -2, 0, 1, 0, 0, 0]], fill_mode="REFLECT").numpy().ravel()
    np.testing.assert_array_equal(reflect, [1, 0, 0, 1, 2, 3, 4, 5, 6])


def test_output_shape_and_integer_images():
    x = np.arange(12, dtype=np.uint8).reshape(1, 3, 4, 1)
    out = _transform(x, IDENTITY, shape=[2, 5], fill_value=9.0)
    assert out.dtype == tf.uint8 and out.shape == (1, 2, 5, 1)
    np.testing.assert_array_equal(out.numpy()[0, :, :, 0], [[0, 1, 2, 3, 9], [4, 5, 6, 7, 9]])


def test_static_shape_in_a_trace():
    @tf.function(input_signature=[tf.TensorSpec([None, 8, 8, 3])])
    def f(x):
        out = _transform(x, IDENTITY, shape=[5, 6])
        assert out.shape.as_list() == [None, 5, 6, 3]
        return out
    assert f(tf.zeros([2, 8, 8, 3])).shape == (2, 5, 6, 3)


def test_gradient_is_the_inverse_transform_of_the_upstream_gradient():
    x = tf.constant(np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1))
    shift = [[1, 0, 1, 0, 1, 0, 0, 0]]  # output (x, y) reads input (x + 1, y)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = _transform(x, shift)
    grad = tape.gradient(y, x).numpy()[0, :, :, 0]
    np.testing.assert_array_equal(grad, [[0, 1, 1, 1]] * 4)


@pytest.mark.tensorflow
def test_transform_equals_tensorflow_for_every_mode_and_dtype():
    real_tf = pytest.importorskip("tensorflow")
    rng = np.random.default_rng(0)
    images = {"float32": rng.random((2, 7, 9, 3)).astype("float32"),
              "uint8": rng.integers(0, 256, (2, 7, 9, 3)).astype("uint8"), "float64": rng.random((2, 7, 9, 3))}
    transforms = []
    for k in range(5):
        a, (sx, sy), (tx, ty) = rng.uniform(-0.8, 0.8), rng.uniform(0.6, 1.5, 2), rng.uniform(-6, 6, 2)
        c, s = np.cos(a), np.sin(a)
        k6, k7 = (rng.uniform(-0.03, 0.03, 2) if k > 2 else (0.0, 0.0))
        transforms.append(np.array([[c * sx, -s, tx, s, c * sy, ty, k6, k7], [1.1, 0.2, -3.5, -0.1, 0.9, 2.25, 0, 0]],
                                   "float32"))
    for (dtype, x), t, interpolation, mode, shape in itertools.product(
            images.items(), transforms, ["NEAREST", "BILINEAR"], ["CONSTANT", "REFLECT", "WRAP", "NEAREST"],
            ([7, 9], [5, 12])):
        kw = dict(images=x, transforms=t, output_shape=shape, fill_value=0.25, interpolation=interpolation,
                  fill_mode=mode)
        theirs = real_tf.raw_ops.ImageProjectiveTransformV3(**kw).numpy()
        ours = tf.raw_ops.ImageProjectiveTransformV3(**kw).numpy()
        assert ours.dtype == theirs.dtype
        np.testing.assert_array_equal(ours, theirs, err_msg=f"{dtype} {interpolation} {mode} {shape}")


@pytest.mark.tensorflow
def test_bucketize_equals_tensorflow():
    real_tf = pytest.importorskip("tensorflow")
    values = np.array([-2.0, 0.1, 0.1000001, 1.0, 7.5, np.inf], np.float64)
    boundaries = [0.1, 1.0, 3.3]
    for dtype in (np.float32, np.float64):
        np.testing.assert_array_equal(tf.raw_ops.Bucketize(input=values.astype(dtype), boundaries=boundaries).numpy(),
                                      real_tf.raw_ops.Bucketize(input=values.astype(dtype), boundaries=boundaries).numpy())


def test_ensure_shape_and_sliced_static_shapes_stay_known_in_a_trace():
    @tf.function(input_signature=[tf.TensorSpec([None, 8, 6, 3])])
    def f(x):
        size = tf.shape(x)[1:3]
        out = _transform(x, IDENTITY, shape=size)
        assert out.shape.as_list() == [None, 8, 6, 3], out.shape
        checked = tf.ensure_shape(out, [2, None, None, 3])
        assert checked.shape.as_list() == [2, 8, 6, 3], checked.shape
        return checked
    assert f(tf.zeros([2, 8, 6, 3])).shape == (2, 8, 6, 3)
