"""Image codecs against TensorFlow 2.21: TF encodes (PNG, JPEG) or hand writers build the file
(PNG of every color type/bit depth, GIF, BMP), both decode, pixels must match exactly; PNGs we
encode must decode under TF to the same pixels; error classes and messages match."""
import struct

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

import eagerflow as ef  # noqa: E402
from tests.ops.image_writers import bmp_bytes, gif_bytes, jpeg_bytes, png_bytes  # noqa: E402

pytestmark = pytest.mark.tensorflow
RNG = np.random.default_rng(11)


def _photo(h, w, c):
    """Smooth gradients plus noise: JPEG-like content with real AC coefficients."""
    y, x = np.mgrid[0:h, 0:w]
    planes = [x * 255.0 / w + 30 * np.sin(y / 4.0 + k) for k in range(c)]
    return np.clip(np.stack(planes, -1) + RNG.normal(0, 25, (h, w, c)), 0, 255).astype(np.uint8)


def _same(ours, theirs):
    assert ours.dtype.name == theirs.dtype.name
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


JPEG_CASES = [(h, w, c, q, ds) for (h, w) in [(37, 53), (16, 16), (9, 30)] for c in (1, 3)
              for q in (30, 75, 95, 100) for ds in (True, False) if c == 3 or ds]


@pytest.mark.parametrize("h,w,c,quality,subsample", JPEG_CASES)
def test_jpeg_from_tf_encoder_decodes_bit_exactly(h, w, c, quality, subsample):
    data = tf_real.io.encode_jpeg(_photo(h, w, c), quality=quality, chroma_downsampling=subsample).numpy()
    for channels in (0, 1, 3):
        for method in ("", "INTEGER_ACCURATE"):
            _same(ef.io.decode_jpeg(data, channels=channels, dct_method=method),
                  tf_real.io.decode_jpeg(data, channels=channels, dct_method=method))


SAMPLINGS = {"gray": [(1, 1)], "444": [(1, 1)] * 3, "422": [(2, 1), (1, 1), (1, 1)],
             "420": [(2, 2), (1, 1), (1, 1)], "440": [(1, 2), (1, 1), (1, 1)],
             "mixed": [(2, 2), (1, 2), (1, 1)]}


@pytest.mark.parametrize("sampling", list(SAMPLINGS))
@pytest.mark.parametrize("restart", [0, 1, 3])
def test_hand_written_jpeg_sampling_and_restarts_match_tf(sampling, restart):
    for h, w in [(21, 35), (7, 5)]:
        data = jpeg_bytes(h, w, SAMPLINGS[sampling], restart, seed=h + restart)
        for method in ("", "INTEGER_ACCURATE"):
            _same(ef.io.decode_jpeg(data, dct_method=method), tf_real.io.decode_jpeg(data, dct_method=method))


@pytest.mark.parametrize("dtype", ["float32", "uint16", "int32"])
def test_decode_image_dtypes_of_jpeg_and_png(dtype):
    for data in (tf_real.io.encode_jpeg(_photo(8, 9, 3)).numpy(), tf_real.io.encode_png(_photo(8, 9, 3)).numpy()):
        _same(ef.io.decode_image(data, dtype=getattr(ef, dtype)), tf_real.io.decode_image(data, dtype=getattr(tf_real, dtype)))


@pytest.mark.parametrize("channels", [1, 2, 3, 4])
@pytest.mark.parametrize("dtype", ["uint8", "uint16"])
def test_png_encoded_by_tf_decodes_the_same(channels, dtype):
    image = RNG.integers(0, np.iinfo(dtype).max + 1, (13, 17, channels)).astype(dtype)
    data = tf_real.io.encode_png(image).numpy()
    for out_channels in (0, 1, 3, 4):
        for out_dtype in ("uint8", "uint16"):
            _same(ef.io.decode_png(data, channels=out_channels, dtype=getattr(ef, out_dtype)),
                  tf_real.io.decode_png(data, channels=out_channels, dtype=getattr(tf_real, out_dtype)))


