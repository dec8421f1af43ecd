"""`tf.linalg`, `tf.signal` and `tf.image` under eagerflow and TensorFlow 2.21: values, dtypes,
shapes, gradients and errors.

Programs take the module as `tf` and return tensors (or nests of them); both results must agree
in dtype, shape and value (to a tolerance for floating point). Transcripts compare printed text
and error messages exactly.
"""
import contextlib
import io

import numpy as np
import pytest

tensorflow = pytest.importorskip("tensorflow")
pytestmark = pytest.mark.tensorflow

import eagerflow  # noqa: E402

RNG = np.random.default_rng(0)
A = RNG.normal(size=(2, 4, 3))
SQUARE = RNG.normal(size=(2, 3, 3)) + 3 * np.eye(3)
SPD = np.swapaxes(A, -1, -2) @ A + np.diag([1.0, 2.0, 3.0])
RHS = RNG.normal(size=(2, 3, 2))
TALL_RHS = RNG.normal(size=(2, 4, 2))
TRIDIAGONAL = np.array([[1.0, 2, 0], [5, 6, 7], [0, 1, 2]])
BANDS = np.array([[4.0, 5.0, 6.0], [0.5, -1.0, 2.0]])


def _flatten(value):
    if isinstance(value, (list, tuple)):
        return [x for v in value for x in _flatten(v)]
    return [value]


def _compare(program, rtol=1e-5, atol=1e-6):
    ours = _flatten(program(eagerflow))
    theirs = _flatten(program(tensorflow))
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        if t is None:
            assert o is None
            continue
        assert o.dtype.name == t.dtype.name, (o.dtype, t.dtype)
        assert tuple(o.shape) == tuple(t.shape), (o.shape, t.shape)
        np.testing.assert_allclose(np.asarray(o.numpy()), np.asarray(t.numpy()), rtol=rtol, atol=atol)


def _transcript(module, code):
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            exec(code, {"tf": module, "np": np})  # noqa: S102 - fixed snippets from this file
    except Exception as error:  # noqa: BLE001 - the error itself is compared
        out.write(f"!! {type(error).__name__}: {error}")
    return out.getvalue()


def _abs_columns(v):
    """Eigen/singular vectors up to sign: make each column's largest entry positive."""
    v = np.asarray(v)
    idx = np.argmax(np.abs(v), axis=-2)[..., None, :]
    sign = np.sign(np.take_along_axis(v, idx, axis=-2))
    return v * sign


# --- tf.linalg ---------------------------------------------------------------------------------
def _grad(tf, fn, *values):
    xs = [tf.constant(v) for v in values]
    with tf.GradientTape() as tape:
        for x in xs:
            tape.watch(x)
        out = fn(tf, *xs)
        total = tf.add_n([tf.reduce_sum(tf.cast(o, tf.float64) * (1.0 + 0.1 * i))
                          for i, o in enumerate(_flatten(out))])
    return [out, tape.gradient(total, xs)]


