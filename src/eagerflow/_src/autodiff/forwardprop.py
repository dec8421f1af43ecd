"""`tf.autodiff.ForwardAccumulator`: forward-mode autodiff (Jacobian-vector products).

An accumulator is a recorder on this thread's tape list, beside the `GradientTape`s: `execute`
offers it every op. For an op with a tangent on one of its inputs it computes the tangents of
the op's outputs at once, by transposing the op's own gradient (the double-VJP trick, as TF does
for ops without a forward rule): the gradient `dy -> J^T dy` is linear in `dy`, so running it on
a tape watching `dy` and differentiating it with the input tangents as upstream gradients gives
`J u`. Every op with a gradient therefore has a JVP and no op needs a second rule; an op whose
gradient is None for the inputs carrying tangents (stop_gradient, round, argmax) gives no tangent.

Strict nesting, as TF: the ops an accumulator runs to compute JVPs are seen only by the recorders
entered before it (outer tapes and accumulators: backward-over-forward, higher-order JVPs), never
by those entered after it. Tangents are kept while their primal tensor lives (weak references).
"""
from __future__ import annotations

import logging
import weakref
from typing import Any

from eagerflow._src.autodiff import tape as tape_lib
from eagerflow._src.autodiff.tape import GradientTape, UnconnectedGradients
from eagerflow._src.framework import context
from eagerflow._src.framework.indexed_slices import IndexedSlices
from eagerflow._src.framework.op import GradContext, Op
from eagerflow._src.ops import array_ops, math_ops, state_ops
from eagerflow._src.ops.conversion import convert_to_tensor
from eagerflow._src.util import nest
from eagerflow._src.variables import Variable

_thread = context.thread
_log = logging.getLogger("eagerflow")
_differentiable = tape_lib._differentiable
# Ops whose outputs' tangents are their input's tangent: no transposition needed (TF special-cases
# these too; a variable read also has no variable-shaped gradient input to transpose through).
_PASS_THROUGH = {state_ops.READ, array_ops.IDENTITY}


