"""eagerflow: TensorFlow's tensors, variables and gradients, light and fast.

    import eagerflow as tf

The namespace below is assembled from the layers (framework, ops, variables, autodiff, ...);
no logic lives here.
"""
import importlib as _importlib
import typing as _typing

from eagerflow.framework import errors
from eagerflow.framework.convert import constant, convert_to_tensor
from eagerflow.framework.device_spec import DeviceSpec
from eagerflow.framework.dtypes import (
    DType, as_dtype, bfloat16, bool, complex64, complex128, double, float8_e4m3b11fnuz,
    float8_e4m3fn, float8_e4m3fnuz, float8_e5m2, float8_e5m2fnuz, float16, float32, float64,
    half, int8, int16, int32, int64, qint8, qint16, qint32, quint8, quint16, resource, string,
    uint8, uint16, uint32, uint64, variant,
)
from eagerflow.framework.scopes import device, name_scope
from eagerflow.framework.tensor import Tensor
from eagerflow.framework.tensor_shape import TensorShape
from eagerflow.variables import (
    Variable, VariableAggregation, VariableSynchronization, variable_creator_scope,
)
from eagerflow.ops.array_ops import (
    broadcast_to, expand_dims, eye, fill, identity, linspace, one_hot, ones, ones_like, range, rank,
    reshape, reverse, shape, shape_n, size, squeeze, tile, transpose, where, zeros, zeros_like,
)
from eagerflow.ops.gather_scatter_ops import (
    gather, gather_nd, scatter_nd, tensor_scatter_nd_add, tensor_scatter_nd_max,
    tensor_scatter_nd_min, tensor_scatter_nd_sub, tensor_scatter_nd_update,
)
from eagerflow.ops.indexing_ops import pad, slice, strided_slice
from eagerflow.ops.join_split_ops import concat, split, stack, unstack
from eagerflow.ops.linalg_ops import clip_by_norm, einsum, matmul, norm, tensordot
from eagerflow.ops.math_ops import (
    abs, add, add_n, cast, clip_by_value, complex, cos, divide, equal, exp, floor,
    greater, greater_equal, less, less_equal, logical_and, logical_not, logical_or, maximum,
    minimum, multiply, negative, not_equal, pow, realdiv, round, saturate_cast, sigmoid, sign,
    sin, sqrt, square, subtract, tan, tanh, truediv, truncatediv,
)
from eagerflow.ops.reduce_ops import (
    argmax, argmin, cumsum, reduce_all, reduce_any, reduce_logsumexp, reduce_max, reduce_mean,
    reduce_min, reduce_prod, reduce_sum,
)
from eagerflow.autodiff.tape import GradientTape, UnconnectedGradients
from eagerflow.autodiff.custom_gradient import custom_gradient, stop_gradient
from eagerflow.module import Module
from eagerflow import optimizers
from eagerflow.api import bitwise, config, debugging, dtypes, linalg, math, nn

if _typing.TYPE_CHECKING:
    from eagerflow.api import distribute, random, train

# Whole subsystems load on first use, so `import eagerflow` stays fast.
_LAZY_NAMESPACES = {
    "distribute": "eagerflow.api.distribute",
    "random": "eagerflow.api.random",
    "train": "eagerflow.api.train",
}


def __getattr__(name: str) -> _typing.Any:
    target = _LAZY_NAMESPACES.get(name)
    if target is None:
        raise AttributeError(f"module 'eagerflow' has no attribute {name!r}")
    return _importlib.import_module(target)

newaxis = None
__version__ = "0.1.0"
