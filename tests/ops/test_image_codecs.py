"""Image codecs (PNG, GIF, BMP, JPEG headers) on files written by independent tiny writers
(tests/ops/image_writers.py) and by our PNG encoder. Bit-exactness against TensorFlow's own
codecs is in tests/compat/test_image_codecs_vs_tensorflow.py."""
import struct
import zlib

import numpy as np
import pytest

import eagerflow as tf
from tests.ops.image_writers import ADAM7, bmp_bytes, gif_bytes, png_bytes

RNG = np.random.default_rng(7)


def _samples(h, w, c, depth):
    return RNG.integers(0, 1 << depth, (h, w, c), dtype=np.int64)


# --- PNG ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("channels", [1, 2, 3, 4])
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
def test_png_round_trip_keeps_pixels(channels, dtype):
    image = RNG.integers(0, np.iinfo(dtype).max + 1, (5, 7, channels)).astype(dtype)
    encoded = tf.io.encode_png(image)
    decoded = tf.io.decode_png(encoded, dtype=tf.as_dtype(dtype))
    assert decoded.dtype == tf.as_dtype(dtype)
    np.testing.assert_array_equal(decoded.numpy(), image)


@pytest.mark.parametrize("compression", [-1, 0, 1, 9])
def test_png_compression_levels_decode_the_same(compression):
    image = RNG.integers(0, 256, (16, 16, 3), dtype=np.uint8)
    np.testing.assert_array_equal(tf.io.decode_png(tf.io.encode_png(image, compression=compression)).numpy(), image)


def test_png_encode_of_a_batch_gives_one_string_per_image():
    images = RNG.integers(0, 256, (2, 4, 3, 1), dtype=np.uint8)
    encoded = tf.io.encode_png(images)
    assert encoded.shape == (2,)
    np.testing.assert_array_equal(tf.io.decode_png(encoded[1]).numpy(), images[1])


@pytest.mark.parametrize("color,depth", [(0, 8), (0, 16), (2, 8), (2, 16), (4, 8), (4, 16), (6, 8), (6, 16)])
@pytest.mark.parametrize("interlace", [False, True])
def test_png_full_depth_color_types_decode_every_filter(color, depth, interlace):
    nch = {0: 1, 2: 3, 4: 2, 6: 4}[color]
    samples = _samples(11, 13, nch, depth)
    data = png_bytes(samples, depth, color, interlace=interlace)
    out = tf.io.decode_png(data, dtype=tf.uint16 if depth == 16 else tf.uint8).numpy()
    np.testing.assert_array_equal(out, samples)


