"""`tf.compat.v1`: the TF1 graph-building names eagerflow supports (re-exports only)."""
from eagerflow._src.framework.graph import (
    Graph, control_dependencies, executing_eagerly, get_default_graph, init_scope,
)
from eagerflow._src.function.func_graph import placeholder
from eagerflow._src.framework.eager_context import reset_default_graph
from eagerflow._src.framework.tensor_shape import Dimension
from eagerflow._src.sparse.sparse_tensor import sparse_placeholder

__all__ = ["Dimension", "Graph", "control_dependencies", "executing_eagerly", "get_default_graph", "init_scope",
           "placeholder", "reset_default_graph", "sparse_placeholder"]

_PROTOS = ("Event", "Summary", "SummaryMetadata")  # TF's summary protos (protobuf loads on first use)


def __getattr__(name: str):
    if name in _PROTOS:
        from eagerflow._src.summary import event_protos

        return getattr(event_protos, name)
    raise AttributeError(f"module 'eagerflow.compat.v1' has no attribute {name!r}")
