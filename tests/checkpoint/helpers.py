"""Helpers for the tf.train tests: fixture paths and an eagerflow namespace with `train`."""
from __future__ import annotations

import importlib.util
import os
import types

import eagerflow
from eagerflow import train

DATA = os.path.join(os.path.dirname(__file__), os.pardir, "data")
FIXTURES = os.path.join(DATA, "tf_train_checkpoints")


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, os.path.join(DATA, f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_fixtures = _load("make_tf_train_checkpoints")

# `import eagerflow as tf` plus `tf.train`, until the package exports it.
# (`keras` is left out: touching tf.keras loads Keras and aliases `tensorflow` in this process.)
ef = types.SimpleNamespace(**{k: getattr(eagerflow, k) for k in dir(eagerflow)
                              if not k.startswith("__") and k != "keras"})
ef.train = getattr(eagerflow, "train", train)


def fixture(*parts: str) -> str:
    return os.path.join(FIXTURES, *parts)
