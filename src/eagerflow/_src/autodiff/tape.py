"""`GradientTape`: records ops as `execute` runs them and walks them backwards.

Recording happens in `execute` (every op path calls `tape.record`), not by wrapping ops. The
tape keeps only ops whose inputs it tracks, tracking floating tensors derived from watched
tensors and from variables it watches (trainable ones, automatically, when read). All shared
bookkeeping lives here, once: summing gradients back to broadcast inputs, accumulating
several paths, zeros for outputs that got no gradient, None for what is unconnected.
"""
from __future__ import annotations

import enum
import logging
from typing import Any, Iterable

from eagerflow._src.framework import context
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.indexed_slices import IndexedSlices
from eagerflow._src.framework.op import GradContext, Op
from eagerflow._src.framework.tensor import EagerTensor, Tensor
from eagerflow._src.ops import array_ops, dynamic_shape_ops, join_split_ops, math_ops, reduce_ops, state_ops
from eagerflow._src.variables import ResourceVariable, UnreadVariable, Variable

_thread = context.thread
_READ = state_ops.READ
_NEEDED_ONE = (True,)
_log = logging.getLogger("eagerflow")


class UnconnectedGradients(enum.Enum):
    """What `gradient` returns for sources the target does not depend on."""

    NONE = "none"
    ZERO = "zero"


def _differentiable(t: Any) -> bool:
    kind = t._array.dtype.kind
    return kind == "f" or kind == "c" or kind == "V"  # "V": ml_dtypes' bfloat16/float8


