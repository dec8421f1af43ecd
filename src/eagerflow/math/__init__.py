"""`tf.math`: re-exports only."""
from eagerflow._src.ops.gather_scatter_ops import unsorted_segment_sum  # noqa: F401
from eagerflow._src.ops.math_ops import (  # noqa: F401
    abs, add, add_n, atan2, ceil, conj, cos, divide, divide_no_nan, equal, erf, exp, expm1, floor,
    floordiv, floormod, greater, greater_equal, imag, is_finite, is_inf, is_nan, less, less_equal,
    log, log1p, logical_and, logical_not, logical_or, logical_xor, maximum, minimum, mod, multiply,
    negative, not_equal, pow, real, reciprocal, round, rsqrt, scalar_mul, sigmoid, sign, sin, sqrt,
    square, squared_difference, subtract, tan, tanh, truediv,
)
from eagerflow._src.ops.nn_ops import log_softmax, softplus  # noqa: F401
from eagerflow._src.ops.reduce_ops import (  # noqa: F401
    argmax, argmin, count_nonzero, cumprod, cumsum, reduce_all, reduce_any, reduce_logsumexp,
    reduce_max, reduce_mean, reduce_min, reduce_prod, reduce_sum,
)
