"""`tf.saved_model`: saving and loading objects with their functions in TensorFlow's format."""
from types import SimpleNamespace as _Namespace

from eagerflow._src.saved_model.api import (
    DEFAULT_SERVING_SIGNATURE_DEF_KEY, PREDICT_METHOD_NAME, SERVE_TAG as SERVING, contains_saved_model, load, save)
from eagerflow._src.saved_model.options import LoadOptions, SaveOptions

ASSETS_DIRECTORY = "assets"
ASSETS_KEY = "saved_model_assets"
SAVED_MODEL_FILENAME_PB = "saved_model.pb"
SAVED_MODEL_FILENAME_PBTXT = "saved_model.pbtxt"
SAVED_MODEL_SCHEMA_VERSION = 1
VARIABLES_DIRECTORY = "variables"
VARIABLES_FILENAME = "variables"
GPU = "gpu"
TPU = "tpu"
TRAINING = "train"
CLASSIFY_METHOD_NAME = "tensorflow/serving/classify"
REGRESS_METHOD_NAME = "tensorflow/serving/regress"

experimental = _Namespace(SaveOptions=SaveOptions, LoadOptions=LoadOptions)
