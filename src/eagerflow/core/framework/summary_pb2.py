"""`tensorflow.core.framework.summary_pb2`: re-exports only."""
from eagerflow._src.summary.event_protos import HistogramProto, Summary, SummaryMetadata  # noqa: F401
