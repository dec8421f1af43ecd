"""Candidate samplers and the sampled losses (`tf.nn.nce_loss`, `sampled_softmax_loss`).

A sampler returns (sampled_candidates int64 [num_sampled], true_expected_count float32
[batch, num_true], sampled_expected_count float32 [num_sampled]). With `unique`, draws repeat
until `num_sampled` distinct classes are found and the expected counts are TF's
1 - (1 - p) ** num_tries; otherwise p * num_sampled. Draws come from TF's seeded stateful
uniform stream (`tf.random.set_seed` makes them repeatable), not TF's own sampler stream, so the
sampled classes differ from TF's for the same seed.
The sampled losses are TF's composition (`_compute_sampled_logits`) over eagerflow ops.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import array_ops, conversion, embedding_ops, math_ops, reduce_ops


def _uniform_stream(seed: Any) -> np.random.Generator:
    from eagerflow._src.ops.random import random_ops

    seed1, seed2 = random_ops.get_seed(seed)
    if seed1 is None:
        return np.random.default_rng()
    return np.random.default_rng([int(seed1) & 0xFFFFFFFF, int(seed2) & 0xFFFFFFFF])


def _const(array: np.ndarray) -> Tensor:
    return conversion.tensor(array)


def _check(true_classes: Any, num_true: int, num_sampled: int, range_max: int, unique: bool) -> np.ndarray:
    classes = np.asarray(conversion.tensor(true_classes).numpy())
    if classes.ndim != 2 or classes.shape[1] != num_true:
        raise errors.InvalidArgumentError(None, None, f"true_classes must be a matrix with num_true={num_true} "
                                                      f"columns")
    if classes.size and (classes.min() < 0 or classes.max() >= range_max):
        bad = int(classes[(classes < 0) | (classes >= range_max)][0])
        raise errors.InvalidArgumentError(None, None, f"`true_candidate` out of range [0, {range_max}), "
                                                      f"received {bad}")
    if unique and num_sampled > range_max:
        raise errors.InvalidArgumentError(None, None, "Sampler's range is too small.")
    return classes.astype(np.int64)


def _sample(probs: np.ndarray, true_classes: np.ndarray, num_sampled: int, unique: bool, seed: Any,
            draw: Any) -> tuple:
    """Draws with `draw(rng, n)`; expected counts from the class probabilities `probs`."""
    rng = _uniform_stream(seed)
    if unique:
        picked: list = []
        seen: set = set()
        tries = 0
        while len(picked) < num_sampled:
            for c in draw(rng, max(num_sampled - len(picked), 1)).tolist():
                tries += 1
                if c not in seen:
                    seen.add(c)
                    picked.append(c)
                    if len(picked) == num_sampled:
                        break
        sampled = np.asarray(picked, np.int64)

        def expected(p: np.ndarray) -> np.ndarray:
            if tries == num_sampled:  # TF's ExpectedCountHelper: no repeats drawn
                return p * num_sampled
            return -np.expm1(tries * np.log1p(-np.minimum(p, 1 - 1e-12)))
    else:
        sampled = draw(rng, num_sampled).astype(np.int64)

        def expected(p: np.ndarray) -> np.ndarray:
            return p * num_sampled
    true_expected = expected(probs[true_classes]).astype(np.float32)
    sampled_expected = expected(probs[sampled]).astype(np.float32)
    return _const(sampled), _const(true_expected), _const(sampled_expected)


def uniform_candidate_sampler(true_classes: Any, num_true: int, num_sampled: int, unique: bool, range_max: int,
                              seed: Any = None, name: str | None = None) -> tuple:
    """Classes drawn uniformly from [0, range_max) (`tf.random.uniform_candidate_sampler`)."""
    classes = _check(true_classes, num_true, num_sampled, range_max, unique)
    probs = np.full(range_max, 1.0 / range_max)
    return _sample(probs, classes, num_sampled, unique, seed, lambda rng, n: rng.integers(0, range_max, n))


def log_uniform_candidate_sampler(true_classes: Any, num_true: int, num_sampled: int, unique: bool, range_max: int,
                                  seed: Any = None, name: str | None = None) -> tuple:
    """Classes drawn with P(k) = log((k + 2) / (k + 1)) / log(range_max + 1), Zipf-like
    (`tf.random.log_uniform_candidate_sampler`)."""
    classes = _check(true_classes, num_true, num_sampled, range_max, unique)
    k = np.arange(range_max, dtype=np.float64)
    probs = (np.log(k + 2) - np.log(k + 1)) / np.log(range_max + 1)
    log_range = np.log(range_max + 1)

    def draw(rng: np.random.Generator, n: int) -> np.ndarray:
        value = np.floor(np.exp(rng.random(n) * log_range)).astype(np.int64) - 1
        return np.clip(value, 0, range_max - 1)

    return _sample(probs, classes, num_sampled, unique, seed, draw)


def fixed_unigram_candidate_sampler(true_classes: Any, num_true: int, num_sampled: int, unique: bool,
                                    range_max: int, vocab_file: str = "", distortion: float = 1.0,
                                    num_reserved_ids: int = 0, num_shards: int = 1, shard: int = 0,
                                    unigrams: Any = (), seed: Any = None, name: str | None = None) -> tuple:
    """Classes drawn in proportion to `unigrams` (or a vocab file's counts) ** distortion
    (`tf.random.fixed_unigram_candidate_sampler`); reserved ids get probability 0."""
    classes = _check(true_classes, num_true, num_sampled, range_max, unique)
    if vocab_file:
        with open(vocab_file, encoding="utf-8") as handle:
            counts = [float(line.rsplit(",", 1)[-1]) for line in handle if line.strip()]
    else:
        counts = [float(u) for u in unigrams]
    weights = np.zeros(range_max)
    values = np.asarray(counts, np.float64) ** distortion
    weights[num_reserved_ids:num_reserved_ids + len(values)] = values[:range_max - num_reserved_ids]
    if len(values) + num_reserved_ids != range_max:
        raise errors.InvalidArgumentError(None, None, f"Expected {range_max - num_reserved_ids} unigrams, "
                                                      f"got {len(values)}")
    if num_shards > 1:
        weights[np.arange(range_max) % num_shards != shard] = 0
    probs = weights / weights.sum()
    return _sample(probs, classes, num_sampled, unique, seed, lambda rng, n: rng.choice(range_max, n, p=probs))


# The learned sampler's counts live with the sampler, keyed like TF's per-op kernel state.
_LEARNED: dict = {}


def learned_unigram_candidate_sampler(true_classes: Any, num_true: int, num_sampled: int, unique: bool,
                                      range_max: int, seed: Any = None, name: str | None = None) -> tuple:
    """Classes drawn in proportion to how often each was seen as a true class by this sampler
    (`tf.random.learned_unigram_candidate_sampler`); every class starts with a count of one."""
    classes = _check(true_classes, num_true, num_sampled, range_max, unique)
    counts = _LEARNED.setdefault((range_max, num_true, num_sampled, unique, seed), np.ones(range_max))
    probs = counts / counts.sum()
    result = _sample(probs, classes, num_sampled, unique, seed, lambda rng, n: rng.choice(range_max, n, p=probs))
    np.add.at(counts, classes.ravel(), 1)
    return result


def all_candidate_sampler(true_classes: Any, num_true: int, num_sampled: int, unique: bool, seed: Any = None,
                          name: str | None = None) -> tuple:
    """Every class 0..num_sampled-1, each with expected count 1 (`tf.random.all_candidate_sampler`)."""
    classes = _check(true_classes, num_true, num_sampled, num_sampled, False)
    return (_const(np.arange(num_sampled, dtype=np.int64)), _const(np.ones(classes.shape, np.float32)),
            _const(np.ones(num_sampled, np.float32)))


def compute_accidental_hits(true_classes: Any, sampled_candidates: Any, num_true: int, seed: Any = None,
                            name: str | None = None) -> tuple:
    """(row indices int32, sampled positions int64, -FLT_MAX weights float32) where a sampled
    candidate equals one of the row's true classes (`tf.nn.compute_accidental_hits`)."""
    classes = np.asarray(conversion.tensor(true_classes).numpy()).astype(np.int64)
    sampled = np.asarray(conversion.tensor(sampled_candidates).numpy()).astype(np.int64)
    if classes.ndim != 2 or classes.shape[1] != num_true:
        raise errors.InvalidArgumentError(None, None, f"true_classes must be a matrix with num_true={num_true} "
                                                      f"columns")
    position = {int(c): j for j, c in enumerate(sampled.tolist())}  # a repeated candidate: its last position
    pairs = [(row, position[c]) for row, row_classes in enumerate(classes.tolist()) for c in row_classes
             if c in position]
    rows = np.asarray([p[0] for p in pairs], np.int64)
    ids = np.asarray([p[1] for p in pairs], np.int64)
    weights = np.full(rows.shape, -np.finfo(np.float32).max, np.float32)
    return _const(rows.astype(np.int32)), _const(ids.astype(np.int64)), _const(weights)


# --- sampled losses --------------------------------------------------------------------------------
def _compute_sampled_logits(weights: Any, biases: Any, labels: Any, inputs: Any, num_sampled: int,
                            num_classes: int, num_true: int, sampled_values: Any, subtract_log_q: bool,
                            remove_accidental_hits: bool, seed: Any) -> tuple:
    from eagerflow._src.ops import join_split_ops, linalg_ops

    inputs = conversion.tensor(inputs)
    labels = conversion.tensor(labels)
    if labels.dtype != _dtypes.int64:
        labels = math_ops.cast(labels, _dtypes.int64)
    labels_flat = array_ops.reshape(labels, [-1])
    if sampled_values is None:
        sampled_values = log_uniform_candidate_sampler(labels, num_true, num_sampled, True, num_classes, seed)
    from eagerflow._src.autodiff.custom_gradient import stop_gradient

    sampled, true_expected, sampled_expected = (stop_gradient(conversion.tensor(v)) for v in sampled_values)
    sampled = math_ops.cast(sampled, _dtypes.int64)
    all_ids = join_split_ops.concat([labels_flat, sampled], 0)
    n_true = labels_flat.shape[0]
    all_w = embedding_ops.embedding_lookup(weights, all_ids)
    if all_w.dtype != inputs.dtype:
        all_w = math_ops.cast(all_w, inputs.dtype)
    true_w, sampled_w = all_w[:n_true], all_w[n_true:]
    sampled_logits = linalg_ops.matmul(inputs, sampled_w, transpose_b=True)
    all_b = embedding_ops.embedding_lookup(biases, all_ids)
    if all_b.dtype != inputs.dtype:
        all_b = math_ops.cast(all_b, inputs.dtype)
    true_b, sampled_b = all_b[:n_true], all_b[n_true:]
    dim = true_w.shape[1]
    row_dots = math_ops.multiply(array_ops.expand_dims(inputs, 1), array_ops.reshape(true_w, [-1, num_true, dim]))
    true_logits = reduce_ops.reduce_sum(row_dots, -1)
    true_logits = math_ops.add(true_logits, array_ops.reshape(true_b, [-1, num_true]))
    sampled_logits = math_ops.add(sampled_logits, sampled_b)
    if remove_accidental_hits:
        rows, ids, hit_weights = compute_accidental_hits(labels, sampled, num_true)
        mask = np.zeros(tuple(sampled_logits.shape), sampled_logits.dtype.as_numpy_dtype)
        mask[rows.numpy(), ids.numpy()] = hit_weights.numpy()
        sampled_logits = math_ops.add(sampled_logits, _const(mask))
    if subtract_log_q:
        true_logits = math_ops.subtract(true_logits, math_ops.cast(math_ops.log(true_expected), true_logits.dtype))
        sampled_logits = math_ops.subtract(sampled_logits,
                                           math_ops.cast(math_ops.log(sampled_expected), sampled_logits.dtype))
    out_logits = join_split_ops.concat([true_logits, sampled_logits], 1)
    out_labels = join_split_ops.concat([math_ops.truediv(math_ops.ones_like_same(true_logits),
                                                         conversion.like(float(num_true), true_logits)),
                                        math_ops.zeros_like_same(sampled_logits)], 1)
    return out_logits, out_labels


def nce_loss(weights: Any, biases: Any, labels: Any, inputs: Any, num_sampled: int, num_classes: int,
             num_true: int = 1, sampled_values: Any = None, remove_accidental_hits: bool = False,
             name: str = "nce_loss") -> Tensor:
    """Noise-contrastive estimation loss per example, [batch] (`tf.nn.nce_loss`).

    `weights` [num_classes, dim] (or "div"-partitioned shards), `biases` [num_classes], `labels`
    [batch, num_true] int, `inputs` [batch, dim]. Noise defaults to the log-uniform sampler.
    """
    from eagerflow._src.ops import nn_ops

    logits, labels_out = _compute_sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes,
                                                 num_true, sampled_values, True, remove_accidental_hits, None)
    losses = nn_ops.sigmoid_cross_entropy_with_logits(labels=labels_out, logits=logits)
    return reduce_ops.reduce_sum(losses, 1)


def sampled_softmax_loss(weights: Any, biases: Any, labels: Any, inputs: Any, num_sampled: int, num_classes: int,
                         num_true: int = 1, sampled_values: Any = None, remove_accidental_hits: bool = True,
                         seed: Any = None, name: str = "sampled_softmax_loss") -> Tensor:
    """Softmax cross entropy over the true classes and `num_sampled` sampled ones, [batch]
    (`tf.nn.sampled_softmax_loss`); accidental hits are removed by default."""
    from eagerflow._src.ops import nn_ops

    logits, labels_out = _compute_sampled_logits(weights, biases, labels, inputs, num_sampled, num_classes,
                                                 num_true, sampled_values, True, remove_accidental_hits, seed)
    return nn_ops.softmax_cross_entropy_with_logits(labels=labels_out, logits=logits)

