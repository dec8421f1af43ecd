"""`tf.bitwise`: re-exports only."""
from eagerflow._src.ops.math_ops import (  # noqa: F401
    bitwise_and, bitwise_or, bitwise_xor, invert, left_shift, right_shift,
)
