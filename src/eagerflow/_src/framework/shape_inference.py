"""Output dtypes and shapes of an op added to a graph, from its inputs' dtypes and static shapes.

An op may declare a rule (`Op.shape_fn(inputs, attrs) -> [(np_dtype, shape), ...]`; families
share one, e.g. elementwise broadcasting). Inputs are what `execute` got: symbolic tensors
(`_array` is an `AbstractArray`: shape dims may be None, shape None for unknown rank), eager
tensors (real arrays: constants) and, for resource ops, the variable. A rule returns None to
defer to the generic default.

The default runs the op's forward on small dummy arrays: constants keep their real values,
symbolic inputs become ones (then zeros, then identity matrices, for kernels that reject
some values) of their static shape. Unknown dimensions are filled with two different sizes in
two runs (with different values too): output dimensions that agree are static, the others None.
Graph tensors folded from constants (`constant_value`) take their real values. When no run
succeeds the outputs get unknown shapes (and the first input's dtype); the kernel's error then
comes when the graph runs.
Ops whose output shape depends on input values (unique, where, boolean_mask...) must declare
a rule (`value_dependent` below marks their outputs unknown-sized).
"""
from __future__ import annotations

import contextlib
from typing import Any

import numpy as np

# Two sizes for unknown dims that no usual stride or window maps to one output size (2 and 3
# both pool to 1 under a 2x2 stride-2 window, so they made unknown dims look static).
_SIZES = ((3, 11), (12, 24))


NOT_FOLDED = object()  # a symbolic tensor whose constant value was not looked for yet


class AbstractArrayLike:
    """Base of `symbolic_tensor.AbstractArray` (declared here so this module needs no import)."""

    __slots__ = ()


def broadcast_shapes(*shapes: Any) -> tuple | None:
    """NumPy broadcasting over static shapes with None dims (None: unknown rank); raises
    ValueError for shapes that can never broadcast."""
    if any(s is None for s in shapes):
        return None
    rank = max(len(s) for s in shapes)
    out = []
    for i in range(rank):
        dims = [s[len(s) - rank + i] for s in shapes if len(s) - rank + i >= 0]
        known = {d for d in dims if d is not None and d != 1}
        if len(known) > 1:
            raise ValueError(f"Incompatible shapes: {_text(shapes[0])} vs. {_text(shapes[-1])}")
        if known:
            out.append(known.pop())
        elif None in dims:
            out.append(None)  # unknown vs 1 (or unknown vs unknown): unknown
        else:
            out.append(1)
    return tuple(out)


def _text(shape: tuple) -> str:
    return "[" + ",".join("?" if d is None else str(d) for d in shape) + "]"


def elementwise(inputs: Any, attrs: dict) -> list | None:
    """Rule for elementwise ops (unary and broadcasting n-ary): the inputs' broadcast shape;
    the dtype the kernel gives on one-element dummies (cached per op and input dtypes)."""
    op = _CURRENT_OP[-1]
    shape = broadcast_shapes(*(x._array.shape for x in inputs))
    key = (op.name, tuple(x._array.dtype for x in inputs), tuple(sorted(attrs.items(), key=str))
           if attrs else ())
    try:
        dtype = _dtype_cache.get(key)
    except TypeError:  # unhashable attrs
        key, dtype = None, None
    if dtype is None:
        arrays = [_dummy(AbstractShape(x._array.dtype), "ones", 1, np) for x in inputs]
        try:
            out = op.forward(np, *arrays, **attrs)
        except Exception:  # noqa: BLE001 - e.g. a kernel refusing dummy values: run the default
            return None
        dtype = np.asarray(out).dtype
        if key is not None:
            _dtype_cache[key] = dtype
    return [(dtype, shape)] * op.num_outputs


class AbstractShape:
    """A dtype with a one-element shape, for dtype-probing dummy runs."""

    __slots__ = ("dtype", "shape")

    def __init__(self, dtype: Any) -> None:
        self.dtype = dtype
        self.shape = (1,)


_dtype_cache: dict = {}


def same_as_first(inputs: Any, attrs: dict) -> list:
    """Rule for ops that keep their first input's dtype and shape."""
    first = inputs[0]._array
    return [(first.dtype, first.shape)]


