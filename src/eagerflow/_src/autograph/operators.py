"""What converted code calls (`ag__.*`): control flow that is Python for Python values and
graph control flow (`tf.cond`, `tf.while_loop`) for tensors of a graph being traced.

Eager tensors take the Python path (their truth value is known), as TF's autograph does.
"""
from __future__ import annotations

import builtins
from typing import Any, Callable

from eagerflow._src.framework.tensor import EagerTensor, Tensor


class Undefined:
    """The value of a variable that is not defined yet (before a branch or loop assigns it)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Undefined({self.name!r})"

    def __getattr__(self, attr: str) -> Any:
        raise AttributeError(f"'{self.name}' is not defined")


class UndefinedReturnValue:
    """The return value before any `return` ran (a function that returns nothing gives None)."""

    __slots__ = ()


def retval(value: Any) -> Any:
    return None if isinstance(value, UndefinedReturnValue) else value


def ld(read: Callable[[], Any], name: str) -> Any:
    """The variable's current value, or `Undefined(name)` when it has none yet."""
    try:
        return read()
    except NameError:
        return Undefined(name)


def _symbolic(x: Any) -> bool:
    return type(x) is not EagerTensor and isinstance(x, Tensor)


def _graph() -> Any:
    from eagerflow._src.ops import graph_control_flow
    return graph_control_flow


def _loops() -> Any:
    from eagerflow._src.ops import graph_loops
    return graph_loops


# --- expressions --------------------------------------------------------------------------------
def not_(x: Any) -> Any:
    if _symbolic(x):
        from eagerflow._src.ops.math_ops import logical_not
        return logical_not(x)
    return not x


def and_(left: Callable[[], Any], right: Callable[[], Any]) -> Any:
    value = left()
    if _symbolic(value):
        from eagerflow._src.ops.control_flow_ops import cond
        return cond(value, right, lambda: value)
    return value and right()


def or_(left: Callable[[], Any], right: Callable[[], Any]) -> Any:
    value = left()
    if _symbolic(value):
        from eagerflow._src.ops.control_flow_ops import cond
        return cond(value, lambda: value, right)
    return value or right()


def if_exp(test: Any, true_value: Callable[[], Any], false_value: Callable[[], Any]) -> Any:
    """`a if test else b`: `tf.cond` for a tensor of the trace, Python's otherwise."""
    if _symbolic(test):
        from eagerflow._src.ops.control_flow_ops import cond
        return cond(test, true_value, false_value)
    return true_value() if test else false_value()


# --- calls --------------------------------------------------------------------------------------
def converted_call(f: Any, args: tuple, kwargs: dict | None) -> Any:
    """Calls `f`, converted first when it is user code (see conversion.py)."""
    from eagerflow._src.autograph import conversion

    if kwargs is None:
        kwargs = {}
    builtin = _BUILTINS.get(id(f))
    if builtin is not None and builtin[0] is f:
        return builtin[1](*args, **kwargs)
    return conversion.converted_callable(f)(*args, **kwargs)


def _range(*args: Any) -> Any:
    if any(_symbolic(a) for a in args):
        from eagerflow._src.ops.array_ops import range as tf_range
        return tf_range(*args)
    return builtins.range(*args)


def _len(x: Any) -> Any:
    if _symbolic(x):
        dim = x.shape[0] if x.shape.rank else None
        if dim is not None:
            return dim
        from eagerflow._src.ops.array_ops import shape
        return shape(x)[0]
    return builtins.len(x)


_BUILTINS = {id(builtins.range): (builtins.range, _range), id(builtins.len): (builtins.len, _len)}


# --- if -----------------------------------------------------------------------------------------
def if_stmt(test: Any, true_fn: Callable, false_fn: Callable, state: tuple, names: tuple,
            live: tuple) -> tuple:
    """`if test:` over the variables `names` (current values `state`); returns their new values."""
    if _symbolic(test):
        return _tf_if(test, true_fn, false_fn, state, names, live)
    return true_fn(*state) if test else false_fn(*state)


