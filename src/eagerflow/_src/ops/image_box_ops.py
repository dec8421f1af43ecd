"""Box ops of `tf.image`: non-max suppression, crop_and_resize, extract_patches and
draw_bounding_boxes."""
from __future__ import annotations

import collections
import math
from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import array_ops, conversion, math_ops
from eagerflow._src.ops.gather_scatter_ops import gather, gather_nd
from eagerflow._src.ops.indexing_ops import pad


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _host(x: Any) -> np.ndarray:
    return np.asarray(x.get() if hasattr(x, "get") else x)


# --- non-max suppression -----------------------------------------------------------------------
def _iou(boxes: np.ndarray, i: int, j: int) -> float:
    a, b = boxes[i], boxes[j]
    ymin_a, ymax_a = min(a[0], a[2]), max(a[0], a[2])
    xmin_a, xmax_a = min(a[1], a[3]), max(a[1], a[3])
    ymin_b, ymax_b = min(b[0], b[2]), max(b[0], b[2])
    xmin_b, xmax_b = min(b[1], b[3]), max(b[1], b[3])
    area_a = (ymax_a - ymin_a) * (xmax_a - xmin_a)
    area_b = (ymax_b - ymin_b) * (xmax_b - xmin_b)
    if area_a <= 0 or area_b <= 0:
        return 0.0
    inter = max(min(ymax_a, ymax_b) - max(ymin_a, ymin_b), 0.0) * max(min(xmax_a, xmax_b) - max(xmin_a, xmin_b), 0.0)
    return float(inter / (area_a + area_b - inter))


def _greedy_nms(boxes: np.ndarray, scores: np.ndarray, max_output_size: int, iou_threshold: float,
                score_threshold: float, soft_nms_sigma: float = 0.0, overlaps: np.ndarray | None = None
                ) -> tuple[list, list]:
    """TF's NonMaxSuppressionV5 loop: candidates by score (ties: lower index first), each checked
    against the boxes selected since it was last looked at; soft-NMS re-queues decayed scores.
    With `overlaps`, similarities are read from that matrix instead of computed IoUs."""
    import heapq

    boxes = boxes.astype(np.float64)
    scale = -0.5 / soft_nms_sigma if soft_nms_sigma > 0 else 0.0
    queue = [(-float(s), i, 0) for i, s in enumerate(scores) if s > score_threshold]
    heapq.heapify(queue)
    selected, selected_scores = [], []
    while len(selected) < max_output_size and queue:
        neg_score, index, begin = heapq.heappop(queue)
        original = score = -neg_score
        hard = False
        for j in range(len(selected) - 1, begin - 1, -1):
            similarity = float(overlaps[index, selected[j]]) if overlaps is not None else _iou(boxes, index, selected[j])
            score *= math.exp(scale * similarity * similarity) if similarity <= iou_threshold else 0.0
            if soft_nms_sigma <= 0 and similarity > iou_threshold:
                hard = True
                break
            if score <= score_threshold:
                break
        if hard:
            continue
        if score == original:
            selected.append(index)
            selected_scores.append(score)
        elif score > score_threshold:
            heapq.heappush(queue, (-score, index, len(selected)))
    return selected, selected_scores


