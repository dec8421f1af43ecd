"""`tf.debugging`: assertions, numeric checks, device placement logging; re-exports only.

`transfer_stats` and `reset_transfer_stats` are eagerflow's own (per-device copy counters).
"""
from eagerflow._src.framework.config import get_log_device_placement, set_log_device_placement
from eagerflow._src.framework.transfers import reset_transfer_stats, transfer_stats
from eagerflow._src.ops.check_ops import (
    Assert, assert_all_finite, assert_equal, assert_greater, assert_greater_equal,
    assert_integer, assert_less, assert_less_equal, assert_near, assert_negative,
    assert_non_negative, assert_non_positive, assert_none_equal, assert_positive,
    assert_proper_iterable, assert_rank, assert_rank_at_least, assert_rank_in,
    assert_same_float_dtype, assert_scalar, assert_shapes, assert_type, check_numerics,
    disable_check_numerics, disable_traceback_filtering, enable_check_numerics,
    enable_traceback_filtering, is_numeric_tensor, is_traceback_filtering_enabled,
)
from eagerflow.debugging import experimental

__all__ = [
    "Assert", "assert_all_finite", "assert_equal", "assert_greater", "assert_greater_equal",
    "assert_integer", "assert_less", "assert_less_equal", "assert_near", "assert_negative",
    "assert_non_negative", "assert_non_positive", "assert_none_equal", "assert_positive",
    "assert_proper_iterable", "assert_rank", "assert_rank_at_least", "assert_rank_in",
    "assert_same_float_dtype", "assert_scalar", "assert_shapes", "assert_type", "check_numerics",
    "disable_check_numerics", "disable_traceback_filtering", "enable_check_numerics",
    "enable_traceback_filtering", "experimental", "get_log_device_placement",
    "is_numeric_tensor", "is_traceback_filtering_enabled", "reset_transfer_stats",
    "set_log_device_placement", "transfer_stats",
]
