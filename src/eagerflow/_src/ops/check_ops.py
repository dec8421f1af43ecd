"""Assertions and numeric checks (`tf.debugging`): TF's eager checks, messages and error classes.

Eager asserts compare through eagerflow's ops and raise at once, with the message TF's eager
path builds (`Condition x == y did not hold.` and the first differing values). Static checks
(rank, dtype, shape) raise ValueError/TypeError as TF's do. `CheckNumerics` is an op (TF's
name, a kernel that raises, a gradient that checks the gradient).
"""
from __future__ import annotations

import threading
from typing import Any, Callable

import numpy as np

from eagerflow._src.framework import context
from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.convert import convert_to_tensor
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import math_ops, reduce_ops
from eagerflow._src.ops.dtype_sets import FLOAT

# --- CheckNumerics ops ----------------------------------------------------------------------


def _numerics_v1(xp: Any, x: Any, message: str = "") -> Any:
    nan, inf = bool(xp.isnan(x).any()), bool(xp.isinf(x).any())
    if nan or inf:
        found = "Inf and NaN" if nan and inf else ("NaN" if nan else "Inf")
        raise errors.InvalidArgumentError(None, None, f"{message} : Tensor had {found} values")
    return x


def _numerics_v2(xp: Any, x: Any, message: str = "") -> Any:
    nan = bool(xp.isnan(x).any())
    inf = xp.isinf(x)
    negative, positive = bool((inf & (x < 0)).any()), bool((inf & (x > 0)).any())
    found = [name for name, hit in (("-Inf", negative), ("+Inf", positive), ("NaN", nan)) if hit]
    if found:
        # TF's kernel: "-Inf, +Inf, and NaN" for all three, "A and B" for two.
        text = ", ".join(found[:-1]) + ", and " + found[-1] if len(found) == 3 else " and ".join(found)
        raise errors.InvalidArgumentError(None, None, f"{message} : Tensor had {text} values")
    return x


def _check_numerics_grad(ctx: Any, dy: Tensor) -> tuple:
    # TF: the gradient is checked too, its message naming the forward's.
    return (check_numerics(dy, "Not a number (NaN) or infinity (Inf) values detected in "
                               f"gradient. {ctx.attrs.get('message', '')}"),)


# TF's OpDefs mark both stateful: graphs must never fold or prune them.
CHECK_NUMERICS = Op("CheckNumerics", _numerics_v1, grad=_check_numerics_grad, dtypes=FLOAT,
                    stateful=True)
CHECK_NUMERICS_V2 = Op("CheckNumericsV2", _numerics_v2, grad=_check_numerics_grad, dtypes=FLOAT,
                       stateful=True)


def check_numerics(tensor: Any, message: str, name: str | None = None) -> Tensor:
    """Checks a float tensor for NaN and Inf values; returns it unchanged.

    Raises:
      InvalidArgumentError: `"<message> : Tensor had NaN values"` (or Inf, or both), or for a
        non-float dtype.
    """
    return execute(CHECK_NUMERICS, (convert_to_tensor(tensor),), {"message": message})


def check_numerics_v2(tensor: Any, message: str) -> Tensor:
    """As `check_numerics`, telling -Inf from +Inf (TF's CheckNumericsV2)."""
    return execute(CHECK_NUMERICS_V2, (convert_to_tensor(tensor),), {"message": message})


def assert_all_finite(x: Any, message: str, name: str | None = None) -> Tensor:
    """Asserts `x` has no NaN or Inf values; returns `x`.

    Raises:
      InvalidArgumentError: as `check_numerics` does.
    """
    return check_numerics(x, message)


# --- enable_check_numerics: every float output of every op is checked -----------------------

# Ops whose outputs may hold Inf/NaN without being the op's fault (TF's SAFE_OPS).
_SAFE_OPS = frozenset({
    "Concat", "ConcatV2", "ExpandDims", "Fill", "Gather", "Maximum", "Minimum", "Reshape", "Slice",
    "Squeeze", "Stack", "StridedSlice", "StridedSliceGrad", "Transpose", "Unpack",
    "CheckNumerics", "CheckNumericsV2",
})
_checkers = threading.local()