def _nms(xp: Any, boxes: Any, scores: Any, max_output_size: Any, iou_threshold: Any, score_threshold: Any,
         soft_nms_sigma: Any, pad_to_max_output_size: bool = False) -> list:
    boxes_h, scores_h = _host(boxes), _host(scores)
    if boxes_h.ndim != 2 or boxes_h.shape[-1] != 4:
        raise _invalid(f"boxes must be 2-D and have 4 columns: [{','.join(map(str, boxes_h.shape))}]")
    if scores_h.ndim != 1 or scores_h.shape[0] != boxes_h.shape[0]:
        raise _invalid(f"scores has incompatible shape")
    iou = float(_host(iou_threshold))
    if not 0 <= iou <= 1:
        raise _invalid("iou_threshold must be in [0, 1]")
    max_out = int(_host(max_output_size))
    if max_out < 0:
        raise _invalid("max_output_size must be non-negative")
    sigma = float(_host(soft_nms_sigma))
    if sigma < 0:
        raise _invalid("soft_nms_sigma must be non-negative")
    selected, values = _greedy_nms(boxes_h, scores_h, max_out, iou, float(_host(score_threshold)), sigma)
    valid = len(selected)
    if pad_to_max_output_size:
        selected = selected + [0] * (max_out - valid)
        values = values + [0.0] * (max_out - valid)
    return [xp.asarray(np.asarray(selected, np.int32)), xp.asarray(np.asarray(values, scores_h.dtype)),
            xp.asarray(np.int32(valid))]


NON_MAX_SUPPRESSION = Op("NonMaxSuppressionV5", _nms, num_outputs=3,
                         dtypes=(_dtypes.float16, _dtypes.float32))


def _run_nms(boxes: Any, scores: Any, max_output_size: Any, iou_threshold: Any, score_threshold: Any,
             soft_nms_sigma: Any, pad: bool) -> list:
    b = conversion.tensor(boxes)
    s = conversion.like(scores, b)
    args = (b, s, conversion.tensor(max_output_size, _dtypes.int32), conversion.like(iou_threshold, b),
            conversion.like(score_threshold, b), conversion.like(soft_nms_sigma, b))
    try:
        return execute(NON_MAX_SUPPRESSION, args, {"pad_to_max_output_size": pad})
    except errors.OpError as e:
        raise conversion.worded(e, boxes, scores) from None


def non_max_suppression(boxes: Any, scores: Any, max_output_size: Any, iou_threshold: float = 0.5,
                        score_threshold: float = float("-inf"), name: str | None = None) -> Tensor:
    """Indices (int32) of at most `max_output_size` boxes, by descending score, none overlapping a
    kept box by IoU above `iou_threshold` (`tf.image.non_max_suppression`)."""
    return _run_nms(boxes, scores, max_output_size, iou_threshold, score_threshold, 0.0, False)[0]


def non_max_suppression_with_scores(boxes: Any, scores: Any, max_output_size: Any, iou_threshold: float = 0.5,
                                    score_threshold: float = float("-inf"), soft_nms_sigma: float = 0.0,
                                    name: str | None = None) -> tuple:
    """`(indices, scores)`; with `soft_nms_sigma > 0`, overlapping scores decay by
    `exp(-iou**2 / (2 sigma))` instead of being dropped (`tf.image.non_max_suppression_with_scores`)."""
    selected, values, _ = _run_nms(boxes, scores, max_output_size, iou_threshold, score_threshold,
                                   soft_nms_sigma, False)
    return selected, values


def non_max_suppression_padded(boxes: Any, scores: Any, max_output_size: Any, iou_threshold: float = 0.5,
                               score_threshold: float = float("-inf"), pad_to_max_output_size: bool = False,
                               name: str | None = None, sorted_input: bool = False,
                               canonicalized_coordinates: bool = False, tile_size: int = 512) -> tuple:
    """`(indices, num_valid)`, indices zero-padded to `max_output_size` when asked
    (`tf.image.non_max_suppression_padded`; unbatched boxes)."""
    selected, _, valid = _run_nms(boxes, scores, max_output_size, iou_threshold, score_threshold, 0.0,
                                  bool(pad_to_max_output_size))
    return selected, valid


