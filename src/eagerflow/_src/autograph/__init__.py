"""Autograph, written for eagerflow on Python's `ast`: tensor-dependent Python control flow
becomes `tf.cond` / `tf.while_loop` when traced, and stays Python otherwise.

Entry point for `tf.function`
-----------------------------
`convert(python_function) -> converted_function`
    Returns a function with the same signature whose `if`/`elif`/`else`, `while`, `for`,
    `break`/`continue`/`return` inside them, and `and`/`or`/`not`, dispatch at run time: a
    condition that is a symbolic tensor (of a graph being traced) builds graph control flow
    (`tf.cond`, `tf.while_loop`; `for` over a tensor or `tf.range` is a while loop), anything
    else (Python values, eager tensors) runs as Python. Calls inside it are converted too
    (`converted_call`), except library code (eagerflow, NumPy, the standard library, Keras,
    TensorFlow...) and functions marked `tf.autograph.experimental.do_not_convert`. Bound
    methods and `functools.partial` objects are converted through their function. A function
    whose source cannot be read (built-ins, lambdas, `exec`'d code) is returned unchanged.
    Converted functions are cached per function object (code per code object).

Layout: `transformer.py` (the `ast` passes), `operators.py` (what converted code calls:
`if_stmt`, `while_stmt`, `for_stmt`, `and_`, `or_`, `not_`, `converted_call`, `ld`),
`conversion.py` (source in, function out, over the original globals and closure cells).

`for` over a dataset (anything with `element_spec` and `__iter__`, e.g. `tf.data.Dataset`)
in a trace is one `While` over an iterator made each time the graph runs (elements are read
at run time, not frozen while tracing). Other iterables may run their own graph loops by
defining `_autograph_for_loop(extra_test, body, state) -> final state` (or return
NotImplemented to be iterated in Python); `body(item, *state)` returns the new state,
`extra_test(*state)` (or None) is checked before each element. Everything else is iterated in
Python (the loop unrolls into the graph).

`tf.autograph.experimental.set_loop_options(...)` in a loop body is taken out of the body by
the transformer and applied when the loop becomes a graph `While` (shape_invariants,
maximum_iterations).
"""
from __future__ import annotations

import enum
import functools
import logging
import os
import sys
from typing import Any, Callable

from eagerflow._src.autograph import conversion
from eagerflow._src.autograph.conversion import do_not_convert

_verbosity = int(os.environ.get("AUTOGRAPH_VERBOSITY", 0))


def convert(python_function: Callable, user_requested: bool = False) -> Callable:
    """The converted twin of `python_function` (see the module docstring). `tf.function` asks
    for it (`user_requested`, as TF does): a function from a library module other than
    eagerflow's own and compiled libraries' (Keras's tests and exports) is converted too, only
    the functions it calls follow the library rule; tf.data's functions follow it throughout."""
    if getattr(python_function, "__ag_do_not_convert__", False):
        return python_function
    if isinstance(python_function, functools.partial):
        return conversion.converted_callable(python_function)
    import types

    if isinstance(python_function, types.FunctionType):
        if getattr(python_function, "__ag_converted__", False) or python_function.__name__ == "<lambda>" \
                or conversion.is_library(python_function, user_requested):
            return python_function  # lambdas and library functions (ds.map(tf.strings.split)) run as written
        converted = conversion.convert_function(python_function)
        return converted or python_function
    if isinstance(python_function, types.MethodType) and isinstance(python_function.__func__, types.FunctionType):
        func = convert(python_function.__func__, user_requested)
        return python_function if func is python_function.__func__ else types.MethodType(func, python_function.__self__)
    return conversion.converted_callable(python_function)


def to_graph(entity: Callable, recursive: bool = True, experimental_optional_features: Any = None) -> Callable:
    """`entity` converted (`tf.autograph.to_graph`): call it inside `tf.function` for graph
    control flow; called eagerly it runs as Python."""
    return convert(entity)


def to_code(entity: Callable, recursive: bool = True, experimental_optional_features: Any = None) -> str:
    """The source of `entity` after conversion (`tf.autograph.to_code`)."""
    import types

    func = entity.__func__ if isinstance(entity, types.MethodType) else entity
    return conversion.converted_source(func)


def set_verbosity(level: int, alsologtostdout: bool = False) -> None:
    """Sets how much autograph logs (`tf.autograph.set_verbosity`)."""
    global _verbosity
    _verbosity = int(level)
    logger = logging.getLogger("eagerflow")
    if level > 0:
        logger.setLevel(logging.DEBUG if level > 1 else logging.INFO)
    if alsologtostdout:
        logger.addHandler(logging.StreamHandler(sys.stdout))


def trace(*args: Any) -> None:
    """Prints its arguments when called (at trace time inside `tf.function`) (`tf.autograph.trace`)."""
    print(*args)


class Feature(enum.Enum):
    """Optional conversion features (`tf.autograph.experimental.Feature`); eagerflow accepts
    them and always converts the same way."""

    ALL = "ALL"
    AUTO_CONTROL_DEPS = "AUTO_CONTROL_DEPS"
    ASSERT_STATEMENTS = "ASSERT_STATEMENTS"
    BUILTIN_FUNCTIONS = "BUILTIN_FUNCTIONS"
    EQUALITY_OPERATORS = "EQUALITY_OPERATORS"
    LISTS = "LISTS"
    NAME_SCOPES = "NAME_SCOPES"


def set_loop_options(parallel_iterations: Any = None, swap_memory: Any = None,
                     maximum_iterations: Any = None, shape_invariants: Any = None) -> dict:
    """Options of the loop whose body calls this (`tf.autograph.experimental.set_loop_options`).

    Autograph takes the call out of a converted loop body and applies the options when the loop
    becomes a graph `While`: `shape_invariants` ([(variable, TensorShape), ...]) relaxes those
    loop variables' shapes, `maximum_iterations` bounds the loop. Returns the options."""
    return {"parallel_iterations": parallel_iterations, "swap_memory": swap_memory,
            "maximum_iterations": maximum_iterations, "shape_invariants": shape_invariants}


__all__ = ["convert", "to_graph", "to_code", "set_verbosity", "trace", "do_not_convert", "Feature",
           "set_loop_options"]