def value_dependent(inputs: Any, attrs: dict) -> list | None:
    """Rule for ops whose output size depends on values: run the default on the dummies for
    dtype and rank, then mark every dimension unknown."""
    found = run_dummies(inputs, attrs, _CURRENT_OP[-1])
    if found is None:
        return None
    return [(d, None if s is None else (None,) * len(s)) for d, s in found]


_CURRENT_OP: list = []


def infer(op: Any, inputs: Any, attrs: dict) -> list:
    """[(np_dtype, shape tuple or None), ...] for each output of `op` on `inputs`."""
    if op.num_outputs == 0:
        return []
    rule = op.shape_fn
    if rule is not None:
        _CURRENT_OP.append(op)
        try:
            found = rule(inputs, attrs)
        finally:
            _CURRENT_OP.pop()
        if found is not None:
            return found
    if not op.stateful:  # a stateful kernel (random) must not run while tracing
        found = run_dummies(inputs, attrs, op)
        if found is not None:
            return found
    dtype = _first_dtype(op, inputs)
    return [(dtype, None)] * op.num_outputs


def _first_dtype(op: Any, inputs: Any) -> Any:
    for x in inputs:
        array = getattr(x, "_array", None)
        if array is not None and hasattr(array, "dtype"):
            return array.dtype
    return np.dtype(np.float32)


class _DummyVariable:
    """A stand-in for a variable in a resource op's dummy run: a copy of its value, no lock."""

    __slots__ = ("_array", "_device", "_lock", "_shape")

    def __init__(self, variable: Any, array: Any) -> None:
        self._array = array
        self._device = variable._device
        self._lock = contextlib.nullcontext()
        self._shape = getattr(variable, "_shape", None)


def _abstract(x: Any) -> bool:
    return isinstance(x._array, AbstractArrayLike)


def _dummy(array: Any, fill: str, size: int, xp: Any, offset: int = 0) -> Any:
    shape = tuple(size if d is None else d for d in array.shape)
    dtype = array.dtype
    if dtype == object:
        out = np.empty(shape, dtype=object)
        out.fill(b"")
        return out
    if fill == "ones":
        return np.ones(shape, dtype)
    if fill == "zeros":
        return np.zeros(shape, dtype)
    if fill == "arange":  # values unlike ones (2, 3, 4...; alternating for bool)
        count = int(np.prod(shape)) if shape else 1
        values = np.arange(2 + offset, count + 2 + offset).reshape(shape)
        return (values % 2 == 0) if dtype == np.bool_ else values.astype(dtype)
    out = np.zeros(shape, dtype)  # identity matrices in the last two dims (linear algebra)
    if len(shape) >= 2:
        n = min(shape[-1], shape[-2])
        out[..., range(n), range(n)] = 1
    else:
        out[...] = 1
    return out


def run_dummies(inputs: Any, attrs: dict, op: Any) -> list | None:
    """The default rule (see the module docstring); None when the kernel ran on no dummies."""
    symbolic = [i for i, x in enumerate(inputs) if not (op.resource and i == 0) and _abstract(x)]
    known = {}
    for i in symbolic:
        value = constant_value(inputs[i])  # a graph tensor folded from constants: its real value
        if value is not None:
            known[i] = value
    symbolic = [i for i in symbolic if i not in known]
    if any(inputs[i]._array.shape is None for i in symbolic):
        return _unknown_rank_dtypes(op, inputs, attrs, symbolic, known)  # shapes unknown, dtypes found
    has_unknown = any(None in inputs[i]._array.shape for i in symbolic)
    variable = inputs[0] if op.resource else None
    if variable is not None and variable._array is None:
        return None
    def attempt(size: int, skip: str | None = None) -> tuple[str, list] | None:
        for fill in _FILLS:
            if fill == skip:
                continue
            try:
                return fill, _run(op, inputs, attrs, symbolic, fill, size, variable, known)
            except Exception:  # noqa: BLE001 - any kernel failure: try other values
                continue
        return None

    # Two runs with different values (and, for unknown dims, different sizes): output dims that
    # differ depend on values or unknown sizes and are None (tf.range(n), unique, ...).
    small, large = (1, 1) if not has_unknown else _SIZES[0]
    first = attempt(small)
    if first is None and has_unknown:
        small, large = _SIZES[1]
        first = attempt(small)
    if first is None and has_unknown:  # sizes tied to a known dim of another input (values beside
        sizes = {d for x in inputs if getattr(x, "_array", None) is not None  # their 4 indices)
                 and getattr(x._array, "shape", None) is not None for d in x._array.shape
                 if isinstance(d, int) and d > 1} - {3, 11, 12, 24}
        for size in sorted(sizes):
            first = attempt(size)
            if first is not None:
                small, large = size, None
                break
    if first is None:  # the kernel refuses every dummy (a value check): shapes left unknown
        return None
    second = None if large is None else (attempt(large, skip=first[0]) or (attempt(large) if has_unknown else None))
    if second is None and has_unknown:  # only one size ran (Cross needs 3): a dim of that size may be
        return [(dtype, None if shape is None else tuple(None if d == small else d for d in shape))
                for dtype, shape in first[1]]  # an unknown input's, so it is unknown
    return _merge([first[1], second[1]]) if second is not None else first[1]


