"""`tf.data.experimental`. Re-exports only."""
from eagerflow._src.data.experimental import (  # noqa: F401
    assert_cardinality, at, cardinality, choose_from_datasets, enable_debug_mode, from_list,
    ignore_errors, pad_to_cardinality, rejection_resample, sample_from_datasets,
)
from eagerflow._src.data.grouping import (  # noqa: F401
    Reducer, dense_to_ragged_batch, dense_to_sparse_batch, group_by_reducer,
)
from eagerflow._src.data.iterator import Optional  # noqa: F401
from eagerflow._src.data.parsing import make_batched_features_dataset, parse_example_dataset  # noqa: F401
from eagerflow._src.data.options import (  # noqa: F401
    AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, AutoShardPolicy, AutotuneAlgorithm,
    AutotuneOptions, DistributeOptions, ExternalStatePolicy, OptimizationOptions, ThreadingOptions,
)
from eagerflow._src.data.readers import CsvDataset, make_csv_dataset  # noqa: F401
from eagerflow._src.data.experimental_transforms import (  # noqa: F401
    SHARD_HINT, Counter, RandomDataset, TFRecordWriter, bucket_by_sequence_length, copy_to_device,
    enumerate_dataset, get_next_as_optional, get_single_element, get_structure, group_by_window,
    map_and_batch, parallel_interleave, prefetch_to_device, scan, shuffle_and_repeat, take_while, unbatch,
    unique,
)
from eagerflow._src.lookup.dataset_tables import (  # noqa: F401
    DatasetInitializer, index_table_from_dataset, table_from_dataset,
)
