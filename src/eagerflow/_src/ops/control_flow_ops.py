"""Control flow: `tf.cond`, `tf.case`, `tf.switch_case`, `tf.while_loop`.

Eagerly these are Python: the predicate is read, one branch runs, a loop runs its body while
its condition holds, and tapes record the ops that actually ran (so gradients need nothing
special). While a `tf.function` is being traced and the predicate or loop condition is
symbolic, they trace their branches or cond/body into sub-graphs and add one `If` or `While`
node (see `graph_control_flow.py`, loaded on first use).
"""
from __future__ import annotations

import collections.abc as _abc
from typing import Any, Callable

from eagerflow._src.framework import context, errors
from eagerflow._src.framework.convert import convert_to_tensor
from eagerflow._src.framework.tensor import EagerTensor, Tensor

# --- nested structures (TF's nest rules for what control flow needs) -------------------------
# Lists, tuples, namedtuples and dicts (by sorted key) are structure; everything else (tensors,
# TensorArrays, Python scalars, None) is a leaf.


def is_nested(x: Any) -> bool:
    return isinstance(x, (list, tuple, dict)) or isinstance(x, _abc.Mapping)


def _sorted_keys(d: Any) -> list:
    try:
        return sorted(d)
    except TypeError:
        return sorted(d, key=repr)


def flatten(structure: Any) -> list:
    """The leaves of `structure`, in TF's order."""
    if isinstance(structure, (list, tuple)):
        out: list = []
        for item in structure:
            out.extend(flatten(item))
        return out
    if isinstance(structure, _abc.Mapping):
        out = []
        for key in _sorted_keys(structure):
            out.extend(flatten(structure[key]))
        return out
    return [structure]


def pack_sequence_as(structure: Any, flat: list) -> Any:
    """`flat`'s leaves arranged as `structure` (inverse of `flatten`)."""
    it = iter(flat)
    result = _pack(structure, it)
    return result


def _pack(structure: Any, it: Any) -> Any:
    if isinstance(structure, tuple) and hasattr(structure, "_fields"):
        return type(structure)(*[_pack(s, it) for s in structure])
    if isinstance(structure, (list, tuple)):
        return type(structure)(_pack(s, it) for s in structure)
    if isinstance(structure, _abc.Mapping):
        items = {key: _pack(structure[key], it) for key in _sorted_keys(structure)}
        return type(structure)((key, items[key]) for key in structure) if type(structure) is not dict \
            else {key: items[key] for key in structure}
    return next(it)


def map_structure(fn: Callable, *structures: Any) -> Any:
    flats = [flatten(s) for s in structures]
    return pack_sequence_as(structures[0], [fn(*xs) for xs in zip(*flats)])


def structure_text(structure: Any) -> str:
    """A structure with leaves shown as `.`, as TF's nest messages print it."""
    return str(pack_sequence_as(structure, ["."] * len(flatten(structure)))).replace("'.'", ".")


def same_structure(a: Any, b: Any, check_types: bool = True) -> bool:
    if is_nested(a) != is_nested(b):
        return False
    if not is_nested(a):
        return True
    if check_types and _kind(a) != _kind(b):
        return False
    if isinstance(a, _abc.Mapping):
        if _sorted_keys(a) != _sorted_keys(b):
            return False
        return all(same_structure(a[k], b[k], check_types) for k in a)
    if len(a) != len(b):
        return False
    return all(same_structure(x, y, check_types) for x, y in zip(a, b))


def _kind(x: Any) -> type:
    if isinstance(x, _abc.Mapping):
        return dict
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return type(x)
    return type(x)


def assert_same_structure(a: Any, b: Any, check_types: bool = True) -> None:
    """TF's `nest.assert_same_structure` errors (ValueError for shape, TypeError for types)."""
    if same_structure(a, b, False):
        if check_types and not same_structure(a, b, True):
            first, second = _first_type_difference(a, b)
            raise TypeError(
                "The two structures don't have the same nested structure.\n\n"
                f"First structure: {structure_text(a)}\n\nSecond structure: {structure_text(b)}\n\n"
                f"More specifically: The two namedtuples don't have the same sequence type. First "
                f"structure has type {first.__name__}, while second structure has type {second.__name__}")
        return
    raise ValueError(
        "The two structures don't have the same nested structure.\n\n"
        f"First structure: {structure_text(a)}\n\nSecond structure: {structure_text(b)}\n\n"
        f"More specifically: {_difference(a, b)}\nEntire first structure:\n{structure_text(a)}\n"
        f"Entire second structure:\n{structure_text(b)}")