class _NumericsChecker:
    """Sits with this thread's tapes and checks each op's float outputs as TF's callback does."""

    def __init__(self, stack_height_limit: int, path_length_limit: int) -> None:
        self.stack_height_limit = stack_height_limit
        self.path_length_limit = path_length_limit

    def record(self, op: Op, inputs: tuple, attrs: dict, output: Any) -> None:
        if output is None or op.name in _SAFE_OPS:
            return
        outputs = output if isinstance(output, list) else [output]
        for slot, out in enumerate(outputs):
            if not (isinstance(out, Tensor) and out.dtype.is_floating):
                continue
            if not hasattr(out, "numpy"):  # traced: a stateful check runs with the graph
                check_numerics_v2(out, _numerics_report(slot, len(outputs), op.name, out, None,
                                                        inputs))
                continue
            array = out.numpy()
            if not np.isfinite(array).all():
                check_numerics_v2(out, _numerics_report(slot, len(outputs), op.name, out, array,
                                                        inputs))

    # custom_gradient pauses every recorder of the thread while its function runs.
    def _push(self) -> None:
        context.thread.tapes.append(self)
        context.add_taping(1)

    def _pop(self) -> None:
        context.thread.tapes.remove(self)
        context.add_taping(-1)


def _numerics_report(slot: int, num_outputs: int, op_type: str, tensor: Tensor, array: Any,
                     inputs: tuple) -> str:
    """TF's check-numerics callback message for an op's offending output (`array` is None for
    a traced op: the counts are unknown when the message is made)."""
    qualifier = "eagerly-executing" if array is not None else "graph"
    lines = [
        "", "", f'!!! Detected Infinity or NaN in output {slot} of {qualifier} op '
        f'"{op_type}" (# of outputs: {num_outputs}) !!!',
        f"  dtype: {tensor.dtype}", f"  shape: {tensor.shape}",
    ]
    if array is not None:
        inf = np.isinf(array)
        counts = (("-Inf", np.sum(inf & (array < 0))), ("+Inf", np.sum(inf & (array > 0))),
                  ("+NaN", np.sum(np.isnan(array))))
        lines += [f"  # of {label} elements: {count}" for label, count in counts if count > 0]
    if len(inputs) > 1:
        lines += ["", f"  Input tensors ({len(inputs)}):"]
        lines += [f"         {i}: {str(t)}" for i, t in enumerate(inputs)]
    elif len(inputs) == 1:
        lines += ["", f"  Input tensor: {str(inputs[0])}"]
    return "\n".join(lines) + "\n\n"


def enable_check_numerics(stack_height_limit: int = 30, path_length_limit: int = 50) -> None:
    """Checks every float output of every op run on this thread for Inf and NaN.

    An op producing one raises InvalidArgumentError describing the op, the counts of -Inf,
    +Inf and NaN elements and its inputs (TF's message). Takes effect on this thread only.
    """
    if getattr(_checkers, "active", None) is None:
        checker = _NumericsChecker(stack_height_limit, path_length_limit)
        checker._push()
        _checkers.active = checker


def disable_check_numerics() -> None:
    """Stops the checks `enable_check_numerics` started on this thread (no-op otherwise)."""
    checker = getattr(_checkers, "active", None)
    if checker is not None:
        if checker in context.thread.tapes:
            checker._pop()
        _checkers.active = None


# --- eager assertion messages ---------------------------------------------------------------


def _message_prefix(message: str | None) -> str:
    return f"{message}.  " if message else ""


def _shape_and_dtype_str(tensor: Tensor) -> str:
    return f"shape={tensor.shape} dtype={tensor.dtype.name}"


def _pretty_print(item: Any, summarize: int) -> str:
    """One entry of an assert's data as TF's eager asserts print it."""
    if isinstance(item, Tensor):
        array = item.numpy()
        if np.isscalar(array):
            return str(array)
        flat = array.reshape((-1,))
        texts = [str(v) for v in flat[:summarize]]
        if len(texts) < flat.size:
            texts.append("...")
        return str(texts)
    return str(item)


