"""`tf.__internal__.decorator.unwrap`: a decorated function's decorators and innermost target."""
from __future__ import annotations

from typing import Any


def unwrap(maybe_decorated: Any) -> tuple[list, Any]:
    """(decorators outermost first, innermost function), following `__wrapped__` links as TF's
    `tf_decorator.unwrap` follows its TFDecorator objects."""
    decorators = []
    current = maybe_decorated
    while hasattr(current, "__wrapped__"):
        decorators.append(current)
        current = current.__wrapped__
    return decorators, current