def _first_type_difference(a: Any, b: Any) -> tuple:
    if _kind(a) != _kind(b):
        return type(a), type(b)
    if isinstance(a, _abc.Mapping):
        pairs = [(a[k], b[k]) for k in _sorted_keys(a)]
    else:
        pairs = list(zip(a, b))
    for x, y in pairs:
        if is_nested(x) and not same_structure(x, y, True):
            return _first_type_difference(x, y)
    return type(a), type(b)


def _difference(a: Any, b: Any) -> str:
    if is_nested(a) and not is_nested(b):
        return f"Substructure \"{_kind_name(a)}\" is a sequence, while substructure \"{_kind_name(b)}\" is not"
    if is_nested(b) and not is_nested(a):
        return f"Substructure \"{_kind_name(b)}\" is a sequence, while substructure \"{_kind_name(a)}\" is not"
    if isinstance(a, _abc.Mapping) or isinstance(b, _abc.Mapping):
        if isinstance(a, _abc.Mapping) and isinstance(b, _abc.Mapping) and _sorted_keys(a) == _sorted_keys(b):
            for k in _sorted_keys(a):
                if not same_structure(a[k], b[k], False):
                    return _difference(a[k], b[k])
        return (f"The two dictionaries don't have the same set of keys. First structure has keys "
                f"{_sorted_keys(a) if isinstance(a, _abc.Mapping) else []}, while second structure has "
                f"keys {_sorted_keys(b) if isinstance(b, _abc.Mapping) else []}.")
    if len(a) != len(b):
        return (f"Substructure \"{_kind_name(a)}\" has length {len(a)}, while substructure "
                f"\"{_kind_name(b)}\" has length {len(b)}")
    for x, y in zip(a, b):
        if not same_structure(x, y, False):
            return _difference(x, y)
    return ""


def _kind_name(x: Any) -> str:
    return f"type={type(x).__name__} str={structure_text(x) if is_nested(x) else x}"


_thread = context.thread


# --- tracing hook ---------------------------------------------------------------------------------
def _symbolic(x: Any) -> bool:
    """Whether `x` is a tensor of a graph being traced (not an eager value)."""
    return type(x) is not EagerTensor and isinstance(x, Tensor)


def _graph() -> Any:
    """The graph half of control flow (loaded when a trace first needs it)."""
    from eagerflow._src.ops import graph_control_flow
    return graph_control_flow


def _unpack_pred(value: Any) -> bool:
    """Python truth of an eager predicate, as TF's eager `cond` reads it."""
    return bool(value)


# --- cond ---------------------------------------------------------------------------------------
def cond(pred: Any, true_fn: Callable | None = None, false_fn: Callable | None = None,
         name: str | None = None) -> Any:
    """Returns `true_fn()` if `pred` is true, else `false_fn()` (`tf.cond`).

    Eagerly only the chosen branch runs. In a traced function with a symbolic `pred`, both
    branches are traced and must return the same structure, dtypes and (compatible) shapes.

    Raises:
      TypeError: a branch is missing or not callable.
      ValueError/TypeError: in graphs, when the branches disagree.
    """
    if true_fn is None:
        raise TypeError("cond(): 'true_fn' argument required")
    if false_fn is None:
        raise TypeError("cond(): 'false_fn' argument required")
    if not callable(true_fn):
        raise TypeError("'true_fn' must be callable.")
    if not callable(false_fn):
        raise TypeError("'false_fn' must be callable.")
    if _symbolic(pred):
        return _graph().cond(pred, true_fn, false_fn, name)
    if isinstance(pred, bool) and _graph_active():
        # TF's cond_v2 in a graph: a Python bool predicate is refused.
        raise TypeError("pred must not be a Python bool", pred)
    pred = convert_to_tensor(pred) if type(pred) is not EagerTensor else pred
    if _symbolic(pred):
        return _graph().cond(pred, true_fn, false_fn, name)
    return true_fn() if _unpack_pred(pred) else false_fn()


def _graph_active() -> bool:
    """Whether a graph (a `tf.function` trace) is being built on this thread."""
    return getattr(_thread, "graph", None) is not None


