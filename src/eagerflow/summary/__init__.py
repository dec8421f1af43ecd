"""`tf.summary`: re-exports only."""
from eagerflow._src.summary.summary_ops import (  # noqa: F401
    audio, flush, graph, histogram, image, record_if, scalar, should_record_summaries, text, trace_export,
    trace_off, trace_on, write,
)
from eagerflow._src.summary.writer import SummaryWriter, create_file_writer, create_noop_writer  # noqa: F401
from eagerflow.summary import experimental  # noqa: F401
