"""TF's tracking base classes (`tf.__internal__.tracking`): objects that name their dependencies.

`Trackable` keeps the (name -> object) dependencies that `_track_trackable` records, in the
order they were first recorded; `AutoTrackable` records one for every trackable value assigned
to an attribute, wrapping plain lists and dicts in `ListWrapper` / `_DictWrapper` first, as TF's
`sticky_attribute_assignment` does (a list *subclass*, such as Keras's `TrackedList`, is left
alone and is no dependency). Libraries built on TF subclass them (Keras 3's layers, optimizers
and variables do), and the checkpoint graph walks them through `_trackable_children` (see
`checkpoint/graph.py`). A trackable that saves tensors of its own (a variable, Keras's
variable, a mutable hash table) overrides `_serialize_to_tensors` / `_restore_from_tensors`.

A checkpoint restored before a dependency exists leaves a hook under that name; recording
the dependency later runs it, so the new object receives its saved state (TF's deferred
restoration: a Keras layer built after `restore`, an optimizer's slots created by `build`).
"""
from __future__ import annotations

import collections
import functools
from typing import Any, Callable

_DEPENDENCIES = "_self_unconditional_dependency_names"
# Where the checkpoint layer leaves deferred-restoration hooks (dependency name -> callback);
# the same attribute name as `module.DEFERRED_RESTORATIONS`.
_DEFERRED = "_deferred_restorations"


def run_deferred_restoration(obj: Any, name: str, value: Any) -> None:
    """Gives `value`, just recorded as dependency `name` of `obj`, its state from a checkpoint
    restored earlier (if one is waiting for that name)."""
    hooks = obj.__dict__.get(_DEFERRED)
    if hooks and name in hooks:
        hooks.pop(name)(value)


class Trackable:
    """Base of objects with named checkpoint dependencies (TF's `Trackable`)."""

    _self_setattr_tracking = True

    def _track_trackable(self, trackable: Any, name: str, overwrite: bool = False) -> Any:
        """Records `trackable` as the dependency `name` of this object; returns it.

        A new name goes last; overwriting keeps the name's place (TF's order)."""
        dependencies = self.__dict__.get(_DEPENDENCIES)
        if dependencies is None:
            dependencies = self.__dict__[_DEPENDENCIES] = {}
        current = dependencies.get(name)
        if current is not None and current is not trackable and not overwrite:
            raise ValueError(f"Called Trackable._track_trackable() with name='{name}', but a Trackable "
                             "with this name is already declared as a dependency. Names must be unique "
                             "(or overwrite=True).")
        dependencies[name] = trackable
        if current is None:
            run_deferred_restoration(self, name, trackable)
        return trackable

    def _delete_tracking(self, name: str) -> None:
        """Removes the dependency `name`, if any."""
        dependencies = self.__dict__.get(_DEPENDENCIES)
        if dependencies is not None:
            dependencies.pop(name, None)

    def _lookup_dependency(self, name: str, cached_dependencies: Any = None) -> Any:
        return self.__dict__.get(_DEPENDENCIES, {}).get(name)

    def _maybe_initialize_trackable(self) -> None:
        """Nothing to set up: the dependency table is created on first use."""

    @property
    def _unconditional_checkpoint_dependencies(self) -> list[Any]:
        return [TrackableReference(name, ref) for name, ref in self.__dict__.get(_DEPENDENCIES, {}).items()]

    @property
    def _checkpoint_dependencies(self) -> list[Any]:
        return self._unconditional_checkpoint_dependencies

    @property
    def _deferred_dependencies(self) -> dict[str, Any]:
        return self.__dict__.get(_DEFERRED, {})

    def _trackable_children(self, save_type: str = "checkpoint", **kwargs: Any) -> dict[str, Any]:
        """The dependencies a checkpoint saves under this object, by name, in tracking order."""
        return dict(self.__dict__.get(_DEPENDENCIES, {}))

    def _checkpoint_children(self) -> list[tuple[str, Any]]:
        return list(self._trackable_children("checkpoint").items())

    def _serialize_to_tensors(self) -> dict[str, Any]:
        """The tensors this object saves itself, by attribute name (none: override to save)."""
        raise NotImplementedError

    def _restore_from_tensors(self, restored_tensors: dict[str, Any]) -> Any:
        """Takes back what `_serialize_to_tensors` saved."""
        raise NotImplementedError


class TrackableReference(collections.namedtuple("TrackableReference", ["name", "ref"])):
    """A (name, object) dependency (TF's `TrackableReference`)."""


def has_own_tensors(obj: Any) -> bool:
    """Whether `obj` saves tensors itself: it overrides `Trackable._serialize_to_tensors`."""
    method = getattr(type(obj), "_serialize_to_tensors", None)
    return method is not None and method is not Trackable._serialize_to_tensors


_graph_is_trackable: Callable[[Any], bool] | None = None


def _is_trackable(value: Any) -> bool:
    global _graph_is_trackable
    if isinstance(value, Trackable):
        return True
    if _graph_is_trackable is None:  # graph.py imports this module
        from eagerflow._src.checkpoint.graph import is_trackable

        _graph_is_trackable = is_trackable
    return _graph_is_trackable(value)


class NoDependency:
    """Assigning `NoDependency(value)` stores `value` without tracking it (TF's `NoDependency`)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


def wrap_or_unwrap(value: Any) -> Any:
    """TF's `wrap_or_unwrap`: a plain list or dict becomes a tracked wrapper; `NoDependency` unwraps."""
    if isinstance(value, NoDependency):
        return value.value
    if isinstance(value, Trackable):
        return value
    if type(value) is dict or type(value) is collections.OrderedDict:
        return _DictWrapper(value)
    if type(value) is list:
        return ListWrapper(value)
    return value