LINALG_VALUES = {
    "cholesky": lambda tf: _grad(tf, lambda tf, a: tf.linalg.cholesky(a), SPD),
    "cholesky_float32": lambda tf: tf.linalg.cholesky(SPD.astype(np.float32)),
    "qr": lambda tf: _grad(tf, lambda tf, a: list(tf.linalg.qr(a)), A),
    "qr_wide": lambda tf: _grad(tf, lambda tf, a: list(tf.linalg.qr(a)), np.swapaxes(A, -1, -2)),
    "qr_full": lambda tf: list(tf.linalg.qr(A, full_matrices=True)),
    "svd_values_grad": lambda tf: _grad(tf, lambda tf, a: tf.linalg.svd(a, compute_uv=False), A),
    "svd_uv_grad": lambda tf: _grad(tf, lambda tf, a: [tf.abs(tf.linalg.svd(a)[1]), tf.abs(tf.linalg.svd(a)[2])], A)[1],
    "eigh_values_grad": lambda tf: _grad(tf, lambda tf, a: tf.linalg.eigh(a)[0], SPD),
    "eigh_vectors_grad": lambda tf: _grad(tf, lambda tf, a: tf.abs(tf.linalg.eigh(a)[1]), SPD)[1],
    "eigvalsh": lambda tf: tf.linalg.eigvalsh(SPD.astype(np.complex64)),
    "eigvals": lambda tf: tf.math.real(tf.linalg.eigvals(SPD)),
    "det_grad": lambda tf: _grad(tf, lambda tf, a: tf.linalg.det(a), SQUARE),
    "slogdet_grad": lambda tf: _grad(tf, lambda tf, a: list(tf.linalg.slogdet(a)), SQUARE),
    "inv_grad": lambda tf: _grad(tf, lambda tf, a: tf.linalg.inv(a), SQUARE),
    "solve_grad": lambda tf: _grad(tf, lambda tf, a, b: tf.linalg.solve(a, b), SQUARE, RHS),
    "triangular_solve_grad": lambda tf: _grad(
        tf, lambda tf, a, b: tf.linalg.triangular_solve(a, b, lower=False, adjoint=True), SQUARE, RHS),
    "cholesky_solve": lambda tf: tf.linalg.cholesky_solve(tf.linalg.cholesky(SPD), RHS),
    "lu": lambda tf: list(tf.linalg.lu(SQUARE)),
    "lu_solve": lambda tf: tf.linalg.lu_solve(*tf.linalg.lu(SQUARE), RHS),
    "lu_reconstruct": lambda tf: tf.linalg.lu_reconstruct(*tf.linalg.lu(SQUARE)),
    "lu_matrix_inverse": lambda tf: tf.linalg.lu_matrix_inverse(*tf.linalg.lu(SQUARE)),
    "lstsq": lambda tf: _grad(tf, lambda tf, a, b: tf.linalg.lstsq(a, b), A, TALL_RHS),
    "lstsq_regularised": lambda tf: tf.linalg.lstsq(A, np.ones((2, 4, 1)), l2_regularizer=0.5),
    "pinv": lambda tf: tf.linalg.pinv(A),
    "matrix_rank": lambda tf: tf.linalg.matrix_rank(np.ones((2, 3, 3))),
    "expm_grad": lambda tf: _grad(tf, lambda tf, a: tf.linalg.expm(a), 0.3 * SQUARE),
    "logm": lambda tf: tf.linalg.logm(SPD.astype(np.complex128)),
    "sqrtm_grad": lambda tf: _grad(tf, lambda tf, a: tf.linalg.sqrtm(a), SPD),
    "logdet_grad": lambda tf: _grad(tf, lambda tf, a: tf.linalg.logdet(a), SPD),
    "band_part": lambda tf: tf.linalg.band_part(np.arange(24.0).reshape(2, 3, 4), 1, 0),
    "set_diag_band": lambda tf: tf.linalg.set_diag(np.zeros((3, 4)), [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], k=(0, 1)),
    "diag_part_band": lambda tf: tf.linalg.diag_part(np.arange(12).reshape(3, 4), k=(-1, 2), padding_value=9),
    "diag_band_align": lambda tf: tf.linalg.diag([[1, 2, 3], [4, 5, 6]], k=(-1, 0), align="LEFT_RIGHT"),
    "diag_num_cols": lambda tf: tf.linalg.diag([1.0, 2.0], k=-1, num_cols=4),
    "cross_grad": lambda tf: _grad(tf, lambda tf, a, b: tf.linalg.cross(a, b), A[0], A[1]),
    "tensor_diag": lambda tf: tf.linalg.tensor_diag([[1, 2], [3, 4]]),
    "tensor_diag_part": lambda tf: tf.linalg.tensor_diag_part(np.arange(16).reshape(2, 2, 2, 2)),
    "tridiagonal_solve": lambda tf: tf.linalg.tridiagonal_solve(
        tf.constant(TRIDIAGONAL), tf.constant([[1.0], [2], [3]], tf.float64)),
    "tridiagonal_solve_sequence_vector": lambda tf: tf.linalg.tridiagonal_solve(
        [tf.constant(d) for d in TRIDIAGONAL], tf.constant([1.0, 2, 3], tf.float64),
        diagonals_format="sequence"),
    "banded_triangular_solve_lower": lambda tf: _grad(
        tf, lambda tf, b, r: tf.linalg.banded_triangular_solve(b, r), BANDS, RHS[0]),
    "banded_triangular_solve_upper_adjoint": lambda tf: tf.linalg.banded_triangular_solve(
        BANDS, RHS[0], lower=False, adjoint=True),
    "eigh_tridiagonal": lambda tf: tf.linalg.eigh_tridiagonal(TRIDIAGONAL[1], TRIDIAGONAL[0, :2]),
    "eigh_tridiagonal_select_v": lambda tf: tf.linalg.eigh_tridiagonal(
        TRIDIAGONAL[1], TRIDIAGONAL[0, :2], select="v", select_range=[5.5, 9.0]),
    "eigh_tridiagonal_select_i": lambda tf: tf.linalg.eigh_tridiagonal(
        TRIDIAGONAL[1], TRIDIAGONAL[0, :2], select="i", select_range=[1, 2]),
    "tridiagonal_matmul": lambda tf: tf.linalg.tridiagonal_matmul(
        np.array([[1.0, 2, 0], [5, 6, 7], [0, 1, 2]]), np.ones((3, 2))),
    "global_norm": lambda tf: tf.linalg.global_norm([tf.constant([3.0, 4.0]), tf.constant([[1.0]])]),
    "normalize": lambda tf: list(tf.linalg.normalize(A, ord=1, axis=-1)),
    "l2_normalize": lambda tf: tf.linalg.l2_normalize(A, axis=1),
    "adjoint": lambda tf: tf.linalg.adjoint(np.array([[1 + 2j, 3j]])),
    "matrix_transpose": lambda tf: tf.linalg.matrix_transpose(A),
    "top_level_eig": lambda tf: tf.math.real(tf.eigvals(SPD[0])),
}


@pytest.mark.parametrize("name", sorted(LINALG_VALUES))
def test_linalg_matches_tensorflow(name):
    _compare(LINALG_VALUES[name], rtol=1e-4, atol=1e-6)


def test_svd_and_eigh_vectors_match_up_to_sign():
    for fn in (lambda tf: tf.linalg.eigh_tridiagonal(TRIDIAGONAL[1], TRIDIAGONAL[0, :2], eigvals_only=False)[1],
               lambda tf: tf.linalg.svd(A)[1], lambda tf: tf.linalg.svd(A)[2], lambda tf: tf.linalg.eigh(SPD)[1]):
        np.testing.assert_allclose(_abs_columns(fn(eagerflow)), _abs_columns(fn(tensorflow)), atol=1e-6)


