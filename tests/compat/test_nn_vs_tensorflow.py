"""tf.nn against TensorFlow 2.21: every conv/pool variant, normalisation, losses, dropout masks.

Each case runs with `tf` bound to eagerflow and to TensorFlow on the same inputs; outputs (and for
`grad` cases the first- and second-order gradients of sum(y * cos(y))) must agree in shape, dtype
and value.
"""
import re

import numpy as np
import pytest

tensorflow = pytest.importorskip("tensorflow")
pytestmark = pytest.mark.tensorflow

import eagerflow  # noqa: E402

_rng = np.random.default_rng(0)


def r(*shape):
    return _rng.standard_normal(shape).astype(np.float32)


X4 = r(2, 7, 8, 3)
W4 = r(3, 3, 3, 4)
X4c = np.ascontiguousarray(X4.transpose(0, 3, 1, 2))
X5 = r(1, 5, 6, 4, 2)
W5 = r(2, 3, 2, 2, 3)
X3 = r(2, 9, 3)
W3 = r(3, 3, 5)
DW = r(3, 3, 3, 2)
PW = r(1, 1, 6, 5)
G4 = r(2, 7, 8, 6)
WG = r(3, 3, 1, 6)
XI = np.round(X4 * 2).astype(np.float32)  # ties inside pooling windows
Y4 = r(2, 4, 4, 4)
Y3 = r(2, 3, 3, 4)
Y1 = r(2, 5, 5)
Y5 = r(1, 3, 6, 4, 3)
Y7 = r(2, 7, 8, 4)
X = r(2, 4, 4, 8)
M = r(8)
V = np.abs(r(8)) + 0.5
O = r(8)
S = r(8)
T = np.abs(r(3, 4)) * 3
L = r(3, 4)
Z = (r(3, 4) > 0).astype(np.float32)
# Large enough for several chunk tasks on the host threads (1 MiB of patches each).
XL = r(4, 12, 12, 64)
WL = r(3, 3, 64, 64) * 0.05
XN = r(16, 12, 12, 32)
WN = r(3, 3, 32, 64) * 0.05
XIL = np.maximum(np.round(r(16, 26, 26, 32) * 2), 0).astype(np.float32)  # ties and zeros, as after relu


def grad(tf, f, *xs, second=True):
    """[f(xs), d loss / d xs, d |grad|^2 / d xs] with loss = sum(f * cos(f)); TF's LRNGrad has no gradient."""
    vs = [tf.Variable(x) for x in xs]
    with tf.GradientTape(persistent=True) as outer:
        with tf.GradientTape() as inner:
            y = f(*vs)
            loss = tf.reduce_sum(y * tf.cos(y))
        gs = inner.gradient(loss, vs)
        total = sum(tf.reduce_sum(g * g) for g in gs)
    if not second:
        return [y] + gs
    return [y] + gs + [g for g in outer.gradient(total, vs) if g is not None]


LOG = r(6, 3, 5)
LAB = np.array([[1, 2, 2], [3, 0, 0], [4, 1, 0]], np.int32)
LL = np.array([3, 1, 2], np.int32)
TL = np.array([6, 4, 5], np.int32)
W10 = r(10, 4)
B10 = r(10)
INP = r(3, 4)
FD = r(3, 2, 3)
LAB1 = np.array([[1], [4], [7]], np.int64)
LAB2 = np.array([[1, 2], [4, 0], [7, 7]], np.int64)
SV = (np.array([0, 4, 9, 2], np.int64), np.full((3, 1), 0.3, np.float32), np.array([0.5, 0.3, 0.2, 0.4], np.float32))
SV2 = (SV[0], np.full((3, 2), 0.3, np.float32), SV[2])


def first_order(tf, f, x):
    """[f(x), d sum(f) / dx]: TF's CTC gradient has no gradient of its own."""
    v = tf.Variable(x)
    with tf.GradientTape() as tape:
        y = f(v)
    return [y, tape.gradient(y, v)]


def sp(tf, decoded):
    """A decoder's first SparseTensor as arrays, then its log probabilities."""
    return [decoded[0][0].indices, decoded[0][0].values, decoded[0][0].dense_shape, decoded[1]]


