"""Turning a Python function into its converted twin (source -> `ast` -> transform -> code).

The converted code is compiled inside a factory function whose parameters are `ag__` (the
operators module) and the original function's free variables, so the new function can be
built with `types.FunctionType` over the ORIGINAL closure cells and globals: later changes to
closed-over or global variables are seen, exactly as by the original.
"""
from __future__ import annotations

import ast
import functools
import inspect
import logging
import sys
import textwrap
import types
import weakref
from typing import Any, Callable

from eagerflow._src.autograph import operators, transformer

_log = logging.getLogger("eagerflow")

# Modules whose functions run as written (library code is not converted, as in TF).
_LIBRARY_ROOTS = frozenset({
    "eagerflow", "numpy", "tensorflow", "keras", "scipy", "ml_dtypes", "google", "absl",
    "pytest", "_pytest", "hypothesis", "cupy", "torch", "jax", "pandas", "builtins",
}) | frozenset(getattr(sys, "stdlib_module_names", ()))

_code_cache: dict = {}  # original code object -> (converted code object, source text)
_function_cache: "weakref.WeakKeyDictionary[Any, Callable]" = weakref.WeakKeyDictionary()
_failed: set = set()  # code objects that could not be converted (run as-is)
_cell_of_ag = types.CellType(operators)


def do_not_convert(func: Callable | None = None) -> Any:
    """Decorator: `func` is never converted (`tf.autograph.experimental.do_not_convert`)."""
    if func is None:
        return do_not_convert
    try:
        func.__ag_do_not_convert__ = True
    except (AttributeError, TypeError):
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            return func(*args, **kwargs)
        wrapper.__ag_do_not_convert__ = True
        return wrapper
    return func


# Never converted, even when a user hands one to tf.function (TF's own code runs as written here).
_NEVER_CONVERTED = frozenset({"eagerflow", "tensorflow", "numpy", "scipy", "ml_dtypes", "google", "cupy",
                              "torch", "jax", "builtins"}) | frozenset(getattr(sys, "stdlib_module_names", ()))


def is_library(f: Any, user_requested: bool = False) -> bool:
    module = getattr(f, "__module__", None)
    if not module:
        return True
    return module.split(".")[0] in (_NEVER_CONVERTED if user_requested else _LIBRARY_ROOTS)


def converted_callable(f: Any) -> Callable:
    """What a converted function calls in place of `f`: `f` converted when it is user code
    (a Python function, method, partial or callable object), else `f` itself."""
    if isinstance(f, types.FunctionType):
        cached = _function_cache.get(f)
        if cached is not None:
            return cached
        if getattr(f, "__ag_do_not_convert__", False) or getattr(f, "__ag_converted__", False) \
                or is_library(f) or f.__name__ == "<lambda>":
            return f
        return convert_function(f) or f
    if isinstance(f, types.MethodType):
        func = f.__func__
        if isinstance(func, types.FunctionType):
            converted = converted_callable(func)
            return f if converted is func else types.MethodType(converted, f.__self__)
        return f
    if isinstance(f, functools.partial):
        inner = converted_callable(f.func)
        return f if inner is f.func else functools.partial(inner, *f.args, **f.keywords)
    if isinstance(f, type) or isinstance(f, types.BuiltinFunctionType):
        return f
    call = getattr(type(f), "__call__", None)
    if isinstance(call, types.FunctionType) and not is_library(call) \
            and not getattr(call, "__ag_do_not_convert__", False) and not hasattr(f, "python_function"):
        converted = converted_callable(call)
        if converted is not call:
            return types.MethodType(converted, f)
    return f


def convert_function(f: types.FunctionType) -> Callable | None:
    """`f`'s converted twin (cached), or None when its source cannot be converted."""
    code = f.__code__
    if code in _failed or code.co_flags & (inspect.CO_GENERATOR | inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR):
        return None  # generators and coroutines run as written
    entry = _code_cache.get(code)
    if entry is None:
        try:
            entry = _compile(f)
        except (OSError, TypeError, SyntaxError, IndexError) as e:
            _failed.add(code)
            _log.warning("AutoGraph could not transform %s and will run it as-is. Cause: %s", f, e)
            return None
        _code_cache[code] = entry
    new_code = entry[0]
    cells = dict(zip(code.co_freevars, f.__closure__ or ()))
    closure = tuple(_cell_of_ag if name == transformer.AG else cells[name] for name in new_code.co_freevars)
    converted = types.FunctionType(new_code, f.__globals__, f.__name__, f.__defaults__, closure or None)
    converted.__kwdefaults__ = f.__kwdefaults__
    converted.__dict__.update(f.__dict__)
    converted.__qualname__ = f.__qualname__
    converted.__module__ = f.__module__
    converted.__doc__ = f.__doc__
    converted.__wrapped__ = f
    converted.__ag_converted__ = True
    _function_cache[f] = converted
    return converted


def _function_node(f: types.FunctionType) -> ast.FunctionDef:
    source = textwrap.dedent(inspect.getsource(f))
    module = ast.parse(source)
    for node in ast.walk(module):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == f.__name__:
            if isinstance(node, ast.AsyncFunctionDef):
                raise TypeError("async functions are not converted")
            node.decorator_list = []
            return node
    raise TypeError(f"no definition of {f.__name__} in its source")


def converted_source(f: types.FunctionType) -> str:
    """The converted function's source text (`tf.autograph.to_code`)."""
    node = transformer.transform(_function_node(f))
    return ast.unparse(node) + "\n"


def _compile(f: types.FunctionType) -> tuple:
    node = transformer.transform(_function_node(f))
    freevars = [transformer.AG, *[v for v in f.__code__.co_freevars if v != transformer.AG]]
    factory = ast.FunctionDef(
        name="ag__factory",
        args=ast.arguments(posonlyargs=[], args=[ast.arg(arg=v) for v in freevars], vararg=None,
                           kwonlyargs=[], kw_defaults=[], kwarg=None, defaults=[]),
        body=[node, ast.Return(value=ast.Name(id=node.name, ctx=ast.Load()))],
        decorator_list=[], returns=None, type_comment=None)
    # Every free variable is referenced inside so the compiler keeps it as a cell of `node`.
    module = ast.Module(body=[factory], type_ignores=[])
    ast.fix_missing_locations(module)
    filename = f"<autograph {f.__code__.co_filename}:{f.__code__.co_firstlineno}>"
    compiled = compile(module, filename, "exec")
    factory_code = next(c for c in compiled.co_consts if isinstance(c, types.CodeType))
    inner = next(c for c in factory_code.co_consts if isinstance(c, types.CodeType) and c.co_name == node.name)
    return inner, ast.unparse(node)
