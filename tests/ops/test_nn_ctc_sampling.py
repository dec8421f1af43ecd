"""CTC (loss against brute-force alignment sums, decoders, label helpers) and candidate sampling."""
import itertools

import numpy as np
import pytest

import eagerflow as tf

RNG = np.random.default_rng(0)


def _collapse(path, blank):
    out = []
    for i, c in enumerate(path):
        if c != blank and (i == 0 or c != path[i - 1]):
            out.append(c)
    return out


def _brute_ctc(logits, labels, blank=0):
    """-log sum over every frame path that collapses to `labels` (tiny sizes only)."""
    logp = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    total = -np.inf
    for path in itertools.product(range(logits.shape[1]), repeat=logits.shape[0]):
        if _collapse(path, blank) == list(labels):
            total = np.logaddexp(total, sum(logp[t, c] for t, c in enumerate(path)))
    return -total


@pytest.mark.parametrize("labels", [[1, 2], [1, 1], [2], []])
def test_ctc_loss_sums_every_alignment(labels):
    logits = RNG.standard_normal((4, 1, 3))
    dense = np.array([labels + [0] * (2 - len(labels))], np.int32)
    loss = tf.nn.ctc_loss(dense, logits, [len(labels)], [4]).numpy()
    np.testing.assert_allclose(loss, [_brute_ctc(logits[:, 0], labels)], rtol=1e-10)


def test_ctc_loss_respects_logit_length():
    logits = RNG.standard_normal((5, 1, 3))
    loss = tf.nn.ctc_loss(np.array([[2]], np.int32), logits, [1], [3]).numpy()
    np.testing.assert_allclose(loss, [_brute_ctc(logits[:3, 0], [2])], rtol=1e-10)


def test_ctc_loss_gradient_matches_finite_differences():
    logits = RNG.standard_normal((4, 2, 3))
    labels = np.array([[1, 2], [2, 0]], np.int32)
    x = tf.constant(logits)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(tf.nn.ctc_loss(labels, x, [2, 1], [4, 3]))
    grad = tape.gradient(loss, x).numpy()
    numeric = np.zeros_like(logits)
    for index in np.ndindex(logits.shape):
        up, down = logits.copy(), logits.copy()
        up[index] += 1e-6
        down[index] -= 1e-6
        f = lambda v: float(tf.reduce_sum(tf.nn.ctc_loss(labels, v, [2, 1], [4, 3])))  # noqa: E731
        numeric[index] = (f(up) - f(down)) / 2e-6
    np.testing.assert_allclose(grad, numeric, atol=1e-6)


def test_impossible_alignment_is_infinite():
    logits = np.zeros((1, 1, 3), np.float32)
    assert np.isinf(tf.nn.ctc_loss(np.array([[1, 1]], np.int32), logits, [2], [1]).numpy()[0])


def test_sparse_labels_need_blank_index():
    labels = tf.sparse.from_dense(np.array([[1, 2]], np.int64))
    with pytest.raises(ValueError, match="`blank_index` must be provided"):
        tf.nn.ctc_loss(labels, np.zeros((3, 1, 4), np.float32), None, [3])


def test_greedy_decoder_merges_repeats_and_drops_blanks():
    best = [0, 0, 2, 1, 1, 2, 0]  # blank is the last class (2)
    logits = np.full((7, 1, 3), -1.0, np.float32)
    logits[np.arange(7), 0, best] = 1.0
    (decoded,), log_prob = tf.nn.ctc_greedy_decoder(logits, [7])
    assert decoded.values.numpy().tolist() == [0, 1, 0]
    assert decoded.dense_shape.numpy().tolist() == [1, 3]
    np.testing.assert_allclose(log_prob.numpy(), [[-7.0]])