def sampled_grads(tf, f):
    w, b, x = tf.Variable(W10), tf.Variable(B10), tf.Variable(INP)
    with tf.GradientTape() as tape:
        y = f(w, b, x)
    gw, gb, gx = tape.gradient(y, [w, b, x])
    return [y, tf.convert_to_tensor(gw), tf.convert_to_tensor(gb), gx]


CASES = {
    "same": lambda tf: tf.nn.conv2d(X4, W4, 1, "SAME"),
    "valid_s2": lambda tf: tf.nn.conv2d(X4, W4, 2, "VALID"),
    "same_s2": lambda tf: tf.nn.conv2d(X4, W4, [2, 3], "SAME"),
    "same_d2": lambda tf: tf.nn.conv2d(X4, W4, 1, "SAME", dilations=2),
    "same_s2_d2": lambda tf: tf.nn.conv2d(X4, W4, 2, "SAME", dilations=[1, 2, 2, 1]),
    "explicit": lambda tf: tf.nn.conv2d(X4, W4, 2, [[0, 0], [1, 2], [0, 1], [0, 0]]),
    "nchw": lambda tf: tf.nn.conv2d(X4c, W4, 2, "SAME", data_format="NCHW"),
    "group": lambda tf: tf.nn.conv2d(G4, WG, 1, "SAME"),
    "conv1d": lambda tf: tf.nn.conv1d(X3, W3, 2, "SAME"),
    "conv1d_d": lambda tf: tf.nn.conv1d(X3, W3, 1, "VALID", dilations=2),
    "conv3d": lambda tf: tf.nn.conv3d(X5, W5, [1, 2, 1, 1, 1], "SAME"),
    "conv3d_v": lambda tf: tf.nn.conv3d(X5, W5, [1, 1, 1, 2, 1], "VALID"),
    "convolution": lambda tf: tf.nn.convolution(X4, W4, padding="SAME", dilations=[2, 1]),
    "depthwise": lambda tf: tf.nn.depthwise_conv2d(X4, DW, [1, 2, 2, 1], "SAME"),
    "depthwise_rate": lambda tf: tf.nn.depthwise_conv2d(X4, DW, [1, 1, 1, 1], "VALID", dilations=[2, 2]),
    "depthwise_nchw": lambda tf: tf.nn.depthwise_conv2d(X4c, DW, [1, 1, 1, 1], "SAME", data_format="NCHW"),
    "separable": lambda tf: tf.nn.separable_conv2d(X4, DW, PW, [1, 1, 1, 1], "SAME"),
    "atrous": lambda tf: tf.nn.atrous_conv2d(X4, W4, 2, "SAME"),
    "transpose": lambda tf: tf.nn.conv2d_transpose(Y4, W4, [2, 7, 8, 3], 2, "SAME"),
    "transpose_valid": lambda tf: tf.nn.conv2d_transpose(Y3, W4, [2, 7, 8, 3], 2, "VALID"),
    "transpose1d": lambda tf: tf.nn.conv1d_transpose(Y1, W3, [2, 9, 3], 2, "SAME"),
    "transpose3d": lambda tf: tf.nn.conv3d_transpose(Y5, W5, [1, 5, 6, 4, 2], [1, 2, 1, 1, 1], "SAME"),
    "atrous_t": lambda tf: tf.nn.atrous_conv2d_transpose(Y7, W4, [2, 7, 8, 3], 2, "SAME"),

    "max_same_s2": lambda tf: grad(tf, lambda x: tf.nn.max_pool2d(x, 3, 2, "SAME"), X4),
    "max_valid": lambda tf: grad(tf, lambda x: tf.nn.max_pool2d(x, 2, 2, "VALID"), X4),
    "max_ties": lambda tf: grad(tf, lambda x: tf.nn.max_pool2d(x, 3, 1, "SAME"), XI),
    "max_ties_disjoint": lambda tf: grad(tf, lambda x: tf.nn.max_pool2d(x, 2, 2, "VALID"), XI),
    "max_ties_large": lambda tf: grad(tf, lambda x: tf.nn.max_pool2d(x, 2, 2, "VALID"), XIL, second=False),
    "conv_grad_large": lambda tf: grad(tf, lambda x, w: tf.nn.conv2d(x, w, 1, "SAME"), XL, WL, second=False),
    "conv_grad_narrow": lambda tf: grad(tf, lambda x, w: tf.nn.conv2d(x, w, 1, "VALID"), XN, WN, second=False),
    "max_explicit": lambda tf: [tf.nn.max_pool2d(X4, 3, 2, [[0, 0], [1, 1], [0, 2], [0, 0]])],
    "avg_same": lambda tf: grad(tf, lambda x: tf.nn.avg_pool2d(x, 3, 2, "SAME"), X4),
    "avg_nchw": lambda tf: grad(tf, lambda x: tf.nn.avg_pool2d(x, [2, 3], [1, 2], "SAME", data_format="NCHW"), X4c),
    "max1d": lambda tf: grad(tf, lambda x: tf.nn.max_pool1d(x, 2, 2, "SAME"), X3),
    "avg1d": lambda tf: grad(tf, lambda x: tf.nn.avg_pool1d(x, 3, 2, "VALID"), X3),
    "max3d": lambda tf: grad(tf, lambda x: tf.nn.max_pool3d(x, 2, 2, "SAME"), X5),
    "avg3d": lambda tf: grad(tf, lambda x: tf.nn.avg_pool3d(x, 2, [1, 2, 1], "SAME"), X5),
    "pool_avg_dil": lambda tf: [tf.nn.pool(X4, [2, 2], "AVG", padding="VALID", dilations=[2, 1])],
    "argmax": lambda tf: list(tf.nn.max_pool_with_argmax(X4, 2, 2, "SAME")),
    "argmax_b": lambda tf: list(tf.nn.max_pool_with_argmax(X4, 3, 2, "VALID", include_batch_in_index=True)),
    "conv_grad": lambda tf: grad(tf, lambda x, w: tf.nn.conv2d(x, w, 2, "SAME", dilations=1), X4, W4),
    "conv_grad_d": lambda tf: grad(tf, lambda x, w: tf.nn.conv2d(x, w, 1, "VALID", dilations=2), X4, W4),
    "conv_grad_nchw": lambda tf: grad(tf, lambda x, w: tf.nn.conv2d(x, w, 2, "SAME", data_format="NCHW"), X4c, W4),
    "conv_grad_exp": lambda tf: grad(tf, lambda x, w: tf.nn.conv2d(x, w, 2, [[0, 0], [2, 1], [0, 1], [0, 0]]), X4, W4),
    "dw_grad": lambda tf: grad(tf, lambda x, w: tf.nn.depthwise_conv2d(x, w, [1, 2, 2, 1], "SAME"), X4, DW),
    "conv3d_grad": lambda tf: grad(tf, lambda x, w: tf.nn.conv3d(x, w, [1, 2, 1, 1, 1], "SAME"), X5, W5),
    "convT_grad": lambda tf: grad(tf, lambda x, w: tf.nn.conv2d_transpose(x, w, [2, 7, 8, 3], 2, "SAME"), Y4, W4),
    "bn": lambda tf: grad(tf, lambda x, m, v, o, s: tf.nn.batch_normalization(x, m, v, o, s, 1e-3), X, M, V, O, S),
    "bn_none": lambda tf: [tf.nn.batch_normalization(X, M, V, None, None, 1e-3)],
    "bngn": lambda tf: [tf.nn.batch_norm_with_global_normalization(X, M, V, O, S, 1e-3, False)],
    "wm": lambda tf: list(tf.nn.weighted_moments(X, [0, 1, 2], np.abs(X) + 1)),
    "wm_k": lambda tf: list(tf.nn.weighted_moments(X, [1], 2.0, keepdims=True)),
    "ss": lambda tf: list(tf.nn.sufficient_statistics(X, [0, 2]))[:3],
    "ss_shift": lambda tf: list(tf.nn.sufficient_statistics(X, [0, 2], shift=0.5, keepdims=True)),
    "nm": lambda tf: list(tf.nn.normalize_moments(*tf.nn.sufficient_statistics(X, [0, 2], shift=0.5))),
    "l2n": lambda tf: grad(tf, lambda x: tf.nn.l2_normalize(x, axis=[1, 2]), X),
    "l2n_all": lambda tf: [tf.nn.l2_normalize(X)],
    "zf": lambda tf: [tf.nn.zero_fraction(tf.nn.relu(X))],
    "lrn": lambda tf: grad(tf, lambda x: tf.nn.lrn(x, 2, 1.5, 0.3, 0.7), X, second=False),
    "lrn_def": lambda tf: [tf.nn.local_response_normalization(X)],
    "silu": lambda tf: grad(tf, lambda x: tf.nn.silu(x, 1.5), X),
    "swish": lambda tf: [tf.nn.swish(X)],
    "crelu": lambda tf: grad(tf, lambda x: tf.nn.crelu(x, axis=1), X),
    "d2s": lambda tf: grad(tf, lambda x: tf.nn.depth_to_space(x, 2), X),
    "s2d": lambda tf: grad(tf, lambda x: tf.nn.space_to_depth(x, 2), X),
    "lpl": lambda tf: grad(tf, lambda t, l: tf.nn.log_poisson_loss(t, l), T, L),
    "lpl_full": lambda tf: grad(tf, lambda l: tf.nn.log_poisson_loss(T, l, compute_full_loss=True), L),
    "wce": lambda tf: grad(tf, lambda z, x: tf.nn.weighted_cross_entropy_with_logits(z, x, 2.5), Z, L),
    "cal": lambda tf: [tf.nn.compute_average_loss(L)],
    "cal_w": lambda tf: [tf.nn.compute_average_loss(L, sample_weight=np.float32(0.5), global_batch_size=8)],
    "srl": lambda tf: [tf.nn.scale_regularization_loss(L)],
    "srl_list": lambda tf: [tf.nn.scale_regularization_loss([tf.constant(1.5), tf.constant(2.0)])],
    "emb_norm": lambda tf: [tf.nn.embedding_lookup(L, [0, 2], max_norm=1.0)],
    "emb_shards": lambda tf: [tf.nn.embedding_lookup([L[:2], L[2:]], [0, 2, 1])],
    "dropout_seed": lambda tf: (tf.random.set_seed(3), [tf.nn.dropout(X, 0.4, seed=5), tf.nn.dropout(X, 0.4, seed=5)])[1],
    "dropout_noise": lambda tf: (tf.random.set_seed(3), [tf.nn.dropout(X, 0.5, noise_shape=[2, 1, 1, 8])])[1],
    "dropout_t": lambda tf: (tf.random.set_seed(4), [tf.nn.dropout(X, tf.constant(0.3))])[1],
    "sdrop": lambda tf: [tf.nn.experimental.stateless_dropout(X, 0.5, seed=[1, 2])],
    "sdrop_grad": lambda tf: grad(tf, lambda x: tf.nn.experimental.stateless_dropout(x, 0.5, seed=[1, 2]), X),
    "ctc": lambda tf: first_order(tf, lambda x: tf.nn.ctc_loss(LAB, x, LL, TL), LOG),
    "ctc_blank_last": lambda tf: first_order(tf, lambda x: tf.nn.ctc_loss(LAB, x, LL, TL, blank_index=-1), LOG),
    "ctc_bm": lambda tf: [tf.nn.ctc_loss(LAB, np.transpose(LOG, [1, 0, 2]), LL, TL, logits_time_major=False, blank_index=2)],
    "ctc_sparse": lambda tf: [tf.nn.ctc_loss(tf.sparse.from_dense(LAB), LOG, None, TL, blank_index=0)],
    "greedy": lambda tf: sp(tf, tf.nn.ctc_greedy_decoder(LOG, TL)),
    "greedy_nomerge": lambda tf: sp(tf, tf.nn.ctc_greedy_decoder(LOG, TL, merge_repeated=False, blank_index=0)),
    "beam": lambda tf: sp(tf, tf.nn.ctc_beam_search_decoder(LOG, TL, beam_width=4)),
    "beam2": lambda tf: (lambda d: [d[0][1].indices, d[0][1].values, d[1]])(tf.nn.ctc_beam_search_decoder(LOG, TL, beam_width=10, top_paths=2)),
    "collapse": lambda tf: list(tf.nn.collapse_repeated(np.array([[1, 1, 2, 2, 3], [4, 4, 4, 1, 1]]), [5, 3])),
    "unique": lambda tf: list(tf.nn.ctc_unique_labels(np.array([[3, 1, 3, 2], [5, 5, 1, 0]]))),
    "nce": lambda tf: sampled_grads(tf, lambda w, b, x: tf.nn.nce_loss(w, b, LAB1, x, 4, 10, sampled_values=SV)),
    "nce_hits": lambda tf: sampled_grads(tf, lambda w, b, x: tf.nn.nce_loss(w, b, LAB2, x, 4, 10, num_true=2, sampled_values=SV2, remove_accidental_hits=True)),
    "ssl": lambda tf: sampled_grads(tf, lambda w, b, x: tf.nn.sampled_softmax_loss(w, b, LAB1, x, 4, 10, sampled_values=SV)),
    "ssl2": lambda tf: sampled_grads(tf, lambda w, b, x: tf.nn.sampled_softmax_loss(w, b, LAB2, x, 4, 10, num_true=2, sampled_values=SV2)),
    "hits": lambda tf: list(tf.nn.compute_accidental_hits(LAB2, SV[0], 2)),
    "logu_expected": lambda tf: [tf.random.log_uniform_candidate_sampler(LAB1, 1, 4, False, 10)[1]],
    "fixed_expected": lambda tf: [tf.nn.fixed_unigram_candidate_sampler(LAB1, 1, 4, False, 10, unigrams=list(range(1, 11)))[1]],
    "dilation_same": lambda tf: grad(tf, lambda x, f: tf.nn.dilation2d(x, f, [1, 2, 1, 1], "SAME", "NHWC",
                                                                       [1, 1, 1, 1]), X4, FD, second=False),
    "dilation_valid_rate": lambda tf: grad(tf, lambda x, f: tf.nn.dilation2d(x, f, [1, 1, 1, 1], "VALID", "NHWC",
                                                                             [1, 2, 1, 1]), X4, FD, second=False),
    "erosion_same": lambda tf: grad(tf, lambda x, f: tf.nn.erosion2d(x, f, [1, 1, 2, 1], "SAME", "NHWC",
                                                                     [1, 1, 2, 1]), X4, FD, second=False),
    "isotonic": lambda tf: list(tf.nn.isotonic_regression(L)),
    "isotonic_increasing_axis": lambda tf: list(tf.nn.isotonic_regression(X4, decreasing=False, axis=1)),
    "isotonic_int": lambda tf: list(tf.nn.isotonic_regression(np.array([[3, 1, 2, 5]], np.int32))),
    "isotonic_grad": lambda tf: grad(tf, lambda x: tf.nn.isotonic_regression(x)[0], L),
    "space_to_batch": lambda tf: grad(tf, lambda x: tf.space_to_batch(x, [2, 3], [[1, 0], [0, 1]]), X4, second=False),
    "nn_space_to_batch": lambda tf: [tf.nn.space_to_batch(X3, [2], [[1, 0]])],
    "batch_to_space": lambda tf: grad(tf, lambda x: tf.batch_to_space(x, [2, 1], [[0, 1], [1, 0]]), X4,
                                      second=False),
    "required_paddings": lambda tf: list(tf.required_space_to_batch_paddings([5, 6], [2, 4], [[1, 1], [0, 2]])),
    "with_space_to_batch_same": lambda tf: [tf.nn.with_space_to_batch(
        X4, [2, 2], "SAME", lambda x, n, p: tf.nn.conv2d(x, W4, 1, p), filter_shape=[3, 3])],
    "with_space_to_batch_valid": lambda tf: [tf.nn.with_space_to_batch(
        X4, [2, 1], "VALID", lambda x, n, p: tf.nn.conv2d(x, W4, 1, p))],
}


