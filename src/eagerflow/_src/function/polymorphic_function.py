"""`tf.function`: a Python function with a cache of concrete functions, one per trace key.

Trace keys follow TF's rules: tensors by dtype and shape; variables by dtype and shape (they
are per-call parameters of the plan, so another variable of the same kind reuses the trace);
Python scalars and strings by value; dataset iterators by their element spec (fed at each call,
as TF's IteratorSpec: a new iterator over the same structure reuses the trace); other hashable
objects by value (hash/eq), unhashable ones by identity; structures by their type and length. With `reduce_retracing` (or
`experimental_relax_shapes`) a new shape for a known structure generalises differing
dimensions to None and traces once for the family; an `input_signature` fixes one trace.
"""
from __future__ import annotations

import contextlib
import functools

import numpy as np
import inspect
import types
import logging
import weakref
from typing import Any, Callable

from eagerflow._src.framework import context
from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.convert import convert_to_tensor
from eagerflow._src.framework.symbolic_tensor import SymbolicTensor
from eagerflow._src.framework.tensor import EagerTensor, Tensor
from eagerflow._src.function import _structure
from eagerflow._src.function.concrete_function import ConcreteFunction, _type_text
from eagerflow._src.function.func_graph import is_spec, is_variable, tensor_spec, trace
from eagerflow._src.function.iterator_inputs import IteratorInput, boxed as boxed_iterator, is_iterator
from eagerflow._src.function.iterator_inputs import trace_key as iterator_trace_key
from eagerflow._src.function.tape_functions import tapes_paused

_flags = context.flags
_thread = context.thread
_log = logging.getLogger("eagerflow")
_SCALARS = (int, float, bool, str, bytes, type(None))

# TF warns when a function retraces often: 5 traces within its last 10 calls (counted per
# Python function, so a tf.function re-created in a loop warns too).
_WARN_TRACES = 5
_WARN_CALLS = 10
_trace_history: dict[Any, list] = {}


def run_functions_eagerly(run_eagerly: bool) -> None:
    """Makes every `tf.function` run its Python function eagerly (`tf.config.run_functions_eagerly`)."""
    _flags.run_functions_eagerly = bool(run_eagerly)


def functions_run_eagerly() -> bool:
    """Whether `tf.function`s run eagerly (`tf.config.functions_run_eagerly`)."""
    return bool(_flags.run_functions_eagerly)


class _Leaves:
    """Collects a call's tensor and variable leaves while its trace key is built."""

    __slots__ = ("tensors", "variables")

    def __init__(self) -> None:
        self.tensors: list = []
        self.variables: list = []


def _numpy_to_tensors(x: Any) -> Any:
    """NumPy arrays and scalars in a call's arguments become tensors, as TF 2.21 takes them: one
    trace per dtype and shape, not one per array (a Python number stays a Python value)."""
    t = type(x)
    if isinstance(x, (np.ndarray, np.generic)):
        try:
            return convert_to_tensor(x)
        except (TypeError, ValueError):
            return x
    if t is list or t is tuple:
        return t(_numpy_to_tensors(v) for v in x) if x else x
    if t is dict:
        return {k: _numpy_to_tensors(v) for k, v in x.items()}
    return x


def _key(x: Any, leaves: _Leaves) -> Any:
    t = type(x)
    if t is EagerTensor or isinstance(x, Tensor):
        leaves.tensors.append(x)
        return (x._array.dtype, x._array.shape)
    if t in _SCALARS:
        return (t, x)
    if t is list or t is tuple:
        return (t, tuple(_key(v, leaves) for v in x))
    if isinstance(x, dict):
        keys = sorted(x, key=_structure._sort_key)
        return (t, tuple((k, _key(x[k], leaves)) for k in keys))
    if isinstance(x, tuple) and hasattr(t, "_fields"):
        return (t, tuple(_key(v, leaves) for v in x))
    if _structure._is_distributed_values(x):
        return (t, tuple(_key(v, leaves) for v in x._values))
    if is_variable(x):
        leaves.variables.append(x)
        return ("variable", x._array.dtype if x._array is not None else None, x.shape._dims)
    if (spec := _structure._composite_spec(x)) is not None:  # RaggedTensor(Spec): its components
        parts = spec._component_specs if spec is x else spec._to_components(x)
        key = (type(spec), tuple(_key(v, leaves) for v in parts))
        if getattr(spec, "_shape_in_function_key", False):  # SparseTensor: its dense shape, as TF's spec
            dims = spec.shape.dims
            key += ((np.dtype(np.int64), None if dims is None else tuple(dims)),)
        return key
    if is_spec(x):
        dtype = _dtypes.as_dtype(x.dtype)
        dims = x.shape.dims if hasattr(x.shape, "dims") else x.shape
        leaves.tensors.append(x)
        return (dtype._np, None if dims is None else tuple(dims))
    if isinstance(x, (list, tuple)):
        return (t, tuple(_key(v, leaves) for v in x))
    if is_iterator(x):  # as TF's IteratorSpec: by element spec, the iterator fed per call
        leaves.tensors.append(boxed_iterator(x))
        return iterator_trace_key(x)
    if t is IteratorInput:  # an iterator argument passed on to a function called while tracing
        leaves.tensors.append(x._handle)
        return iterator_trace_key(x)
    try:
        hash(x)
        return (t, x)
    except TypeError:
        return (t, "id", id(x))