def _tf_if(test: Any, true_fn: Callable, false_fn: Callable, state: tuple, names: tuple,
           live: tuple) -> tuple:
    def reconcile(outs_true: tuple, outs_false: tuple) -> tuple[tuple, tuple]:
        t_out, f_out = list(outs_true), list(outs_false)
        for i, name in enumerate(names):
            a, b = t_out[i], f_out[i]
            a_undef = isinstance(a, (Undefined, UndefinedReturnValue))
            b_undef = isinstance(b, (Undefined, UndefinedReturnValue))
            if a_undef and b_undef:
                t_out[i] = f_out[i] = None
                continue
            if a_undef or b_undef:
                if isinstance(a if a_undef else b, UndefinedReturnValue):
                    # A return on one branch only: the other branch's value is never returned.
                    filler = _zeros_from_spec(b if a_undef else a)
                    if a_undef:
                        t_out[i] = filler
                    else:
                        f_out[i] = filler
                    continue
                if not live[i]:
                    t_out[i] = f_out[i] = None
                    continue
                raise ValueError(f"'{name}' must also be initialized in the "
                                 f"{'main' if a_undef else 'else'} branch")
            _same_structure(name, a, b, "in the main and else branches")
            if a is None and b is not None:
                raise ValueError(f"'{name}' is None at the end of the main branch.")
            if b is None and a is not None:
                raise ValueError(f"'{name}' is None at the end of the else branch.")
            a_dtype, b_dtype = _dtype_of(a), _dtype_of(b)
            if a_dtype is not None and b_dtype is not None and a_dtype != b_dtype:
                raise TypeError(f"'{name}' has dtype {a_dtype.name} in the main branch, but dtype "
                                f"{b_dtype.name} in the else branch")
        return tuple(t_out), tuple(f_out)

    return tuple(_graph().cond(test, lambda: tuple(true_fn(*state)), lambda: tuple(false_fn(*state)),
                               None, reconcile=reconcile))


def _zeros_from_spec(like: Any) -> Any:
    """Zeros shaped like `like` (a tensor of a branch graph), made in the current graph."""
    from eagerflow._src.ops.array_ops import zeros
    if not isinstance(like, Tensor):
        like = _tensorize(like)
    dims = like.shape.as_list() if like.shape.rank is not None else []
    return zeros([0 if d is None else d for d in dims], like.dtype)


def _same_structure(name: str, a: Any, b: Any, where: str) -> None:
    from eagerflow._src.ops import control_flow_ops as cf

    if (cf.is_nested(a) or cf.is_nested(b)) and not cf.same_structure(a, b, False):
        try:
            cf.assert_same_structure(a, b, check_types=False)
        except (TypeError, ValueError) as e:
            raise TypeError(f"'{name}' must have the same nested structure {where}:\n\n{e}") from None


def _dtype_of(x: Any) -> Any:
    if isinstance(x, Tensor):
        return x.dtype
    if isinstance(x, bool):
        from eagerflow._src.framework import dtypes
        return dtypes.bool
    if isinstance(x, int):
        from eagerflow._src.framework import dtypes
        return dtypes.int32
    if isinstance(x, float):
        from eagerflow._src.framework import dtypes
        return dtypes.float32
    return None


# --- while --------------------------------------------------------------------------------------
def while_stmt(test: Callable, body: Callable, state: tuple, names: tuple, live: tuple,
               opts: Callable | None = None) -> tuple:
    """`while test():` over the variables `names`; returns their values after the loop.
    `opts()` gives the `tf.autograph.experimental.set_loop_options` of the loop's body."""
    while True:
        value = test(*state)
        if _symbolic(value):
            return _tf_while(test, body, state, names, live, opts() if opts else None)
        if not value:
            return state
        state = tuple(body(*state))