def _nms_overlaps(xp: Any, overlaps: Any, scores: Any, max_output_size: Any, overlap_threshold: Any,
                  score_threshold: Any) -> Any:
    table, scores_h = _host(overlaps), _host(scores)
    if table.ndim != 2 or table.shape[0] != table.shape[1]:
        raise _invalid(f"overlaps must be square: [{','.join(map(str, table.shape))}]")
    if scores_h.ndim != 1 or scores_h.shape[0] != table.shape[0]:
        raise _invalid("scores has incompatible shape")
    max_out = int(_host(max_output_size))
    if max_out < 0:
        raise _invalid("max_output_size must be non-negative")
    selected, _ = _greedy_nms(np.zeros((table.shape[0], 4)), scores_h, max_out, float(_host(overlap_threshold)),
                              float(_host(score_threshold)), overlaps=table)
    return xp.asarray(np.asarray(selected, np.int32))


NON_MAX_SUPPRESSION_WITH_OVERLAPS = Op("NonMaxSuppressionWithOverlaps", _nms_overlaps, dtypes=(_dtypes.float32,))


def non_max_suppression_overlaps(overlaps: Any, scores: Any, max_output_size: Any, overlap_threshold: float = 0.5,
                                 score_threshold: float = float("-inf"), name: str | None = None) -> Tensor:
    """`non_max_suppression` with a given `[n, n]` overlap matrix in place of box IoUs
    (`tf.image.non_max_suppression_overlaps`)."""
    table = conversion.tensor(overlaps)
    args = (table, conversion.like(scores, table), conversion.tensor(max_output_size, _dtypes.int32),
            conversion.like(overlap_threshold, table), conversion.like(score_threshold, table))
    return execute(NON_MAX_SUPPRESSION_WITH_OVERLAPS, args)


def _combined_nms(xp: Any, boxes: Any, scores: Any, max_output_size_per_class: Any, max_total_size: Any,
                  iou_threshold: Any, score_threshold: Any, pad_per_class: bool = False,
                  clip_boxes: bool = True) -> list:
    boxes_h, scores_h = _host(boxes).astype(np.float32), _host(scores).astype(np.float32)
    if boxes_h.ndim != 4 or boxes_h.shape[-1] != 4:
        raise _invalid(f"boxes must be 4-D[{','.join(map(str, boxes_h.shape))}]")
    if scores_h.ndim != 3:
        raise _invalid(f"scores must be 3-D[{','.join(map(str, scores_h.shape))}]")
    batch, _, q, _ = boxes_h.shape
    classes = scores_h.shape[-1]
    if q != 1 and q != classes:
        raise _invalid("third dimension of boxes must be either 1 or num classes")
    per_class, total = int(_host(max_output_size_per_class)), int(_host(max_total_size))
    if per_class <= 0 or total <= 0:
        raise _invalid("max_size_per_class and max_total_size must be greater than 0")
    size = min(total, per_class * classes) if pad_per_class else total
    iou, threshold = float(_host(iou_threshold)), float(_host(score_threshold))
    out_boxes = np.zeros((batch, size, 4), np.float32)
    out_scores = np.zeros((batch, size), np.float32)
    out_classes = np.zeros((batch, size), np.float32)
    valid = np.zeros((batch,), np.int32)
    for b in range(batch):
        found = []
        for c in range(classes):
            class_boxes = boxes_h[b, :, c if q > 1 else 0]
            picked, values = _greedy_nms(class_boxes, scores_h[b, :, c], per_class, iou, threshold)
            found.extend((v, c, class_boxes[i]) for i, v in zip(picked, values))
        found.sort(key=lambda item: -item[0])  # stable: class order, then NMS order, among ties
        found = found[:size]
        for k, (v, c, box) in enumerate(found):
            out_boxes[b, k] = np.clip(box, 0.0, 1.0) if clip_boxes else box
            out_scores[b, k] = v
            out_classes[b, k] = c
        valid[b] = len(found)
    return [xp.asarray(out_boxes), xp.asarray(out_scores), xp.asarray(out_classes), xp.asarray(valid)]


CombinedNonMaxSuppression = collections.namedtuple(
    "CombinedNonMaxSuppression", ["nmsed_boxes", "nmsed_scores", "nmsed_classes", "valid_detections"])