def _relaxed(key: Any, other: Any) -> Any:
    """The most specific key covering both (shapes of equal rank: differing dims to None);
    None when the two do not have the same structure and dtypes."""
    if key == other:
        return key
    if type(key) is not tuple or type(other) is not tuple or len(key) != len(other):
        return None
    if len(key) == 2 and (isinstance(key[0], np.dtype)) and key[0] == other[0]:
        a, b = key[1], other[1]
        if a is None or b is None or len(a) != len(b):
            return (key[0], None)
        return (key[0], tuple(x if x == y else None for x, y in zip(a, b)))
    out = []
    for x, y in zip(key, other):
        r = _relaxed(x, y)
        if r is None and not (x is None and y is None):
            return None
        out.append(r)
    return tuple(out)


def _covers(general: Any, key: Any) -> bool:
    if general == key:
        return True
    if type(general) is not tuple or type(key) is not tuple or len(general) != len(key):
        return False
    if len(key) == 2 and isinstance(key[0], np.dtype):
        if general[0] != key[0]:
            return False
        if general[1] is None:
            return True
        if key[1] is None or len(general[1]) != len(key[1]):
            return False
        return all(g is None or g == k for g, k in zip(general[1], key[1]))
    return all(_covers(g, k) for g, k in zip(general, key))


def _specs_from_key(value: Any, key: Any) -> Any:
    """`value` with its tensor leaves replaced by TensorSpecs of the (relaxed) key's shapes."""
    def walk(x: Any, k: Any) -> Any:
        if isinstance(x, Tensor) and not isinstance(x, SymbolicTensor) or is_spec(x):
            return tensor_spec(k[1], _dtypes.from_numpy(k[0]))
        if type(x) in (list, tuple) or (isinstance(x, tuple) and hasattr(type(x), "_fields")):
            items = [walk(v, kk) for v, kk in zip(x, k[1])]
            return type(x)(items) if not hasattr(type(x), "_fields") else type(x)(*items)
        if isinstance(x, dict):
            sub = dict(k[1])
            return type(x)({kk: walk(x[kk], sub[kk]) for kk in x})
        spec = _structure._composite_spec(x)
        if spec is not None and spec is not x and getattr(spec, "_shape_in_function_key", False):
            return type(spec)(k[2][1], spec.dtype)  # a relaxed SparseTensorSpec
        return x

    return walk(value, key)