@pytest.mark.parametrize("depth", [1, 2, 4])
def test_png_low_bit_gray_is_scaled_to_full_range(depth):
    samples = _samples(6, 17, 1, depth)
    out = tf.io.decode_png(png_bytes(samples, depth, 0)).numpy()
    np.testing.assert_array_equal(out, samples * (255 // ((1 << depth) - 1)))


@pytest.mark.parametrize("depth", [1, 2, 4, 8])
def test_png_palette_indices_map_through_plte(depth):
    palette = RNG.integers(0, 256, (1 << depth, 3), dtype=np.uint8)
    indices = _samples(9, 10, 1, depth)
    out = tf.io.decode_png(png_bytes(indices, depth, 3, palette=palette.tobytes())).numpy()
    np.testing.assert_array_equal(out, palette[indices[..., 0]])


def test_png_palette_with_trns_decodes_to_rgba():
    palette = RNG.integers(0, 256, (4, 3), dtype=np.uint8)
    indices = _samples(3, 5, 1, 2)
    alpha = np.array([0, 128], np.uint8)
    out = tf.io.decode_png(png_bytes(indices, 2, 3, palette=palette.tobytes(), trns=alpha.tobytes())).numpy()
    expected_alpha = np.array([0, 128, 255, 255], np.uint8)[indices[..., 0]]
    np.testing.assert_array_equal(out[..., :3], palette[indices[..., 0]])
    np.testing.assert_array_equal(out[..., 3], expected_alpha)


def test_png_gray_key_colour_becomes_alpha_only_when_asked_for():
    samples = _samples(4, 6, 1, 8)
    samples[0, 0, 0] = 7
    data = png_bytes(samples, 8, 0, trns=struct.pack(">H", 7))
    assert tf.io.decode_png(data).shape == (4, 6, 1)
    rgba = tf.io.decode_png(data, channels=4).numpy()
    np.testing.assert_array_equal(rgba[..., 3], np.where(samples[..., 0] == 7, 0, 255))


def test_png_interlaced_equals_plain():
    samples = _samples(19, 23, 3, 8)
    plain = tf.io.decode_png(png_bytes(samples, 8, 2)).numpy()
    adam7 = tf.io.decode_png(png_bytes(samples, 8, 2, interlace=True)).numpy()
    np.testing.assert_array_equal(adam7, plain)


def test_png_interlaced_tiny_image_skips_empty_passes():
    samples = _samples(1, 1, 1, 8)
    assert sum(1 for x0, y0, dx, dy in ADAM7 if x0 < 1 and y0 < 1) == 1
    np.testing.assert_array_equal(tf.io.decode_png(png_bytes(samples, 8, 0, interlace=True)).numpy(), samples)


def test_png_channels_conversions():
    rgba = RNG.integers(0, 256, (3, 4, 4), dtype=np.uint8)
    data = tf.io.encode_png(rgba)
    np.testing.assert_array_equal(tf.io.decode_png(data, channels=3).numpy(), rgba[..., :3])
    gray = tf.io.decode_png(data, channels=1).numpy()[..., 0].astype(np.int64)
    r, g, b = (rgba[..., i].astype(np.int64) for i in range(3))
    np.testing.assert_array_equal(gray, (9797 * r + 19234 * g + 3737 * b) >> 15)
    gray_image = RNG.integers(0, 256, (3, 4, 1), dtype=np.uint8)
    out = tf.io.decode_png(tf.io.encode_png(gray_image), channels=4).numpy()
    np.testing.assert_array_equal(out[..., :3], np.repeat(gray_image, 3, axis=2))
    np.testing.assert_array_equal(out[..., 3], 255)


def test_png_16_bit_to_uint8_keeps_the_high_byte():
    image = RNG.integers(0, 65536, (3, 5, 3)).astype(np.uint16)
    out = tf.io.decode_png(tf.io.encode_png(image)).numpy()
    np.testing.assert_array_equal(out, (image >> 8).astype(np.uint8))


def test_png_8_bit_to_uint16_scales_by_257():
    image = RNG.integers(0, 256, (3, 5, 1), dtype=np.uint8)
    out = tf.io.decode_png(tf.io.encode_png(image), dtype=tf.uint16).numpy()
    np.testing.assert_array_equal(out, image.astype(np.uint16) * 257)


def test_png_bad_crc_is_invalid_argument():
    data = bytearray(tf.io.encode_png(np.zeros((4, 4, 1), np.uint8)).numpy())
    data[-20] ^= 0xFF  # inside IDAT (before IEND's 12 bytes)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Invalid PNG data, size"):
        tf.io.decode_png(bytes(data))


@pytest.mark.parametrize("cut", [10, 30, 45, -13])
def test_png_truncated_is_invalid_argument(cut):
    data = tf.io.encode_png(RNG.integers(0, 256, (8, 8, 3), dtype=np.uint8)).numpy()[:cut]
    with pytest.raises(tf.errors.InvalidArgumentError, match="Invalid PNG"):
        tf.io.decode_png(data)


def test_png_header_claiming_huge_size_fails_without_allocating():
    header = struct.pack(">IIBBBBB", 1 << 30, 1 << 30, 8, 6, 0, 0, 0)
    chunk = struct.pack(">I", 13) + b"IHDR" + header + struct.pack(">I", zlib.crc32(b"IHDR" + header))
    idat = zlib.compress(b"\x00" * 100)
    data = (b"\x89PNG\r\n\x1a\n" + chunk + struct.pack(">I", len(idat)) + b"IDAT" + idat
            + struct.pack(">I", zlib.crc32(b"IDAT" + idat)))
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.io.decode_png(data)


def test_png_bad_filter_type_is_invalid_argument():
    header = struct.pack(">IIBBBBB", 2, 1, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x09\x01\x02")

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    with pytest.raises(tf.errors.InvalidArgumentError, match="Invalid PNG data"):
        tf.io.decode_png(data)


def test_encode_png_rejects_five_channels():
    with pytest.raises(tf.errors.InvalidArgumentError, match="image must have 1, 2, 3, or 4 channels, got 5"):
        tf.io.encode_png(tf.zeros([2, 2, 5], tf.uint8))


# --- GIF ---------------------------------------------------------------------------------------
def test_gif_single_frame_decodes_palette_colors():
    palette = RNG.integers(0, 256, (16, 3), dtype=np.uint8)
    indices = RNG.integers(0, 16, (9, 14), dtype=np.uint8)
    out = tf.io.decode_gif(gif_bytes(14, 9, palette, [(0, 0, indices, None)])).numpy()
    assert out.shape == (1, 9, 14, 3)
    np.testing.assert_array_equal(out[0], palette[indices])


def test_gif_lzw_code_growth_and_table_reset():
    palette = RNG.integers(0, 256, (256, 3), dtype=np.uint8)
    indices = RNG.integers(0, 256, (120, 130), dtype=np.uint8)  # > 4096 codes: table resets
    out = tf.io.decode_gif(gif_bytes(130, 120, palette, [(0, 0, indices, None)])).numpy()
    np.testing.assert_array_equal(out[0], palette[indices])


def test_gif_later_frames_draw_over_the_previous_one_except_transparent_pixels():
    palette = RNG.integers(0, 256, (4, 3), dtype=np.uint8)
    first = RNG.integers(0, 4, (6, 8), dtype=np.uint8)
    patch = RNG.integers(0, 4, (2, 3), dtype=np.uint8)
    out = tf.io.decode_gif(gif_bytes(8, 6, palette, [(0, 0, first, None), (2, 1, patch, 0)])).numpy()
    expected = palette[first]
    region = expected[1:3, 2:5]
    region[patch != 0] = palette[patch][patch != 0]
    np.testing.assert_array_equal(out[1], expected)
    np.testing.assert_array_equal(out[0], palette[first])


def test_gif_interlaced_rows_are_reordered():
    palette = RNG.integers(0, 256, (8, 3), dtype=np.uint8)
    indices = RNG.integers(0, 8, (13, 5), dtype=np.uint8)
    out = tf.io.decode_gif(gif_bytes(5, 13, palette, [(0, 0, indices, None)], interlace=True)).numpy()
    np.testing.assert_array_equal(out[0], palette[indices])


def test_decode_image_gif_is_4d_unless_expand_animations_is_false():
    palette = RNG.integers(0, 256, (4, 3), dtype=np.uint8)
    frames = [(0, 0, RNG.integers(0, 4, (3, 4), dtype=np.uint8), None)] * 2
    data = gif_bytes(4, 3, palette, frames)
    assert tf.io.decode_image(data).shape == (2, 3, 4, 3)
    assert tf.io.decode_image(data, expand_animations=False).shape == (3, 4, 3)


def test_decode_png_refuses_animated_gif():
    palette = RNG.integers(0, 256, (4, 3), dtype=np.uint8)
    frames = [(0, 0, RNG.integers(0, 4, (3, 4), dtype=np.uint8), None)] * 2
    with pytest.raises(tf.errors.InvalidArgumentError, match="Got 2 frames, but animated gifs"):
        tf.io.decode_png(gif_bytes(4, 3, palette, frames))


def test_gif_truncated_is_invalid_argument():
    palette = RNG.integers(0, 256, (4, 3), dtype=np.uint8)
    data = gif_bytes(20, 20, palette, [(0, 0, RNG.integers(0, 4, (20, 20), dtype=np.uint8), None)])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Invalid GIF data"):
        tf.io.decode_gif(data[:len(data) // 2])


# --- BMP ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("channels", [3, 4])
@pytest.mark.parametrize("top_down", [False, True])
def test_bmp_decodes_rgb_and_rgba(channels, top_down):
    rgb = RNG.integers(0, 256, (5, 7, channels), dtype=np.uint8)
    np.testing.assert_array_equal(tf.io.decode_bmp(bmp_bytes(rgb, top_down)).numpy(), rgb)


def test_bmp_with_wrong_size_is_invalid_argument():
    data = bmp_bytes(RNG.integers(0, 256, (3, 3, 3), dtype=np.uint8))
    with pytest.raises(tf.errors.InvalidArgumentError, match="differ by -1"):
        tf.io.decode_bmp(data[:-1])


def test_decode_png_refuses_bmp():
    data = bmp_bytes(RNG.integers(0, 256, (3, 3, 3), dtype=np.uint8))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Trying to decode BMP format using a wrong op"):
        tf.io.decode_png(data)


# --- decode_image, JPEG headers, errors, graphs ------------------------------------------------
def test_decode_image_dtypes_follow_tf_scaling():
    image = RNG.integers(0, 256, (2, 3, 3), dtype=np.uint8)
    png = tf.io.encode_png(image)
    as_float = tf.io.decode_image(png, dtype=tf.float32).numpy()
    np.testing.assert_array_equal(as_float, (image.astype(np.float32) * 257) * np.float32(1 / 65535))
    bmp = bmp_bytes(image)
    np.testing.assert_array_equal(tf.io.decode_image(bmp, dtype=tf.uint16).numpy(), image.astype(np.uint16) << 8)
    assert tf.io.decode_image(png, dtype=tf.float16).dtype == tf.float16


def test_unknown_format_is_invalid_argument():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Unknown image file format"):
        tf.io.decode_image(b"not an image")


def test_channels_two_is_refused():
    with pytest.raises(tf.errors.InvalidArgumentError, match="`channels` must be 0, 1, 3 or 4 but got 2"):
        tf.io.decode_png(tf.io.encode_png(np.zeros((2, 2, 1), np.uint8)), channels=2)


def _jpeg_header(marker=0xC0, h=37, w=53, ncomp=3):
    comps = b"".join(bytes([i + 1, 0x11, 0]) for i in range(ncomp))
    sof = struct.pack(">BHHB", 8, h, w, ncomp) + comps
    app = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return (b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", len(app) + 2) + app
            + bytes([0xFF, marker]) + struct.pack(">H", len(sof) + 2) + sof)


def test_extract_jpeg_shape_reads_the_frame_header():
    shape = tf.io.extract_jpeg_shape(_jpeg_header(h=37, w=53, ncomp=1), output_type=tf.int64)
    assert shape.dtype == tf.int64
    np.testing.assert_array_equal(shape.numpy(), [37, 53, 1])


def test_extract_jpeg_shape_of_non_jpeg_is_invalid_argument():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Invalid JPEG data, size 5"):
        tf.io.extract_jpeg_shape(b"\x89PNG\r")


def test_is_jpeg_checks_the_magic_number():
    assert bool(tf.io.is_jpeg(_jpeg_header()))
    assert not bool(tf.image.is_jpeg(b"\x89PNG\r\n\x1a\n"))


def test_progressive_jpeg_is_unimplemented():
    with pytest.raises(tf.errors.UnimplementedError, match="Progressive JPEG"):
        tf.io.decode_jpeg(_jpeg_header(marker=0xC2) + b"\xff\xd9")


@pytest.mark.parametrize("cut", [3, 20, 40])
def test_truncated_jpeg_is_invalid_argument(cut):
    with pytest.raises(tf.errors.InvalidArgumentError, match="Invalid JPEG data"):
        tf.io.decode_jpeg(_jpeg_header()[:cut])


def test_non_scalar_contents_are_refused():
    data = tf.io.encode_png(np.zeros((2, 2, 1), np.uint8))
    with pytest.raises(tf.errors.InvalidArgumentError, match="must be scalar"):
        tf.io.decode_png(tf.stack([data, data]))


def test_decode_ops_in_tf_function_have_unknown_spatial_dims():
    @tf.function
    def decode(contents):
        return (tf.io.decode_png(contents, channels=3), tf.io.decode_gif(contents),
                tf.io.decode_image(contents), tf.io.decode_image(contents, channels=1, expand_animations=False))

    graph_outputs = decode.get_concrete_function(tf.TensorSpec([], tf.string)).outputs
    assert [o.shape.as_list() if o.shape.rank is not None else None for o in graph_outputs] == [
        [None, None, 3], [None, None, None, 3], None, [None, None, 1]]
    image = RNG.integers(0, 256, (3, 5, 3), dtype=np.uint8)
    outputs = decode(tf.io.encode_png(image))
    np.testing.assert_array_equal(outputs[0].numpy(), image)
    assert outputs[1].shape == (1, 3, 5, 3)


def test_decode_in_dataset_map():
    images = [RNG.integers(0, 256, (4, 6, 3), dtype=np.uint8) for _ in range(3)]
    encoded = [tf.io.encode_png(image).numpy() for image in images]
    dataset = tf.data.Dataset.from_tensor_slices(encoded).map(lambda s: tf.io.decode_png(s, channels=3))
    assert dataset.element_spec.shape.as_list() == [None, None, 3]
    for got, want in zip(dataset, images):
        np.testing.assert_array_equal(got.numpy(), want)
