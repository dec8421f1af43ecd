"""eagerflow: TensorFlow's tensors, variables and gradients, light and fast.

    import eagerflow as tf

The namespace below is assembled from the layers (framework, ops, variables, autodiff, ...);
no logic lives here.
"""
import importlib as _importlib
import typing as _typing

from eagerflow._src.framework.convert import constant, convert_to_tensor, is_tensor
from eagerflow._src.framework.device_spec import DeviceSpec
from eagerflow._src.framework.dtypes import (
    DType, as_dtype, bfloat16, bool, complex64, complex128, double, float16, float32, float64,
    half, int8, int16, int32, int64, qint8, qint16, qint32, quint8, quint16, resource, string,
    uint8, uint16, uint32, uint64, variant,
)
from eagerflow._src.framework.scopes import device, name_scope
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.framework.tensor_shape import TensorShape
from eagerflow._src.framework.tensor_spec import TensorSpec, TypeSpec, type_spec_from_value
from eagerflow._src.framework.indexed_slices import IndexedSlices, IndexedSlicesSpec
from eagerflow._src.variables import (
    Variable, VariableAggregation, VariableSynchronization, variable_creator_scope,
)
from eagerflow._src.ops.array_ops import (
    broadcast_to, expand_dims, eye, fill, identity, linspace, one_hot, ones, ones_like, range, rank,
    reshape, reverse, shape, shape_n, size, squeeze, tile, transpose, where, zeros, zeros_like,
)
from eagerflow._src.ops.gather_scatter_ops import (
    gather, gather_nd, scatter_nd, tensor_scatter_nd_add, tensor_scatter_nd_max,
    tensor_scatter_nd_min, tensor_scatter_nd_sub, tensor_scatter_nd_update,
)
from eagerflow._src.ops.indexing_ops import pad, slice, strided_slice
from eagerflow._src.ops.join_split_ops import concat, split, stack, unstack
from eagerflow._src.ops.linalg_ops import clip_by_norm, einsum, matmul, norm, tensordot
from eagerflow._src.ops.linalg_decompositions import eig, eigvals
from eagerflow._src.ops.math_ops import (
    abs, add, add_n, cast, clip_by_value, complex, cos, divide, equal, exp, floor,
    greater, greater_equal, less, less_equal, logical_and, logical_not, logical_or, maximum,
    minimum, multiply, negative, not_equal, pow, realdiv, round, saturate_cast, sigmoid, sign,
    sin, sqrt, square, subtract, tan, tanh, truediv, truncatediv,
)
from eagerflow._src.ops.reduce_ops import (
    argmax, argmin, cumsum, reduce_all, reduce_any, reduce_logsumexp, reduce_max, reduce_mean,
    reduce_min, reduce_prod, reduce_sum,
)
from eagerflow._src.ops.arith_ops import truncatemod
from eagerflow._src.ops.sort_ops import argsort, searchsorted, sort, unique, unique_with_counts
from eagerflow._src.ops.stats_ops import histogram_fixed_width, histogram_fixed_width_bins
from eagerflow._src.ops.trig_ops import acos, acosh, asin, asinh, atan, atanh, cosh, sinh
from eagerflow._src.ops.math_ops import atan2, scalar_mul
from eagerflow._src.ops.sequence_ops import (
    boolean_mask, meshgrid, repeat, reverse_sequence, roll, sequence_mask, unravel_index,
)
from eagerflow._src.ops.partition_ops import (
    batch_to_space, dynamic_partition, dynamic_stitch, required_space_to_batch_paddings, space_to_batch,
    space_to_batch_nd,
)
from eagerflow._src.ops.grouping_ops import (
    group, guarantee_const, identity_n, no_op, parallel_stack, timestamp, tuple,
)
from eagerflow._src.ops.shape_check_ops import broadcast_dynamic_shape, broadcast_static_shape, ensure_shape
from eagerflow._src.ops.clip_ops import clip_by_global_norm
from eagerflow._src.ops.script_ops import numpy_function, py_function
from eagerflow._src.framework.tensor_util import (
    get_static_value, make_ndarray, make_tensor_proto, register_tensor_conversion_function,
)
from eagerflow._src.util.tf_logging import get_logger
from eagerflow._src.ops.fingerprint_ops import fingerprint
from eagerflow._src.ops.sort_ops import approx_top_k
from eagerflow._src.ops.linalg_decompositions import sqrtm as matrix_square_root
from eagerflow._src.framework.name_scopes import get_current_name_scope, is_symbolic_tensor
from eagerflow._src.ops.edit_distance_ops import edit_distance
from eagerflow._src.ops.init_ops import (
    Constant as constant_initializer, Ones as ones_initializer, RandomNormal as random_normal_initializer,
    RandomUniform as random_uniform_initializer, Zeros as zeros_initializer,
)
from eagerflow._src.ops.bitcast_ops import bitcast
from eagerflow._src.autodiff.tape import GradientTape, UnconnectedGradients
from eagerflow._src.autodiff.custom_gradient import custom_gradient, stop_gradient
from eagerflow._src.autodiff.gradient_utils import (
    AggregationMethod, RegisterGradient, grad_pass_through, gradients, hessians, no_gradient, recompute_grad,
)
from eagerflow._src.ops.check_ops import (
    Assert, assert_equal, assert_greater, assert_less, assert_rank,
)
from eagerflow._src import dlpack as _dlpack  # noqa: F401 - gives tensors __dlpack__
from eagerflow._src.module import Module
from eagerflow._src.ops.control_flow_ops import case, cond, switch_case, while_loop
from eagerflow._src.ops.functional_ops import foldl, foldr, map_fn, scan, vectorized_map
from eagerflow._src.ops.tensor_array_ops import TensorArray
from eagerflow._src.framework.graph import (
    Graph, Operation, control_dependencies, executing_eagerly, init_scope, inside_function,
)
from eagerflow._src.function.polymorphic_function import function
from eagerflow._src.ops.logging_ops import print_ as print
from eagerflow import (
    autodiff, bitwise, config, debugging, dtypes, errors, linalg, math, nn, optimizers, version,
)
from eagerflow import nest

