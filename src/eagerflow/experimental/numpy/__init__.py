"""`tf.experimental.numpy`: TF's NumPy API over eagerflow ops; re-exports only."""
from eagerflow._src.numpy_api.np_array import (  # noqa: A004
    append, arange, argsort, array, asanyarray, ascontiguousarray, atleast_1d, atleast_2d,
    atleast_3d, broadcast_arrays, broadcast_to, compress, concatenate, copy, diag, diag_indices,
    diagflat, diagonal, diff, dsplit, dstack, empty, empty_like, expand_dims, eye, flatten,
    flip, fliplr, flipud, full, full_like, geomspace, hsplit, hstack, identity, isscalar, ix_,
    linspace, logspace, meshgrid, moveaxis, ndim, nonzero, ones, ones_like, pad, ravel, repeat,
    reshape, roll, rot90, select, shape, size, sort, split, squeeze, stack, swapaxes, take,
    take_along_axis, tile, trace, transpose, tri, tril, triu, vander, vsplit, vstack, where,
    zeros, zeros_like,
)
from eagerflow._src.numpy_api.np_behavior import (  # noqa: A004
    experimental_enable_numpy_behavior,
)
from eagerflow._src.numpy_api.np_dtypes import (  # noqa: A004
    asarray, bool_, complex128, complex64, complex_, e, finfo, float16, float32, float64,
    float_, iinfo, inexact, inf, int16, int32, int64, int8, int_, issubdtype, ndarray, newaxis,
    object_, pi, promote_types, result_type, string_, uint16, uint32, uint64, uint8, unicode_,
)
from eagerflow._src.numpy_api.np_math import (  # noqa: A004
    abs, absolute, add, all, allclose, amax, amin, angle, any, arccos, arccosh, arcsin, arcsinh,
    arctan, arctan2, arctanh, argmax, argmin, around, array_equal, average, bitwise_and,
    bitwise_not, bitwise_or, bitwise_xor, cbrt, ceil, clip, conj, conjugate, cos, cosh,
    count_nonzero, cross, cumprod, cumsum, deg2rad, divide, divmod, dot, einsum, equal, exp,
    exp2, expm1, fabs, fix, float_power, floor, floor_divide, gcd, greater, greater_equal,
    heaviside, hypot, imag, inner, isclose, iscomplex, iscomplexobj, isfinite, isinf, isnan,
    isneginf, isposinf, isreal, isrealobj, kron, lcm, less, less_equal, log, log10, log1p, log2,
    logaddexp, logaddexp2, logical_and, logical_not, logical_or, logical_xor, matmul, max,
    maximum, mean, min, minimum, mod, multiply, nanmean, nanprod, nansum, negative, nextafter,
    not_equal, outer, polyval, positive, power, prod, ptp, rad2deg, real, reciprocal, remainder,
    round, sign, signbit, sin, sinc, sinh, sqrt, square, std, subtract, sum, tan, tanh,
    tensordot, true_divide, var, vdot,
)
from eagerflow.experimental.numpy import random
