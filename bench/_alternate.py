"""Shared by the benches that compare with TF: the best of several alternating runs."""
from __future__ import annotations

from typing import Callable


def best_alternating(rounds: int, ours: Callable[[], dict], theirs: Callable[[], dict] | None) -> tuple:
    """Per key, the smallest value over `rounds` calls of `ours()` and `theirs()` taken in turn
    (other load on the machine then weighs on both alike); `theirs` None gives None."""
    best_ours: dict = {}
    best_theirs: dict | None = {} if theirs is not None else None
    for _ in range(rounds):
        for key, value in ours().items():
            best_ours[key] = min(value, best_ours.get(key, value))
        if theirs is not None:
            for key, value in theirs().items():
                best_theirs[key] = min(value, best_theirs.get(key, value))
    return best_ours, best_theirs
