"""`tensorflow.python.lib.io.tf_record`: re-exports only (TFRecord files' reader and writer)."""
from eagerflow._src.io.tfrecord import (  # noqa: F401
    TFRecordCompressionType, TFRecordOptions, TFRecordWriter, tf_record_iterator,
)
