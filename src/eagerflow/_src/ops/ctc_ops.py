"""Connectionist temporal classification (`tf.nn.ctc_loss`, decoders, label helpers).

The loss is the forward-backward algorithm in log space, vectorised over the batch and the
extended label positions, with one step per frame (never per pixel or label). Like TF's dense
path, the op returns the loss and its gradient with respect to the logits together; the gradient
is first order only (TF's custom gradient treats it as a constant too).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import array_ops, conversion, math_ops
from eagerflow._src.ops.dtype_sets import FLOAT


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _log_softmax(xp: Any, x: Any) -> Any:
    shifted = x - x.max(axis=-1, keepdims=True)
    return shifted - xp.log(xp.exp(shifted).sum(axis=-1, keepdims=True))


def _ctc_loss_dense(xp: Any, logits: Any, labels: Any, label_length: Any, logit_length: Any) -> list:
    """Loss [batch] and d loss / d logits [time, batch, classes]; the blank is class 0."""
    t_max, batch, classes = logits.shape
    work = logits.astype(np.float64 if logits.dtype == np.float64 else np.float32)
    logp = _log_softmax(xp, work)
    lab_len = label_length.astype(np.int64).reshape(batch)
    seq_len = logit_length.astype(np.int64).reshape(batch)
    width = 2 * labels.shape[1] + 1 if labels.ndim == 2 else 1
    ext = xp.zeros((batch, width), np.int64)
    if width > 1:
        ext[:, 1::2] = labels.astype(np.int64)
    pos = xp.arange(width)
    ext = xp.where(pos[None, :] < 2 * lab_len[:, None] + 1, ext, 0)
    skip = xp.zeros((batch, width), bool)
    if width > 2:
        skip[:, 2:] = (pos[None, 2:] % 2 == 1) & (ext[:, 2:] != ext[:, :-2])
    neg = -np.inf
    emit = xp.take_along_axis(logp, xp.broadcast_to(ext[None], (t_max, batch, width)), axis=2)  # [T, B, S]
    rows = xp.arange(batch)

    alpha = xp.full((t_max, batch, width), neg, work.dtype)
    if t_max:
        alpha[0, :, 0] = emit[0, :, 0]
        if width > 1:
            alpha[0, :, 1] = xp.where(lab_len > 0, emit[0, :, 1], neg)
    with np.errstate(invalid="ignore", divide="ignore"):
        for t in range(1, t_max):
            prev = alpha[t - 1]
            total = prev.copy()
            total[:, 1:] = xp.logaddexp(total[:, 1:], prev[:, :-1])
            if width > 2:
                total[:, 2:] = xp.where(skip[:, 2:], xp.logaddexp(total[:, 2:], prev[:, :-2]), total[:, 2:])
            alpha[t] = total + emit[t]
        beta = xp.full((t_max, batch, width), neg, work.dtype)
        last = 2 * lab_len  # index of the final blank
        for t in range(t_max - 1, -1, -1):
            if t + 1 < t_max:
                nxt = beta[t + 1]
                total = nxt.copy()
                total[:, :-1] = xp.logaddexp(total[:, :-1], nxt[:, 1:])
                if width > 2:
                    total[:, :-2] = xp.where(skip[:, 2:], xp.logaddexp(total[:, :-2], nxt[:, 2:]), total[:, :-2])
                beta[t] = total + emit[t]
            ending = seq_len - 1 == t
            if ending.any():
                init = xp.full((batch, width), neg, work.dtype)
                init[rows, last] = emit[t, rows, last]
                has_label = lab_len > 0
                init[rows[has_label], last[has_label] - 1] = emit[t, rows[has_label], last[has_label] - 1]
                beta[t] = xp.where(ending[:, None], init, beta[t])
        end = xp.clip(seq_len - 1, 0, max(t_max - 1, 0))
        final = alpha[end, rows] if t_max else xp.full((batch, width), neg, work.dtype)
        log_like = final[rows, last]
        log_like = xp.where(lab_len > 0, xp.logaddexp(log_like, final[rows, xp.maximum(last - 1, 0)]), log_like)
        log_like = xp.where(seq_len > 0, log_like, xp.where(lab_len == 0, 0.0, neg))
        occupancy = xp.exp(alpha + beta - emit - log_like[None, :, None])
        occupancy = xp.where(xp.isfinite(occupancy), occupancy, 0.0)
    one_hot = (ext[:, :, None] == xp.arange(classes)[None, None, :]).astype(work.dtype)  # [B, S, C]
    expected = xp.einsum("tbs,bsc->tbc", occupancy, one_hot)
    live = (xp.arange(t_max)[:, None] < seq_len[None, :])[..., None]
    grad = xp.where(live, xp.exp(logp) - expected, 0.0)
    return [(-log_like).astype(logits.dtype), grad.astype(logits.dtype)]


def _ctc_grad(ctx: Any, dy: list) -> tuple:
    grad = ctx.output[1]
    return (math_ops.multiply(grad, array_ops.reshape(dy[0], [1, -1, 1])), None, None, None)


# Not a TF kernel name: TF's dense path composes ops under a custom gradient; this op is that.
CTC_LOSS_DENSE = Op("CTCLossDense", _ctc_loss_dense, dtypes=FLOAT, num_outputs=2, grad=_ctc_grad)


def _dense_labels(labels: Any) -> tuple:
    """(dense labels [batch, max_len], lengths) from a SparseTensor of labels."""
    indices = np.asarray(labels.indices.numpy() if hasattr(labels.indices, "numpy") else labels.indices)
    values = np.asarray(labels.values.numpy() if hasattr(labels.values, "numpy") else labels.values)
    shape = np.asarray(labels.dense_shape.numpy() if hasattr(labels.dense_shape, "numpy") else labels.dense_shape)
    dense = np.zeros(tuple(int(v) for v in shape), values.dtype)
    dense[tuple(indices.T)] = values
    lengths = np.zeros(int(shape[0]), np.int32)
    if len(indices):
        np.maximum.at(lengths, indices[:, 0], indices[:, 1].astype(np.int32) + 1)
    return dense, lengths


def ctc_loss(labels: Any, logits: Any, label_length: Any, logit_length: Any, logits_time_major: bool = True,
             unique: Any = None, blank_index: Any = None, name: str | None = None) -> Tensor:
    """Negative log-likelihood of each label sequence under CTC (`tf.nn.ctc_loss`).

    `logits` are unnormalised, [frames, batch, classes] (or batch-major); `labels` dense
    [batch, max_label_length] with `label_length`, or a SparseTensor (then `blank_index` is
    required). The blank defaults to class 0 for dense labels. Returns a [batch] loss.
    """
    sparse = hasattr(labels, "indices") and hasattr(labels, "dense_shape")
    if sparse:
        if blank_index is None:
            raise ValueError("Argument `blank_index` must be provided when `labels` is a `SparseTensor`.")
        dense, lengths = _dense_labels(labels)
        labels, label_length = dense, lengths
    elif blank_index is None:
        blank_index = 0
    x = conversion.tensor(logits)
    orig = x.dtype
    if orig in (_dtypes.float16, _dtypes.bfloat16):
        x = math_ops.cast(x, _dtypes.float32)
    if not logits_time_major:
        x = array_ops.transpose(x, [1, 0, 2])
    y = conversion.tensor(labels)
    if not y.dtype.is_integer:
        raise TypeError(f"labels must be integers, got {y.dtype}")
    classes = x.shape[2]
    if blank_index < 0:
        blank_index += classes
    if blank_index != 0:  # move the blank to class 0, as TF's dense path does
        from eagerflow._src.ops import join_split_ops

        x = join_split_ops.concat([x[:, :, blank_index:blank_index + 1], x[:, :, :blank_index],
                                   x[:, :, blank_index + 1:]], 2)
        y = array_ops.where(math_ops.less(y, conversion.like(blank_index, y)),
                            math_ops.add(y, conversion.like(1, y)), y)
    loss = execute(CTC_LOSS_DENSE, (x, y, conversion.tensor(label_length), conversion.tensor(logit_length)))[0]
    return math_ops.cast(loss, orig) if orig != x.dtype else loss


# --- label helpers -------------------------------------------------------------------------------
def _collapse(xp: Any, labels: Any, seq_length: Any) -> list:
    batch, width = labels.shape
    keep = xp.ones(labels.shape, bool)
    if width > 1:
        keep[:, 1:] = labels[:, 1:] != labels[:, :-1]
    keep &= xp.arange(width)[None, :] < seq_length.reshape(-1, 1)
    new_len = keep.sum(axis=1)
    out = xp.zeros((batch, int(new_len.max()) if batch else 0), labels.dtype)
    target = xp.arange(out.shape[1])[None, :] < new_len[:, None]
    out[target] = labels[keep]
    return [out, new_len.astype(seq_length.dtype)]


COLLAPSE_REPEATED = Op("CollapseRepeatedLabels", _collapse, num_outputs=2)


def collapse_repeated(labels: Any, seq_length: Any, name: str | None = None) -> tuple:
    """Merges repeated neighbours in each row (`tf.nn.collapse_repeated`): (labels, new lengths)."""
    out, length = execute(COLLAPSE_REPEATED, (conversion.tensor(labels), conversion.tensor(seq_length)))
    return out, length


def _unique_labels(xp: Any, labels: Any) -> list:
    batch, width = labels.shape
    y = xp.zeros((batch, width), np.int64)
    idx = xp.zeros((batch, width), np.int32)
    for b in range(batch):  # one row at a time: first-seen order, as tf.unique
        seen: dict = {}
        for j, v in enumerate(labels[b].tolist()):
            idx[b, j] = seen.setdefault(v, len(seen))
        y[b, :len(seen)] = list(seen)
    return [y, idx]


CTC_UNIQUE_LABELS = Op("CTCUniqueLabels", _unique_labels, num_outputs=2)


def ctc_unique_labels(labels: Any, name: str | None = None) -> tuple:
    """Per row, the unique labels (zero-padded, int64) and each label's index into them (int32)."""
    y, idx = execute(CTC_UNIQUE_LABELS, (conversion.tensor(labels),))
    return y, idx


