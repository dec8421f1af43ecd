"""`tf.math`: re-exports only."""
from eagerflow.math import special  # noqa: F401
from eagerflow._src.ops.arith_ops import (  # noqa: F401
    accumulate_n, angle, log_sigmoid, multiply_no_nan, nextafter, polyval, reciprocal_no_nan, rint,
)
from eagerflow._src.ops.gather_scatter_ops import unsorted_segment_sum  # noqa: F401
from eagerflow._src.ops.math_ops import (  # noqa: F401
    abs, add, add_n, atan2, ceil, conj, cos, divide, divide_no_nan, equal, erf, exp, expm1, floor,
    floordiv, floormod, greater, greater_equal, imag, is_finite, is_inf, is_nan, less, less_equal,
    log, log1p, logical_and, logical_not, logical_or, logical_xor, maximum, minimum, mod, multiply,
    negative, not_equal, pow, real, reciprocal, round, rsqrt, scalar_mul, sigmoid, sign, sin, sqrt,
    square, squared_difference, subtract, tan, tanh, truediv,
)
from eagerflow._src.ops.nn_ops import log_softmax, softmax, softplus, softsign  # noqa: F401
from eagerflow._src.ops.normalization_ops import l2_normalize, zero_fraction  # noqa: F401
from eagerflow._src.ops.reduce_ops import (  # noqa: F401
    argmax, argmin, count_nonzero, cumprod, cumsum, reduce_all, reduce_any, reduce_logsumexp,
    reduce_max, reduce_mean, reduce_min, reduce_prod, reduce_sum,
)
from eagerflow._src.ops.segment_ops import (  # noqa: F401
    segment_max, segment_mean, segment_min, segment_prod, segment_sum, unsorted_segment_max,
    unsorted_segment_mean, unsorted_segment_min, unsorted_segment_prod, unsorted_segment_sqrt_n,
)
from eagerflow._src.ops.sort_ops import (  # noqa: F401
    approx_max_k, approx_min_k, in_top_k, invert_permutation, is_non_decreasing, is_strictly_increasing,
    top_k,
)
from eagerflow._src.ops.special_math_ops import (  # noqa: F401
    bessel_i0, bessel_i0e, bessel_i1, bessel_i1e, betainc, digamma, erfc, erfcinv, erfinv, igamma,
    igammac, lbeta, lgamma, ndtri, polygamma, xdivy, xlog1py, xlogy, zeta,
)
from eagerflow._src.ops.stats_ops import (  # noqa: F401
    bincount, confusion_matrix, cumulative_logsumexp, reduce_euclidean_norm, reduce_std, reduce_variance,
    sobol_sample,
)
from eagerflow._src.ops.trig_ops import acos, acosh, asin, asinh, atan, atanh, cosh, sinh  # noqa: F401
