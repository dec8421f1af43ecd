"""`tf.__internal__`: the internal API TF exports for libraries built on it (Keras): re-exports
only, of the names such libraries use."""
from eagerflow._src.framework.composite_tensor import CompositeTensor
from eagerflow._src.framework.tensor import EagerTensor
from eagerflow._src.function.func_graph import FuncGraph
from eagerflow.__internal__ import decorator, distribute, smart_cond, tf2, tracking, types