# --- decoders ------------------------------------------------------------------------------------
def _greedy(xp: Any, inputs: Any, sequence_length: Any, merge_repeated: bool = True, blank_index: int = -1) -> list:
    t_max, batch, classes = inputs.shape
    blank = blank_index % classes if classes else 0
    best = inputs.argmax(axis=2)  # [T, B]
    best_value = inputs.max(axis=2) if t_max else xp.zeros((0, batch), inputs.dtype)
    seq = sequence_length.astype(np.int64)
    live = xp.arange(t_max)[:, None] < seq[None, :]
    log_prob = -(xp.where(live, best_value, 0)).sum(axis=0).reshape(batch, 1)
    keep = live & (best != blank)
    if merge_repeated and t_max > 1:
        keep[1:] &= best[1:] != best[:-1]
    keep_bt = keep.T
    lengths = keep_bt.sum(axis=1)
    rows = xp.repeat(xp.arange(batch), lengths)
    cols = xp.concatenate([xp.arange(n) for n in lengths.tolist()]) if batch else xp.zeros(0, np.int64)
    indices = xp.stack([rows, cols], axis=1).astype(np.int64)
    values = best.T[keep_bt].astype(np.int64)
    shape = xp.asarray([batch, int(lengths.max()) if batch else 0], np.int64)
    return [indices.reshape(-1, 2), values, shape, log_prob.astype(inputs.dtype)]


