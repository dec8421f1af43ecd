"""TF's top-level op aliases (`tf.add`, `tf.reshape`, ...)."""
from eagerflow.ops.array_ops import identity, reshape, unstack
from eagerflow.ops.linalg_ops import matmul
from eagerflow.ops.math_ops import (
    abs, add, add_n, cast, clip_by_value, cos, divide, equal, exp, floor, greater,
    greater_equal, less, less_equal, logical_and, logical_not, logical_or, maximum, minimum,
    multiply, negative, not_equal, pow, round, sigmoid, sign, sin, sqrt, square, subtract, tan,
    tanh, truediv,
)
from eagerflow.ops.reduce_ops import (
    argmax, argmin, cumsum, reduce_all, reduce_any, reduce_logsumexp, reduce_max, reduce_mean,
    reduce_min, reduce_prod, reduce_sum,
)

__all__ = [
    "abs", "add", "add_n", "argmax", "argmin", "cast", "clip_by_value", "cos", "cumsum", "divide",
    "equal", "exp", "floor", "greater", "greater_equal", "identity", "less", "less_equal",
    "logical_and", "logical_not", "logical_or", "matmul", "maximum", "minimum", "multiply",
    "negative", "not_equal", "pow", "reduce_all", "reduce_any", "reduce_logsumexp", "reduce_max",
    "reduce_mean", "reduce_min", "reduce_prod", "reduce_sum", "reshape", "round", "sigmoid",
    "sign", "sin", "sqrt", "square", "subtract", "tan", "tanh", "truediv", "unstack",
]