def _summarize_eager(tensor: Tensor, summarize: int | None) -> str:
    """A tensor as TF's eager `Assert` summarizes it: first `summarize` values, comma-joined."""
    if summarize is None:
        summarize = 3
    elif summarize < 0:
        summarize = int(np.prod(tensor.shape.as_list()))
    array = tensor.numpy()
    if tensor.shape.rank:
        flat = array.reshape((-1,))
        texts = [str(v) for v in flat[:summarize]]
        if len(texts) < flat.size:
            texts.append("...")
    else:
        texts = [str(array)] if summarize != 0 else []
    return ", ".join(texts)


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _graph_summary(array: Any, summarize: int) -> str:
    """One Assert input as TF's kernel prints it: strings raw, values space-separated."""
    flat = np.asarray(array).reshape(-1)
    if summarize < 0:
        summarize = flat.size
    texts = []
    for value in flat[:summarize]:
        if isinstance(value, bytes):
            texts.append(value.decode("utf-8", "replace"))
        elif isinstance(value, (bool, np.bool_)):
            texts.append(str(int(value)))
        elif isinstance(value, (float, np.floating)):
            texts.append(np.format_float_positional(value, trim="-"))
        else:
            texts.append(str(value))
    text = " ".join(texts)
    return text + "..." if flat.size > summarize else text


def _assert_kernel(xp: Any, condition: Any, *data: Any, summarize: int = 3) -> None:
    if not bool(np.asarray(condition).all()):
        raise errors.InvalidArgumentError(
            None, None, "assertion failed: " + " ".join(f"[{_graph_summary(d, summarize)}]" for d in data))


# TF's graph-mode Assert: stateful, no outputs; eager asserts never run it (they raise at once).
ASSERT = Op("Assert", _assert_kernel, num_outputs=0, stateful=True)


def _in_graph() -> bool:
    """Whether a tf.function is tracing on this thread (asserts become Assert ops)."""
    return getattr(context.thread, "graph", None) is not None


def _graph_assert(condition: Any, data: list, summarize: int | None) -> None:
    inputs = [convert_to_tensor(condition)] + [convert_to_tensor(d) for d in data]
    execute(ASSERT, inputs, {"summarize": 3 if summarize is None else summarize})


def _graph_name(tensor: Any, default: str) -> str:
    try:
        return str(tensor.name)
    except AttributeError:
        return default


def Assert(condition: Any, data: list, summarize: int | None = None, name: str | None = None) -> None:  # noqa: N802
    """Raises InvalidArgumentError if `condition` is false, printing `data` (TF's eager Assert).

    Args:
      condition: a Python or scalar tensor boolean.
      data: tensors (or values convertible to them) summarized in the message.
      summarize: how many entries of each tensor to print (default 3; negative: all).
    """
    if _in_graph():
        _graph_assert(condition, data, summarize)
        return
    if not condition:
        texts = [_summarize_eager(convert_to_tensor(d), summarize) for d in data]
        raise _invalid(f"Expected '{str(condition)}' to be true. Summarized data: "
                       + "\n".join(texts))


def _binary_message(sym: str, x: Tensor, y: Tensor, summarize: int, passed: Tensor) -> list:
    data: list = [f"Condition x {sym} y did not hold."]
    if summarize > 0:
        if x.shape == y.shape and x.shape.as_list():
            mask = np.logical_not(passed.numpy())
            indices = np.argwhere(mask)
            count = min(summarize, indices.shape[0])
            data += [f"Indices of first {count} different values:", indices[:count],
                     "Corresponding x values:", x.numpy()[mask].reshape((-1,))[:count],
                     "Corresponding y values:", y.numpy()[mask].reshape((-1,))[:count]]
        x_flat, y_flat = x.numpy().reshape((-1,)), y.numpy().reshape((-1,))
        x_count, y_count = min(x_flat.size, summarize), min(y_flat.size, summarize)
        data += [f"First {x_count} elements of x:", x_flat[:x_count],
                 f"First {y_count} elements of y:", y_flat[:y_count]]
    return data