LINALG_TRANSCRIPTS = [
    "r = tf.linalg.qr([[1., 2.], [3., 4.]]); print(type(r).__name__, r._fields, r.q.dtype, r.r.shape)",
    "print(tf.linalg.slogdet([[1., 2.], [3., 4.]]))",
    "print(tf.linalg.lu([[1., 2.], [3., 4.]]))",
    "print(np.isnan(tf.linalg.cholesky(-np.eye(2)).numpy()[1, 1]))",
    "print(tf.linalg.cholesky(np.ones((2, 3))))",
    "print(tf.linalg.qr(np.ones(3)))",
    "print(tf.linalg.eigh(np.ones((2, 3))))",
    "print(tf.linalg.triangular_solve(np.ones((2, 2)), np.ones((3, 1))))",
    "print(tf.linalg.triangular_solve(np.array([[0., 0], [1, 1]]), np.ones((2, 1))))",
    "print(tf.linalg.lu(np.zeros((2, 2))))",
    "print(tf.linalg.cross(np.ones(3), np.ones(2)))",
    "print(tf.linalg.band_part(np.ones(3), 1, 1))",
    "print(tf.linalg.matrix_rank(np.eye(3)))",
    "print(tf.linalg.eig(np.diag([1., 2.])))",
]


@pytest.mark.parametrize("code", LINALG_TRANSCRIPTS)
def test_linalg_transcript_matches_tensorflow(code):
    assert _transcript(eagerflow, code) == _transcript(tensorflow, code)


# --- tf.signal ---------------------------------------------------------------------------------
SIGNAL = RNG.normal(size=(2, 64)).astype(np.float32)
COMPLEX_SIGNAL = (RNG.normal(size=(2, 4, 6)) + 1j * RNG.normal(size=(2, 4, 6))).astype(np.complex64)
REAL_3D = RNG.normal(size=(2, 4, 6, 5))
FRAMES = RNG.normal(size=(2, 5, 8))


def _abs_sum_grad(tf, fn, value):
    x = tf.constant(value)
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = fn(tf, x)
        weights = tf.cast(tf.reshape(tf.range(tf.size(out)), tf.shape(out)), tf.float64) * 0.01 + 1.0
        if out.dtype.is_complex:
            loss = tf.reduce_sum(tf.cast(tf.math.real(out), tf.float64) * weights) + \
                tf.reduce_sum(tf.cast(tf.math.imag(out), tf.float64) * weights * 0.5)
        else:
            loss = tf.reduce_sum(tf.cast(out, tf.float64) * weights)
    return [out, tape.gradient(loss, x)]