def for_stmt(iterable: Any, extra_test: Callable | None, body: Callable, state: tuple,
             names: tuple, live: tuple, opts: Callable | None = None) -> tuple:
    """`for item in iterable:` over the variables `names`; `extra_test` (from a `break`) is
    checked before each step."""
    if _symbolic(iterable):
        return _tf_for(iterable, extra_test, body, state, names, live, opts() if opts else None)
    hook = getattr(iterable, "_autograph_for_loop", None)
    if hook is None and _tracing() and _loops().is_dataset(iterable):
        return _dataset_for(iterable, extra_test, body, state, names, live, opts() if opts else None)
    if hook is not None:
        # A generic hook for iterables that run their own loops in graphs (e.g. datasets):
        # hook(extra_test, body, state) -> final state.
        result = hook(extra_test, body, state)
        if result is not NotImplemented:
            return tuple(result)
    for item in iterable:
        if extra_test is not None:
            keep = extra_test(*state)
            if not _symbolic(keep) and not keep:
                break
        state = tuple(body(item, *state))
    return state


def _loop_state(state: tuple, names: tuple, live: tuple, body: Callable, extra: tuple = ()) -> tuple:
    """Which variables a graph loop carries, with undefined ones given zero initial values
    (from a dry trace of the body) when they are assigned before use; TF's error otherwise."""
    carried, initial = [], []
    missing = []
    for i, (name, value) in enumerate(zip(names, state)):
        if value is None and live[i] & 1 and not live[i] & 2:
            # None before the loop and assigned in it (TF: a placeholder of the body's type).
            missing.append(i)
            continue
        if isinstance(value, (Undefined, UndefinedReturnValue)):
            if live[i] & 2:
                raise ValueError(f"'{name}' must be defined before the loop.")
            if live[i] & 1:
                missing.append(i)
            continue
        carried.append(i)
        initial.append(value)
    if missing:
        trial = tuple(_tensorize(v) for v in state)
        specs = _loops().dry_run_specs(lambda: tuple(_tensorize(v) for v in body(*extra, *trial)))
        from eagerflow._src.ops.array_ops import zeros
        for i in missing:
            spec = specs[i]
            if spec is None:
                if state[i] is None:
                    continue  # stays None: not a loop variable
                raise ValueError(f"'{names[i]}' must be defined before the loop.")
            carried.append(i)
            initial.append(zeros(spec[1], spec[0]))
        order = sorted(range(len(carried)), key=lambda k: carried[k])
        carried = [carried[k] for k in order]
        initial = [initial[k] for k in order]
    return carried, initial


def _tensorize(value: Any) -> Any:
    if isinstance(value, (bool, int, float)):
        from eagerflow._src.framework.convert import convert_to_tensor
        return convert_to_tensor(value)
    return value


def _check_loop_value(name: str, before: Any, after: Any, relaxed: bool = False) -> None:
    _same_structure(name, before, after, "before and after the loop")
    b, a = _dtype_of(before), _dtype_of(after)
    if b is not None and a is not None and a != b:
        raise TypeError(f"'{name}' has dtype {b.name} before the loop, but dtype {a.name} after one iteration")
    if isinstance(before, Tensor) and isinstance(after, Tensor) and not relaxed:
        bs, as_ = before.shape, after.shape
        if bs.rank is not None and not bs.is_compatible_with(as_) or (
                bs.rank is not None and as_.rank is not None and bs.rank == as_.rank
                and any(x is not None and y is None for x, y in zip(bs.as_list(), as_.as_list()))):
            raise ValueError(
                f"'{name}' has shape {_shape_text(bs)} before the loop, but shape {_shape_text(as_)} after "
                "one iteration. Use tf.autograph.experimental.set_loop_options to set shape invariants.")


def _shape_text(shape: Any) -> str:
    dims = shape.as_list() if shape.rank is not None else None
    if dims is None:
        return "<unknown>"
    return "(" + ", ".join("None" if d is None else str(d) for d in dims) + ("," if len(dims) == 1 else "") + ")"


