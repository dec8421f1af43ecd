"""`tf.saved_model`: saving and loading objects with their functions in TensorFlow's format."""
from eagerflow._src.saved_model.api import (
    DEFAULT_SERVING_SIGNATURE_DEF_KEY, PREDICT_METHOD_NAME, SERVE_TAG as SERVING, contains_saved_model, load, save)
from eagerflow._src.saved_model.options import LoadOptions, SaveOptions
from eagerflow._src.saved_model.resources import Asset
from eagerflow.saved_model import experimental

ASSETS_DIRECTORY = "assets"
ASSETS_KEY = "saved_model_assets"
SAVED_MODEL_FILENAME_PB = "saved_model.pb"
SAVED_MODEL_FILENAME_PBTXT = "saved_model.pbtxt"
SAVED_MODEL_SCHEMA_VERSION = 1
VARIABLES_DIRECTORY = "variables"
VARIABLES_FILENAME = "variables"
CLASSIFY_INPUTS = "inputs"
CLASSIFY_OUTPUT_CLASSES = "classes"
CLASSIFY_OUTPUT_SCORES = "scores"
DEBUG_DIRECTORY = "debug"
DEBUG_INFO_FILENAME_PB = "saved_model_debug_info.pb"
PREDICT_INPUTS = "inputs"
PREDICT_OUTPUTS = "outputs"
REGRESS_INPUTS = "inputs"
REGRESS_OUTPUTS = "outputs"
GPU = "gpu"
TPU = "tpu"
TRAINING = "train"
CLASSIFY_METHOD_NAME = "tensorflow/serving/classify"
REGRESS_METHOD_NAME = "tensorflow/serving/regress"