class Function:
    """A `tf.function`-decorated callable (TF's `PolymorphicFunction`)."""

    def __init__(self, python_function: Callable, name: str | None = None, input_signature: Any = None,
                 autograph: bool = True, jit_compile: Any = None, reduce_retracing: bool = False,
                 experimental_relax_shapes: Any = None, **unused: Any) -> None:
        self._python_function = python_function
        self._name = name or getattr(python_function, "__name__", "function")
        self._input_signature = None if input_signature is None else _normalize_signature(input_signature)
        self._autograph = autograph
        self._jit_compile = jit_compile
        self._reduce_retracing = bool(reduce_retracing or experimental_relax_shapes)
        self._cache: dict[Any, ConcreteFunction] = {}
        self._relaxed: list[tuple[Any, ConcreteFunction]] = []
        self._fast: dict[Any, ConcreteFunction] = {}  # (dtype, shape, ...) of plain tensor args
        self._tracing_count = 0
        self._quiet_calls = 0
        self._created_variables = False
        self._instances: Any = None
        self._descriptor_owner: Any = None
        self._signature_function: ConcreteFunction | None = None
        self._py_signature: Any = None
        functools.update_wrapper(self, python_function, updated=())

    # --- public attributes -----------------------------------------------------------------------
    @property
    def python_function(self) -> Callable:
        return self._python_function

    @property
    def input_signature(self) -> Any:
        return self._input_signature

    @property
    def function_spec(self) -> Any:
        return inspect.signature(self._python_function)

    @property
    def experimental_reduce_retracing(self) -> bool:
        return self._reduce_retracing

    def experimental_get_tracing_count(self) -> int:
        """How many times this function has been traced."""
        return self._tracing_count

    # --- methods: one cache per instance, as TF -----------------------------------------------------
    def __get__(self, instance: Any, owner: Any = None) -> Any:
        if instance is None:
            return self
        instances = self._instances
        if instances is None:
            instances = self._instances = weakref.WeakKeyDictionary()
        try:
            bound = instances.get(instance)
        except TypeError:  # unhashable or not weak-referenceable: cache on the instance itself
            bound = None
            instances = None
        if bound is None:
            bound = Function(functools.partial(self._python_function, instance), name=self._name,
                             input_signature=self._input_signature, autograph=self._autograph,
                             jit_compile=self._jit_compile, reduce_retracing=self._reduce_retracing)
            bound._method_of = self._python_function
            # A bound method (TF's signature of a method drops `self`; source and __func__ stay).
            bound.__wrapped__ = types.MethodType(self._python_function, instance)
            if instances is not None:
                try:
                    instances[instance] = bound
                except TypeError:
                    pass
        return bound

    # --- calling -----------------------------------------------------------------------------------
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if _flags.run_functions_eagerly:
            return self._python_function(*args, **kwargs)
        if not kwargs and self._input_signature is None and not _flags.scoped:
            # The common call: tensors only, traced before; keyed by dtype and shape.
            if len(args) == 1:
                a = args[0]
                key: Any = (a._array.dtype, a._array.shape) if type(a) is EagerTensor else None
            else:
                key = []
                for a in args:
                    if type(a) is not EagerTensor:
                        key = None
                        break
                    array = a._array
                    key.append(array.dtype)
                    key.append(array.shape)
                else:
                    key = tuple(key)
            if key is not None:
                concrete = self._fast.get(key)
                if concrete is not None:
                    self._quiet_calls += 1  # for the retracing warning's call history
                    return concrete._call_eager_tensors(args)
        if self._input_signature is None:
            args, kwargs = _numpy_to_tensors(args), _numpy_to_tensors(kwargs)
        concrete, leaves = self._concrete_for_call(args, kwargs)
        return concrete._call_flat(leaves.tensors, leaves.variables)

    def _concrete_for_call(self, args: tuple, kwargs: dict) -> tuple[ConcreteFunction, _Leaves]:
        if self._input_signature is not None:
            return self._signature_call(args, kwargs)
        call_args, call_kwargs = args, kwargs
        concrete, leaves = self._traced(args, kwargs, count_call=True)
        # Calls of tensors only (defaults filled in are Python values) take __call__'s fast path.
        if not call_kwargs and not leaves.variables and _thread.device_name is None \
                and len(leaves.tensors) == len(call_args) and all(type(a) is EagerTensor for a in call_args):
            if len(self._fast) > 256:  # many shapes through one relaxed trace: keep it bounded
                self._fast.clear()
            key = tuple(x for a in call_args for x in (a._array.dtype, a._array.shape))
            self._fast[key] = concrete
        # Tensors and variables as the concrete function takes them (placeholders' order).
        return concrete, leaves

    def _traced(self, args: tuple, kwargs: dict, count_call: bool) -> tuple[ConcreteFunction, _Leaves]:
        """The trace for these arguments (no input_signature), traced when new, and their leaves;
        `count_call` notes a cache hit in the retracing warning's call history."""
        args, kwargs, names, kinds = self._canonicalize(args, kwargs)
        leaves = _Leaves()
        key = (_key(args, leaves), _key(kwargs, leaves) if kwargs else None, _thread.device_name)
        concrete = self._lookup(key)
        if concrete is None:
            concrete = self._trace_for(args, kwargs, key, names, kinds)
        elif count_call:
            self._note_call(False)
        return concrete, leaves

    def _lookup(self, key: Any) -> ConcreteFunction | None:
        """The trace for `key`: its own, else one whose signature covers it (TF reuses a trace
        made for a more general signature, e.g. one from `get_concrete_function` with None dims)."""
        concrete = self._cache.get(key)
        if concrete is not None:
            return concrete
        for general, candidate in list(self._cache.items()) + self._relaxed:
            if _covers(general, key):
                return candidate
        return None

    def _trace_for(self, args: tuple, kwargs: dict, key: Any, names: list, kinds: list) -> ConcreteFunction:
        trace_args, trace_kwargs, general = args, kwargs, key
        if self._reduce_retracing:
            for known in list(self._cache):
                relaxed = _relaxed(known, key)
                if relaxed is not None:
                    general = relaxed
                    trace_args = _specs_from_key(args, relaxed[0])
                    trace_kwargs = _specs_from_key(kwargs, relaxed[1]) if kwargs else kwargs
                    break
        concrete = self._trace(trace_args, trace_kwargs, names, kinds)
        if general is key:
            self._cache[key] = concrete
        else:
            self._relaxed.append((general, concrete))
        return concrete

    def _trace(self, args: tuple, kwargs: dict, names: list | None = None,
               kinds: list | None = None) -> ConcreteFunction:
        if names is None:
            names, kinds = _positional_names(self._python_function, len(args))
        name = self._name.replace("<", "_").replace(">", "_") if self._name == "<lambda>" else self._name
        python_function = _autograph(self._python_function, True) if self._autograph else self._python_function
        # Tapes recording around the first call see the call (one op), not the tracing.
        with tapes_paused() if _thread.graph is None else contextlib.nullcontext():
            graph = trace(python_function, args, kwargs, name,
                          allow_variable_creation=not self._created_variables, arg_names=names)
            self._tracing_count += 1
            if graph.created_variables:
                # As TF: a trace that made variables is traced again, now with them existing; a
                # function that makes variables on every call fails here, on its first call.
                self._created_variables = True
                graph = trace(python_function, args, kwargs, name, allow_variable_creation=False,
                              arg_names=names)
                self._tracing_count += 1
        self._note_call(True)
        return ConcreteFunction(graph, self._python_function, names, kinds)

    def _canonicalize(self, args: tuple, kwargs: dict) -> tuple[tuple, dict, list, list]:
        """The arguments bound to the Python signature as TF binds them: defaults filled in,
        positional parameters positional, keyword-only ones (in signature order) and `**kwargs`
        as keywords; with each positional's name and kind. TF's TypeError when they do not bind."""
        signature = self._py_signature
        if signature is None:
            try:
                signature = self._py_signature = inspect.signature(self._python_function)
            except (TypeError, ValueError):
                signature = self._py_signature = False
        if signature is False:
            names, kinds = _positional_names(self._python_function, len(args))
            return args, kwargs, names, kinds
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as e:
            raise TypeError(f"Binding inputs to tf.function failed due to `{e}`. Received args: "
                            f"{args!r} and kwargs: {kwargs!r} for signature: "
                            f"{_captured_signature_text(signature)}.") from None
        bound.apply_defaults()
        out_args: list = []
        out_kwargs: dict = {}
        names: list = []
        kinds: list = []
        for name, parameter in signature.parameters.items():
            value = bound.arguments[name]
            kind = parameter.kind
            if kind is inspect.Parameter.VAR_POSITIONAL:
                for i, item in enumerate(value):
                    out_args.append(item)
                    names.append(f"{name}_{i}")
                    kinds.append("POSITIONAL_ONLY")
            elif kind is inspect.Parameter.VAR_KEYWORD:
                out_kwargs.update(value)
            elif kind is inspect.Parameter.KEYWORD_ONLY:
                out_kwargs[name] = value
            else:
                out_args.append(value)
                names.append(name)
                kinds.append(kind.name)
        return tuple(out_args), out_kwargs, names, kinds

    def _note_call(self, traced: bool) -> None:
        """TF's warning when most recent calls traced: 5 traces within the last 10 calls of
        functions sharing this Python code (so a tf.function made in a loop warns too), at
        most twice per code."""
        function = getattr(self, "_method_of", self._python_function)
        key = getattr(function, "__code__", function)
        try:
            record = _trace_history.setdefault(key, [[], 0])
        except TypeError:
            return
        history = record[0]
        if self._quiet_calls:
            history.extend([False] * min(self._quiet_calls, _WARN_CALLS))
            self._quiet_calls = 0
        history.append(traced)
        del history[:-_WARN_CALLS]
        traces = sum(history)
        if traced and traces >= _WARN_TRACES and record[1] < 2:
            record[1] += 1
            _log.warning(
                "%d out of the last %d calls to %s triggered tf.function retracing. Tracing is "
                "expensive and the excessive number of tracings could be due to (1) creating "
                "@tf.function repeatedly in a loop, (2) passing tensors with different shapes, "
                "(3) passing Python objects instead of tensors. For (1), please define your "
                "@tf.function outside of the loop. For (2), @tf.function has "
                "reduce_retracing=True option that can avoid unnecessary retracing. For (3), "
                "please refer to https://www.tensorflow.org/guide/function#controlling_retracing "
                "and https://www.tensorflow.org/api_docs/python/tf/function for  more details.",
                traces, len(history), self._python_function)

    def _signature_call(self, args: tuple, kwargs: dict) -> tuple[ConcreteFunction, _Leaves]:
        signature = self._input_signature
        bound = _bind_to_signature(self._python_function, signature, args, kwargs)
        concrete = self._signature_function
        if concrete is None:
            concrete = self._signature_function = self._trace(tuple(signature), {})
        leaves = _Leaves()
        for value, spec in zip(_structure.flatten(bound), _structure.flatten(list(signature))):
            leaves.tensors.append(_cast_to_spec(value, spec, args, kwargs, signature, self._python_function))
        return concrete, leaves

    # --- concrete functions --------------------------------------------------------------------------
    def get_concrete_function(self, *args: Any, **kwargs: Any) -> ConcreteFunction:
        """The concrete function for these arguments (tensors, TensorSpecs, Python values),
        tracing it when new."""
        if self._input_signature is not None:
            if not args and not kwargs:
                if self._signature_function is None:
                    self._signature_function = self._trace(tuple(self._input_signature), {})
                return self._signature_function
            return self._signature_call(args, kwargs)[0]
        return self._traced(args, kwargs, count_call=False)[0]

    def _list_all_concrete_functions(self) -> list[ConcreteFunction]:
        found = list(self._cache.values()) + [c for _, c in self._relaxed]
        if self._signature_function is not None:
            found.append(self._signature_function)
        return found

    list_all_concrete_functions = _list_all_concrete_functions

    def _trackable_children(self, save_type: str = "checkpoint", **kwargs: Any) -> dict:
        """TF's: nothing to checkpoint; for a SavedModel, the traced concrete functions."""
        if save_type == "checkpoint":
            return {}
        return {f"trace_{i}": c for i, c in enumerate(self._list_all_concrete_functions())}

    def pretty_printed_concrete_signatures(self, verbose: bool = True) -> str:
        return "\n\n".join(c.pretty_printed_signature(verbose) for c in self._list_all_concrete_functions())

    def __repr__(self) -> str:
        return f"<eagerflow.function.Function object at {id(self):#x}>"