@pytest.mark.parametrize("channels", [1, 2, 3, 4])
@pytest.mark.parametrize("dtype", ["uint8", "uint16"])
def test_png_we_encode_decodes_under_tf(channels, dtype):
    image = RNG.integers(0, np.iinfo(dtype).max + 1, (13, 17, channels)).astype(dtype)
    data = ef.io.encode_png(image, compression=3).numpy()
    np.testing.assert_array_equal(tf_real.io.decode_png(data, dtype=getattr(tf_real, dtype)).numpy(), image)


PNG_KINDS = [(0, d) for d in (1, 2, 4, 8, 16)] + [(2, 8), (2, 16), (3, 1), (3, 2), (3, 4), (3, 8),
                                                   (4, 8), (4, 16), (6, 8), (6, 16)]


# tRNS only exists for color types without an alpha channel (0, 2, 3).
PNG_VARIANTS = [(c, d, v) for c, d in PNG_KINDS for v in ("plain", "interlaced", "trns") if v != "trns" or c < 4]


@pytest.mark.parametrize("color,depth,variant", PNG_VARIANTS)
def test_hand_written_png_matches_tf(color, depth, variant):
    nch = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color]
    samples = RNG.integers(0, 1 << depth, (9, 11, nch))
    palette = trns = None
    if color == 3:
        palette = RNG.integers(0, 256, (1 << depth, 3), dtype=np.uint8).tobytes()
    if variant == "trns":
        if color == 3:
            trns = bytes(RNG.integers(0, 256, min(3, 1 << depth), dtype=np.uint8))
        else:
            trns = struct.pack(f">{nch}H", *samples[0, 0])
    data = png_bytes(samples, depth, color, palette=palette, trns=trns, interlace=variant == "interlaced")
    for channels in (0, 1, 3, 4):
        for dtype in ("uint8", "uint16"):
            _same(ef.io.decode_png(data, channels=channels, dtype=getattr(ef, dtype)),
                  tf_real.io.decode_png(data, channels=channels, dtype=getattr(tf_real, dtype)))
    _same(ef.io.decode_image(data, dtype=ef.float32), tf_real.io.decode_image(data, dtype=tf_real.float32))


def test_gif_frames_match_tf():
    palette = RNG.integers(0, 256, (256, 3), dtype=np.uint8)
    frames = [(0, 0, RNG.integers(0, 256, (40, 50), dtype=np.uint8), None),
              (5, 7, RNG.integers(0, 256, (10, 20), dtype=np.uint8), 3),
              (45, 35, RNG.integers(0, 256, (10, 10), dtype=np.uint8), None)]
    for interlace in (False, True):
        data = gif_bytes(50, 40, palette, frames, interlace=interlace)
        _same(ef.io.decode_gif(data), tf_real.io.decode_gif(data))
        _same(ef.io.decode_image(data, expand_animations=False),
              tf_real.io.decode_image(data, expand_animations=False))


def test_gif_whose_first_frame_is_smaller_than_the_screen_matches_tf():
    palette = RNG.integers(0, 256, (4, 3), dtype=np.uint8)
    frames = [(3, 2, RNG.integers(0, 4, (10, 20), dtype=np.uint8), None),
              (5, 7, RNG.integers(0, 4, (10, 20), dtype=np.uint8), 1)]
    data = gif_bytes(50, 40, palette, frames)
    _same(ef.io.decode_gif(data), tf_real.io.decode_gif(data))


@pytest.mark.parametrize("channels", [3, 4])
def test_bmp_matches_tf(channels):
    data = bmp_bytes(RNG.integers(0, 256, (7, 9, channels), dtype=np.uint8))
    for out_channels in (0, 3, 4):
        _same(ef.io.decode_bmp(data, channels=out_channels), tf_real.io.decode_bmp(data, channels=out_channels))


