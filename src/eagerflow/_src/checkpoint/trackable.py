"""TF's tracking base classes (`tf.__internal__.tracking`): objects that name their dependencies.

`Trackable` keeps the (name -> object) dependencies that `_track_trackable` records;
`AutoTrackable` records one for every trackable value assigned to an attribute. Libraries
built on TF subclass them (Keras 3's layers, optimizers and variables do), and the checkpoint
graph walks them through `_checkpoint_children` (see `checkpoint/graph.py`). A trackable that
saves tensors of its own (Keras's variable) says so with `_serialize_to_tensors`.
`ListWrapper` and `_DictWrapper` are TF's tracked list and dict (`trackable.data_structures`).
"""
from __future__ import annotations

import functools
from typing import Any, Callable

_DEPENDENCIES = "_self_unconditional_dependency_names"


class Trackable:
    """Base of objects with named checkpoint dependencies (TF's `Trackable`)."""

    _self_setattr_tracking = True

    def _track_trackable(self, trackable: Any, name: str, overwrite: bool = False) -> Any:
        """Records `trackable` as the dependency `name` of this object; returns it."""
        dependencies = self.__dict__.get(_DEPENDENCIES)
        if dependencies is None:
            dependencies = self.__dict__[_DEPENDENCIES] = {}
        current = dependencies.get(name)
        if current is not None and current is not trackable and not overwrite:
            raise ValueError(f"Called Trackable._track_trackable() with name='{name}', but a Trackable "
                             "with this name is already declared as a dependency. Names must be unique "
                             "(or overwrite=True).")
        dependencies[name] = trackable
        return trackable

    def _lookup_dependency(self, name: str, cached_dependencies: Any = None) -> Any:
        return self.__dict__.get(_DEPENDENCIES, {}).get(name)

    def _trackable_children(self, save_type: str = "checkpoint", **kwargs: Any) -> dict[str, Any]:
        """The dependencies a checkpoint saves under this object, by name, in tracking order."""
        return dict(self.__dict__.get(_DEPENDENCIES, {}))

    def _checkpoint_children(self) -> list[tuple[str, Any]]:
        return list(self._trackable_children("checkpoint").items())


def _is_trackable(value: Any) -> bool:
    from eagerflow._src.checkpoint.graph import is_trackable

    return isinstance(value, Trackable) or is_trackable(value)


class AutoTrackable(Trackable):
    """A `Trackable` that depends on every trackable value assigned to one of its attributes."""

    def __setattr__(self, name: str, value: Any) -> None:
        if getattr(self, "_self_setattr_tracking", True) and not name.startswith("_self_") \
                and _is_trackable(value):
            self._track_trackable(value, name=name, overwrite=True)
        super().__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        dependencies = self.__dict__.get(_DEPENDENCIES)
        if dependencies is not None:
            dependencies.pop(name, None)
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
    """A list whose trackable items are checkpoint dependencies "0", "1", ... (TF's ListWrapper)."""

    def _trackable_children(self, save_type: str = "checkpoint", **kwargs: Any) -> dict[str, Any]:
        return {str(i): item for i, item in enumerate(self) if _is_trackable(item)}


class _DictWrapper(dict, Trackable):  # noqa: N801 - TF's name
    """A dict whose trackable values are checkpoint dependencies named by key (TF's _DictWrapper)."""

    def _trackable_children(self, save_type: str = "checkpoint", **kwargs: Any) -> dict[str, Any]:
        return {str(k): v for k, v in self.items() if _is_trackable(v)}
