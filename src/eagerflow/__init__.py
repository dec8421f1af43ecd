"""eagerflow: TensorFlow's tensors, variables and gradients, light and fast.

    import eagerflow as tf

The namespace below is assembled from the layers (framework, ops, variables, ...); no logic
lives here.
"""
from eagerflow.framework import errors
from eagerflow.framework.convert import constant, convert_to_tensor
from eagerflow.framework.device_spec import DeviceSpec
from eagerflow.framework.dtypes import (
    DType, as_dtype, bfloat16, bool, complex64, complex128, double, float8_e4m3b11fnuz,
    float8_e4m3fn, float8_e4m3fnuz, float8_e5m2, float8_e5m2fnuz, float16, float32, float64,
    half, int4, int8, int16, int32, int64, qint8, qint16, qint32, quint8, quint16, resource,
    string, uint4, uint8, uint16, uint32, uint64, variant,
)
from eagerflow.framework.scopes import device, name_scope
from eagerflow.framework.tensor import Tensor
from eagerflow.framework.tensor_shape import TensorShape
from eagerflow.variables import (
    UnreadVariable, Variable, VariableAggregation, VariableSynchronization,
)
from eagerflow.api import math, linalg, nn, dtypes, config, debugging  # noqa: E402
from eagerflow.api.toplevel import *  # noqa: F401,F403,E402 - TF's top-level op aliases

newaxis = None
__version__ = "0.1.0"
from eagerflow.autodiff.tape import GradientTape, UnconnectedGradients
from eagerflow.autodiff.custom_gradient import custom_gradient, stop_gradient
from eagerflow import optimizers
from eagerflow.module import Module
