"""`tf.test`: re-exports only."""
from eagerflow._src.test_util import (
    Benchmark, TestCase, assert_equal_graph_def, compute_gradient, disable_with_predicate,
    gpu_device_name, is_built_with_cuda, is_built_with_gpu_support, is_built_with_rocm,
    is_built_with_xla, is_cpu_target_available, is_gpu_available, main, with_eager_op_as_function,
)
from eagerflow.test import experimental
