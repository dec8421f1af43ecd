"""`tf.saved_model.experimental.TrackableResource`: a trackable object owning a resource (a
lookup table, a queue) that a SavedModel recreates on load."""
from __future__ import annotations

from typing import Any

from eagerflow._src.checkpoint.trackable import Trackable


class TrackableResource(Trackable):
    """Holds a resource made by `_create_resource` on first use of `resource_handle`.

    Args:
      device: the device the resource is placed on ("" for the default).
    """

    def __init__(self, device: str = "") -> None:
        self._resource_device = device
        self._resource_handle_value: Any = None

    def _create_resource(self) -> Any:
        raise NotImplementedError("TrackableResource subclasses must define _create_resource.")

    def _initialize(self) -> None:
        """Sets the resource up after creation (nothing by default)."""

    def _destroy_resource(self) -> None:
        """Releases the resource (nothing by default)."""

    @property
    def resource_handle(self) -> Any:
        if self._resource_handle_value is None:
            self._resource_handle_value = self._create_resource()
        return self._resource_handle_value
