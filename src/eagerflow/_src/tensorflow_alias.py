"""`import tensorflow` (and `tensorflow.<namespace>`) resolving to eagerflow, for `python -m eagerflow run`.

A meta path finder maps every `tensorflow.X.Y` import onto `eagerflow.X.Y`, so submodule
imports work as under TF (`import tensorflow.experimental.numpy as tnp`, `from tensorflow
import nn`), and always give the one module object that `tf.X.Y` names.
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
from types import ModuleType
from typing import Any

_PREFIX = "tensorflow"


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target: str) -> None:
        self._target = target

    def create_module(self, spec: Any) -> ModuleType:
        return importlib.import_module(self._target)

    def exec_module(self, module: ModuleType) -> None:
        pass  # already executed under its own name


class _AliasFinder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if fullname != _PREFIX and not fullname.startswith(_PREFIX + "."):
            return None
        real = "eagerflow" + fullname[len(_PREFIX):]
        if importlib.util.find_spec(real) is None:
            return None
        return importlib.util.spec_from_loader(fullname, _AliasLoader(real))


def install() -> None:
    """Makes `import tensorflow...` resolve to eagerflow in this process (idempotent)."""
    import eagerflow

    if not any(isinstance(f, _AliasFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _AliasFinder())  # before any real TensorFlow on the path
    for name in [n for n in sys.modules if n == _PREFIX or n.startswith(_PREFIX + ".")]:
        del sys.modules[name]
    sys.modules[_PREFIX] = eagerflow
