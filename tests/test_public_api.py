"""The public API as a whole: one object per namespace, only TensorFlow's names in it.

Every internal module is imported first (in the order pkgutil finds them), so a namespace
that an internal package shadows, or that depends on import order, shows up here.
"""
import importlib
import importlib.util
import pkgutil
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Optional dependencies an internal module may need; modules needing them are skipped when
# the dependency is not installed.
OPTIONAL_DEPENDENCIES = {"cupy", "cupyx", "mpi4py"}

# Public non-underscore names that are not TensorFlow's, each with its reason.
NON_TF_ALLOWLIST = {
    # eagerflow's per-device copy counters (bytes moved between devices), an extension.
    "tf.debugging.transfer_stats",
    "tf.debugging.reset_transfer_stats",
    # eagerflow's safetensors export/import of checkpointable objects, beside TF's checkpoints.
    "tf.train.save_safetensors",
    "tf.train.load_safetensors",
    "tf.train.read_safetensors",
}
# TF's implementation packages that libraries import by path (Keras imports
# `tensorflow.python...`): importing one sets it on the package, as in TF, which deletes them
# from `dir(tf)` at import but cannot stop a later submodule import re-adding them. Not walked.
INTERNAL_PACKAGES = {"tf.python", "tf.compiler", "tf.core", "tf.tsl"}

# Non-TF names public today that belong elsewhere (issue 11: TF's path, or `_src`), listed so
# the test passes while their owners move them; no name may join this list. TF's path in
# brackets where TF has one.
PENDING_CLEANUP: set[str] = set()  # non-TF names still exposed by mistake: none may join


def _load_coverage_tool():
    spec = importlib.util.spec_from_file_location("api_coverage", ROOT / "tools" / "api_coverage.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _import_internal_modules() -> list[str]:
    import eagerflow._src as src

    imported = []
    for info in pkgutil.walk_packages(src.__path__, "eagerflow._src.", onerror=lambda name: None):
        try:
            importlib.import_module(info.name)
        except ImportError as error:
            if (error.name or "").split(".")[0] in OPTIONAL_DEPENDENCIES:
                continue
            raise
        imported.append(info.name)
    return imported


@pytest.fixture(scope="module")
def tf():
    _import_internal_modules()
    import eagerflow

    return eagerflow


@pytest.fixture(scope="module")
def namespaces(tf):
    """Dotted public path (`tf.distribute`) -> module, walked through attributes."""
    found = {"tf": tf}
    pending = ["tf"]
    while pending:
        path = pending.pop()
        module = found[path]
        for name in dir(module):
            if name.startswith("_"):
                continue
            value = getattr(module, name)
            if isinstance(value, types.ModuleType) and value.__name__.startswith("eagerflow."):
                sub = f"{path}.{name}"
                if sub not in found and sub not in INTERNAL_PACKAGES:
                    found[sub] = value
                    pending.append(sub)
    return found


@pytest.fixture(scope="module")
def coverage_tool():
    return _load_coverage_tool()


def test_internal_modules_all_import(tf):
    assert len(_import_internal_modules()) > 30


def test_public_namespace_is_the_module_at_its_path(namespaces):
    wrong = {}
    for path, module in namespaces.items():
        expected = "eagerflow" + path[len("tf"):]
        if module.__name__ != expected or sys.modules.get(expected) is not module:
            wrong[path] = module.__name__
    assert wrong == {}


def test_public_namespace_never_lives_under_src(namespaces):
    assert [p for p, m in namespaces.items() if "._src" in m.__name__] == []


def test_lazy_namespace_attribute_is_stable(tf):
    first = tf.distribute.ReduceOp
    assert tf.distribute.ReduceOp is first
    assert tf.distribute is sys.modules["eagerflow.distribute"]


def test_import_statement_gives_the_attribute_object(tf, namespaces):
    for path, module in namespaces.items():
        assert importlib.import_module("eagerflow" + path[len("tf"):]) is module


def test_public_namespaces_hold_only_tensorflow_names(namespaces, coverage_tool):
    tf_names = set(coverage_tool.read_names(coverage_tool.TF_LIST))
    tf_namespaces = {name.rsplit(".", i)[0] for name in tf_names
                     for i in range(1, name.count("."))}
    extra = []
    for path, module in namespaces.items():
        if coverage_tool.is_excluded(path):
            continue  # keras-backed and other uncounted namespaces are not in the list
        for name in dir(module):
            dotted = f"{path}.{name}"
            if name.startswith("_") or coverage_tool.is_excluded(dotted) or dotted in INTERNAL_PACKAGES:
                continue
            if dotted not in tf_names and dotted not in tf_namespaces \
                    and dotted not in NON_TF_ALLOWLIST and dotted not in PENDING_CLEANUP:
                extra.append(dotted)
    assert extra == []


def test_allowlisted_extensions_exist(tf):
    for dotted in NON_TF_ALLOWLIST:
        obj = tf
        for part in dotted.split(".")[1:]:
            obj = getattr(obj, part)


def test_tensorflow_alias_submodule_imports_give_eagerflow_objects():
    code = textwrap.dedent("""
        from eagerflow._src import tensorflow_alias
        tensorflow_alias.install()
        import sys
        import eagerflow
        import tensorflow as tf
        import tensorflow.experimental.numpy as tnp
        from tensorflow import nn
        import tensorflow.distribute
        assert tf is eagerflow
        assert tnp is eagerflow.experimental.numpy is sys.modules["eagerflow.experimental.numpy"]
        assert nn is eagerflow.nn
        assert tensorflow.distribute is eagerflow.distribute
        assert tf.distribute.ReduceOp is tf.distribute.ReduceOp
        print("ok")
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
