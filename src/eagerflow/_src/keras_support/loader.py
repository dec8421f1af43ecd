"""Loading `tf.keras`: upstream Keras 3's TF-flavoured API (`keras._tf_keras.keras`, what TF 2.21's
`tf.keras` is) with its TensorFlow backend running on eagerflow.

Keras picks its backend from a fixed list and imports `tensorflow` for the TF one, so before
Keras loads, `tensorflow` (and `tensorflow.<anything>`) is made to resolve to eagerflow in this
process (the same alias `python -m eagerflow run` installs) and KERAS_BACKEND is set to
tensorflow. Submodules of `tf.keras` resolve to Keras's own modules, so `import
tensorflow.keras.layers` and `tf.keras.layers` are one module object.
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import os
import sys
from types import ModuleType
from typing import Any

KERAS_API = "keras._tf_keras.keras"
_PUBLIC = "eagerflow.keras"
_MISSING = ("tf.keras is upstream Keras 3, which is not installed: pip install 'eagerflow[keras]' "
            "(Keras {spec})")
_KERAS_SPEC = ">=3.10,<3.16"


class _SubmoduleLoader(importlib.abc.Loader):
    def __init__(self, target: str) -> None:
        self._target = target

    def create_module(self, spec: Any) -> ModuleType:
        return importlib.import_module(self._target)

    def exec_module(self, module: ModuleType) -> None:
        pass  # executed under Keras's own name


class _KerasSubmoduleFinder(importlib.abc.MetaPathFinder):
    """`eagerflow.keras.X` is `keras._tf_keras.keras.X` (never a second copy of Keras's module)."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if not fullname.startswith(_PUBLIC + "."):
            return None
        real = KERAS_API + fullname[len(_PUBLIC):]
        if importlib.util.find_spec(real) is None:
            return None
        return importlib.util.spec_from_loader(fullname, _SubmoduleLoader(real))


def _check_loaded_keras() -> None:
    """A Keras imported before `tf.keras` must already be on eagerflow's TF backend."""
    import eagerflow

    keras = sys.modules.get("keras")
    if keras is None:
        return
    backend = sys.modules.get("keras.src.backend.config")
    name = backend.backend() if backend is not None else None
    if name != "tensorflow" or sys.modules.get("tensorflow") is not eagerflow:
        raise ImportError(
            f"Keras was imported before tf.keras with backend {name!r}"
            + ("" if sys.modules.get("tensorflow") in (None, eagerflow) else " on another TensorFlow")
            + ": tf.keras is Keras on eagerflow's TensorFlow backend. Access tf.keras (or run under "
            "`python -m eagerflow run`) before importing keras.")


def load() -> ModuleType:
    """Imports upstream Keras on eagerflow and returns its `tf.keras` API module."""
    if importlib.util.find_spec("keras") is None:
        raise ImportError(_MISSING.format(spec=_KERAS_SPEC))
    _check_loaded_keras()
    from eagerflow._src import tensorflow_alias

    if "keras" not in sys.modules:
        os.environ["KERAS_BACKEND"] = "tensorflow"
        tensorflow_alias.install()
    if not any(isinstance(f, _KerasSubmoduleFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _KerasSubmoduleFinder())
    return importlib.import_module(KERAS_API)
