"""The public `tf.saved_model` functions, light to import: protobuf and the writers and readers
load on the first save or load."""
from __future__ import annotations

import os
from typing import Any

SAVED_MODEL_FILENAME_PB = "saved_model.pb"
VARIABLES_DIRECTORY = "variables"
VARIABLES_FILENAME = "variables"
SERVE_TAG = "serve"
DEFAULT_SERVING_SIGNATURE_DEF_KEY = "serving_default"
PREDICT_METHOD_NAME = "tensorflow/serving/predict"


def save(obj: Any, export_dir: str | os.PathLike, signatures: Any = None, options: Any = None) -> None:
    """Writes `obj` (a `tf.Module` or other trackable object) as a SavedModel in `export_dir`.

    Args:
      obj: the root object. Its variables, submodules and `tf.function`s (traced, or with an
        input_signature) are saved.
      export_dir: the directory to write.
      signatures: a `tf.function` with an input_signature, a concrete function, or a dict of
        them by signature key; by default the root's `__call__` when it has an input_signature.
      options: a `tf.saved_model.SaveOptions` (accepted; nothing in it changes the files).

    Raises:
      ValueError: a signature is not a function with known inputs, or a saved function uses a
        variable the object does not track.
      UnimplementedError: a function uses an op TensorFlow does not have.
    """
    from eagerflow._src.saved_model import save as save_lib

    save_lib.save(obj, export_dir, signatures, options)


def load(export_dir: str | os.PathLike, tags: Any = None, options: Any = None) -> Any:
    """Loads a SavedModel written by `tf.saved_model.save` (eagerflow's or TensorFlow's).

    Returns:
      The root object: variables, submodules and functions as attributes; `signatures` maps
      each signature key to a function taking keyword arguments and returning a dict.

    Raises:
      OSError: no SavedModel in `export_dir` (TF's message).
      DataLossError: a corrupt `saved_model.pb` or checkpoint.
      ValueError: `tags` do not name the saved MetaGraph.
      NotFoundError: a function uses an op eagerflow does not have.
    """
    from eagerflow._src.saved_model import load as load_lib

    return load_lib.load(export_dir, tags, options)


def contains_saved_model(export_dir: str | os.PathLike) -> bool:
    """Whether `export_dir` holds a `saved_model.pb` (`tf.saved_model.contains_saved_model`)."""
    return os.path.isfile(os.path.join(os.fspath(export_dir), SAVED_MODEL_FILENAME_PB))
