"""tf.image behaviours (values against TF 2.21 are in tests/compat/test_linalg_signal_image_vs_tensorflow.py)."""
import numpy as np
import pytest

import eagerflow as tf


def _images(shape=(2, 5, 6, 3), seed=0):
    return np.random.default_rng(seed).uniform(size=shape).astype(np.float32)


def test_resize_returns_float32_except_nearest_which_keeps_dtype():
    img = (np.arange(48) % 255).astype(np.uint8).reshape(4, 4, 3)
    assert tf.image.resize(img, (2, 2)).dtype == tf.float32
    assert tf.image.resize(img, (2, 2), method="nearest").dtype == tf.uint8


def test_resize_bilinear_upsample_uses_half_pixel_centres():
    row = np.array([0.0, 1.0], np.float32).reshape(1, 2, 1)
    out = tf.image.resize(row, (1, 4)).numpy().ravel()
    np.testing.assert_allclose(out, [0.0, 0.25, 0.75, 1.0])


def test_resize_area_downsample_averages_blocks():
    img = np.arange(16, dtype=np.float32).reshape(4, 4, 1)
    out = tf.image.resize(img, (2, 2), method=tf.image.ResizeMethod.AREA).numpy()[..., 0]
    np.testing.assert_allclose(out, img[..., 0].reshape(2, 2, 2, 2).mean(axis=(1, 3)))


@pytest.mark.parametrize("method", ["bilinear", "bicubic", "lanczos3", "lanczos5", "gaussian", "mitchellcubic", "area"])
def test_resize_of_constant_image_stays_constant(method):
    out = tf.image.resize(np.full((5, 7, 2), 0.25, np.float32), (9, 3), method=method, antialias=True)
    np.testing.assert_allclose(out.numpy(), 0.25, atol=1e-6)


def test_resize_gradient_is_the_transposed_map():
    x = tf.constant(_images())
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(tf.image.resize(x, (10, 4)))
    # Bilinear weights of each output pixel sum to one, so the input gradient sums to the output count.
    np.testing.assert_allclose(tape.gradient(y, x).numpy().sum(), 2 * 10 * 4 * 3, rtol=1e-5)


def test_resize_unknown_method_is_value_error():
    with pytest.raises(ValueError, match="Resize method is not implemented: cubic"):
        tf.image.resize(_images(), (2, 2), method="cubic")


def test_resize_preserve_aspect_ratio_fits_inside_size():
    assert tf.image.resize(_images((10, 20, 3)), (10, 10), preserve_aspect_ratio=True).shape == (5, 10, 3)


def test_resize_with_pad_centres_the_resized_image():
    out = tf.image.resize_with_pad(np.ones((2, 4, 1), np.float32), 4, 4).numpy()[..., 0]
    np.testing.assert_array_equal(out[0], 0)
    np.testing.assert_allclose(out[1:3], 1)


def test_convert_image_dtype_round_trips_uint8_through_float():
    img = np.arange(256, dtype=np.uint8)
    back = tf.image.convert_image_dtype(tf.image.convert_image_dtype(img, tf.float32), tf.uint8)
    np.testing.assert_array_equal(back.numpy(), img)


def test_convert_image_dtype_saturates_when_asked():
    out = tf.image.convert_image_dtype(np.array([1.5, -0.5], np.float32), tf.uint8, saturate=True)
    np.testing.assert_array_equal(out.numpy(), [255, 0])


def test_rot90_matches_numpy_rot90_for_every_k():
    img = _images((3, 4, 2))
    for k in range(-2, 6):
        np.testing.assert_array_equal(tf.image.rot90(img, k).numpy(), np.rot90(img, k, axes=(0, 1)))


def test_flip_of_rank_two_is_value_error():
    with pytest.raises(ValueError, match="must be at least three-dimensional"):
        tf.image.flip_left_right(tf.ones((2, 2)))


def test_stateless_random_flip_is_deterministic_per_seed():
    img = _images()
    a = tf.image.stateless_random_flip_left_right(img, (3, 4)).numpy()
    b = tf.image.stateless_random_flip_left_right(img, (3, 4)).numpy()
    np.testing.assert_array_equal(a, b)