CTC_GREEDY_DECODER = Op("CTCGreedyDecoder", _greedy, dtypes=(_dtypes.float32, _dtypes.float64), num_outputs=4)


def _sparse(indices: Tensor, values: Tensor, shape: Tensor) -> Any:
    from eagerflow._src.sparse.sparse_tensor import SparseTensor

    return SparseTensor(indices, values, shape)


def ctc_greedy_decoder(inputs: Any, sequence_length: Any, merge_repeated: bool = True,
                       blank_index: Any = None) -> tuple:
    """Best class per frame, repeats merged and blanks dropped (`tf.nn.ctc_greedy_decoder`).

    Returns ([SparseTensor of int64 labels], [batch, 1] negative sum of each frame's best logit).
    The blank is the last class unless `blank_index` says otherwise.
    """
    x = conversion.tensor(inputs)
    attrs = {"merge_repeated": bool(merge_repeated), "blank_index": -1 if blank_index is None else int(blank_index)}
    indices, values, shape, log_prob = execute(CTC_GREEDY_DECODER, (x, conversion.tensor(sequence_length)), attrs)
    return [_sparse(indices, values, shape)], log_prob


def _beam_search(xp: Any, inputs: Any, sequence_length: Any, beam_width: int = 100, top_paths: int = 1) -> list:
    """Prefix beam search over log-softmax(inputs); the last class is the blank, repeats not merged
    apart from CTC's own collapsing. Outputs per path: indices, values, shape; then log probs."""
    t_max, batch, classes = inputs.shape
    blank = classes - 1
    host = inputs.get() if hasattr(inputs, "get") else inputs  # the search runs on the host
    logp = _log_softmax(np, np.asarray(host, np.float64))
    lengths = sequence_length.get() if hasattr(sequence_length, "get") else sequence_length
    seq = np.asarray(lengths).astype(np.int64)
    paths: list = [[] for _ in range(top_paths)]
    scores = np.full((batch, top_paths), -np.inf)
    for b in range(batch):
        beams = {(): (0.0, -np.inf)}  # prefix -> (log p ending in blank, log p ending in a label)
        for t in range(int(seq[b])):
            frame = logp[t, b]
            nxt: dict = {}

            def add(prefix: tuple, p_blank: float, p_label: float) -> None:
                old = nxt.get(prefix, (-np.inf, -np.inf))
                nxt[prefix] = (np.logaddexp(old[0], p_blank), np.logaddexp(old[1], p_label))

            for prefix, (pb, pl) in beams.items():
                total = np.logaddexp(pb, pl)
                add(prefix, total + frame[blank], -np.inf)
                for c in range(classes):
                    if c == blank:
                        continue
                    if prefix and prefix[-1] == c:
                        add(prefix, -np.inf, pl + frame[c])  # the label continues
                        add(prefix + (c,), -np.inf, pb + frame[c])  # a new label after a blank
                    else:
                        add(prefix + (c,), -np.inf, total + frame[c])
            ranked = sorted(nxt.items(), key=lambda kv: -np.logaddexp(*kv[1]))
            beams = dict(ranked[:beam_width])
        ranked = sorted(beams.items(), key=lambda kv: -np.logaddexp(*kv[1]))[:top_paths]
        for k, (prefix, (pb, pl)) in enumerate(ranked):
            paths[k].append(prefix)
            scores[b, k] = np.logaddexp(pb, pl)
    out: list = []
    for k in range(top_paths):
        seqs = paths[k] + [()] * (batch - len(paths[k]))
        idx = [(b, j) for b, s in enumerate(seqs) for j in range(len(s))]
        out.append(xp.asarray(np.asarray(idx, np.int64).reshape(-1, 2)))
        out.append(xp.asarray(np.asarray([v for s in seqs for v in s], np.int64)))
        out.append(xp.asarray(np.asarray([batch, max((len(s) for s in seqs), default=0)], np.int64)))
    return out + [xp.asarray(scores.astype(inputs.dtype))]