COMBINED_NON_MAX_SUPPRESSION = Op("CombinedNonMaxSuppression", _combined_nms, num_outputs=4,
                                  dtypes=(_dtypes.float32,))


def combined_non_max_suppression(boxes: Any, scores: Any, max_output_size_per_class: Any, max_total_size: Any,
                                 iou_threshold: float = 0.5, score_threshold: float = float("-inf"),
                                 pad_per_class: bool = False, clip_boxes: bool = True, name: str | None = None) -> Any:
    """Per-class NMS over a batch, merged by score: `(nmsed_boxes, nmsed_scores, nmsed_classes,
    valid_detections)`, zero-padded (`tf.image.combined_non_max_suppression`)."""
    b = conversion.tensor(boxes, _dtypes.float32) if not isinstance(boxes, Tensor) else boxes
    args = (b, conversion.like(scores, b), conversion.tensor(max_output_size_per_class, _dtypes.int32),
            conversion.tensor(max_total_size, _dtypes.int32), conversion.like(iou_threshold, b),
            conversion.like(score_threshold, b))
    out = execute(COMBINED_NON_MAX_SUPPRESSION, args, {"pad_per_class": bool(pad_per_class),
                                                         "clip_boxes": bool(clip_boxes)})
    return CombinedNonMaxSuppression(*out)


# --- crop_and_resize ---------------------------------------------------------------------------
def _sample_positions(lo: Any, hi: Any, size: int, crop: int, ops: bool) -> Any:
    """`[n, crop]` source positions of each box's samples along one axis, in TF's float32 order
    (`lo * (size - 1) + i * scale`): as tensors (`ops`, differentiable) or host arrays."""
    f32 = np.float32
    steps = np.arange(crop, dtype=f32)[None, :]
    if not ops:
        lo, hi = lo.astype(f32)[:, None], hi.astype(f32)[:, None]
        if crop > 1:
            return lo * f32(size - 1) + steps * ((hi - lo) * f32(size - 1) / f32(crop - 1))
        return f32(0.5) * (lo + hi) * f32(size - 1)
    lo, hi = array_ops.expand_dims(lo, -1), array_ops.expand_dims(hi, -1)
    edge = conversion.tensor(f32(size - 1))
    if crop > 1:
        scale = math_ops.truediv(math_ops.multiply(math_ops.subtract(hi, lo), edge), conversion.tensor(f32(crop - 1)))
        return math_ops.add(math_ops.multiply(lo, edge), math_ops.multiply(conversion.tensor(steps), scale))
    return math_ops.multiply(math_ops.multiply(conversion.tensor(f32(0.5)), math_ops.add(lo, hi)), edge)


