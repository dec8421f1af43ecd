"""`tensorflow.compiler.tf2xla.python.xla`: re-exports only (XLA's dynamic slicing ops)."""
from eagerflow._src.ops.xla_ops import dynamic_slice, dynamic_update_slice
