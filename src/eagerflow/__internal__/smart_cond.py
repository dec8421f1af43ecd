"""`tf.__internal__.smart_cond`: re-exports only."""
from eagerflow._src.ops.smart_cond import smart_cond
