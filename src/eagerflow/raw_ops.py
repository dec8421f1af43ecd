"""`tf.raw_ops`: TensorFlow's ops called by their op names with keyword arguments."""
from eagerflow._src.raw_ops import op_names as _op_names
from eagerflow._src.raw_ops import raw_op as _raw_op


def __getattr__(name: str):
    if name.startswith("__"):
        raise AttributeError(name)
    return _raw_op(name)


def __dir__() -> list:
    return list(_op_names())
