"""`tf.__internal__.types`: re-exports only."""
from eagerflow._src.framework.types_core import Tensor