def _binary_assert(sym: str, test: Callable, x: Any, y: Any, data: list | None,
                   summarize: int | None, message: str | None) -> None:
    x, y = convert_to_tensor(x), convert_to_tensor(y)
    passed = test(x, y)
    if _in_graph():
        if data is None:
            data = [f"Condition x {sym} y did not hold element-wise:",
                    f"x ({_graph_name(x, 'x:0')}) = ", x, f"y ({_graph_name(y, 'y:0')}) = ", y]
        if message is not None:
            data = [message, *data]
        _graph_assert(reduce_ops.reduce_all(passed), data, summarize)
        return
    if bool(reduce_ops.reduce_all(passed).numpy()):
        return
    if summarize is None:
        summarize = 3
    elif summarize < 0:
        summarize = 10**9
    if data is None:
        data = _binary_message(sym, x, y, summarize, passed)
    if message is not None:
        data = [message, *data]
    raise _invalid("\n".join(_pretty_print(d, summarize) for d in data))


def assert_equal(x: Any, y: Any, message: str | None = None, summarize: int | None = None,
                 name: str | None = None) -> None:
    """Asserts `x == y` element-wise (broadcasting); raises InvalidArgumentError otherwise."""
    _binary_assert("==", math_ops.equal, x, y, None, summarize, message)


def assert_none_equal(x: Any, y: Any, summarize: int | None = None, message: str | None = None,
                      name: str | None = None) -> None:
    """Asserts `x != y` element-wise; raises InvalidArgumentError otherwise."""
    _binary_assert("!=", math_ops.not_equal, x, y, None, summarize, message)


def assert_less(x: Any, y: Any, message: str | None = None, summarize: int | None = None,
                name: str | None = None) -> None:
    """Asserts `x < y` element-wise; raises InvalidArgumentError otherwise."""
    _binary_assert("<", math_ops.less, x, y, None, summarize, message)


def assert_less_equal(x: Any, y: Any, message: str | None = None, summarize: int | None = None,
                      name: str | None = None) -> None:
    """Asserts `x <= y` element-wise; raises InvalidArgumentError otherwise."""
    _binary_assert("<=", math_ops.less_equal, x, y, None, summarize, message)


def assert_greater(x: Any, y: Any, message: str | None = None, summarize: int | None = None,
                   name: str | None = None) -> None:
    """Asserts `x > y` element-wise; raises InvalidArgumentError otherwise."""
    _binary_assert(">", math_ops.greater, x, y, None, summarize, message)


def assert_greater_equal(x: Any, y: Any, message: str | None = None,
                         summarize: int | None = None, name: str | None = None) -> None:
    """Asserts `x >= y` element-wise; raises InvalidArgumentError otherwise."""
    _binary_assert(">=", math_ops.greater_equal, x, y, None, summarize, message)


def _unary_assert(sym: str, test: Callable, x: Any, message: str | None,
                  summarize: int | None, one_line: bool = False) -> None:
    x = convert_to_tensor(x)
    name = _graph_name(x, "x:0") if _in_graph() else _shape_and_dtype_str(x)
    head = [f"Condition x {sym} 0 did not hold element-wise:", f"x ({name}) = "]
    if one_line:  # TF's assert_non_positive joins these two lines without a newline
        head = ["".join(head)]
    data = [_message_prefix(message), *head, x]
    _binary_assert(sym, test, x, convert_to_tensor(0, dtype=x.dtype), data, summarize, None)


def assert_negative(x: Any, message: str | None = None, summarize: int | None = None,
                    name: str | None = None) -> None:
    """Asserts `x < 0` element-wise; raises InvalidArgumentError otherwise."""
    _unary_assert("<", math_ops.less, x, message, summarize)