class ForwardAccumulator:
    """Computes Jacobian-vector products ("JVP"s) using forward-mode autodiff.

    Args:
      primals: a tensor or variable, or a nested structure of them, to watch.
      tangents: the same structure, each element shaped like its primal: the vector the
        Jacobian of the computation run while the accumulator is active multiplies.

    Raises:
      ValueError: if the same tensor or variable is listed more than once in `primals`.
    """

    def __init__(self, primals: Any, tangents: Any) -> None:
        self._recording = False
        # id(primal) -> (weak reference to the primal, its tangent)
        self._tangents: dict[int, tuple[Any, Any]] = {}
        seen = set()
        for primal in nest.flatten(primals):
            if id(primal) in seen:
                # TF's message, its "{}" included (TF never formats it).
                raise ValueError("Tensor {} was specified as a primal multiple times. This may indicate an error. "
                                 "If it was intended, please sum the corresponding tangents.")
            seen.add(id(primal))
        self._watch(primals, tangents)

    # --- context ------------------------------------------------------------------------------
    def __enter__(self) -> "ForwardAccumulator":
        self._push()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._recording:
            self._pop()

    def _push(self) -> None:
        if self._recording:
            raise ValueError("Accumulator is already recording.")
        _thread.tapes.append(self)
        context.add_taping(1)
        self._recording = True

    def _pop(self) -> None:
        if not self._recording:
            raise ValueError("Accumulator is not recording.")
        _thread.tapes.remove(self)
        context.add_taping(-1)
        self._recording = False

    # Tape-list readers that walk every recorder's recorded ops (cond's output extension) find none.
    _entries: tuple = ()

    # --- watching -----------------------------------------------------------------------------
    def _watch(self, primals: Any, tangents: Any) -> None:
        """Watches each primal with its tangent; watching one twice sums the tangents."""
        def watch(primal: Any, tangent: Any) -> None:
            if not primal.dtype.is_floating:
                _log.warning("The dtype of the watched primal must be floating (e.g. tf.float32), got %r",
                             primal.dtype)
            tangent = convert_to_tensor(tangent, dtype=primal.dtype)
            primal = tape_lib._source(primal)
            previous = self._lookup(primal)
            self._store(primal, tangent if previous is None else math_ops.add(previous, tangent))

        nest.map_structure(watch, primals, tangents)

    def _store(self, primal: Any, tangent: Any) -> None:
        key = id(primal)
        tangents = self._tangents

        def forget(ref: Any) -> None:
            entry = tangents.get(key)
            if entry is not None and entry[0] is ref:
                del tangents[key]

        tangents[key] = (weakref.ref(primal, forget), tangent)

    def _lookup(self, primal: Any) -> Any:
        entry = self._tangents.get(id(primal))
        if entry is None or entry[0]() is not primal:
            return None
        return entry[1]

    # --- recording (called by execute) --------------------------------------------------------
    def record(self, op: Op, inputs: Any, attrs: dict, output: Any) -> None:
        """Computes the tangents of `op`'s outputs when one of its inputs has a tangent."""
        if output is None or op.grad is None:
            return
        tangents = self._tangents
        for x in inputs:  # a plain loop: this runs once per op while the accumulator records
            if id(x) in tangents:
                break
        else:
            return
        in_tangents = [self._lookup(x) for x in inputs]
        if all(t is None for t in in_tangents):
            return
        outputs = output if type(output) is list else [output]
        if not any(_differentiable(o) for o in outputs):
            return
        saved = _thread.tapes
        # Only the recorders entered before this one see the JVP computation (TF's nesting).
        _thread.tapes = saved[:saved.index(self)] if self in saved else []
        try:
            if op in _PASS_THROUGH:
                out_tangents = [array_ops.identity(in_tangents[0])]
            else:
                out_tangents = _transposed_gradient(op, tuple(inputs), attrs, output, in_tangents)
        finally:
            _thread.tapes = saved
        for o, t in zip(outputs, out_tangents):
            if t is not None:
                self._store(o, _dense(t))

    _record_custom = record  # custom_gradient calls: their grad_fn is transposed the same way

    # --- results ------------------------------------------------------------------------------
    def jvp(self, primals: Any, unconnected_gradients: Any = UnconnectedGradients.NONE) -> Any:
        """The JVPs computed for `primals` (a tensor or structure), looked up, not computed.

        Returns None for a tensor no JVP was computed for, or zeros with
        `unconnected_gradients="zero"`.
        """
        unconnected = UnconnectedGradients(unconnected_gradients)

        def fetch(tensor: Any) -> Any:
            result = self._lookup(tape_lib._source(tensor))
            if result is None and unconnected is UnconnectedGradients.ZERO:
                result = array_ops.zeros_like(tensor)
            return result

        return nest.map_structure(fetch, primals)


def _transposed_gradient(op: Op, inputs: tuple, attrs: dict, output: Any, in_tangents: list) -> list:
    """The tangents of `op`'s outputs (None for outputs without one): its gradient, run on a tape
    watching the upstream gradients ("aids", ones), differentiated with the input tangents as
    seeds. The aids' values never matter: the gradient is linear in them."""
    multi = type(output) is list
    outputs = output if multi else [output]
    transpose = GradientTape(watch_accessed_variables=False)
    with transpose:
        aids = [math_ops.ones_like_same(o) if _differentiable(o) else None for o in outputs]
        watched = [a for a in aids if a is not None]
        transpose.watch(watched)
        dy = [math_ops.zeros_like_same(o) if a is None else a for o, a in zip(outputs, aids)] if multi else aids[0]
        needs = tuple(t is not None for t in in_tangents)
        grads = op.grad(GradContext(inputs, attrs, output, needs), dy)
        targets, seeds = [], []
        for x, g, t in zip(inputs, grads, in_tangents):
            if t is None or g is None:
                continue
            g = _dense(g)
            if not isinstance(x, Variable):
                g = tape_lib._unbroadcast(g, x)
            targets.append(g)
            seeds.append(t)
    if not targets:
        return [None] * len(outputs)
    found = transpose.gradient(targets, watched, output_gradients=seeds)
    found = iter(found)
    return [None if a is None else next(found) for a in aids]


def _dense(g: Any) -> Any:
    return g._as_tensor() if type(g) is IndexedSlices else g