class GradientTape:
    """Records operations for automatic differentiation (`tf.GradientTape`).

    Args:
      persistent: allow several `gradient` calls (else the tape frees itself after one).
      watch_accessed_variables: watch trainable variables automatically when they are read.
    """

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True) -> None:
        self._persistent = persistent
        self._watch_accessed = watch_accessed_variables
        self._recording = False
        self._used = False
        self._reset_state()

    def _reset_state(self) -> None:
        self._entries: list[tuple] = []  # (op, inputs, attrs, output)
        self._tracked: dict[int, Any] = {}  # id -> tensor or variable (strong refs keep ids unique)
        self._variables: dict[int, Variable] = {}

    # --- context --------------------------------------------------------------------------------
    def __enter__(self) -> "GradientTape":
        self._push()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._recording:
            self._pop()

    def _push(self) -> None:
        if self._recording:
            raise ValueError("Tape is still recording, This can happen if you try to re-enter an already-active tape.")
        _thread.tapes.append(self)
        context.add_taping(1)
        self._recording = True

    def _pop(self) -> None:
        _thread.tapes.remove(self)
        context.add_taping(-1)
        self._recording = False

    class _StopRecording:
        def __init__(self, tape: "GradientTape") -> None:
            self._tape = tape

        def __enter__(self) -> None:
            if not self._tape._recording:
                raise ValueError("Tape is not recording.")
            self._tape._pop()

        def __exit__(self, *exc: Any) -> None:
            self._tape._push()

    def stop_recording(self) -> "GradientTape._StopRecording":
        """Temporarily stops recording operations on this tape."""
        return GradientTape._StopRecording(self)

    def reset(self) -> None:
        """Clears everything recorded; the tape keeps recording if it was."""
        self._reset_state()

    # --- watching -------------------------------------------------------------------------------
    def watch(self, tensor: Any) -> None:
        """Tracks a tensor or variable (or a nested structure of them)."""
        for t in _flatten(tensor):
            t = _source(t)
            if isinstance(t, Variable):
                self._watch_variable(t)
                continue
            if not isinstance(t, Tensor):
                raise ValueError(f"Passed in object {t!r} of type {type(t).__name__!r}, not tf.Tensor or tf.Variable or ExtensionType.")
            if not _differentiable(t):
                _log.warning("The dtype of the watched tensor must be floating (e.g. tf.float32), got %r", t.dtype)
            self._tracked[id(t)] = t

    def _watch_variable(self, variable: Variable) -> None:
        if not _differentiable(variable):
            _log.warning("The dtype of the watched variable must be floating (e.g. tf.float32), got %r", variable.dtype)
        self._variables.setdefault(id(variable), variable)
        self._tracked[id(variable)] = variable

    def watched_variables(self) -> tuple:
        """The variables this tape watched, in the order it first watched them."""
        return tuple(self._variables.values())

    # --- recording (called by execute) ----------------------------------------------------------
    def record(self, op: Op, inputs: tuple, attrs: dict, output: Any) -> None:
        """Keeps `op` when one of its inputs is tracked and it has a differentiable output.

        Entries are plain (op, inputs, attrs, output) tuples: this runs once per op under a tape.
        """
        if op.grad is None or output is None:
            return
        tracked = self._tracked
        if op is _READ:
            variable = inputs[0]
            if id(variable) not in tracked:
                if not (self._watch_accessed and variable._trainable):
                    return
                self._watch_variable(variable)
        else:
            for t in inputs:  # a plain loop: cheaper than any() on this per-op path
                if id(t) in tracked:
                    break
            else:
                return
        if type(output) is list:
            kept = [o for o in output if _differentiable(o)]
            if not kept:
                return
            self._entries.append((op, inputs, attrs, output))
            for o in kept:
                tracked[id(o)] = o
            return
        kind = output._array.dtype.kind
        if kind == "f" or kind == "c" or kind == "V":
            self._entries.append((op, inputs, attrs, output))
            tracked[id(output)] = output

    def _record_custom(self, op: Op, inputs: tuple, attrs: dict, output: Any) -> None:
        """Records a custom-gradient call when any of its inputs is tracked.

        Variables the function read count as read here: trainable ones are watched.
        """
        for v in inputs:
            if isinstance(v, Variable) and self._watch_accessed and v._trainable:
                self._watch_variable(v)
        if any(id(t) in self._tracked for t in inputs):
            self._entries.append((op, tuple(inputs), attrs, output))
            for o in (output if isinstance(output, list) else (output,)):
                if isinstance(o, Tensor) and _differentiable(o):
                    self._tracked[id(o)] = o

    # --- differentiation ------------------------------------------------------------------------
    def gradient(self, target: Any, sources: Any, output_gradients: Any = None,
                 unconnected_gradients: UnconnectedGradients = UnconnectedGradients.NONE) -> Any:
        """d(sum of target)/d(source) for each source, in the sources' structure."""
        if self._used and not self._persistent:
            raise RuntimeError("A non-persistent GradientTape can only be used to compute one set of gradients (or jacobians)")
        unconnected = unconnected_gradients if unconnected_gradients is UnconnectedGradients.NONE \
            else UnconnectedGradients(unconnected_gradients)
        if type(sources) is EagerTensor or type(sources) is ResourceVariable:
            flat_sources = [sources]  # the common single-source call, without the structure walk
        else:
            flat_sources = [_source(s) for s in _flatten(sources)]
            for s in flat_sources:
                if not isinstance(s, (Tensor, Variable)):
                    raise ValueError(f"Argument `sources` must be a tensor or a variable, got {s!r}")
        if target is None:
            raise TypeError("Argument `target` should be a list or nested structure of Tensors, "
                            "Variables or CompositeTensors to be differentiated, but received None.")
        targets = [target] if type(target) is EagerTensor else _flatten(target)
        seeds = _flatten(output_gradients) if output_gradients is not None else [None] * len(targets)
        grads = self._backward(targets, seeds, flat_sources)
        if not self._persistent:
            self._used = True
            self._reset_state()
        results = []
        for s in flat_sources:
            g = grads.get(id(s))
            if g is None and unconnected is UnconnectedGradients.ZERO:
                g = _zeros_like(s)
            results.append(g)
        if len(results) == 1 and flat_sources[0] is sources:
            return results[0]
        return _pack(sources, iter(results))

    def _backward(self, targets: list, seeds: list, sources: list) -> dict[int, Tensor]:
        was_recording = self._recording
        if was_recording:
            self._pop()  # our own gradient ops must not be recorded on us (outer tapes do)
        try:
            grads: dict[int, Tensor] = {}
            for t, seed in zip(targets, seeds):
                if isinstance(t, UnreadVariable):
                    t = t._variable
                if isinstance(t, Variable):
                    # TF differentiates a variable target as its handle: d(v)/d(v) is the seed
                    # (watched or not); no recorded op produces the handle, so nothing else is.
                    if _differentiable(t):
                        _accumulate(grads, t, _ones_like(t.read_value()) if seed is None
                                    else math_ops.conversion.tensor(seed))
                    continue
                if id(t) not in self._tracked or not _differentiable(t):
                    continue
                g = _ones_like(t) if seed is None else math_ops.conversion.tensor(seed)
                _accumulate(grads, t, g)
            tracked = self._tracked
            get = grads.get
            for op, inputs, attrs, output in reversed(self._entries):
                if type(output) is list:
                    upstream = [get(id(o)) for o in output]
                    if all(u is None for u in upstream):
                        continue
                    if type(op) is not Op and op.missing_as_none:  # a traced call: its backward is
                        dy = [None if u is None else _dense(u) for u in upstream]  # keyed by these
                    else:
                        dy = [math_ops.zeros_like_same(o) if u is None else _dense(u) for o, u in zip(output, upstream)]
                else:
                    dy = get(id(output))
                    if dy is None:
                        continue
                    if op is _READ:  # a variable read passes its gradient through unchanged
                        _accumulate(grads, inputs[0], dy)
                        continue
                    if type(dy) is IndexedSlices:  # gradient functions see dense tensors, as TF's do
                        dy = dy._as_tensor()
                # Recorded ops have a tracked input, and tracking only grows: one input is needed.
                needs = _NEEDED_ONE if len(inputs) == 1 else tuple([id(x) in tracked for x in inputs])
                input_grads = op.grad(GradContext(inputs, attrs, output, needs), dy)
                for x, g, needed in zip(inputs, input_grads, needs):
                    if g is None or not needed:
                        continue
                    if type(x) is EagerTensor:
                        kind = x._array.dtype.kind
                        if kind != "f" and kind != "c" and kind != "V":  # _differentiable, inlined
                            continue
                    if type(g) is not EagerTensor or g._array.shape != x._array.shape:
                        if type(g) is not IndexedSlices:
                            g = _unbroadcast(g, x)
                    key = id(x)
                    previous = get(key)
                    grads[key] = g if previous is None else _add_grads(previous, g)
            return {id(s): grads[id(s)] for s in sources if id(s) in grads}
        finally:
            if was_recording:
                self._push()

    def jacobian(self, target: Any, sources: Any, unconnected_gradients: Any = UnconnectedGradients.NONE,
                 parallel_iterations: Any = None, experimental_use_pfor: bool = True) -> Any:
        """d(target[i])/d(source) for every element i: shape target.shape + source.shape."""
        if self._used and not self._persistent:
            raise RuntimeError("A non-persistent GradientTape can only be used to compute one set of gradients (or jacobians)")
        unconnected = UnconnectedGradients(unconnected_gradients)
        flat_sources = [_source(s) for s in _flatten(sources)]
        target = target.read_value() if isinstance(target, Variable) else target
        n = int(target._array.size)
        rows: list[list] = [[] for _ in flat_sources]
        connected = [False] * len(flat_sources)
        for i in range(n):
            seed = array_ops.reshape(array_ops.one_hot(i, n, dtype=target.dtype), target.shape)
            grads = self._backward([target], [seed], flat_sources)
            for k, s in enumerate(flat_sources):
                g = grads.get(id(s))
                connected[k] = connected[k] or g is not None
                rows[k].append(g if g is not None else _zeros_like(s))
        if not self._persistent:
            self._used = True
            self._reset_state()
        results = []
        for k, s in enumerate(flat_sources):
            if unconnected is UnconnectedGradients.NONE and not connected[k]:
                results.append(None)
                continue
            stacked = join_split_ops.stack(rows[k]) if rows[k] else _zeros_like(s)
            results.append(array_ops.reshape(stacked, list(target.shape) + list(s.shape)))
        return _pack(sources, iter(results))

    def batch_jacobian(self, target: Tensor, source: Tensor, unconnected_gradients: Any = UnconnectedGradients.NONE,
                       parallel_iterations: Any = None, experimental_use_pfor: bool = True) -> Tensor:
        """Per-example jacobian: [b, *target.shape[1:], *source.shape[1:]] (batch rows independent)."""
        full = self.jacobian(target, source, unconnected_gradients)
        if full is None:
            return None
        batch = int(target.shape[0])
        t_rest = list(target.shape[1:])
        s_rest = list(source.shape[1:])
        full = array_ops.reshape(full, [batch, -1, batch, max(1, _prod(s_rest))])
        diagonal = join_split_ops.stack([full[b, :, b, :] for b in range(batch)])
        return array_ops.reshape(diagonal, [batch] + t_rest + s_rest)


