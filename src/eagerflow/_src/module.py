"""`Module`: a named container that finds its variables and submodules through attributes."""
from __future__ import annotations

import functools
import re
from typing import Any, Callable, Iterator

from eagerflow._src.framework import context
from eagerflow._src.framework.scopes import name_scope
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.variables import Variable

_VALID_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CAMEL_WORD = re.compile(r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))")
# Where the checkpoint layer leaves deferred-restoration hooks (attribute name -> callback).
DEFERRED_RESTORATIONS = "_deferred_restorations"
_IGNORED = frozenset(("_self_unconditional_checkpoint_dependencies",
                      "_self_unconditional_dependency_names", "_scope_name", "_name_scope", "_name",
                      DEFERRED_RESTORATIONS))


def camel_to_snake(name: str) -> str:
    """`HTTPServer` -> `http_server`, `Dense2Layer` -> `dense2_layer` (TF's conversion)."""
    return _CAMEL_WORD.sub(r"_\1", name).lower()


class Module:
    """Base class for stateful building blocks (`tf.Module`).

    Variables, modules and containers of them assigned as attributes are found by
    `variables`, `trainable_variables` and `submodules`, in attribute-name order.
    """

    def __init__(self, name: str | None = None) -> None:
        if name is None:
            name = camel_to_snake(type(self).__name__)
        elif not _VALID_NAME.match(name):
            raise ValueError(f"{name!r} is not a valid module name. Module names must be valid "
                             "Python identifiers (e.g. a valid class name).")
        self._name = name
        self._scope_name = f"{context.thread.name_scope}{name}/"

    @property
    def name(self) -> str:
        return self._name

    @property
    def name_scope(self) -> name_scope:
        """A scope prefixing names with this module's (`with self.name_scope:`)."""
        return name_scope(self._scope_name)

    @property
    def variables(self) -> tuple:
        return tuple(self._flatten(predicate=_is_variable))

    @property
    def trainable_variables(self) -> tuple:
        return tuple(self._flatten(predicate=lambda v: _is_variable(v) and v.trainable))

    @property
    def non_trainable_variables(self) -> tuple:
        return tuple(self._flatten(predicate=lambda v: _is_variable(v) and not v.trainable))

    @property
    def submodules(self) -> tuple:
        return tuple(self._flatten(predicate=lambda m: isinstance(m, Module)))

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        # A checkpoint restored before this attribute existed leaves a hook here that gives
        # the new value its saved state (TF's deferred restoration).
        hooks = self.__dict__.get(DEFERRED_RESTORATIONS)
        if hooks and name in hooks:
            hooks.pop(name)(value)

    def _flatten(self, recursive: bool = True, predicate: Callable[[Any], bool] | None = None,
                 with_path: bool = False) -> Iterator[Any]:
        """Leaves of this module's attributes matching `predicate`, as TF's `_flatten_module` walks them.

        Attributes in name order, each flattened as `tf.nest` does (dict keys sorted); a
        module's own leaves come before its submodules', which are walked depth first.
        Without `with_path` every object is reported once.
        """
        return _flatten_module(self, recursive, predicate or (lambda _: True), with_path,
                               (), {id(self)}, [])

    @classmethod
    def with_name_scope(cls, method: Callable) -> Callable:
        """Decorator: runs `method` inside the module's name scope."""

        @functools.wraps(method)
        def wrapper(self: "Module", *args: Any, **kwargs: Any) -> Any:
            with self.name_scope:
                return method(self, *args, **kwargs)

        return wrapper


def _is_variable(value: Any) -> bool:
    return isinstance(value, Variable)


def _flatten_module(module: Module, recursive: bool, predicate: Callable[[Any], bool], with_path: bool,
                    module_path: tuple, seen: set[int], recursion_stack: list[int]) -> Iterator[Any]:
    module_id = id(module)
    if module_id in recursion_stack:  # a cycle back to a module being walked: its leaves only
        recursive = False
    module_dict = vars(module)
    submodules = []
    for key in sorted(module_dict):
        if key in _IGNORED:
            continue
        for leaf_path, leaf in _leaves(module_dict[key], (key,)):
            if not with_path:
                if id(leaf) in seen:
                    continue
                seen.add(id(leaf))
            if predicate(leaf):
                yield (module_path + leaf_path, leaf) if with_path else leaf
            if recursive and isinstance(leaf, Module):
                submodules.append((module_path + leaf_path, leaf))
    recursion_stack.append(module_id)
    for submodule_path, submodule in submodules:
        yield from _flatten_module(submodule, recursive, predicate, with_path, submodule_path, seen,
                                   recursion_stack)
    recursion_stack.pop()


def _leaves(value: Any, path: tuple, depth: int = 0) -> Iterator[tuple[tuple, Any]]:
    """(path, leaf) pairs of nested lists, tuples and dicts (dicts in key order), as tf.nest does."""
    if depth > 100:  # cycles through containers: stop, as nest would refuse them
        return
    if isinstance(value, dict):
        try:
            keys = sorted(value)
        except TypeError:  # keys of mixed types: keep insertion order
            keys = list(value)
        for key in keys:
            yield from _leaves(value[key], path + (key,), depth + 1)
    elif isinstance(value, (list, tuple)) and not isinstance(value, Tensor):
        for i, item in enumerate(value):
            yield from _leaves(item, path + (i,), depth + 1)
    else:
        yield path, value

