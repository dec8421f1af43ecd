"""`Module`: a named container that finds its variables and submodules through attributes."""
from __future__ import annotations

import functools
import re
from typing import Any, Callable, Iterator

from eagerflow.framework import context
from eagerflow.framework.scopes import name_scope
from eagerflow.framework.tensor import Tensor
from eagerflow.variables import Variable

_VALID_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CAMEL_WORD = re.compile(r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))")
_IGNORED = frozenset(("_self_unconditional_checkpoint_dependencies",
                      "_self_unconditional_dependency_names", "_scope_name", "_name_scope", "_name"))


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

    def _flatten(self, recursive: bool = True, predicate: Callable[[Any], bool] | None = None,
                 with_path: bool = False) -> Iterator[Any]:
        """Leaves of this module's attributes matching `predicate`, breadth first, no repeats."""
        predicate = predicate or (lambda _: True)
        seen: set[int] = set()
        visited_modules = {id(self)}
        queue: list[tuple[tuple, Module]] = [((), self)]
        while queue:
            level, queue = queue, []
            for path, module in level:
                for key in sorted(vars(module)):
                    if key in _IGNORED:
                        continue
                    for leaf_path, leaf in _leaves(vars(module)[key], path + (key,)):
                        if id(leaf) not in seen and predicate(leaf):
                            seen.add(id(leaf))
                            yield (leaf_path, leaf) if with_path else leaf
                        if recursive and isinstance(leaf, Module) and id(leaf) not in visited_modules:
                            visited_modules.add(id(leaf))
                            queue.append((leaf_path, leaf))

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