def _prod(dims: list) -> int:
    n = 1
    for d in dims:
        n *= int(d)
    return n


def _accumulate(grads: dict, x: Any, g: Tensor) -> None:
    key = id(x)
    previous = grads.get(key)
    grads[key] = g if previous is None else _add_grads(previous, g)


def _add_grads(previous: Any, g: Any) -> Any:
    """Two gradients of one tensor summed: sparse ones stay sparse (rows concatenated, the later
    path's first, as TF orders them); a sparse and a dense one make a dense sum."""
    if type(previous) is IndexedSlices or type(g) is IndexedSlices:
        if type(previous) is IndexedSlices and type(g) is IndexedSlices:
            return IndexedSlices(join_split_ops.concat([g.values, previous.values], 0),
                                 join_split_ops.concat([g.indices, previous.indices], 0), previous.dense_shape)
        return math_ops.add(_dense(previous), _dense(g))
    return math_ops.add(previous, g)


def _dense(g: Any) -> Any:
    return g._as_tensor() if type(g) is IndexedSlices else g


def _unbroadcast(g: Any, x: Any) -> Tensor:
    """`g` summed back to `x`'s shape (the gradient of broadcasting)."""
    if not isinstance(g, Tensor):
        g = math_ops.conversion.tensor(g)
    shape = x._array.shape
    gshape = g._array.shape
    if (type(g) is not EagerTensor or type(x) is not EagerTensor) and (
            dynamic_shape_ops.has_unknown(shape) or dynamic_shape_ops.has_unknown(gshape)):
        return execute(dynamic_shape_ops.UNBROADCAST, (g, x))  # graph shapes known at run time
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, d in enumerate(shape) if d == 1 and gshape[lead + i] != 1)
    if axes:  # straight to the ops: the axes and shape are already plain int tuples
        g = execute(reduce_ops.SUM, (g,), {"axis": axes, "keepdims": True})
    return execute(array_ops.RESHAPE, (g,), {"shape": shape}) if g._array.shape != shape else g