_BEAM_OPS: dict = {}


def ctc_beam_search_decoder(inputs: Any, sequence_length: Any, beam_width: int = 100, top_paths: int = 1) -> tuple:
    """The `top_paths` most likely labellings by beam search (`tf.nn.ctc_beam_search_decoder`).

    Returns ([SparseTensor] * top_paths, [batch, top_paths] log probabilities); the blank is the
    last class.
    """
    if top_paths > beam_width:
        raise _invalid(f"top_paths must be less than or equal to beam_width, got top_paths={top_paths} "
                       f"and beam_width={beam_width}")
    x = conversion.tensor(inputs)
    op = _BEAM_OPS.get(top_paths)
    if op is None:  # the op's output count depends on top_paths, as TF's does
        op = _BEAM_OPS[top_paths] = Op("CTCBeamSearchDecoder", _beam_search, dtypes=(_dtypes.float32, _dtypes.float64),
                                       num_outputs=3 * top_paths + 1)
    outs = execute(op, (x, conversion.tensor(sequence_length)), {"beam_width": int(beam_width),
                                                                   "top_paths": int(top_paths)})
    decoded = [_sparse(outs[3 * k], outs[3 * k + 1], outs[3 * k + 2]) for k in range(top_paths)]
    return decoded, outs[-1]
