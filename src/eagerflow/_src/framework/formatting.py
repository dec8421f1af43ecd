"""Text of a tensor's value exactly as TensorFlow prints it (`ops.numpy_text`)."""
from __future__ import annotations

from typing import Any

import numpy as np


def numpy_text(value: Any, is_repr: bool = False) -> str:
    """`value` is the host NumPy array or scalar of a tensor."""
    if is_repr:
        if np.isscalar(value) and not isinstance(value, bytes):
            text = repr(value.item())  # TF prints numpy scalars as Python items
        else:
            text = repr(value)
    else:
        text = str(value)
    if "\n" in text:
        text = "\n" + text
    return text
