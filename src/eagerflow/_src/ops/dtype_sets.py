"""The dtype lists ops accept (TF's `T` attr constraints), shared by the op families."""
from eagerflow._src.framework import dtypes as d

FLOAT = (d.bfloat16, d.float16, d.float32, d.float64)
COMPLEX = (d.complex64, d.complex128)
SIGNED_INT = (d.int8, d.int16, d.int32, d.int64)
UNSIGNED_INT = (d.uint8, d.uint16, d.uint32, d.uint64)
INT = SIGNED_INT + UNSIGNED_INT
REAL = FLOAT + INT
NUMBER = REAL + COMPLEX
SIGNED = FLOAT + SIGNED_INT + COMPLEX
INEXACT = FLOAT + COMPLEX
BOOL = (d.bool,)
ALL = None  # no constraint
