"""`tf.dtypes`."""
from eagerflow._src.framework.dtypes import (  # noqa: F401
    DType, as_dtype, bfloat16, bool, complex64, complex128, double, float4_e2m1fn,
    float8_e4m3b11fnuz, float8_e4m3fn, float8_e4m3fnuz, float8_e5m2, float8_e5m2fnuz, float16,
    float32, float64, half, int2, int4, int8, int16, int32, int64, qint8, qint16, qint32, quint8,
    quint16, resource, string, uint2, uint4, uint8, uint16, uint32, uint64, variant,
)
from eagerflow._src.ops.math_ops import cast, saturate_cast  # noqa: F401