if _typing.TYPE_CHECKING:
    from eagerflow import distribute, random, train

# Public namespaces that load on first attribute access, so `import eagerflow` stays fast.
# Each is a module at its TF path (`eagerflow/<name>.py` or a package), so `import
# eagerflow.distribute` and `tf.distribute` are one object whatever was imported first.
_LAZY_NAMESPACES = frozenset({
    "experimental", "sysconfig", "test", "types",
    "autograph",
    "data", "distribute", "io", "random", "train",
    "ragged", "sparse", "strings", "sets",
    "compat",
    "signal", "image", "lookup", "summary",
    "keras", "__internal__",
    "saved_model",
    "quantization", "audio",
    "raw_ops", "profiler",
    "queue",
})


# Top-level classes whose modules load on first access: name -> module.
_LAZY_ATTRIBUTES = {
    "NoneTensorSpec": "eagerflow._src.framework.none_tensor",
    "RaggedTensor": "eagerflow._src.ragged.ragged_tensor",
    "RaggedTensorSpec": "eagerflow._src.ragged.ragged_tensor",
    "SparseTensor": "eagerflow._src.sparse.sparse_tensor",
    "SparseTensorSpec": "eagerflow._src.sparse.sparse_tensor",
    "as_string": "eagerflow._src.ops.string_ops",
    "CriticalSection": "eagerflow._src.ops.critical_section",
    "OptionalSpec": "eagerflow._src.data.optional_spec",
    "TensorArraySpec": "eagerflow._src.ops.tensor_array_spec",
    "fftnd": "eagerflow._src.ops.spectral_ops",
    "ifftnd": "eagerflow._src.ops.spectral_ops",
    "rfftnd": "eagerflow._src.ops.spectral_ops",
    "irfftnd": "eagerflow._src.ops.spectral_ops",
    "extract_volume_patches": "eagerflow._src.ops.volume_patches_ops",
    "random_index_shuffle": "eagerflow._src.ops.random.index_shuffle_ops",
}


def __getattr__(name: str) -> _typing.Any:
    module = _LAZY_ATTRIBUTES.get(name)
    if module is not None:
        return getattr(_importlib.import_module(module), name)
    if name not in _LAZY_NAMESPACES:
        raise AttributeError(f"module 'eagerflow' has no attribute {name!r}")
    return _importlib.import_module(f"eagerflow.{name}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _LAZY_NAMESPACES | set(_LAZY_ATTRIBUTES))


newaxis = None
__version__ = version.VERSION  # the TF API version implemented, as TF reports its own
__eagerflow_version__ = "0.2.0"  # eagerflow's own release