SIGNAL_VALUES = {
    "fft": lambda tf: _abs_sum_grad(tf, lambda tf, x: tf.signal.fft(x), COMPLEX_SIGNAL),
    "ifft": lambda tf: _abs_sum_grad(tf, lambda tf, x: tf.signal.ifft(x), COMPLEX_SIGNAL),
    "fft2d": lambda tf: _abs_sum_grad(tf, lambda tf, x: tf.signal.fft2d(x), COMPLEX_SIGNAL),
    "ifft2d": lambda tf: _abs_sum_grad(tf, lambda tf, x: tf.signal.ifft2d(x), COMPLEX_SIGNAL),
    "fft3d": lambda tf: _abs_sum_grad(tf, lambda tf, x: tf.signal.fft3d(x), COMPLEX_SIGNAL.astype(np.complex128)),
    "ifft3d": lambda tf: tf.signal.ifft3d(COMPLEX_SIGNAL),
    "fft_of_list_is_complex64": lambda tf: tf.signal.fft([1.0, 2.0, 3.0]),
    "rfft": lambda tf: _abs_sum_grad(tf, lambda tf, x: tf.signal.rfft(x), SIGNAL),
    "rfft_crop": lambda tf: tf.signal.rfft(SIGNAL, [30]),  # TF's own gradient fails when cropping
    "rfft_pad_odd": lambda tf: _abs_sum_grad(tf, lambda tf, x: tf.signal.rfft(x, [71]), SIGNAL.astype(np.float64)),
    "irfft": lambda tf: _abs_sum_grad(tf, lambda tf, x: tf.signal.irfft(x), COMPLEX_SIGNAL),
    "irfft_odd_length": lambda tf: _abs_sum_grad(tf, lambda tf, x: tf.signal.irfft(x, [11]), COMPLEX_SIGNAL),
    "irfft_pad": lambda tf: tf.signal.irfft(COMPLEX_SIGNAL, [20]),
    "rfft2d": lambda tf: _abs_sum_grad(tf, lambda tf, x: tf.signal.rfft2d(x), REAL_3D),
    "rfft2d_lengths": lambda tf: tf.signal.rfft2d(REAL_3D, [3, 8]),
    "irfft2d": lambda tf: _abs_sum_grad(tf, lambda tf, x: tf.signal.irfft2d(x), COMPLEX_SIGNAL),
    "rfft3d": lambda tf: tf.signal.rfft3d(REAL_3D),
    "irfft3d": lambda tf: tf.signal.irfft3d(COMPLEX_SIGNAL, [2, 4, 7]),
    "fftshift": lambda tf: tf.signal.fftshift(np.arange(15).reshape(3, 5)),
    "fftshift_axis": lambda tf: tf.signal.fftshift(np.arange(15).reshape(3, 5), axes=1),
    "ifftshift": lambda tf: tf.signal.ifftshift(np.arange(15).reshape(3, 5)),
    "frame": lambda tf: tf.signal.frame(SIGNAL, 16, 5),
    "frame_pad_end_axis0": lambda tf: tf.signal.frame(np.arange(20.0).reshape(10, 2), 4, 3, pad_end=True,
                                                      pad_value=-1, axis=0),
    "overlap_and_add": lambda tf: _abs_sum_grad(tf, lambda tf, x: tf.signal.overlap_and_add(x, 3),
                                                FRAMES),
    "stft": lambda tf: _abs_sum_grad(tf, lambda tf, x: tf.signal.stft(x, 16, 8), SIGNAL),
    "stft_pad_end_fft_length": lambda tf: tf.signal.stft(SIGNAL, 20, 7, fft_length=32, pad_end=True,
                                                         window_fn=tf.signal.hamming_window),
    "inverse_stft": lambda tf: tf.signal.inverse_stft(tf.signal.stft(SIGNAL, 16, 4), 16, 4),
    "inverse_stft_perfect": lambda tf: tf.signal.inverse_stft(
        tf.signal.stft(SIGNAL, 16, 4), 16, 4, window_fn=tf.signal.inverse_stft_window_fn(4)),
    "hann": lambda tf: [tf.signal.hann_window(10), tf.signal.hann_window(7, periodic=False),
                        tf.signal.hann_window(1), tf.signal.hann_window(6, dtype=tf.float64)],
    "hamming": lambda tf: [tf.signal.hamming_window(10), tf.signal.hamming_window(9, periodic=False)],
    "kaiser": lambda tf: [tf.signal.kaiser_window(9), tf.signal.kaiser_window(8, beta=4.0)],
    "kaiser_bessel_derived": lambda tf: tf.signal.kaiser_bessel_derived_window(10, beta=5.0),
    "vorbis": lambda tf: tf.signal.vorbis_window(12),
    "mdct": lambda tf: _abs_sum_grad(tf, lambda tf, x: tf.signal.mdct(x, 16), SIGNAL),
    "mdct_ortho_no_window_pad_end": lambda tf: tf.signal.mdct(SIGNAL[:, :60], 8, window_fn=None, pad_end=True,
                                                              norm="ortho"),
    "inverse_mdct": lambda tf: tf.signal.inverse_mdct(tf.signal.mdct(SIGNAL, 16)),
    "inverse_mdct_ortho_kbd": lambda tf: tf.signal.inverse_mdct(
        tf.signal.mdct(SIGNAL, 12, window_fn=tf.signal.kaiser_bessel_derived_window, norm="ortho"),
        window_fn=tf.signal.kaiser_bessel_derived_window, norm="ortho"),
    "mel": lambda tf: tf.signal.linear_to_mel_weight_matrix(),
    "mel_custom": lambda tf: tf.signal.linear_to_mel_weight_matrix(40, 257, 16000, 20.0, 7600.0, tf.float64),
    "mfccs": lambda tf: _abs_sum_grad(tf, lambda tf, x: tf.signal.mfccs_from_log_mel_spectrograms(x), SIGNAL[:, :40]),
}
for _type in (1, 2, 3, 4):
    SIGNAL_VALUES[f"dct{_type}"] = (lambda t: lambda tf: _abs_sum_grad(
        tf, lambda tf, x: tf.signal.dct(x, type=t), SIGNAL[:, :12]))(_type)
    SIGNAL_VALUES[f"idct{_type}_n"] = (lambda t: lambda tf: tf.signal.idct(SIGNAL[:, :12], type=t, n=9))(_type)
    if _type != 1:
        SIGNAL_VALUES[f"dct{_type}_ortho"] = (lambda t: lambda tf: tf.signal.dct(
            SIGNAL[:, :12].astype(np.float64), type=t, norm="ortho"))(_type)
        SIGNAL_VALUES[f"idct{_type}_ortho"] = (lambda t: lambda tf: tf.signal.idct(
            SIGNAL[:, :12], type=t, norm="ortho"))(_type)


# fftnd, ifftnd, rfftnd and irfftnd have no CPU kernels in TF 2.21 (NotFoundError); eagerflow's
# are checked against NumPy in tests/ops/test_signal_ops.py.


@pytest.mark.parametrize("name", sorted(SIGNAL_VALUES))
def test_signal_matches_tensorflow(name):
    _compare(SIGNAL_VALUES[name], rtol=2e-4, atol=2e-4)