_FILLS = ("ones", "arange", "zeros", "eye")


def _unknown_rank_dtypes(op: Any, inputs: Any, attrs: dict, symbolic: list, known: dict) -> list | None:
    """An input of unknown rank: the output dtypes from a run on dummies of some rank that the
    kernel takes (Shape's int32, a comparison's bool), every output shape unknown."""
    if op.resource:
        return None
    for rank in (2, 1, 3, 4, 0):
        arrays = [x._array for x in inputs]
        try:
            for i in symbolic:
                a = inputs[i]._array
                shape = (3,) * rank if a.shape is None else tuple(3 if d is None else d for d in a.shape)
                arrays[i] = np.full(shape, b"", object) if a.dtype == object else np.ones(shape, a.dtype)
            for i, value in known.items():
                arrays[i] = value
            for i, x in enumerate(inputs):
                if i not in symbolic and i not in known and not isinstance(arrays[i], np.ndarray):
                    arrays[i] = np.asarray(x._device.backend.to_host(arrays[i]))
            out = op.forward(np, *arrays, **attrs)
        except Exception:  # noqa: BLE001 - a rank the kernel refuses: try another
            continue
        outs = [out] if op.num_outputs == 1 else list(out)
        return [(_dtype_of(o), None) for o in outs]
    return None


def _run(op: Any, inputs: Any, attrs: dict, symbolic: list, fill: str, size: int, variable: Any,
         known: dict | None = None) -> list:
    arrays = [x._array for x in inputs]
    for k, i in enumerate(symbolic):
        arrays[i] = _dummy(arrays[i], fill, size, np, offset=3 * k)
    for i, value in (known or {}).items():
        arrays[i] = value
    # Constants on an accelerator come to the host: the dummy run is NumPy.
    for i, x in enumerate(inputs):
        if i not in symbolic and i not in (known or {}) and not (op.resource and i == 0) \
                and not isinstance(arrays[i], np.ndarray):
            arrays[i] = np.asarray(x._device.backend.to_host(arrays[i]))
    if variable is not None:
        value = variable._array
        if not isinstance(value, np.ndarray):
            value = np.asarray(variable._device.backend.to_host(value))
        arrays[0] = _DummyVariable(variable, value.copy())
    out = op.forward(np, *arrays, **attrs)
    outs = [out] if op.num_outputs == 1 else list(out)
    return [(_dtype_of(o), tuple(np.shape(o))) for o in outs]


def _dtype_of(out: Any) -> Any:
    """A kernel output's dtype; a string picked out of an object array (a bytes scalar) is a string
    tensor's object dtype, not NumPy's fixed-width bytes."""
    dtype = np.asarray(out).dtype
    return np.dtype(object) if dtype.kind in "SU" else dtype


def _merge(runs: list) -> list:
    if len(runs) == 1:
        return runs[0]
    merged = []
    for (dtype, a), (_, b) in zip(runs[0], runs[1]):
        if len(a) != len(b):
            merged.append((dtype, None))
        else:
            merged.append((dtype, tuple(x if x == y else None for x, y in zip(a, b))))
    return merged