def assert_positive(x: Any, message: str | None = None, summarize: int | None = None,
                    name: str | None = None) -> None:
    """Asserts `x > 0` element-wise; raises InvalidArgumentError otherwise."""
    _unary_assert(">", math_ops.greater, x, message, summarize)


def assert_non_negative(x: Any, message: str | None = None, summarize: int | None = None,
                        name: str | None = None) -> None:
    """Asserts `x >= 0` element-wise; raises InvalidArgumentError otherwise."""
    _unary_assert(">=", math_ops.greater_equal, x, message, summarize)


def assert_non_positive(x: Any, message: str | None = None, summarize: int | None = None,
                        name: str | None = None) -> None:
    """Asserts `x <= 0` element-wise; raises InvalidArgumentError otherwise."""
    _unary_assert("<=", math_ops.less_equal, x, message, summarize, one_line=True)


def assert_near(x: Any, y: Any, rtol: Any = None, atol: Any = None, message: str | None = None,
                summarize: int | None = None, name: str | None = None) -> None:
    """Asserts `|x - y| < atol + rtol * |y|` element-wise (default tolerances 10 * eps)."""
    prefix = _message_prefix(message)
    x = convert_to_tensor(x)
    y = convert_to_tensor(y, dtype=x.dtype)
    dtype = x.dtype.real_dtype if x.dtype.is_complex else x.dtype
    eps = float(np.finfo(dtype.as_numpy_dtype).eps)
    rtol = convert_to_tensor(10 * eps if rtol is None else rtol, dtype=dtype)
    atol = convert_to_tensor(10 * eps if atol is None else atol, dtype=dtype)
    data = [prefix, f"x and y not equal to tolerance rtol = {str(rtol)}, atol = {str(atol)}",
            f"x ({_shape_and_dtype_str(x)}) = ", x, f"y ({_shape_and_dtype_str(y)}) = ", y]
    tolerance = math_ops.add(atol, math_ops.multiply(rtol, math_ops.abs(y)))
    difference = math_ops.abs(math_ops.subtract(x, y))
    Assert(reduce_ops.reduce_all(math_ops.less(difference, tolerance)), data, summarize)


# --- static checks --------------------------------------------------------------------------


def _is_sparse(value: Any) -> bool:
    return hasattr(value, "dense_shape") and hasattr(value, "indices")


def assert_type(tensor: Any, tf_type: Any, message: str | None = None,
                name: str | None = None) -> None:
    """Raises TypeError unless `tensor.dtype` is `tf_type` (checked statically)."""
    tf_type = _dtypes.as_dtype(tf_type)
    if not _is_sparse(tensor):
        tensor = convert_to_tensor(tensor)
    if tensor.dtype != tf_type:
        raise TypeError(f"{_message_prefix(message)}tensor must be of type {tf_type!r}; "
                        f"got {tensor.dtype!r}")


def assert_integer(x: Any, message: str | None = None, name: str | None = None) -> None:
    """Raises TypeError unless `x` has a (non-quantized) integer dtype."""
    x = convert_to_tensor(x)
    if not x.dtype.is_integer:
        raise TypeError(f'{_message_prefix(message)}Expected "x" to be integer type.  Found: '
                        f"tensor of dtype {x.dtype}")


def assert_scalar(tensor: Any, message: str | None = None, name: str | None = None) -> None:
    """Raises ValueError unless `tensor` is a scalar."""
    tensor = convert_to_tensor(tensor)
    if tensor.shape.rank != 0:
        raise ValueError(f"{_message_prefix(message)}Expected scalar shape, saw shape: "
                         f"{tensor.shape}.")


def assert_proper_iterable(values: Any) -> None:
    """Raises TypeError if `values` is a tensor, array, str/bytes or not iterable at all."""
    if isinstance(values, (Tensor, np.ndarray, str, bytes)) or _is_sparse(values):
        raise TypeError(f'Expected argument "values" to be a "proper" iterable.  Found: '
                        f"{type(values)}")
    if not hasattr(values, "__iter__"):
        raise TypeError(f'Expected argument "values" to be iterable.  Found: {type(values)}')