def test_crop_then_pad_restores_window():
    img = _images((6, 6, 1))
    cropped = tf.image.crop_to_bounding_box(img, 1, 2, 3, 3)
    padded = tf.image.pad_to_bounding_box(cropped, 1, 2, 6, 6).numpy()
    np.testing.assert_array_equal(padded[1:4, 2:5], img[1:4, 2:5])
    assert padded[0].sum() == 0


def test_crop_outside_image_is_value_error():
    with pytest.raises(ValueError, match="height must be >= target \\+ offset."):
        tf.image.crop_to_bounding_box(_images((4, 4, 1)), 2, 0, 3, 2)


def test_central_crop_fraction_out_of_range_is_value_error():
    with pytest.raises(ValueError, match="central_fraction must be within \\(0, 1\\]"):
        tf.image.central_crop(_images((4, 4, 1)), 1.5)


def test_hsv_round_trip():
    img = _images()
    np.testing.assert_allclose(tf.image.hsv_to_rgb(tf.image.rgb_to_hsv(img)).numpy(), img, atol=1e-6)


def test_adjust_hue_by_full_turn_is_identity():
    img = _images()
    np.testing.assert_allclose(tf.image.adjust_hue(img, 1.0).numpy(), img, atol=1e-5)


def test_adjust_saturation_zero_gives_grey():
    out = tf.image.adjust_saturation(_images(), 0.0).numpy()
    np.testing.assert_allclose(out[..., 0], out[..., 1], atol=1e-6)


def test_adjust_contrast_keeps_channel_means():
    img = _images()
    out = tf.image.adjust_contrast(img, 3.0).numpy()
    np.testing.assert_allclose(out.mean(axis=(1, 2)), img.mean(axis=(1, 2)), atol=1e-5)


def test_adjust_brightness_of_uint8_saturates():
    out = tf.image.adjust_brightness(np.array([[[250]]], np.uint8), 0.5)
    assert out.dtype == tf.uint8 and int(out.numpy().ravel()[0]) == 255


def test_yiq_and_yuv_round_trip():
    img = _images()
    np.testing.assert_allclose(tf.image.yiq_to_rgb(tf.image.rgb_to_yiq(img)).numpy(), img, atol=1e-4)
    np.testing.assert_allclose(tf.image.yuv_to_rgb(tf.image.rgb_to_yuv(img)).numpy(), img, atol=1e-4)


def test_per_image_standardization_gives_zero_mean_unit_std():
    out = tf.image.per_image_standardization(_images()).numpy()
    np.testing.assert_allclose(out.mean(axis=(1, 2, 3)), 0, atol=1e-6)
    np.testing.assert_allclose(out.std(axis=(1, 2, 3)), 1, atol=1e-5)


def test_ssim_of_identical_images_is_one():
    img = _images((1, 16, 16, 3))
    np.testing.assert_allclose(tf.image.ssim(img, img, 1.0).numpy(), [1.0], atol=1e-6)


def test_psnr_of_known_mse():
    a = np.zeros((1, 4, 4, 1), np.float32)
    b = np.full((1, 4, 4, 1), 0.1, np.float32)
    np.testing.assert_allclose(tf.image.psnr(a, b, 1.0).numpy(), [20.0], rtol=1e-5)


def test_non_max_suppression_drops_overlapping_box():
    boxes = [[0, 0, 1, 1], [0, 0.1, 1, 1.1], [0, 2, 1, 3]]
    out = tf.image.non_max_suppression(boxes, [0.9, 0.8, 0.7], 3, iou_threshold=0.5)
    assert out.dtype == tf.int32
    np.testing.assert_array_equal(out.numpy(), [0, 2])


def test_non_max_suppression_padded_reports_valid_count():
    boxes = [[0, 0, 1, 1], [0, 0.1, 1, 1.1]]
    idx, valid = tf.image.non_max_suppression_padded(boxes, [0.9, 0.8], 4, pad_to_max_output_size=True)
    np.testing.assert_array_equal(idx.numpy(), [0, 0, 0, 0])
    assert int(valid) == 1


