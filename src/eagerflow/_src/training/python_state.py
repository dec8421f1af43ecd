"""`tf.train.experimental.PythonState`: Python state a checkpoint saves as a string."""
from __future__ import annotations

import abc

from eagerflow._src.checkpoint.trackable import Trackable


class PythonState(Trackable, metaclass=abc.ABCMeta):
    """Base of objects that save their Python state as a string: subclasses define
    `serialize()` (returns the string) and `deserialize(string_value)`."""

    @abc.abstractmethod
    def serialize(self) -> str:
        """The object's state as a string."""

    @abc.abstractmethod
    def deserialize(self, string_value: str) -> None:
        """Restores the state `serialize` returned."""