def _ones_like(t: Tensor) -> Tensor:
    if type(t) is not EagerTensor:  # a graph tensor (tf.function): a OnesLike op of the graph
        return execute(array_ops.ONES_LIKE, (t,))
    array = t._array
    xp = t._device.xp
    # A scalar loss is the usual target: array(1) is a quarter of the cost of ones(()).
    ones = xp.array(1, array.dtype) if array.ndim == 0 else xp.ones(array.shape, array.dtype)
    return EagerTensor(ones, t._device)


def _zeros_like(s: Any) -> Tensor:
    value = s.read_value() if isinstance(s, Variable) else s
    return math_ops.zeros_like_same(value)


def _source(s: Any) -> Any:
    """What the tape tracks for a source: an unread variable's variable; for an object acting as
    a resource variable (TF's `_should_act_as_resource_variable`, e.g. Keras's variable) its
    handle, which for eagerflow's variables is the variable itself; else the object."""
    if isinstance(s, UnreadVariable):
        return s._variable
    if getattr(s, "_should_act_as_resource_variable", False) and not isinstance(s, (Tensor, Variable)):
        return s.handle
    return s


def _flatten(structure: Any) -> list:
    if type(structure) is IndexedSlices:  # a composite: its component tensors (TF's expand_composites)
        return [structure.values, structure.indices] + ([] if structure.dense_shape is None else [structure.dense_shape])
    if isinstance(structure, dict):
        return [x for key in sorted(structure) for x in _flatten(structure[key])]
    if isinstance(structure, (list, tuple)):
        return [x for item in structure for x in _flatten(item)]
    return [structure]


def _pack(structure: Any, flat: Iterable) -> Any:
    if isinstance(structure, dict):
        return {key: _pack(structure[key], flat) for key in sorted(structure)}
    if isinstance(structure, (list, tuple)):
        packed = [_pack(item, flat) for item in structure]
        return type(structure)(packed) if isinstance(structure, tuple) and not hasattr(structure, "_fields") else \
            (type(structure)(*packed) if isinstance(structure, tuple) else packed)
    return next(flat)