def crop_and_resize(image: Any, boxes: Any, box_indices: Any, crop_size: Any, method: str = "bilinear",
                    extrapolation_value: float = 0.0, name: str | None = None) -> Tensor:
    """Crops normalised boxes `[y1, x1, y2, x2]` from the batch images `box_indices` and resizes
    each to `crop_size` (bilinear or nearest), float32 (`tf.image.crop_and_resize`). Built from
    gathers and lerps, so the gradient reaches the image and (bilinear) the boxes, as TF's."""
    x = conversion.tensor(image)
    if x.ndim != 4:
        raise _invalid(f"input image must be 4-D{x.shape}")
    if method not in ("bilinear", "nearest"):
        raise ValueError(f"method must be 'bilinear' or 'nearest', got {method}")
    b = math_ops.cast(conversion.tensor(boxes), _dtypes.float32)
    idx = _host(conversion.tensor(box_indices).numpy()).astype(np.int64)
    ch, cw = (int(v) for v in np.reshape(np.asarray(crop_size.numpy() if isinstance(crop_size, Tensor)
                                                    else crop_size), -1))
    if ch <= 0 or cw <= 0:
        raise _invalid("crop dimensions must be positive")
    if b.ndim != 2 or tuple(b.shape)[-1] != 4:
        raise _invalid(f"boxes must be 2-D[{','.join(map(str, b.shape))}]")
    batch, height, width, _ = tuple(x.shape)
    if np.any((idx < 0) | (idx >= batch)):
        raise _invalid("box_index has values outside [0, batch_size)")
    flt = math_ops.cast(x, _dtypes.float32)
    # gather_nd, not gather: TF's image gradient here is dense, not IndexedSlices.
    picked = gather_nd(flt, idx.astype(np.int32)[:, None])  # [n, H, W, C]
    b_host = _host(conversion.tensor(boxes).numpy()).astype(np.float32)
    ys = _sample_positions(b[:, 0], b[:, 2], height, ch, ops=True)  # [n, ch]
    xs = _sample_positions(b[:, 1], b[:, 3], width, cw, ops=True)  # [n, cw]
    y_host = _sample_positions(b_host[:, 0], b_host[:, 2], height, ch, ops=False)
    x_host = _sample_positions(b_host[:, 1], b_host[:, 3], width, cw, ops=False)
    y_ok = (y_host >= 0) & (y_host <= height - 1)
    x_ok = (x_host >= 0) & (x_host <= width - 1)

    def rows(index: np.ndarray) -> Tensor:
        return gather(picked, np.clip(index, 0, height - 1).astype(np.int32), axis=1, batch_dims=1)

    def cols(t: Tensor, index: np.ndarray) -> Tensor:  # t: [n, ch, W, C]
        tiled = np.broadcast_to(np.clip(index, 0, width - 1).astype(np.int32)[:, None, :], (len(idx), ch, cw))
        return gather(t, np.ascontiguousarray(tiled), axis=2, batch_dims=2)

    if method == "nearest":
        out = cols(rows(np.round(y_host).astype(np.int64)), np.round(x_host).astype(np.int64))
    else:
        top, left = np.floor(y_host), np.floor(x_host)
        y_lerp = array_ops.reshape(math_ops.subtract(ys, conversion.tensor(top.astype(np.float32))), (-1, ch, 1, 1))
        x_lerp = array_ops.reshape(math_ops.subtract(xs, conversion.tensor(left.astype(np.float32))), (-1, 1, cw, 1))
        upper, lower = rows(top.astype(np.int64)), rows(np.ceil(y_host).astype(np.int64))
        top_left, top_right = cols(upper, left.astype(np.int64)), cols(upper, np.ceil(x_host).astype(np.int64))
        bottom_left, bottom_right = cols(lower, left.astype(np.int64)), cols(lower, np.ceil(x_host).astype(np.int64))
        top_row = math_ops.add(top_left, math_ops.multiply(math_ops.subtract(top_right, top_left), x_lerp))
        bottom_row = math_ops.add(bottom_left, math_ops.multiply(math_ops.subtract(bottom_right, bottom_left), x_lerp))
        out = math_ops.add(top_row, math_ops.multiply(math_ops.subtract(bottom_row, top_row), y_lerp))
    inside = (y_ok[:, :, None] & x_ok[:, None, :])[..., None]
    if not inside.all():
        fill = conversion.tensor(np.full((1, 1, 1, 1), extrapolation_value, np.float32))
        out = array_ops.where(conversion.tensor(np.broadcast_to(inside, tuple(out.shape)).copy()), out,
                              math_ops.add(math_ops.zeros_like_same(out), fill))
    return out


