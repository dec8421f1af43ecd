"""Array libraries behind one small interface (`xp`, from_host, to_host, copy, update_in_place).

Backends are loaded on first use so `import eagerflow` never imports an optional library.
"""
from __future__ import annotations

import importlib
from types import ModuleType

_loaded: dict[str, ModuleType] = {}


def get(name: str) -> ModuleType:
    """The backend module called `name` ("numpy" or "cupy")."""
    module = _loaded.get(name)
    if module is None:
        module = importlib.import_module(f"eagerflow._src.backends.{name}")
        _loaded[name] = module
    return module
