"""`tensorflow.python.data.ops.dataset_ops`: re-exports only."""
from eagerflow._src.data.dataset import DatasetV2