def _autograph(python_function: Callable, user_requested: bool = False) -> Callable:
    """`python_function` converted by autograph when that package provides `convert(fn)`
    (`eagerflow._src.autograph`); unchanged otherwise. `user_requested`: handed to tf.function
    (converted even from a library module, as TF does)."""
    try:
        from eagerflow._src import autograph
    except ImportError:
        return python_function
    convert = getattr(autograph, "convert", None)
    return python_function if convert is None else convert(python_function, user_requested)


def _positional_names(python_function: Callable, n: int) -> tuple[list, list]:
    from eagerflow._src.function.func_graph import _arg_names

    return _arg_names(python_function, tuple(range(n)), {})[0], _arg_kinds(python_function, n)


def _captured_signature_text(signature: inspect.Signature) -> str:
    """The signature as TF's binding errors print it: defaults as `<captured_default_value>`."""
    parts = []
    star = False
    for name, p in signature.parameters.items():
        if p.kind is p.VAR_POSITIONAL:
            parts.append(f"*{name}")
            star = True
        elif p.kind is p.VAR_KEYWORD:
            parts.append(f"**{name}")
        else:
            if p.kind is p.KEYWORD_ONLY and not star:
                parts.append("*")
                star = True
            parts.append(name if p.default is p.empty else f"{name}=<captured_default_value>")
    return "(" + ", ".join(parts) + ")"