def _static_rank(rank: Any) -> int:
    rank_tensor = convert_to_tensor(rank)
    assert_type(rank_tensor, _dtypes.int32)
    value = rank_tensor.numpy()
    if np.ndim(value) != 0:
        raise ValueError("Rank must be a scalar.")
    return int(value)


def _rank_name(x: Any) -> str:
    """TF names the tensor in graph-mode rank errors ("Tensor x:0 must...") and not eagerly."""
    return _graph_name(x, "") if _in_graph() else ""


def _rank_of(x: Any) -> tuple[Any, int]:
    if not _is_sparse(x):
        x = convert_to_tensor(x)
    return x, len(x.shape)


def assert_rank(x: Any, rank: Any, message: str | None = None, name: str | None = None) -> None:
    """Raises ValueError unless `x` has rank `rank` (an int32 scalar)."""
    x, actual = _rank_of(x)
    wanted = _static_rank(rank)
    if actual != wanted:
        raise ValueError(f"{_message_prefix(message)}Tensor {_rank_name(x)} must have rank {wanted}.  Received "
                         f"rank {actual}, shape {x.shape}")


def assert_rank_at_least(x: Any, rank: Any, message: str | None = None,
                         name: str | None = None) -> None:
    """Raises ValueError unless `x` has rank `rank` or more."""
    x, actual = _rank_of(x)
    wanted = _static_rank(rank)
    if actual < wanted:
        raise ValueError(f"{_message_prefix(message)}Tensor {_rank_name(x)} must have rank at least {wanted}.  "
                         f"Received rank {actual}, shape {x.shape}")


def assert_rank_in(x: Any, ranks: Any, message: str | None = None, name: str | None = None) -> None:
    """Raises ValueError unless the rank of `x` is one of `ranks`."""
    x, actual = _rank_of(x)
    wanted = tuple(_static_rank(r) for r in ranks)
    if actual not in wanted:
        raise ValueError(f"{_message_prefix(message)}Tensor {_rank_name(x)} must have rank in {wanted}.  "
                         f"Received rank {actual}, shape {x.shape}")


def _known_size(symbol: Any) -> bool:
    if symbol is None:
        return False
    try:
        int(symbol)
    except (ValueError, TypeError):
        return False
    return True


def assert_shapes(shapes: Any, data: Any = None, summarize: int | None = None,
                  message: str | None = None, name: str | None = None) -> None:
    """Checks tensors' shapes against symbolic ones, as `tf.debugging.assert_shapes` does.

    `shapes` is a list of `(tensor, shape)` pairs (or a dict). A shape entry is an int (that
    size), a string (a size shared by every dimension given that symbol), None or '.' (any
    size); `...` or `'*'` first stands for any number of leading dimensions. A scalar counts
    as shape (1,).

    Raises:
      ValueError: on a rank or size mismatch, worded as TF's.
    """
    if isinstance(shapes, dict):
        shapes = shapes.items()
    prefix = _message_prefix(message)
    constraints = [(x if _is_sparse(x) else convert_to_tensor(x), s) for x, s in shapes
                   if s is not None]
    checked = []
    for tensor, symbolic in constraints:
        if not (hasattr(symbolic, "__iter__") or hasattr(symbolic, "__getitem__")):
            raise ValueError(
                f"{prefix}Tensor {_shape_and_dtype_str(tensor)}.  Specified shape must be an "
                "iterable.  An iterable has the attribute `__iter__` or `__getitem__`.  "
                f"Received specified shape: {symbolic}")
        symbols = tuple(symbolic)
        leading = False
        for i, symbol in enumerate(symbols):
            if symbol is Ellipsis or (isinstance(symbol, str) and symbol == "*"):
                if i != 0:
                    raise ValueError(
                        f"{prefix}Tensor {_shape_and_dtype_str(tensor)} specified shape index "
                        f"{i}.  Symbol `...` or `*` for a variable number of unspecified "
                        "dimensions is only allowed as the first entry")
                leading = True
        sizes = symbols[1:] if leading else symbols
        actual = list(tensor.shape.as_list()) if len(tensor.shape) else [1]
        checked.append((tensor, leading, actual, sizes or (1,)))

    for tensor, leading, _, sizes in checked:
        if len(sizes) in (0, 1):
            if not leading:
                assert_rank_in(tensor, [0, 1], message=message)
        elif leading:
            assert_rank_at_least(tensor, len(sizes), message=message)
        else:
            assert_rank(tensor, len(sizes), message=message)

    specified: dict = {}
    for tensor, leading, actual, sizes in checked:
        for i, symbol in enumerate(sizes):
            if symbol is None or (isinstance(symbol, str) and symbol == "."):
                continue
            dim = i - len(sizes) if leading else i
            if symbol in specified or _known_size(symbol):
                if _known_size(symbol):
                    wanted, how = int(symbol), "Specified explicitly"
                else:
                    wanted, by, at = specified[symbol]
                    how = f"Specified by tensor {_shape_and_dtype_str(by)} dimension {at}"
                if int(actual[dim]) != wanted:
                    raise ValueError(
                        f"{prefix}{how}.  Tensor {_shape_and_dtype_str(tensor)} dimension {dim} "
                        f"must have size {wanted}.  Received size {actual[dim]}, shape "
                        f"{tensor.shape}")
            else:
                specified[symbol] = (actual[dim], tensor, dim)