def test_crop_and_resize_whole_image_box_is_identity():
    img = _images((1, 4, 5, 2))
    out = tf.image.crop_and_resize(img, [[0.0, 0.0, 1.0, 1.0]], [0], (4, 5))
    np.testing.assert_allclose(out.numpy(), img, atol=1e-6)


def test_extract_patches_valid_matches_manual_patches():
    img = np.arange(2 * 4 * 4 * 1, dtype=np.float32).reshape(2, 4, 4, 1)
    out = tf.image.extract_patches(img, [1, 2, 2, 1], [1, 2, 2, 1], [1, 1, 1, 1], "VALID").numpy()
    np.testing.assert_array_equal(out[0, 0, 1], img[0, 0:2, 2:4, 0].ravel())


def test_image_gradients_zero_on_last_row_and_column():
    dy, dx = tf.image.image_gradients(tf.constant(_images()))
    assert not dy.numpy()[:, -1].any() and not dx.numpy()[:, :, -1].any()


def test_total_variation_of_constant_is_zero():
    assert float(tf.image.total_variation(tf.ones((4, 4, 3)))) == 0.0


def test_random_crop_larger_than_input_is_invalid_argument():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Need value.shape >= size"):
        tf.image.random_crop(_images((3, 3, 1)), (4, 3, 1))


def test_non_max_suppression_overlaps_uses_the_given_matrix():
    overlaps = np.array([[1.0, 0.9, 0.1], [0.9, 1.0, 0.1], [0.1, 0.1, 1.0]], np.float32)
    out = tf.image.non_max_suppression_overlaps(overlaps, [0.5, 0.9, 0.3], 3, overlap_threshold=0.5)
    np.testing.assert_array_equal(out.numpy(), [1, 2])


def test_combined_non_max_suppression_pads_and_counts_per_image():
    boxes = np.array([[[[0, 0, 1, 1]], [[0, 0.05, 1, 1.05]]]], np.float32)
    scores = np.array([[[0.9, 0.1], [0.8, 0.7]]], np.float32)
    result = tf.image.combined_non_max_suppression(boxes, scores, 2, 4, iou_threshold=0.5, score_threshold=0.2)
    assert result._fields == ("nmsed_boxes", "nmsed_scores", "nmsed_classes", "valid_detections")
    np.testing.assert_allclose(result.nmsed_scores.numpy(), [[0.9, 0.7, 0.0, 0.0]])
    np.testing.assert_array_equal(result.nmsed_classes.numpy(), [[0, 1, 0, 0]])
    assert int(result.valid_detections.numpy()[0]) == 2


def test_image_signal_and_linalg_ops_trace_in_tf_function():
    x = tf.constant(_images())
    spd = tf.constant(np.eye(3) * 2.0)

    @tf.function
    def run(x, spd):
        return (tf.image.resize(x, (7, 4), method="lanczos3", antialias=True), tf.image.rgb_to_grayscale(x),
                tf.signal.dct(x), tf.linalg.cholesky(spd), tf.image.ssim(x, x * 0.5, 1.0, filter_size=3))

    for traced, eager in zip(run(x, spd), (tf.image.resize(x, (7, 4), method="lanczos3", antialias=True),
                                           tf.image.rgb_to_grayscale(x), tf.signal.dct(x), tf.linalg.cholesky(spd),
                                           tf.image.ssim(x, x * 0.5, 1.0, filter_size=3))):
        np.testing.assert_allclose(traced.numpy(), eager.numpy(), rtol=1e-6)


def test_extract_glimpse_zero_noise_pads_outside_pixels_with_zeros():
    img = np.arange(2 * 6 * 7, dtype=np.float32).reshape(2, 6, 7, 1)
    out = tf.image.extract_glimpse(img, [3, 4], [[-1.5, -0.5], [-0.7, 1.0]], centered=False, normalized=False,
                                   noise="zero").numpy()[..., 0]
    np.testing.assert_array_equal(out[0, 0], 0)
    np.testing.assert_array_equal(out[0, 1], img[0, 0, 0:4, 0])
