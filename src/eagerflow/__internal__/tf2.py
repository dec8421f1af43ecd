"""`tf.__internal__.tf2`: eagerflow is TF2 behaviour only."""
from eagerflow._src.util.tf2 import enabled