# --- extract_patches ---------------------------------------------------------------------------
def extract_patches(images: Any, sizes: Any, strides: Any, rates: Any, padding: str, name: str | None = None) -> Tensor:
    """Patches `[b, rows, cols, kh * kw * depth]` of `sizes` every `strides`, dilated by `rates`,
    VALID or SAME (`tf.image.extract_patches`)."""
    x = conversion.tensor(images)
    if x.ndim != 4:
        raise ValueError(f"Shape must be rank 4 but is rank {x.ndim}")
    _, kh, kw, _ = (int(v) for v in sizes)
    _, sh, sw, _ = (int(v) for v in strides)
    _, rh, rw, _ = (int(v) for v in rates)
    padding = padding.upper() if isinstance(padding, str) else padding
    if padding not in ("VALID", "SAME"):
        raise ValueError(f"padding must be 'VALID' or 'SAME', got {padding}")
    b, h, w, d = tuple(x.shape)
    eff_h, eff_w = (kh - 1) * rh + 1, (kw - 1) * rw + 1
    if padding == "VALID":
        out_h, out_w = max(0, (h - eff_h) // sh + 1), max(0, (w - eff_w) // sw + 1)
        top = left = 0
    else:
        out_h, out_w = -(-h // sh), -(-w // sw)
        pad_h = max((out_h - 1) * sh + eff_h - h, 0)
        pad_w = max((out_w - 1) * sw + eff_w - w, 0)
        top, left = pad_h // 2, pad_w // 2
        x = pad(x, [[0, 0], [top, pad_h - top], [left, pad_w - left], [0, 0]])
    rows = (np.arange(out_h)[:, None] * sh + np.arange(kh)[None, :] * rh).astype(np.int32)  # [out_h, kh]
    cols = (np.arange(out_w)[:, None] * sw + np.arange(kw)[None, :] * rw).astype(np.int32)  # [out_w, kw]
    patches = gather(gather(x, rows, axis=1), cols, axis=3)  # [b, out_h, kh, out_w, kw, d]
    patches = array_ops.transpose(patches, (0, 1, 3, 2, 4, 5))
    return array_ops.reshape(patches, (b, out_h, out_w, kh * kw * d))


# --- draw_bounding_boxes -----------------------------------------------------------------------
_DEFAULT_COLOURS = np.array([[1, 1, 0, 1], [0, 0, 1, 1], [1, 0, 0, 1], [0, 1, 0, 1], [0.5, 0, 0.5, 1],
                             [0.5, 0.5, 0, 1], [0.5, 0, 0, 1], [0, 0, 0.5, 1], [0, 1, 1, 1], [1, 0, 1, 1]],
                            np.float32)


def _draw_boxes(xp: Any, images: Any, boxes: Any, colors: Any) -> Any:
    out = _host(images).copy()
    boxes_h, colours = _host(boxes), _host(colors).astype(np.float32)
    if out.ndim != 4:
        raise _invalid(f"The rank of the images should be 4")
    batch, height, width, depth = out.shape
    if colours.size == 0:
        colours = _DEFAULT_COLOURS
    if colours.shape[-1] < depth and depth != 1:
        raise _invalid(f"Channel depth should be less than or equal to color channels")
    for b in range(batch):
        for k, box in enumerate(boxes_h[b]):
            colour = colours[k % len(colours)][:depth].astype(out.dtype)
            top = int(math.floor(box[0] * (height - 1)))
            left = int(math.floor(box[1] * (width - 1)))
            bottom = int(math.floor(box[2] * (height - 1)))
            right = int(math.floor(box[3] * (width - 1)))
            if top > bottom or left > right or top >= height or left >= width or bottom < 0 or right < 0:
                continue
            r0, r1 = max(top, 0), min(bottom, height - 1)
            c0, c1 = max(left, 0), min(right, width - 1)
            if 0 <= top < height:
                out[b, top, c0:c1 + 1] = colour
            if 0 <= bottom < height:
                out[b, bottom, c0:c1 + 1] = colour
            if 0 <= left < width:
                out[b, r0:r1 + 1, left] = colour
            if 0 <= right < width:
                out[b, r0:r1 + 1, right] = colour
    return xp.asarray(out)


DRAW_BOUNDING_BOXES = Op("DrawBoundingBoxesV2", _draw_boxes,
                         dtypes=(_dtypes.float16, _dtypes.float32))


def draw_bounding_boxes(images: Any, boxes: Any, colors: Any, name: str | None = None) -> Tensor:
    """Draws the outlines of normalised boxes `[y1, x1, y2, x2]` on float images, box k in
    `colors[k % len(colors)]` (`tf.image.draw_bounding_boxes`)."""
    x = conversion.tensor(images)
    return execute(DRAW_BOUNDING_BOXES, (x, conversion.tensor(boxes, _dtypes.float32),
                                         conversion.tensor(colors, _dtypes.float32)))


# --- extract_glimpse ---------------------------------------------------------------------------
def _glimpse_corner(offset: float, size: int, glimpse: int, centered: bool, normalized: bool) -> int:
    """Top (or left) index of a glimpse, as TF 2.21's ExtractGlimpseV2 places it (truncated)."""
    if normalized and centered:
        position = (offset + 1.0) * size / 2.0 - glimpse / 2.0
    elif normalized:
        position = offset * size
    elif centered:
        position = offset + size / 2.0
    else:
        position = offset
    return int(np.float32(position))


def _extract_glimpse(xp: Any, images: Any, size: Any, offsets: Any, centered: bool = True, normalized: bool = True,
                     noise: str = "uniform") -> Any:
    host = _host(images)
    if host.ndim != 4:
        raise _invalid(f"input must be 4-dimensional[{','.join(map(str, host.shape))}]")
    gh, gw = (int(v) for v in np.reshape(_host(size), -1))
    corners = _host(offsets).astype(np.float32)
    batch, height, width, depth = host.shape
    if corners.shape != (batch, 2):
        raise _invalid("offsets must be a matrix with shape [batch_size, 2]")
    out = np.zeros((batch, gh, gw, depth), host.dtype)
    rng = np.random.default_rng()
    for b in range(batch):
        if noise == "uniform":
            out[b] = rng.uniform(host[b].min(), host[b].max(), size=(gh, gw, depth))
        elif noise == "gaussian":
            out[b] = rng.normal(host[b].mean(axis=(0, 1)), host[b].std(axis=(0, 1)) + 0.0, size=(gh, gw, depth))
        top = _glimpse_corner(float(corners[b, 0]), height, gh, centered, normalized)
        left = _glimpse_corner(float(corners[b, 1]), width, gw, centered, normalized)
        r0, r1 = max(top, 0), min(top + gh, height)
        c0, c1 = max(left, 0), min(left + gw, width)
        if r0 < r1 and c0 < c1:
            out[b, r0 - top:r1 - top, c0 - left:c1 - left] = host[b, r0:r1, c0:c1]
    return xp.asarray(out)


EXTRACT_GLIMPSE = Op("ExtractGlimpseV2", _extract_glimpse, dtypes=(_dtypes.float32,))


def extract_glimpse(input: Any, size: Any, offsets: Any, centered: bool = True, normalized: bool = True,  # noqa: A002
                    noise: str = "uniform", name: str | None = None) -> Tensor:
    """Windows of `size` at `offsets` (`[batch, 2]`, y then x; centred and/or normalised as TF's
    ExtractGlimpseV2 reads them), outside pixels filled per `noise`: 'zero', or random 'uniform'/
    'gaussian' draws from the image's range (not TF's random values) (`tf.image.extract_glimpse`).

    Raises:
      ValueError: an unknown `noise`.
    """
    if noise not in ("uniform", "gaussian", "zero"):
        raise ValueError(f"Invalid noise: {noise}")
    x = conversion.tensor(input, _dtypes.float32) if not isinstance(input, Tensor) else input
    return execute(EXTRACT_GLIMPSE, (x, conversion.tensor(size, _dtypes.int32),
                                     conversion.tensor(offsets, _dtypes.float32)),
                   {"centered": bool(centered), "normalized": bool(normalized), "noise": noise})
