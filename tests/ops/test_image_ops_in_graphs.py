"""tf.image's random ops and tf.slice with run-time begin/size inside traced functions (dataset
maps trace their functions): the same draws as eagerly, through ops instead of Python values."""
import numpy as np
import pytest

import eagerflow as tf

IMAGES = np.arange(2 * 5 * 4 * 3, dtype="float32").reshape(2, 5, 4, 3) / 120.0


def _mapped(fn, data=IMAGES):
    return [a for a in tf.data.Dataset.from_tensor_slices(data).map(fn).as_numpy_iterator()]


def test_random_flip_in_a_dataset_map_flips_whole_images():
    for image, out in zip(IMAGES, _mapped(lambda im: tf.image.random_flip_left_right(im, seed=3))):
        assert np.array_equal(out, image) or np.array_equal(out, image[:, ::-1])


def test_random_crop_in_a_dataset_map_is_a_window_of_the_image():
    for image, out in zip(IMAGES, _mapped(lambda im: tf.image.random_crop(im, [3, 2, 3], seed=4))):
        assert out.shape == (3, 2, 3)
        windows = [image[i:i + 3, j:j + 2] for i in range(3) for j in range(3)]
        assert any(np.array_equal(out, w) for w in windows)


def test_random_hue_and_saturation_trace():
    hue = _mapped(lambda im: tf.image.random_hue(im, 0.2, seed=5))
    sat = _mapped(lambda im: tf.image.random_saturation(im, 0.5, 1.5, seed=6))
    assert all(h.shape == (5, 4, 3) for h in hue) and all(s.shape == (5, 4, 3) for s in sat)


def test_rot90_with_a_traced_k_turns_by_k():
    image = tf.constant(IMAGES[0])
    outs = [a for a in tf.data.Dataset.range(4).map(lambda k: tf.image.rot90(image, tf.cast(k, tf.int32)))
            .as_numpy_iterator()]
    for k, out in enumerate(outs):
        np.testing.assert_array_equal(out, tf.image.rot90(image, k).numpy())


def test_slice_with_traced_begin_and_size():
    x = np.arange(24, dtype=np.float32).reshape(4, 6)

    @tf.function(input_signature=[tf.TensorSpec([2], tf.int32), tf.TensorSpec([2], tf.int32)])
    def f(begin, size):
        with tf.GradientTape() as tape:
            t = tf.constant(x)
            tape.watch(t)
            out = tf.slice(t, begin, size)
            loss = tf.reduce_sum(out * out)
        return out, tape.gradient(loss, t)
    out, grad = f(tf.constant([1, 2]), tf.constant([2, -1]))
    np.testing.assert_array_equal(out.numpy(), x[1:3, 2:])
    expected = np.zeros_like(x)
    expected[1:3, 2:] = 2 * x[1:3, 2:]
    np.testing.assert_array_equal(grad.numpy(), expected)
    with pytest.raises(tf.errors.InvalidArgumentError):
        f(tf.constant([3, 0]), tf.constant([2, 1]))


@pytest.mark.tensorflow
def test_random_image_ops_in_dataset_maps_equal_tensorflow():
    real_tf = pytest.importorskip("tensorflow")

    def run(lib):
        ds = lib.data.Dataset.from_tensor_slices(IMAGES)
        cases = {
            "flip": ds.map(lambda im: lib.image.random_flip_left_right(im, seed=3)),
            "crop": ds.map(lambda im: lib.image.random_crop(im, [3, 2, 3], seed=4)),
            "sflip": ds.map(lambda im: lib.image.stateless_random_flip_up_down(im, seed=[1, 2])),
            "rot": lib.data.Dataset.range(4).map(lambda k: lib.image.rot90(lib.constant(IMAGES[0]),
                                                                          lib.cast(k, lib.int32))),
        }
        return {name: list(d.as_numpy_iterator()) for name, d in cases.items()}
    ours, theirs = run(tf), run(real_tf)
    for name in theirs:
        for a, b in zip(ours[name], theirs[name]):
            np.testing.assert_array_equal(a, b, err_msg=name)


def test_crop_and_pad_of_images_of_unknown_size_in_a_trace():
    # Decoded images have unknown height and width while a dataset map traces.
    x = np.arange(5 * 7 * 3, dtype=np.float32).reshape(5, 7, 3)

    @tf.function(input_signature=[tf.TensorSpec([None, None, 3])])
    def f(image):
        out = tf.image.resize_with_crop_or_pad(image, 10, 4)
        assert out.shape.as_list() == [10, 4, 3], out.shape
        crop = tf.image.crop_to_bounding_box(image, 1, 2, 3, 3)
        assert crop.shape.as_list() == [3, 3, 3], crop.shape
        return out, crop, tf.image.pad_to_bounding_box(image, 1, 1, 8, 9)
    out, crop, padded = f(x)
    np.testing.assert_array_equal(out.numpy(), tf.image.resize_with_crop_or_pad(x, 10, 4).numpy())
    np.testing.assert_array_equal(crop.numpy(), x[1:4, 2:5])
    np.testing.assert_array_equal(padded.numpy(), tf.image.pad_to_bounding_box(x, 1, 1, 8, 9).numpy())


def test_pad_with_traced_paddings_and_its_gradient():
    x = np.arange(6, dtype=np.float32).reshape(2, 3)

    @tf.function(input_signature=[tf.TensorSpec([2, 2], tf.int32)])
    def f(paddings):
        t = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(t)
            out = tf.pad(t, paddings, constant_values=-1.0)
            loss = tf.reduce_sum(out * out)
        return out, tape.gradient(loss, t)
    out, grad = f(tf.constant([[1, 0], [0, 2]]))
    np.testing.assert_array_equal(out.numpy(), np.pad(x, [[1, 0], [0, 2]], constant_values=-1.0))
    np.testing.assert_array_equal(grad.numpy(), 2 * x)


def test_a_string_picked_from_a_traced_split_compares_with_a_python_string():
    @tf.function(input_signature=[tf.TensorSpec([], tf.string)])
    def is_dog(path):
        return tf.strings.split(path, "/")[-2] == "dogs"
    assert bool(is_dog(tf.constant("data/dogs/1.png")))
    assert not bool(is_dog(tf.constant("data/cats/1.png")))


@pytest.mark.parametrize("method", ["bilinear", "nearest", "bicubic"])
def test_resize_to_a_size_known_at_run_time_equals_eager(method):
    x = tf.constant(np.arange(48.0, dtype=np.float32).reshape(1, 4, 4, 3))
    seen = []

    @tf.function
    def resized(x, n):
        out = tf.image.resize(x, [n, 2 * n], method=method)
        seen.append(out.shape.as_list())
        return out

    traced = resized(x, tf.constant(3))
    assert np.array_equal(traced.numpy(), tf.image.resize(x, [3, 6], method=method).numpy())
    assert seen == [[1, None, None, 3]]  # TF: the size's unknown entries are unknown dims
