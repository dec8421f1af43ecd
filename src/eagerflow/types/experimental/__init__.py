"""`tf.types.experimental`: re-exports only."""
from eagerflow._src.types.core import (
    AtomicFunction, Callable, ConcreteFunction, FunctionType, GenericFunction, PolymorphicFunction,
    SupportsTracingProtocol, TensorLike, TraceType,
)
from eagerflow.types.experimental import distributed