# --- case ---------------------------------------------------------------------------------------
def case(pred_fn_pairs: Any, default: Callable | None = None, exclusive: bool = False,
         strict: bool = False, name: str = "case") -> Any:
    """The first branch whose predicate is true (`tf.case`); `default` when none is.

    `pred_fn_pairs` is a list of (boolean tensor, callable) pairs. Without `default`, the
    last pair's callable is the default in graphs; eagerly TF raises InvalidArgumentError when
    no predicate holds and there is no default.
    """
    if isinstance(pred_fn_pairs, _abc.Mapping):
        pairs = list(pred_fn_pairs.items())
    else:
        pairs = list(pred_fn_pairs)
    for pair in pairs:
        if not isinstance(pair, tuple) or len(pair) != 2:
            if isinstance(pair, tuple):
                raise TypeError(f"Each entry in 'pred_fn_pairs' must be a 2-tuple. Received {pair}.")
            raise TypeError(f"Each entry in 'pred_fn_pairs' must be a 2-tuple. Received {pair}.")
        pred, fn = pair
        if not isinstance(pred, Tensor):
            raise TypeError(f"pred must be a Tensor, got: {pred}")
        if not callable(fn):
            raise TypeError(f"fn for pred {pred.name} must be callable.")
        if pred.dtype.name != "bool":
            raise TypeError(f"pred must be Tensor of type bool: {pred.name}")
    if not pairs:
        raise ValueError("not enough values to unpack (expected 2, got 0)")
    if default is not None and not callable(default):
        raise TypeError("default must be callable.")
    if any(_symbolic(p) for p, _ in pairs):
        return _graph().case(pairs, default, exclusive, name)
    for pred, fn in pairs:
        if _any_true(pred):
            return fn()
    if default is not None:
        return default()
    preds = ", ".join(repr(p) for p, _ in pairs)
    raise errors.InvalidArgumentError(
        None, None, f"Expected '{preds if len(pairs) == 1 else '[' + preds + ']'}' to be true. "
        "Summarized data: b'Input error: None of conditions evaluated as True:'")


def _any_true(pred: Tensor) -> bool:
    # TF's eager case reads a one-element vector predicate as its element.
    return bool(pred.numpy().reshape(-1)[0]) if pred.shape.num_elements() == 1 else bool(pred)


# --- switch_case --------------------------------------------------------------------------------
def switch_case(branch_index: Any, branch_fns: Any, default: Callable | None = None,
                name: str = "switch_case") -> Any:
    """Runs `branch_fns[branch_index]` (`tf.switch_case`); `default` (or the last branch) when
    the index is out of range. `branch_fns` is a list of callables, of (int, callable) pairs,
    or a dict int -> callable whose keys form the range 0..n-1."""
    if not isinstance(branch_index, Tensor):
        raise TypeError(f"'branch_index' must be a Tensor, got {type(branch_index)}")
    if not branch_index.dtype.is_integer:
        raise TypeError(f"'branch_index' must be an integer Tensor, got {branch_index.dtype}")
    fns = _indexed_branches(branch_fns)
    if default is None:
        default = fns[-1]
    if _symbolic(branch_index):
        return _graph().switch_case(branch_index, fns, default, name)
    if branch_index.shape.rank != 0:
        raise errors.InvalidArgumentError(
            None, None, "{{function_node __wrapped__Select_device_/job:localhost/replica:0/task:0/"
            "device:CPU:0}} 'then' must be at least a vector, but saw shape: [] [Op:Select] name: ")
    index = int(branch_index)
    if 0 <= index < len(fns):
        return fns[index]()
    return default()


def _indexed_branches(branch_fns: Any) -> list:
    """TF's checks of `branch_fns`; the callables in index order."""
    if isinstance(branch_fns, _abc.Mapping):
        items = list(branch_fns.items())
    elif isinstance(branch_fns, (list, tuple)) and branch_fns and all(callable(f) for f in branch_fns):
        items = list(enumerate(branch_fns))
    elif isinstance(branch_fns, (list, tuple)):
        items = list(branch_fns)
    else:
        raise TypeError("'branch_fns' must be a list, tuple, or dict")
    if not items:
        raise ValueError("Must provide at least one item in 'branch_fns'")
    for item in items:
        if not isinstance(item, tuple) or len(item) != 2:
            raise TypeError(f"Each entry in 'branch_fns' must be a 2-tuple. Received {item}.")
        key, fn = item
        if not isinstance(key, int):
            raise TypeError(f"key must be a Python `int`, got {type(key)}")
        if not callable(fn):
            raise TypeError(f"fn for key {key} must be callable.")
    keys = sorted(k for k, _ in items)
    if keys != list(range(len(keys))):
        found = ",".join(str(k) for k in keys)
        raise ValueError(f"branch indices (keys) must form contiguous range of [0 to {len(keys)}) "
                         f"but found {{{found}}}")
    by_key = dict(items)
    return [by_key[k] for k in range(len(keys))]