def _arg_kinds(python_function: Callable, n: int) -> list[str]:
    try:
        parameters = list(inspect.signature(python_function).parameters.values())
    except (TypeError, ValueError):
        return ["POSITIONAL_OR_KEYWORD"] * n
    kinds = []
    for i in range(n):
        p = parameters[min(i, len(parameters) - 1)] if parameters else None
        kinds.append(p.kind.name if p is not None else "POSITIONAL_OR_KEYWORD")
    return kinds


def _normalize_signature(signature: Any) -> tuple:
    if not isinstance(signature, (list, tuple)):
        raise TypeError(f"input_signature must be either a tuple or a list, got {type(signature)}.")
    for spec in _structure.flatten(list(signature)):
        if not is_spec(spec):
            raise TypeError(f"input_signature must be a possibly nested sequence of TypeSpec "
                            f"objects, got invalid args {spec!r} with type {type(spec)}.")
    return tuple(signature)


def _signature_text(python_function: Callable, signature: tuple) -> str:
    try:
        names = list(inspect.signature(python_function).parameters)
    except (TypeError, ValueError):
        names = [f"arg{i}" for i in range(len(signature))]
    return "(" + ", ".join(f"{n}: {_type_text(s)}" for n, s in zip(names, signature)) + ")"


def _bind_to_signature(python_function: Callable, signature: tuple, args: tuple, kwargs: dict) -> list:
    """The arguments in signature order, or TF's TypeError."""
    try:
        names = list(inspect.signature(python_function).parameters)
    except (TypeError, ValueError):
        names = []
    values = list(args)
    if len(values) > len(signature):
        raise TypeError(
            f"Binding inputs to tf.function failed due to `too many positional arguments`. Received "
            f"args: {args!r} and kwargs: {kwargs!r} for signature: "
            f"{_signature_text(python_function, signature)}.")
    for name in names[len(values):len(signature)]:
        if name not in kwargs:
            raise TypeError(
                f"Binding inputs to tf.function failed due to `missing a required argument: "
                f"'{name}'`. Received args: {args!r} and kwargs: {kwargs!r} for signature: "
                f"{_signature_text(python_function, signature)}.")
        values.append(kwargs[name])
    return values