def _tf_while(test: Callable, body: Callable, state: tuple, names: tuple, live: tuple,
              options: dict | None) -> tuple:
    carried, initial = _loop_state(state, names, live, body)
    full = list(state)
    options = options or {}
    # set_loop_options(shape_invariants=[(variable, shape), ...]) names variables by value.
    invariants: list = [None] * len(carried)
    for value, shape in options.get("shape_invariants") or ():
        for k, i in enumerate(carried):
            if state[i] is value:
                invariants[k] = shape

    def expand(values: tuple) -> list:
        current = list(full)
        for k, i in enumerate(carried):
            current[i] = values[k]
        return current

    def loop_test(*values: Any) -> Any:
        return test(*expand(values))

    def loop_body(*values: Any) -> tuple:
        out = tuple(body(*expand(values)))
        result = tuple(out[i] for i in carried)
        for k, i in enumerate(carried):
            _check_loop_value(names[i], values[k], result[k], invariants[k] is not None)
        return result

    shape_invariants = invariants if any(s is not None for s in invariants) else None
    final = _graph().while_loop(loop_test, loop_body, tuple(initial), shape_invariants,
                                options.get("maximum_iterations"), options.get("parallel_iterations") or 10,
                                True, None)
    return tuple(expand(tuple(final)))


def _tf_for(iterable: Any, extra_test: Callable | None, body: Callable, state: tuple, names: tuple,
            live: tuple, options: dict | None = None) -> tuple:
    from eagerflow._src.ops import math_ops
    from eagerflow._src.ops.array_ops import shape as tf_shape
    from eagerflow._src.ops.gather_scatter_ops import gather

    bounds = _loops().range_bounds(iterable)
    if bounds is not None:
        start, limit, delta = bounds
        index0 = start

        def item_of(i: Any) -> Any:
            return i

        def in_range(i: Any) -> Any:
            return _loops().range_test(i, limit, delta)
    else:
        if iterable.shape.rank == 0:
            raise ValueError(f"len requires a non-scalar tensor, got one of shape {tf_shape(iterable)}")
        index0 = 0
        count = tf_shape(iterable, out_type=_int32())[0]

        def item_of(i: Any) -> Any:
            return gather(iterable, i)

        def in_range(i: Any) -> Any:
            return math_ops.less(i, count)

    step = delta if bounds is not None else 1

    def test(i: Any, *values: Any) -> Any:
        if extra_test is None:
            return in_range(i)
        from eagerflow._src.ops.control_flow_ops import cond
        ok = in_range(i)
        return cond(ok, lambda: _as_bool(extra_test(*values)), lambda: ok)

    def loop_body(i: Any, *values: Any) -> tuple:
        return (i + step, *body(item_of(i), *values))

    wrapped_names = ("ag__index", *names)
    wrapped_live = (2, *live)
    from eagerflow._src.framework.convert import convert_to_tensor
    result = _tf_while(test, loop_body, (convert_to_tensor(index0) if not isinstance(index0, Tensor) else index0,
                                          *state), wrapped_names, wrapped_live, options)
    return tuple(result[1:])


def _tracing() -> bool:
    from eagerflow._src.framework import context
    return getattr(context.thread, "graph", None) is not None


def _dataset_for(dataset: Any, extra_test: Callable | None, body: Callable, state: tuple, names: tuple,
                 live: tuple, options: dict | None = None) -> tuple:
    """`for element in dataset:` in a trace: one While over the dataset's elements at run time."""
    first, next_fn, has_fn, value_fn = _loops().dataset_loop_parts(dataset)

    def test(optional: Any, *values: Any) -> Any:
        has = has_fn(optional)
        if extra_test is None:
            return has
        from eagerflow._src.ops.control_flow_ops import cond
        return cond(has, lambda: _as_bool(extra_test(*values)), lambda: has)

    def loop_body(optional: Any, *values: Any) -> tuple:
        new = tuple(body(value_fn(optional), *values))
        return (next_fn(), *new)

    result = _tf_while(test, loop_body, (first, *state), ("ag__optional", *names), (2, *live), options)
    return tuple(result[1:])


def _as_bool(x: Any) -> Any:
    if isinstance(x, Tensor):
        return x
    from eagerflow._src.framework.convert import convert_to_tensor
    return convert_to_tensor(bool(x))


def _int32() -> Any:
    from eagerflow._src.framework import dtypes
    return dtypes.int32