# --- while_loop ---------------------------------------------------------------------------------
def while_loop(cond: Callable, body: Callable, loop_vars: Any, shape_invariants: Any = None,
               parallel_iterations: int = 10, back_prop: bool = True, swap_memory: bool = False,
               maximum_iterations: Any = None, name: str | None = None) -> Any:
    """Repeats `loop_vars = body(*loop_vars)` while `cond(*loop_vars)` (`tf.while_loop`).

    `loop_vars` is a list/tuple (or any nested structure) of tensors and TensorArrays; the
    result has its structure. `maximum_iterations` stops the loop after that many steps.
    Eagerly the loop is Python (tapes record each step); in a traced function it becomes one
    `While` node whose body must keep each variable's dtype, and its shape unless
    `shape_invariants` relaxes it. `parallel_iterations`, `back_prop` and `swap_memory` are
    accepted for compatibility (the loop always runs sequentially and is differentiable).

    Raises:
      TypeError: `cond` or `body` not callable, `parallel_iterations` < 1.
      ValueError: empty `loop_vars`, a non-scalar `maximum_iterations`, and (in graphs) a body
        that changes the structure, dtype or shape of the loop variables.
    """
    if not callable(cond):
        raise TypeError("'cond' must be callable.")
    if not callable(body):
        raise TypeError("'body' must be callable.")
    if parallel_iterations < 1:
        raise TypeError("'parallel_iterations' must be a positive integer.")
    if not loop_vars and not isinstance(loop_vars, Tensor):
        raise ValueError("'loop_vars' must be provided.")
    loop_vars = _read_variables(loop_vars)
    if maximum_iterations is not None:
        maximum_iterations = convert_to_tensor(maximum_iterations)
        if maximum_iterations.shape.rank != 0:
            raise ValueError("'maximum_iterations' must be a scalar. "
                             f"Received shape: {maximum_iterations.shape}")
    if _graph_active():
        return _graph().while_loop(cond, body, loop_vars, shape_invariants, maximum_iterations,
                                   parallel_iterations, back_prop, name)
    return _eager_while(cond, body, loop_vars, maximum_iterations)


def _read_variables(loop_vars: Any) -> Any:
    """Variables among the loop variables are read once, as TF converts them to tensors."""
    from eagerflow._src.variables import Variable

    if not any(isinstance(v, Variable) for v in flatten(loop_vars)):
        return loop_vars
    return map_structure(lambda v: v.read_value() if isinstance(v, Variable) else v, loop_vars)


def _eager_while(cond: Callable, body: Callable, loop_vars: Any, maximum_iterations: Any) -> Any:
    limit = None if maximum_iterations is None else int(maximum_iterations)
    structure = list(loop_vars) if isinstance(loop_vars, (list, tuple)) else [loop_vars]
    single = not isinstance(loop_vars, (list, tuple))
    count = 0
    current = loop_vars
    while limit is None or count < limit:
        args = (current,) if single else current
        if not _unpack_pred(cond(*args)):
            break
        current = body(*args)
        count += 1
        if limit is not None and not single:
            # TF's eager loop with a counter compares the body's result container too.
            assert_same_structure(list(loop_vars), list(current) if type(current) is type(loop_vars)
                                  else current)
        if not single and isinstance(current, (list, tuple)):
            assert_same_structure(structure, list(current))
        else:
            assert_same_structure(structure, [current])
    return map_structure(_to_loop_value, current)


def _to_loop_value(x: Any) -> Any:
    from eagerflow._src.ops.tensor_array_ops import TensorArray

    if isinstance(x, (Tensor, TensorArray)) or hasattr(type(x), "_as_loop_value"):
        return x  # tensors, TensorArrays and Optionals stay what they are
    return convert_to_tensor(x)
