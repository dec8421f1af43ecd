"""`tf.experimental`: re-exports only.

Add a name with an explicit import below (one line per source module); sub-namespaces are
modules of this package (`experimental/numpy/`, `experimental/dlpack.py`).
"""
from eagerflow._src.framework.dtypes import (
    float4_e2m1fn, float8_e4m3b11fnuz, float8_e4m3fn, float8_e4m3fnuz, float8_e5m2,
    float8_e5m2fnuz, int2, int4, uint2, uint4,
)
from eagerflow._src.eager_async import (
    async_clear_error, async_scope, enable_strict_mode, function_executor_type,
)
from eagerflow.experimental import dlpack, numpy
from eagerflow._src.data.iterator import Optional
from eagerflow.experimental import dtensor
