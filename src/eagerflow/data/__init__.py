"""`tf.data`: input pipelines. Re-exports only."""
from eagerflow._src.data.dataset import Dataset, NumpyIterator  # noqa: F401
from eagerflow._src.data.dataset_spec import DatasetSpec, IteratorSpec  # noqa: F401
from eagerflow._src.data.iterator import OwnedIterator as Iterator  # noqa: F401
from eagerflow._src.data.options import (  # noqa: F401
    AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Options, ThreadingOptions,
)
from eagerflow._src.data.readers import FixedLengthRecordDataset, TextLineDataset, TFRecordDataset  # noqa: F401
from eagerflow.data import experimental  # noqa: F401
