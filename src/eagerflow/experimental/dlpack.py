"""`tf.experimental.dlpack`: zero-copy exchange with NumPy, CuPy, PyTorch; re-exports only."""
from eagerflow._src.dlpack import from_dlpack, to_dlpack

__all__ = ["from_dlpack", "to_dlpack"]