def _error(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the error itself is compared
        return type(e).__name__, str(e).split("}} ")[-1]
    return None


ERROR_CASES = [
    ("decode_png", lambda m: m.io.decode_png(b"garbage")),
    ("truncated png", lambda m: m.io.decode_png(tf_real.io.encode_png(np.ones((9, 9, 3), np.uint8)).numpy()[:-20])),
    ("png header", lambda m: m.io.decode_png(b"\x89PNG\r\n\x1a\n" + b"x" * 30)),
    ("bmp via png", lambda m: m.io.decode_png(bmp_bytes(np.zeros((2, 2, 3), np.uint8)))),
    ("png via bmp", lambda m: m.io.decode_bmp(tf_real.io.encode_png(np.ones((2, 2, 3), np.uint8)).numpy())),
    ("jpeg ch4", lambda m: m.io.decode_jpeg(tf_real.io.encode_jpeg(np.ones((8, 8, 3), np.uint8)).numpy(), channels=4)),
    ("truncated jpeg", lambda m: m.io.decode_jpeg(tf_real.io.encode_jpeg(_photo(16, 16, 3)).numpy()[:200])),
    ("extract", lambda m: m.io.extract_jpeg_shape(b"\x89PNG\r\n")),
    ("channels 2", lambda m: m.io.decode_image(tf_real.io.encode_png(np.ones((2, 2, 3), np.uint8)).numpy(), channels=2)),
    ("bmp size", lambda m: m.io.decode_bmp(bmp_bytes(np.zeros((3, 3, 3), np.uint8))[:-2])),
    ("encode 5 channels", lambda m: m.io.encode_png(np.zeros((2, 2, 5), np.uint8))),
    ("encode compression", lambda m: m.io.encode_png(np.zeros((2, 2, 1), np.uint8), compression=10)),
]


@pytest.mark.parametrize("name,fn", ERROR_CASES, ids=[c[0] for c in ERROR_CASES])
def test_errors_match_tf(name, fn):
    assert _error(lambda: fn(ef)) == _error(lambda: fn(tf_real))


def test_extract_jpeg_shape_and_is_jpeg_match_tf():
    data = tf_real.io.encode_jpeg(_photo(21, 34, 3)).numpy()
    _same(ef.io.extract_jpeg_shape(data), tf_real.io.extract_jpeg_shape(data))
    _same(ef.io.is_jpeg(data), tf_real.io.is_jpeg(data))


@pytest.mark.parametrize("h,w", [(9, 11), (37, 53), (100, 100)])
@pytest.mark.parametrize("subsample", [True, False])
def test_decode_and_crop_jpeg_matches_tf(h, w, subsample):
    data = tf_real.io.encode_jpeg(_photo(h, w, 3), chroma_downsampling=subsample).numpy()
    for window in ([1, 2, 3, 4], [0, 0, h, w], [2, 3, h - 4, w - 5], [5, 0, 2, w], [h // 2, w // 3, h // 3, w // 2]):
        for channels in (0, 1):
            _same(ef.io.decode_and_crop_jpeg(data, window, channels=channels),
                  tf_real.io.decode_and_crop_jpeg(data, window, channels=channels))


CROP_ERRORS = [
    ("outside", lambda m, d: m.io.decode_and_crop_jpeg(d, [5, 5, 20, 20])),
    ("negative", lambda m, d: m.io.decode_and_crop_jpeg(d, [-1, 0, 2, 2])),
    ("png", lambda m, d: m.io.decode_and_crop_jpeg(tf_real.io.encode_png(np.ones((4, 4, 1), np.uint8)).numpy(),
                                                   [0, 0, 1, 1])),
]


@pytest.mark.parametrize("name,fn", CROP_ERRORS, ids=[c[0] for c in CROP_ERRORS])
def test_decode_and_crop_jpeg_errors_match_tf(name, fn):
    data = tf_real.io.encode_jpeg(_photo(9, 11, 3)).numpy()
    assert _error(lambda: fn(ef, data)) == _error(lambda: fn(tf_real, data))