def test_beam_search_finds_the_likeliest_labelling():
    logits = np.log(np.array([[[0.6, 0.4]], [[0.6, 0.4]]], np.float32))  # class 1 is the blank
    (decoded,), log_prob = tf.nn.ctc_beam_search_decoder(logits, [2], beam_width=4)
    # "0" has probability 0.6*0.6 + 0.6*0.4 + 0.4*0.6 = 0.84, more than the empty labelling's 0.16.
    assert decoded.values.numpy().tolist() == [0]
    np.testing.assert_allclose(np.exp(log_prob.numpy()), [[0.84]], rtol=1e-5)


def test_collapse_repeated():
    labels, lengths = tf.nn.collapse_repeated(np.array([[1, 1, 2, 2], [3, 3, 3, 3]]), [4, 2])
    assert labels.numpy().tolist() == [[1, 2], [3, 0]] and lengths.numpy().tolist() == [2, 1]


def test_ctc_unique_labels():
    y, idx = tf.nn.ctc_unique_labels(np.array([[3, 1, 3, 2]]))
    assert y.numpy().tolist() == [[3, 1, 2, 0]] and idx.numpy().tolist() == [[0, 1, 0, 2]]


TRUE = np.array([[1], [4]], np.int64)


@pytest.mark.parametrize("sampler", [tf.random.uniform_candidate_sampler, tf.random.log_uniform_candidate_sampler])
def test_unique_samplers_draw_distinct_classes_in_range(sampler):
    sampled, true_expected, sampled_expected = sampler(TRUE, 1, 6, True, 8, seed=3)
    values = sampled.numpy()
    assert sampled.dtype == tf.int64 and len(set(values.tolist())) == 6
    assert values.min() >= 0 and values.max() < 8
    assert true_expected.shape == (2, 1) and sampled_expected.shape == (6,)
    assert true_expected.dtype == tf.float32


def test_sampler_expected_count_without_unique_is_p_times_draws():
    _, true_expected, _ = tf.random.uniform_candidate_sampler(TRUE, 1, 5, False, 10)
    np.testing.assert_allclose(true_expected.numpy(), [[0.5], [0.5]])


def test_sampler_repeats_under_global_seed():
    tf.random.set_seed(11)
    a = tf.random.log_uniform_candidate_sampler(TRUE, 1, 4, True, 50, seed=2)[0].numpy()
    tf.random.set_seed(11)
    b = tf.random.log_uniform_candidate_sampler(TRUE, 1, 4, True, 50, seed=2)[0].numpy()
    np.testing.assert_array_equal(a, b)


def test_fixed_unigram_never_draws_zero_weight_classes():
    sampled = tf.nn.fixed_unigram_candidate_sampler(TRUE, 1, 20, False, 6, unigrams=[1, 0, 1, 0, 1, 1])[0]
    assert not set(sampled.numpy().tolist()) & {1, 3}


def test_accidental_hits_follow_true_class_order():
    rows, ids, weights = tf.nn.compute_accidental_hits(np.array([[1, 2], [2, 1]]), np.array([2, 1, 2], np.int64), 2)
    assert rows.numpy().tolist() == [0, 0, 1, 1] and ids.numpy().tolist() == [1, 2, 2, 1]
    assert weights.dtype == tf.float32 and weights.numpy()[0] == -np.finfo(np.float32).max


def test_true_class_out_of_range():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"out of range \[0, 5\), received 7"):
        tf.nn.all_candidate_sampler(np.array([[7]]), 1, 5, True)


def test_sampled_softmax_loss_with_all_classes_is_full_softmax():
    w = RNG.standard_normal((5, 3)).astype(np.float32)
    b = RNG.standard_normal(5).astype(np.float32)
    x = RNG.standard_normal((2, 3)).astype(np.float32)
    labels = np.array([[1], [3]], np.int64)
    sampled = tf.nn.all_candidate_sampler(labels, 1, 5, True)
    loss = tf.nn.sampled_softmax_loss(w, b, labels, x, 5, 5, sampled_values=sampled).numpy()
    logits = x @ w.T + b
    full = -(logits[[0, 1], [1, 3]] - np.log(np.exp(logits).sum(1)))
    np.testing.assert_allclose(loss, full, rtol=1e-5)