SIGNAL_TRANSCRIPTS = [
    "print(tf.signal.fft(np.ones(3, np.float32)))",
    "print(tf.signal.rfft(np.ones(3, np.int32)))",
    "print(tf.signal.irfft(np.ones(3, np.float32)))",
    "print(tf.signal.dct(np.ones((2, 3), np.float32), type=1, norm='ortho'))",
    "print(tf.signal.dct(np.ones((2, 3), np.float32), axis=0))",
    "print(tf.signal.dct(np.ones((2, 3), np.float32), type=5))",
    "print(tf.signal.linear_to_mel_weight_matrix(0))",
    "print(tf.signal.linear_to_mel_weight_matrix(lower_edge_hertz=-1.0))",
    "print(tf.signal.linear_to_mel_weight_matrix(lower_edge_hertz=500.0, upper_edge_hertz=100.0))",
    "print(tf.signal.linear_to_mel_weight_matrix(upper_edge_hertz=5000.0))",
    "print(tf.signal.linear_to_mel_weight_matrix(sample_rate=0))",
    "print(tf.signal.hann_window(4, dtype=tf.int32))",
    "print(tf.signal.frame(np.arange(5), 8, 2))",
]


@pytest.mark.parametrize("code", SIGNAL_TRANSCRIPTS)
def test_signal_transcript_matches_tensorflow(code):
    assert _transcript(eagerflow, code) == _transcript(tensorflow, code)


# --- tf.image ----------------------------------------------------------------------------------
IMAGES = RNG.uniform(size=(2, 6, 7, 3)).astype(np.float32)
IMAGE_U8 = (RNG.uniform(size=(5, 6, 3)) * 255).astype(np.uint8)
BIG = RNG.uniform(size=(1, 16, 16, 3)).astype(np.float32)
RESIZE_METHODS = ["bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian", "mitchellcubic"]


