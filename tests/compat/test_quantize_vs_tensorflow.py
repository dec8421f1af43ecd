"""Differential test: tf.quantization.quantize / dequantize / quantize_and_dequantize(_v2) /
quantized_concat on eagerflow and on TensorFlow 2.21: values bit for bit, range outputs, dtypes,
gradients, error classes and messages."""
import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

import eagerflow as ef  # noqa: E402

pytestmark = pytest.mark.tensorflow

QTYPES = ("qint8", "quint8", "qint16", "quint16", "qint32")


def ints(t):
    a = np.asarray(t.numpy())
    return (a.view(a.dtype[0]) if a.dtype.names else a).astype(np.int64)


def _inputs(seed):
    rng = np.random.default_rng(seed)
    lo, hi = sorted((float(rng.uniform(-6, 0.5)), float(rng.uniform(-0.5, 7))))
    x = rng.uniform(-8, 9, (3, 50)).astype(np.float32)
    x[0, :4] = [lo, hi, 0.0, (lo + hi) / 2]
    return x, lo, hi


def _outcome(fn):
    try:
        return ("ok", fn())
    except Exception as e:  # noqa: BLE001 - the error itself is compared
        return (type(e).__name__, str(e))


@pytest.mark.parametrize("mode", ["MIN_COMBINED", "MIN_FIRST", "SCALED"])
@pytest.mark.parametrize("qtype", QTYPES)
def test_quantize_then_dequantize_match_tensorflow(mode, qtype):
    for seed in range(4):
        x, lo, hi = _inputs(seed)
        results = []
        for tf in (ef, tf_real):
            r = tf.quantization.quantize(tf.constant(x), lo, hi, getattr(tf, qtype), mode=mode)
            d = None
            if not (mode == "SCALED" and qtype == "qint32"):  # TF's oneDNN build has no kernel for that one
                d = tf.quantization.dequantize(r.output, r.output_min, r.output_max, mode=mode).numpy()
            results.append((r.output.dtype.name, ints(r.output), float(r.output_min), float(r.output_max), d))
        ours, theirs = results
        assert ours[0] == theirs[0] and ours[2:4] == theirs[2:4]
        np.testing.assert_array_equal(ours[1], theirs[1])
        np.testing.assert_array_equal(ours[4], theirs[4])


@pytest.mark.parametrize("round_mode", ["HALF_AWAY_FROM_ZERO", "HALF_TO_EVEN"])
@pytest.mark.parametrize("narrow_range", [False, True])
@pytest.mark.parametrize("qtype", ["qint8", "quint8", "qint16"])
def test_scaled_quantize_per_axis_matches_tensorflow(round_mode, narrow_range, qtype):
    x, _, _ = _inputs(7)
    mins, maxes = [-1.0, -2.5, 0.5], [6.0, 1.0, 3.0]
    got = []
    for tf in (ef, tf_real):
        r = tf.quantization.quantize(tf.constant(x), tf.constant(mins), tf.constant(maxes), getattr(tf, qtype),
                                     mode="SCALED", round_mode=round_mode, narrow_range=narrow_range, axis=0)
        got.append((ints(r.output), r.output_min.numpy(), r.output_max.numpy()))
    for a, b in zip(*got):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("signed_input", [True, False])