def _cast_to_spec(value: Any, spec: Any, args: tuple, kwargs: dict, signature: tuple,
                  python_function: Callable) -> Any:
    dtype = _dtypes.as_dtype(spec.dtype)
    try:
        t = value if isinstance(value, Tensor) else convert_to_tensor(value, dtype)
    except (TypeError, ValueError):
        t = None
    if t is None or t.dtype != dtype or not spec.shape.is_compatible_with(t.shape):
        got = _type_text(t) if t is not None else repr(value)
        raise TypeError(
            f"Binding inputs to tf.function failed due to `Can not cast {got} to {_type_text(spec)}`. "
            f"Received args: {args!r} and kwargs: {kwargs!r} for signature: "
            f"{_signature_text(python_function, signature)}.")
    return t


def function(func: Callable | None = None, input_signature: Any = None, autograph: bool = True,
             jit_compile: Any = None, reduce_retracing: bool = False,
             experimental_implements: Any = None, experimental_autograph_options: Any = None,
             experimental_attributes: Any = None, experimental_relax_shapes: Any = None,
             experimental_compile: Any = None, experimental_follow_type_hints: Any = None,
             name: str | None = None) -> Any:
    """Compiles a Python function into a callable graph (`tf.function`), as decorator or call.

    Args:
      func: the function to compile (None: returns a decorator).
      input_signature: a sequence of `tf.TensorSpec`s fixing the one traced signature.
      autograph: convert Python control flow on tensors (used by the autograph work).
      jit_compile: accepted; eagerflow runs the same compiled plan.
      reduce_retracing: generalise shapes to avoid retracing for every new shape.
      name: the function's name in its graph.
    """
    def decorate(fn: Callable) -> Function:
        return Function(fn, name=name, input_signature=input_signature, autograph=autograph,
                        jit_compile=jit_compile if jit_compile is not None else experimental_compile,
                        reduce_retracing=reduce_retracing,
                        experimental_relax_shapes=experimental_relax_shapes)

    if func is None:
        return decorate
    return decorate(func)
