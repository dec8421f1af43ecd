"""`tf.ragged`: RaggedTensor factories and ops."""
from eagerflow._src.ragged.ragged_factory import constant
from eagerflow._src.sparse.feature_cross import ragged_cross as cross
from eagerflow._src.ragged.ragged_ops import (
    boolean_mask, map_flat_values, ragged_range as range, row_splits_to_segment_ids, segment_ids_to_row_splits,
    stack, stack_dynamic_partitions,
)