def _outputs(module, case):
    out = CASES[case](module)
    return [np.asarray(v) for v in (out if isinstance(out, list) else [out])]


@pytest.mark.parametrize("case", sorted(CASES))
def test_nn_matches_tensorflow(case):
    theirs = _outputs(tensorflow, case)
    ours = _outputs(eagerflow, case)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert a.shape == b.shape and a.dtype == b.dtype, case
        np.testing.assert_allclose(a, b, rtol=2e-4, atol=2e-4, err_msg=case)

# --- argument errors: class and first line of the message (oneDNN's kernel names normalised) ----
ERRORS = [
    "tf.nn.dropout(tf.ones([2]), 1.0)",
    "tf.nn.dropout(tf.ones([2]), -0.5)",
    "tf.nn.dropout(tf.constant([1, 2]), 0.5)",
    "tf.nn.dropout(tf.ones([2]), 'a')",
    "tf.nn.conv2d(tf.ones([1, 3, 3, 1]), tf.ones([1, 1, 1, 1]), [1, 1, 1], 'SAME')",
    "tf.nn.conv2d(tf.ones([1, 3, 3, 1]), tf.ones([1, 1, 1, 1]), 1, 'FULL')",
    "tf.nn.conv2d(tf.ones([1, 3, 3, 1]), tf.ones([1, 1, 1, 1]), 1, 'SAME', data_format='NWHC')",
    "tf.nn.conv2d(tf.ones([1, 3, 3, 1]), tf.ones([1, 1, 1, 1]), 1, [[0, 0], [0, 0], [0, 0]])",
    "tf.nn.conv1d(tf.ones([1, 3, 1]), tf.ones([1, 1, 1]), 1, 'SAME', data_format='NCHW')",
    "tf.nn.max_pool2d(tf.ones([1, 3, 3, 1]), 2, 2, 'SAME', data_format='NWHC')",
    "tf.nn.max_pool(tf.ones([1, 3]), 2, 2, 'SAME')",
    "tf.nn.avg_pool2d(tf.ones([1, 3, 3, 1]), 2, 2, [[0, 0], [1, 1], [1, 1], [0, 0]])",
    "tf.nn.pool(tf.ones([1, 4, 4, 1]), [2, 2], 'MAX', padding='SAME', dilations=[2, 2])",
    "tf.nn.pool(tf.ones([1, 4, 4, 1]), [2, 2], 'MIN')",
    "tf.nn.pool(tf.ones([1, 4, 4, 1]), [2, 2], 'MAX', strides=[2, 2], dilations=[2, 2])",
    "tf.nn.depthwise_conv2d(tf.ones([1, 3, 3, 1]), tf.ones([1, 1, 1, 1]), [1, 1], 'SAME')",
    "tf.nn.atrous_conv2d(tf.ones([1, 3, 3, 1]), tf.ones([1, 1, 1, 1]), 0, 'SAME')",
    "tf.nn.max_pool_with_argmax(tf.ones([1, 4, 4, 1]), 2, 2, 'SAME', data_format='NCHW')",
    "tf.nn.ctc_loss(tf.sparse.from_dense([[1]]), tf.ones([2, 1, 3]), None, [2])",
    "tf.nn.compute_average_loss(1.0)",
    "tf.nn.l2_normalize(tf.ones([2]), axis=0, dim=0)",
    "tf.nn.weighted_cross_entropy_with_logits(tf.ones([2]), tf.ones([3]), 1.0)",
    "tf.nn.log_poisson_loss(tf.ones([2]), tf.ones([3]))",
    "tf.nn.embedding_lookup_sparse(tf.ones([3, 2]), tf.sparse.from_dense([[1]]), None, combiner='max')",
    "tf.nn.dilation2d(tf.ones([1, 3, 3, 1]), tf.ones([1, 1, 1]), [1, 1, 1, 1], 'SAME', 'NCHW', [1, 1, 1, 1])",
    "tf.nn.conv3d(tf.ones([1, 3, 3, 3, 1]), tf.ones([1, 1, 1, 1, 1]), [1, 1, 1], 'SAME')",
    "tf.nn.conv_transpose(tf.ones([1, 3, 3, 1]), tf.ones([1, 1, 1, 1]), [1, 3], 1)",
]


def _error(module, code):
    try:
        eval(code, {"tf": module, "np": np})  # noqa: S307 - fixed snippets from this file
    except Exception as error:  # noqa: BLE001 - the error itself is compared
        text = re.sub(r"\{\{function_node [^}]*\}\} ", "", str(error)).replace("_MklNative", "")
        return f"{type(error).__name__}: {text.splitlines()[0]}"
    return "no error"


@pytest.mark.parametrize("code", ERRORS)
def test_nn_errors_match_tensorflow(code):
    assert _error(eagerflow, code) == _error(tensorflow, code)


# --- a Keras 3 CNN (conv, depthwise, separable, transposed, pooling, batch norm) trained on both ---
def _run_script(*args):
    import json
    import os
    import subprocess
    import sys

    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    out = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, timeout=600, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_keras_cnn_trains_as_with_tensorflow():
    import pathlib

    script = str(pathlib.Path(__file__).parent / "scripts" / "keras_cnn.py")
    theirs = _run_script(script)
    ours = _run_script("-m", "eagerflow", "run", script)
    np.testing.assert_allclose(ours["loss"], theirs["loss"], rtol=1e-4)
    np.testing.assert_allclose(ours["prediction"], theirs["prediction"], rtol=1e-3, atol=1e-5)