@pytest.mark.parametrize("range_given", [True, False])
@pytest.mark.parametrize("round_mode", ["HALF_TO_EVEN", "HALF_UP"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_quantize_and_dequantize_values_and_gradients_match_tensorflow(signed_input, range_given, round_mode, dtype):
    x, lo, hi = _inputs(3)
    got = []
    for tf in (ef, tf_real):
        xt, lt, ht = tf.constant(x, dtype), tf.constant(lo, dtype), tf.constant(hi, dtype)
        with tf.GradientTape(persistent=True) as g:
            g.watch([xt, lt, ht])
            kw = dict(signed_input=signed_input, num_bits=5, range_given=range_given, round_mode=round_mode)
            v2 = tf.quantization.quantize_and_dequantize_v2(xt, lt, ht, **kw)
            v1 = tf.quantization.quantize_and_dequantize(xt, lt, ht, narrow_range=True, **kw)
            per_axis = tf.quantization.quantize_and_dequantize_v2(xt, tf.constant([lo, 0, hi], dtype),
                                                                  tf.constant([hi, 1, hi + 1], dtype), axis=0)
        row = [v2.numpy(), v1.numpy(), per_axis.numpy(), g.gradient(per_axis, xt).numpy()]
        for v in (v2, v1):
            row += [None if t is None else t.numpy() for t in g.gradient(v * 3.0, [xt, lt, ht])]
        got.append(row)
    for a, b in zip(*got):
        if a is None or b is None:
            assert a is None and b is None
        else:
            np.testing.assert_array_equal(a, b)


def test_quantized_concat_matches_tensorflow():
    x, _, _ = _inputs(11)
    got = []
    for tf in (ef, tf_real):
        a = tf.quantization.quantize(tf.constant(x), -1.0, 6.0, tf.quint8).output
        b = tf.quantization.quantize(tf.constant(x[:, :7]), -3.0, 2.0, tf.quint8).output
        r = tf.quantization.quantized_concat(1, [a, b, a], [-1.0, -3.0, -0.5], [6.0, 2.0, 7.5])
        c = tf.quantization.quantize(tf.constant(x), -1.0, 6.0, tf.qint32).output
        s = tf.quantization.quantized_concat(0, [c, c], [-1.0, -2.0], [6.0, 1.0])
        got.append([ints(r.output), float(r.output_min), float(r.output_max), ints(s.output), float(s.output_min),
                    float(s.output_max)])
    for a, b in zip(*got):
        np.testing.assert_array_equal(a, b)


X = [[-1.5, -0.3, 0.0, 0.7], [2.0, 6.2, 3.3, -7.0]]
ERRORS = [
    lambda tf: tf.quantization.quantize(tf.constant(X), 3.0, 1.0, tf.quint8),
    lambda tf: tf.quantization.quantize(X, 3.0, 1.0, tf.quint8),
    lambda tf: tf.quantization.quantize(tf.constant(X), -1.0, 6.0, tf.quint8, mode="FOO"),
    lambda tf: tf.quantization.quantize(tf.constant(X), -1.0, 6.0, tf.quint8, round_mode="HALF_TO_EVEN"),
    lambda tf: tf.quantization.quantize(tf.constant(X), -1.0, 6.0, tf.quint8, round_mode="X"),
    lambda tf: tf.quantization.quantize(X, [-1.0, -2.0], [6.0, 1], tf.qint8, axis=0, mode="MIN_FIRST"),
    lambda tf: tf.quantization.quantize(X, [-1.0, -2.0, 3], [6.0, 1, 4], tf.qint8, axis=0, mode="SCALED"),
    lambda tf: tf.quantization.quantize(X, [-1.0, -2.0], [6.0, 1], tf.qint8, axis=5),
    lambda tf: tf.quantization.quantize(X, [-1.0, -2.0], [6.0, 1], tf.qint8),
    lambda tf: tf.quantization.quantize(tf.constant(X), tf.constant(-1.0), tf.constant([6.0, 1]), tf.qint8, axis=0),
    lambda tf: tf.quantization.quantize(tf.constant(X), -1.0, 6.0, tf.int8),
    lambda tf: tf.quantization.quantize(tf.constant([1.0], tf.float64), -1.0, 6.0, tf.qint8),
    lambda tf: tf.quantization.dequantize(tf.quantization.quantize(X, -1.0, 6.0, tf.qint8).output, [1.0, 2], 3.0),
    lambda tf: tf.quantization.dequantize(tf.quantization.quantize(X, -1.0, 6.0, tf.qint8).output, -1.0, 6.0,
                                          dtype=tf.float64),
    lambda tf: tf.quantization.dequantize(tf.quantization.quantize(X, -1.0, 6.0, tf.qint8).output, [-1.0, 3.0],
                                          [6.0, 5.0], axis=0, mode="MIN_FIRST"),
    lambda tf: tf.quantization.dequantize(tf.constant([1.0]), -1.0, 6.0),
    lambda tf: tf.quantization.quantize_and_dequantize_v2(tf.constant(X), 3.0, 1.0, range_given=True),
    lambda tf: tf.quantization.quantize_and_dequantize_v2(tf.constant(X), 3.0, 1.0, num_bits=70),
    lambda tf: tf.quantization.quantize_and_dequantize_v2(tf.constant(X), 3.0, 1.0, round_mode="X"),
    lambda tf: tf.quantization.quantize_and_dequantize_v2(tf.constant(X), tf.constant([3.0, 2]),
                                                          tf.constant([4.0, 5]), range_given=True, axis=0),
    lambda tf: tf.quantization.quantize_and_dequantize_v2(tf.constant(X), tf.constant(3.0), tf.constant(4.0),
                                                          range_given=True, axis=0),
    lambda tf: tf.quantization.quantize_and_dequantize_v2(tf.constant(X), 3.0, 4.0, axis=3),
    lambda tf: tf.quantization.quantize_and_dequantize_v2(tf.constant([1, 2]), 3.0, 1.0),
    lambda tf: tf.quantization.quantize_and_dequantize_v2(tf.constant(X), tf.constant(3.5, tf.float64), 4.0),
    lambda tf: tf.quantization.quantize_and_dequantize(tf.constant([1.0], tf.bfloat16), 0.0, 1.0),
    lambda tf: tf.quantization.quantize_and_dequantize(tf.constant([1, 2]), 1, 4, range_given=True),
    lambda tf: tf.quantization.quantized_concat(0, [tf.quantization.quantize(X, -1.0, 6.0, tf.qint8).output] * 2,
                                                [-1.0, -2.0], [3.0, 4.0]),
    lambda tf: tf.quantization.quantized_concat(2, [tf.quantization.quantize(X, -1.0, 6.0, tf.quint8).output] * 2,
                                                [-1.0, -2.0], [3.0, 4.0]),
    lambda tf: tf.quantization.quantized_concat(0, [tf.quantization.quantize(X, -1.0, 6.0, tf.quint8).output] * 2,
                                                [-1.0], [3.0, 4.0]),
]


@pytest.mark.parametrize("index", range(len(ERRORS)))
def test_errors_match_tensorflow(index):
    ours = _outcome(lambda: ERRORS[index](ef))
    theirs = _outcome(lambda: ERRORS[index](tf_real))
    assert ours[0] != "ok"
    assert ours == theirs
