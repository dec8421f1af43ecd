"""`tf.compat`: re-exports only (`tf.compat.v1` holds the graph-building names Keras uses)."""
from eagerflow._src.util.compat import (  # noqa: F401
    as_bytes, as_str, as_str_any, as_text, bytes_or_text_types, complex_types, dimension_at_index,
    dimension_value, forward_compatibility_horizon, forward_compatible, integral_types, path_to_str,
    real_types,
)
from eagerflow.compat import v1

__all__ = ["as_bytes", "as_str", "as_str_any", "as_text", "bytes_or_text_types", "complex_types",
           "dimension_at_index", "dimension_value", "forward_compatibility_horizon",
           "forward_compatible", "integral_types", "path_to_str", "real_types", "v1"]