def constant_value(t: Any) -> Any:
    """The value of a tensor known while tracing, as a NumPy array, or None when it is known at
    run time only: eager tensors, graph `Const`s, `Shape` of a fully known static shape, and
    stateless ops of such values (evaluated here, as TF's `constant_value` folds shapes)."""
    array = getattr(t, "_array", None)
    if array is None:
        return None
    if not isinstance(array, AbstractArrayLike):
        return np.asarray(t._device.backend.to_host(array)) if hasattr(t, "_device") else np.asarray(array)
    memo = getattr(t, "_folded", None)
    if memo is not NOT_FOLDED:
        return memo
    value = _fold(t)
    t._folded = value
    return value


def _fold(t: Any) -> Any:
    array = t._array
    node = getattr(t, "_op", None)
    if node is None:
        return None
    if node.type == "Const":
        value = node.attrs["value"]
        return np.asarray(value._device.backend.to_host(value._array))
    if node.type == "Shape":
        shape = node._inputs[0]._array.shape
        if shape is None or None in shape:
            return None
        return np.asarray(shape, dtype=array.dtype)
    if node.type == "Rank":
        shape = node._inputs[0]._array.shape
        return None if shape is None else np.asarray(len(shape), dtype=np.int32)
    op = node.op
    if op is None or op.stateful or op.resource or op.num_outputs == 0:
        return None
    values = []
    for x in node._inputs:
        value = constant_value(x)
        if value is None:
            return None
        values.append(value)
    try:
        out = op.forward(np, *values, **node.attrs)
    except Exception:  # noqa: BLE001 - not foldable: known at run time only
        return None
    return np.asarray(out if op.num_outputs == 1 else out[t._value_index])


def shape_value(t: Any) -> tuple | None:
    """A rank-1 int tensor read as a shape, dims known or None (TF's `constant_value_as_shape`):
    its folded value when known, else per element for a `Pack` of scalars (tf.stack([batch,
    8, 8, 4])) and the static dims of a `Shape`; None when not even its length is known."""
    value = constant_value(t)
    if value is not None:
        return tuple(int(d) for d in value.reshape(-1))
    node = getattr(t, "_op", None)
    if node is not None and node.type == "Pack" and not node.attrs.get("axis", 0):
        dims = []
        for x in node._inputs:
            v = constant_value(x)
            dims.append(None if v is None or v.size != 1 else int(v.reshape(-1)[0]))
        return tuple(dims)
    if node is not None and node.type == "Shape" and node._inputs[0]._array.shape is not None:
        return tuple(node._inputs[0]._array.shape)
    if node is not None and node.type == "StridedSlice" and getattr(node._inputs[0], "_op", None) is not None:
        # A slice of a static shape (`tf.shape(images)[1:3]`): its known dims, as TF's shape
        # inference reads a shape tensor through StridedSlice.
        index = node.attrs.get("index")
        source = shape_value(node._inputs[0]) if node._inputs[0]._op.type in ("Shape", "Pack") else None
        if source is not None and isinstance(index, tuple) and len(index) == 1 and isinstance(index[0], slice):
            return tuple(source[index[0]])
    length = t._array.shape
    if length is None or len(length) != 1 or length[0] is None:
        return None
    return (None,) * length[0]


def shape_from_input(dtype_attr: str | None = None, dtype_input: int | None = None,
                     suffix_input: int | None = None) -> Any:
    """Rule for ops whose first input is the output shape (random ops): the dtype from attr
    `dtype_attr` or input `dtype_input`, the shape from the first input's value when known
    (else its length, dims unknown), followed by input `suffix_input`'s shape."""

    def rule(inputs: Any, attrs: dict) -> list:
        if dtype_attr is not None:
            dtype = attrs[dtype_attr]
            dtype = np.dtype(getattr(dtype, "_np", dtype))
        else:
            dtype = inputs[dtype_input]._array.dtype
        shape: Any = shape_value(inputs[0])
        if suffix_input is not None and shape is not None:
            suffix = inputs[suffix_input]._array.shape
            shape = None if suffix is None else shape + tuple(suffix)
        return [(dtype, shape)]

    return rule


def multinomial(inputs: Any, attrs: dict) -> list:
    """Rule for Multinomial: [batch, num_samples] of `output_dtype`."""
    logits = inputs[0]._array.shape
    n = constant_value(inputs[1])
    batch = None if logits is None else logits[0]
    dtype = attrs.get("output_dtype", np.int64)
    return [(np.dtype(getattr(dtype, "_np", dtype)), (batch, None if n is None else int(n)))]