def _resize_grad(tf, method, size, antialias):
    x = tf.constant(IMAGES)
    weights = tf.constant(np.sin(np.arange(2 * size[0] * size[1] * 3)).reshape((2,) + size + (3,)).astype(np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = tf.image.resize(x, size, method=method, antialias=antialias)
        loss = tf.reduce_sum(out * weights)
    return [out, tape.gradient(loss, x)]


IMAGE_VALUES = {
    "resize_uint8_bilinear": lambda tf: tf.image.resize(IMAGE_U8, (9, 4)),
    "resize_uint8_nearest": lambda tf: tf.image.resize(IMAGE_U8, (9, 4), method="nearest"),
    "resize_preserve_aspect": lambda tf: tf.image.resize(IMAGES, (12, 10), preserve_aspect_ratio=True),
    "resize_with_pad": lambda tf: tf.image.resize_with_pad(IMAGES, 9, 9),
    "resize_with_pad_lanczos": lambda tf: tf.image.resize_with_pad(IMAGE_U8, 4, 8, method="lanczos3"),
    "resize_with_crop_or_pad": lambda tf: tf.image.resize_with_crop_or_pad(IMAGES, 4, 10),
    "convert_u8_to_float": lambda tf: tf.image.convert_image_dtype(IMAGE_U8, tf.float32),
    "convert_float_to_u8": lambda tf: tf.image.convert_image_dtype(IMAGES * 1.2, tf.uint8, saturate=True),
    "convert_float_to_int16": lambda tf: tf.image.convert_image_dtype(IMAGES, tf.int16),
    "convert_u8_to_int32": lambda tf: tf.image.convert_image_dtype(IMAGE_U8, tf.int32),
    "convert_int32_to_u8": lambda tf: tf.image.convert_image_dtype(
        tf.image.convert_image_dtype(IMAGE_U8, tf.int32), tf.uint8),
    "flips": lambda tf: [tf.image.flip_left_right(IMAGES), tf.image.flip_up_down(IMAGE_U8)],
    "stateless_flips": lambda tf: [tf.image.stateless_random_flip_left_right(IMAGES, (1, 2)),
                                   tf.image.stateless_random_flip_up_down(IMAGES, (3, 4)),
                                   tf.image.stateless_random_flip_left_right(IMAGE_U8, (5, 6))],
    "rot90": lambda tf: [tf.image.rot90(IMAGES, k) for k in range(-1, 5)],
    "transpose": lambda tf: tf.image.transpose(IMAGE_U8),
    "crop_to_bounding_box": lambda tf: tf.image.crop_to_bounding_box(IMAGES, 1, 2, 3, 4),
    "pad_to_bounding_box": lambda tf: tf.image.pad_to_bounding_box(IMAGE_U8, 1, 2, 8, 9),
    "central_crop": lambda tf: [tf.image.central_crop(IMAGES, f) for f in (0.3, 0.5, 0.77, 1.0)],
    "stateless_random_crop": lambda tf: tf.image.stateless_random_crop(IMAGES, (1, 3, 4, 3), (7, 8)),
    "adjust_brightness": lambda tf: [tf.image.adjust_brightness(IMAGES, 0.2), tf.image.adjust_brightness(IMAGE_U8, -0.1)],
    "adjust_contrast": lambda tf: [tf.image.adjust_contrast(IMAGES, 1.7), tf.image.adjust_contrast(IMAGE_U8, 0.5)],
    "adjust_gamma": lambda tf: [tf.image.adjust_gamma(IMAGES, 2.0, 0.8), tf.image.adjust_gamma(IMAGE_U8, 0.5)],
    "adjust_hue": lambda tf: [tf.image.adjust_hue(IMAGES, 0.3), tf.image.adjust_hue(IMAGES, -0.45)],
    "adjust_hue_u8": lambda tf: tf.cast(tf.image.adjust_hue(IMAGE_U8, 0.2), tf.int32),
    "adjust_saturation": lambda tf: [tf.image.adjust_saturation(IMAGES, 0.4), tf.image.adjust_saturation(IMAGES, 2.5)],
    "stateless_random_colour": lambda tf: [
        tf.image.stateless_random_brightness(IMAGES, 0.3, (1, 2)),
        tf.image.stateless_random_contrast(IMAGES, 0.2, 1.8, (3, 4)),
        tf.image.stateless_random_hue(IMAGES, 0.2, (5, 6)),
        tf.image.stateless_random_saturation(IMAGES, 0.5, 1.5, (7, 8))],
    "hsv": lambda tf: [tf.image.rgb_to_hsv(IMAGES), tf.image.hsv_to_rgb(tf.image.rgb_to_hsv(IMAGES)),
                       tf.image.hsv_to_rgb(IMAGES)],
    "yiq_yuv": lambda tf: [tf.image.rgb_to_yiq(IMAGES), tf.image.yiq_to_rgb(IMAGES), tf.image.rgb_to_yuv(IMAGES),
                           tf.image.yuv_to_rgb(IMAGES)],
    "grayscale": lambda tf: [tf.image.rgb_to_grayscale(IMAGES), tf.image.rgb_to_grayscale(IMAGE_U8),
                             tf.image.grayscale_to_rgb(tf.constant(IMAGES[..., :1]))],
    "per_image_standardization": lambda tf: [tf.image.per_image_standardization(IMAGES),
                                             tf.image.per_image_standardization(IMAGE_U8),
                                             tf.image.per_image_standardization(np.ones((2, 2, 1)))],
    "image_gradients": lambda tf: list(tf.image.image_gradients(tf.constant(IMAGES))),
    "sobel_edges": lambda tf: tf.image.sobel_edges(tf.constant(IMAGES)),
    "total_variation": lambda tf: [tf.image.total_variation(tf.constant(IMAGES)),
                                   tf.image.total_variation(tf.constant(IMAGES[0]))],
    "psnr": lambda tf: [tf.image.psnr(IMAGES, IMAGES * 0.8, 1.0), tf.image.psnr(IMAGE_U8, IMAGE_U8 // 2, 255)],
    "ssim": lambda tf: [tf.image.ssim(BIG, BIG * 0.7 + 0.1, 1.0), tf.image.ssim(BIG, BIG ** 2, 1.0, filter_size=5)],
    "ssim_u8": lambda tf: tf.image.ssim((BIG * 255).astype(np.uint8), (BIG * 200).astype(np.uint8), 255),
    "ssim_multiscale": lambda tf: tf.image.ssim_multiscale(
        np.tile(BIG, (2, 11, 11, 1)), np.tile(BIG * 0.8, (2, 11, 11, 1)), 1.0),
    "ssim_multiscale_small_filter": lambda tf: tf.image.ssim_multiscale(
        np.tile(BIG, (1, 3, 3, 1)), np.tile(BIG ** 1.5, (1, 3, 3, 1)), 1.0, filter_size=3,
        power_factors=(0.3, 0.3, 0.4)),
    "non_max_suppression": lambda tf: tf.image.non_max_suppression(NMS_BOXES, NMS_SCORES, 5, 0.4),
    "non_max_suppression_threshold": lambda tf: tf.image.non_max_suppression(NMS_BOXES, NMS_SCORES, 10, 0.6, 0.3),
    "non_max_suppression_with_scores_soft": lambda tf: list(tf.image.non_max_suppression_with_scores(
        NMS_BOXES, NMS_SCORES, 10, 1.0, 0.1, soft_nms_sigma=0.5)),
    "non_max_suppression_padded": lambda tf: list(tf.image.non_max_suppression_padded(
        NMS_BOXES, NMS_SCORES, 12, 0.4, pad_to_max_output_size=True)),
    "non_max_suppression_overlaps": lambda tf: tf.image.non_max_suppression_overlaps(
        NMS_OVERLAPS, NMS_SCORES, 6, 0.5, 0.2),
    "combined_non_max_suppression": lambda tf: list(tf.image.combined_non_max_suppression(
        COMBINED_BOXES, COMBINED_SCORES, 3, 5, 0.4, 0.1)),
    "combined_non_max_suppression_per_class_boxes": lambda tf: list(tf.image.combined_non_max_suppression(
        np.repeat(COMBINED_BOXES, 3, axis=2) * 1.2, COMBINED_SCORES, 2, 10, 0.3, pad_per_class=True,
        clip_boxes=False)),
    "extract_glimpse": lambda tf: [
        tf.image.extract_glimpse(IMAGES, [3, 4], [[0.0, 0.0], [0.3, -0.2]], noise="zero"),
        tf.image.extract_glimpse(IMAGES, [3, 4], [[-1.5, -0.5], [2.5, 3.5]], centered=False, normalized=False,
                                 noise="zero"),
        tf.image.extract_glimpse(IMAGES, [3, 4], [[-1.5, -0.5], [-0.7, 1.0]], centered=True, normalized=False,
                                 noise="zero"),
        tf.image.extract_glimpse(IMAGES, [2, 5], [[0.1, 0.9], [0.45, 0.55]], centered=False, normalized=True,
                                 noise="zero"),
        tf.image.extract_glimpse(IMAGES, [3, 3], [[-0.9, -0.95], [0.7, 1.0]], noise="zero"),
        tf.image.extract_glimpse(IMAGES, [2, 2], [[0.0, 0.0], [0.1, 0.1]])],
    "crop_and_resize": lambda tf: tf.image.crop_and_resize(
        IMAGES, [[0.1, 0.2, 0.8, 0.9], [-0.2, 0.0, 1.3, 0.5], [0.5, 0.5, 0.5, 0.5]], [1, 0, 1], (4, 5)),
    "crop_and_resize_nearest_extrapolate": lambda tf: tf.image.crop_and_resize(
        IMAGES, [[-0.2, 0.1, 1.3, 0.9]], [0], (5, 3), method="nearest", extrapolation_value=-1.0),
    "extract_patches": lambda tf: [
        tf.image.extract_patches(IMAGES, [1, 2, 3, 1], [1, 2, 2, 1], [1, 1, 1, 1], "VALID"),
        tf.image.extract_patches(IMAGES, [1, 3, 2, 1], [1, 2, 3, 1], [1, 2, 1, 1], "SAME")],
    "draw_bounding_boxes": lambda tf: tf.image.draw_bounding_boxes(
        IMAGES, np.array([[[0.1, 0.2, 0.7, 0.9], [0.0, 0.0, 1.0, 1.0]]] * 2, np.float32),
        np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], np.float32)),
}
NMS_BOXES = RNG.uniform(size=(12, 4)).astype(np.float32)
NMS_BOXES[:, 2:] += NMS_BOXES[:, :2]
NMS_SCORES = RNG.uniform(size=(12,)).astype(np.float32)
NMS_OVERLAPS = RNG.uniform(size=(12, 12)).astype(np.float32)
COMBINED_BOXES = RNG.uniform(size=(2, 8, 1, 4)).astype(np.float32)
COMBINED_BOXES[..., 2:] += COMBINED_BOXES[..., :2]
COMBINED_SCORES = RNG.uniform(size=(2, 8, 3)).astype(np.float32)
for _m in RESIZE_METHODS:
    for _aa in (False, True):
        for _size in ((4, 9), (11, 3)):
            IMAGE_VALUES[f"resize_{_m}_{'aa' if _aa else 'plain'}_{_size[0]}x{_size[1]}"] = (
                lambda m, s, aa: lambda tf: _resize_grad(tf, m, s, aa) if m != "area" else
                tf.image.resize(IMAGES, s, method=m, antialias=aa))(_m, _size, _aa)


@pytest.mark.parametrize("name", sorted(IMAGE_VALUES))
def test_image_matches_tensorflow(name):
    _compare(IMAGE_VALUES[name], rtol=1e-4, atol=2e-5)


IMAGE_TRANSCRIPTS = [
    "print(tf.image.resize(np.ones((2, 2)), (3, 3)))",
    "print(tf.image.resize(np.ones((2, 2, 1)), (3, 3), method='cubic'))",
    "print(tf.image.resize(np.ones((2, 2, 1)), (3, 3, 1)))",
    "print(tf.image.crop_to_bounding_box(np.ones((4, 4, 1)), 1, 1, 4, 2))",
    "print(tf.image.pad_to_bounding_box(np.ones((4, 4, 1)), 1, 1, 4, 8))",
    "print(tf.image.central_crop(np.ones((4, 4, 1)), 0.0))",
    "print(tf.image.grayscale_to_rgb(tf.ones((4, 4, 2))))",
    "print(tf.image.random_contrast(np.ones((4, 4, 1)), 0.5, 0.2))",
    "print(tf.image.random_hue(np.ones((4, 4, 3)), 0.7))",
    "print(tf.image.adjust_gamma(np.ones((2, 2, 1)), -1.0))",
    "print(tf.image.image_gradients(tf.ones((2, 2, 1))))",
    "print(tf.image.flip_left_right(tf.ones((2, 2))))",
    "print(tf.image.convert_image_dtype(tf.constant(['a']), tf.float32))",
    "print(tf.image.ResizeMethod.BICUBIC, tf.image.ResizeMethod.LANCZOS3 == 'lanczos3')",
]


@pytest.mark.parametrize("code", IMAGE_TRANSCRIPTS)
def test_image_transcript_matches_tensorflow(code):
    assert _transcript(eagerflow, code) == _transcript(tensorflow, code)


# --- tf.linalg.LinearOperator ------------------------------------------------------------------
def _operators(tf):
    lo = tf.linalg
    full = lo.LinearOperatorFullMatrix(SQUARE)
    diag = lo.LinearOperatorDiag(np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
    tril = lo.LinearOperatorLowerTriangular(SQUARE)
    return {
        "full": full, "diag": diag, "tril": tril,
        "identity": lo.LinearOperatorIdentity(3, batch_shape=[2], dtype=tf.float64),
        "scaled_identity": lo.LinearOperatorScaledIdentity(3, np.array([2.0, -1.5])),
        "zeros": lo.LinearOperatorZeros(3, batch_shape=[2], dtype=tf.float64),
        "adjoint": lo.LinearOperatorAdjoint(full),
        "inversion": lo.LinearOperatorInversion(full),
        "composition": lo.LinearOperatorComposition([full, diag]),
        "block_diag": lo.LinearOperatorBlockDiag([diag, lo.LinearOperatorFullMatrix(SQUARE[:, :2, :2])]),
        "block_lower": lo.LinearOperatorBlockLowerTriangular(
            [[lo.LinearOperatorFullMatrix(SQUARE[0])],
             [lo.LinearOperatorFullMatrix(SQUARE[1]), lo.LinearOperatorFullMatrix(SQUARE[1].T + 2 * np.eye(3))]]),
        "kronecker": lo.LinearOperatorKronecker([lo.LinearOperatorFullMatrix(SQUARE[0, :2, :2]),
                                                 lo.LinearOperatorFullMatrix(SQUARE[1])]),
        "permutation": lo.LinearOperatorPermutation([2, 0, 1], dtype=tf.float64),
        "householder": lo.LinearOperatorHouseholder(np.array([1.0, 2.0, -1.0])),
        "low_rank_update": lo.LinearOperatorLowRankUpdate(diag, np.ones((2, 3, 1)), diag_update=np.array([[0.5], [1.0]])),
        "toeplitz": lo.LinearOperatorToeplitz(np.array([3.0, 1.0, 0.5]), np.array([9.0, 0.2, 0.1])),
        "circulant": lo.LinearOperatorCirculant(np.array([4.0, 1.0 + 1j, 2.0, 1.0 - 1j]).astype(np.complex128),
                                                input_output_dtype=tf.complex128),
        "circulant2d": lo.LinearOperatorCirculant2D(np.array([[4.0, 1.0], [2.0, 3.0]]).astype(np.complex128),
                                                    input_output_dtype=tf.complex128),
        "tridiag": lo.LinearOperatorTridiag(np.array([[1.0, 2, 0], [5, 6, 7], [0, 1, 2]])),
    }


def _operator_program(name):
    def program(tf):
        op = _operators(tf)[name]
        dim = op.shape[-1]
        rhs = np.ones(tuple(op.batch_shape) + (dim, 2))
        rhs = rhs.astype(op.dtype.as_numpy_dtype) if op.dtype.is_complex else rhs
        out = [op.to_dense(), op.matmul(rhs), op.matmul(rhs, adjoint=True), op.diag_part(), op.trace(),
               op.shape_tensor(), op.matvec(rhs[..., 0])]
        if name not in ("zeros",):
            out += [op.solve(rhs), op.determinant(), op.log_abs_determinant()]
        return out
    return program


def test_conjugate_gradient_matches_tensorflow():
    def program(tf):
        op = tf.linalg.LinearOperatorFullMatrix(SPD, is_self_adjoint=True, is_positive_definite=True)
        state = tf.linalg.experimental.conjugate_gradient(op, tf.ones((2, 3), tf.float64), max_iter=2)
        full = tf.linalg.experimental.conjugate_gradient(op, tf.ones((2, 3), tf.float64), tol=1e-10)
        return [state.i, state.x, state.r, state.p, state.gamma, full.x]
    _compare(program, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", sorted(_operators(eagerflow)))
def test_linear_operator_matches_tensorflow(name):
    _compare(_operator_program(name), rtol=1e-6, atol=1e-8)


LINEAR_OPERATOR_TRANSCRIPTS = [
    "op = tf.linalg.LinearOperatorDiag([1., 2.]); print(op.shape, op.batch_shape, op.is_self_adjoint, op.is_square,"
    " op.domain_dimension, op.range_dimension, op.tensor_rank)",
    "op = tf.linalg.LinearOperatorFullMatrix(np.ones((2, 3))); print(op.is_square, op.shape)",
    "op = tf.linalg.LinearOperatorFullMatrix([[1., 2.], [3., 4.]]); print(type(op.adjoint()).__name__,"
    " type(op.inverse()).__name__, type(op @ op).__name__)",
    "tf.linalg.LinearOperatorFullMatrix([1., 2.])",
    "tf.linalg.LinearOperatorDiag([1., 2.], is_positive_definite=True, is_non_singular=False)",
]


@pytest.mark.parametrize("code", LINEAR_OPERATOR_TRANSCRIPTS)
def test_linear_operator_transcript_matches_tensorflow(code):
    assert _transcript(eagerflow, code) == _transcript(tensorflow, code)


def test_rgb_to_hsv_gradient_matches_tensorflow():
    def program(tf):
        x = tf.constant(IMAGES.astype(np.float64))
        with tf.GradientTape() as tape:
            tape.watch(x)
            hsv = tf.image.rgb_to_hsv(x)
            loss = tf.reduce_sum(hsv * tf.constant([0.7, 1.3, -0.4], tf.float64))
        return [hsv, tape.gradient(loss, x)]
    _compare(program, rtol=1e-6, atol=1e-8)


def test_crop_and_resize_gradients_match_tensorflow():
    def program(tf):
        image = tf.constant(IMAGES)
        boxes = tf.constant([[0.1, 0.2, 0.8, 0.9], [0.05, 0.1, 0.6, 0.35], [0.3, 0.6, 0.3, 0.95]], tf.float32)
        weights = tf.constant(np.sin(np.arange(3 * 4 * 5 * 3)).reshape(3, 4, 5, 3).astype(np.float32))
        with tf.GradientTape(persistent=True) as tape:
            tape.watch([image, boxes])
            out = tf.image.crop_and_resize(image, boxes, [1, 0, 1], (4, 5))
            loss = tf.reduce_sum(out * weights)
        return [out] + tape.gradient(loss, [image, boxes])
    _compare(program, rtol=1e-4, atol=1e-4)
