"""`tf.data.experimental`. Re-exports only."""
from eagerflow._src.data.experimental import (  # noqa: F401
    assert_cardinality, cardinality, choose_from_datasets, enable_debug_mode, ignore_errors,
    sample_from_datasets,
)
from eagerflow._src.data.iterator import Optional  # noqa: F401
from eagerflow._src.data.options import (  # noqa: F401
    AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, AutoShardPolicy, AutotuneAlgorithm,
    AutotuneOptions, DistributeOptions, ExternalStatePolicy, OptimizationOptions, ThreadingOptions,
)
from eagerflow._src.data.readers import CsvDataset, make_csv_dataset  # noqa: F401