def _tracks(value: Any) -> bool:
    """Whether an (already wrapped) value becomes a dependency, as in TF: a trackable object, or
    a tuple holding one or a plain list or dict (TF wraps such tuples; eagerflow keeps the tuple
    and saves its items the same way). A list or dict subclass that TF does not wrap (Keras's
    `TrackedList`, a `defaultdict`) is no dependency."""
    if isinstance(value, Trackable):
        return True
    if isinstance(value, tuple):
        return any(_tracks(item) or type(item) in (list, dict, collections.OrderedDict) for item in value)
    if isinstance(value, (list, dict)):
        return False
    return _is_trackable(value)


def sticky_attribute_assignment(trackable: Trackable, name: str, value: Any) -> Any:
    """Tracks `value` as dependency `name` of `trackable` when it is trackable (after wrapping);
    returns the value to store."""
    if isinstance(value, NoDependency):
        return value.value
    value = wrap_or_unwrap(value)
    if _tracks(value):
        trackable._track_trackable(value, name=name, overwrite=True)
    return value


class AutoTrackable(Trackable):
    """A `Trackable` that depends on every trackable value assigned to one of its attributes."""

    def __setattr__(self, name: str, value: Any) -> None:
        try:
            if getattr(self, name) is value:
                return
        except AttributeError:
            pass
        if getattr(self, "_self_setattr_tracking", True) and not name.startswith("_self_"):
            value = sticky_attribute_assignment(self, name, value)
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        self._delete_tracking(name)
        super().__delattr__(name)


def no_automatic_dependency_tracking(method: Callable) -> Callable:
    """Decorates a method so that attributes it assigns are not tracked as dependencies."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        previous = getattr(self, "_self_setattr_tracking", True)
        object.__setattr__(self, "_self_setattr_tracking", False)
        try:
            return method(self, *args, **kwargs)
        finally:
            object.__setattr__(self, "_self_setattr_tracking", previous)

    return wrapper


class ListWrapper(list, Trackable):
    """A list whose trackable items are checkpoint dependencies "0", "1", ... (TF's ListWrapper).

    Items are wrapped as attribute values are (a plain list inside becomes a ListWrapper);
    appending an item at index i runs a deferred restoration waiting for "i"."""

    def __init__(self, wrapped_list: Any = ()) -> None:
        super().__init__(wrap_or_unwrap(item) for item in wrapped_list)

    def _added(self, start: int) -> None:
        for i in range(start, len(self)):
            run_deferred_restoration(self, str(i), list.__getitem__(self, i))

    def append(self, value: Any) -> None:
        super().append(wrap_or_unwrap(value))
        self._added(len(self) - 1)

    def extend(self, values: Any) -> None:
        start = len(self)
        super().extend(wrap_or_unwrap(item) for item in values)
        self._added(start)

    def __iadd__(self, values: Any) -> "ListWrapper":
        self.extend(values)
        return self

    def insert(self, index: int, value: Any) -> None:
        super().insert(index, wrap_or_unwrap(value))

    def __setitem__(self, index: Any, value: Any) -> None:
        if isinstance(index, slice):
            value = [wrap_or_unwrap(item) for item in value]
        else:
            value = wrap_or_unwrap(value)
        super().__setitem__(index, value)

    def __copy__(self) -> "ListWrapper":
        return ListWrapper(list(self))

    def __deepcopy__(self, memo: dict) -> "ListWrapper":
        import copy

        return ListWrapper(copy.deepcopy(list(self), memo))

    def __reduce__(self) -> Any:
        return ListWrapper, (list(self),)

    def __repr__(self) -> str:
        return f"ListWrapper({list.__repr__(self)})"

    def _trackable_children(self, save_type: str = "checkpoint", **kwargs: Any) -> dict[str, Any]:
        return {str(i): item for i, item in enumerate(self) if _tracks(item)}


class _DictWrapper(dict, Trackable):  # noqa: N801 - TF's name
    """A dict whose trackable values are checkpoint dependencies named by key (TF's _DictWrapper).

    Values are wrapped as attribute values are; setting a key runs a deferred restoration
    waiting for it. Saving one whose trackable value sits under a non-string key fails as TF's does."""

    def __init__(self, wrapped_dict: Any = None) -> None:
        super().__init__()
        if wrapped_dict is not None:
            for key, value in dict(wrapped_dict).items():
                dict.__setitem__(self, key, wrap_or_unwrap(value))

    def __setitem__(self, key: Any, value: Any) -> None:
        value = wrap_or_unwrap(value)
        new = key not in self
        super().__setitem__(key, value)
        if new and isinstance(key, str):
            run_deferred_restoration(self, key, value)

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    def __copy__(self) -> "_DictWrapper":
        return _DictWrapper(dict(self))

    def __deepcopy__(self, memo: dict) -> "_DictWrapper":
        import copy

        return _DictWrapper(copy.deepcopy(dict(self), memo))

    def __reduce__(self) -> Any:
        return _DictWrapper, (dict(self),)

    def __repr__(self) -> str:
        return f"DictWrapper({dict.__repr__(self)})"

    def _trackable_children(self, save_type: str = "checkpoint", **kwargs: Any) -> dict[str, Any]:
        children = {}
        for key, value in self.items():
            if not _tracks(value):
                continue
            if not isinstance(key, str):
                raise ValueError(
                    f"Unable to save the object {self!r} (a dictionary wrapper constructed automatically on "
                    "attribute assignment). The wrapped dictionary contains a non-string key which maps to a "
                    "trackable object or mutable data structure.\n\nIf you don't need this dictionary "
                    "checkpointed, wrap it in a non-trackable object; it will be subsequently ignored.")
            children[key] = value
        return children