_NUMERIC = frozenset({
    "float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "uint16",
    "uint32", "uint64", "qint8", "qint16", "qint32", "quint8", "quint16", "complex64",
    "complex128", "bfloat16",
})


def is_numeric_tensor(tensor: Any) -> bool:
    """Whether `tensor` is a `tf.Tensor` of a numeric dtype (variables are not tensors)."""
    return isinstance(tensor, Tensor) and tensor.dtype.name in _NUMERIC


def assert_same_float_dtype(tensors: Any = None, dtype: Any = None) -> _dtypes.DType:
    """The one float dtype of `tensors` (and `dtype`); float32 when none is given.

    Raises:
      ValueError: if the dtypes differ or the common one is not floating.
    """
    if tensors:
        dtype = _same_base_type(tensors, dtype)
    if not dtype:
        dtype = _dtypes.float32
    elif not dtype.is_floating:
        raise ValueError(f"Expected floating point type, got {dtype}.")
    return dtype


def _same_base_type(items: Any, expected: Any) -> Any:
    first_text = None
    for item in items:
        if item is None:
            continue
        item_type = item.dtype.base_dtype
        if not expected:
            expected = item_type
            first_text = _item_text(item)
        elif expected != item_type:
            raise ValueError(f"{_item_text(item)}, type={item_type}, must be of the same type "
                             f"({expected}){f' as {first_text}' if first_text else ''}.")
    return expected


def _item_text(item: Any) -> str:
    try:
        return str(item.name)
    except AttributeError:  # an eager tensor has no name
        return str(item)


# --- traceback filtering (TF hides its own frames; eagerflow records the setting) -----------

_traceback_filtering = [True]


def is_traceback_filtering_enabled() -> bool:
    """Whether traceback filtering is on (the setting only: eagerflow filters no frames)."""
    return _traceback_filtering[0]


def enable_traceback_filtering() -> None:
    """Turns traceback filtering on (recorded; eagerflow's tracebacks are not filtered)."""
    _traceback_filtering[0] = True


def disable_traceback_filtering() -> None:
    """Turns traceback filtering off (recorded; eagerflow's tracebacks are not filtered)."""
    _traceback_filtering[0] = False


def enable_dump_debug_info(dump_root: str, tensor_debug_mode: str = "NO_TENSOR",
                           circular_buffer_size: int = 1000, op_regex: str | None = None,
                           tensor_dtypes: Any = None) -> None:
    """Accepted and ignored: eagerflow writes no tfdbg2 dumps (TF's Debugger V2 format)."""
    return None


def disable_dump_debug_info() -> None:
    """No-op: see `enable_dump_debug_info`."""
    return None
