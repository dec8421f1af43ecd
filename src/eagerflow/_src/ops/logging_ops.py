"""`tf.print`: an op (TF's PrintV2), so inside a `tf.function` it prints on every call.

Arguments are formatted as TF formats them: tensors summarised per dimension (`summarize`
elements at each end, `...` between), floats in their shortest round-trip form without a
trailing `.0`, booleans as 1/0, strings inside tensors quoted; Python structures holding
tensors print as Python prints them with each tensor formatted in place.
"""
from __future__ import annotations

import sys
from typing import Any

import numpy as np

from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import conversion


class _Slot:
    """Stands for the i-th tensor while a structure is rendered with Python's repr."""

    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index

    def __repr__(self) -> str:
        return f"\x00{self.index}\x00"


def _element(value: Any) -> str:
    if isinstance(value, bytes):
        return f'"{value.decode("utf-8", "replace")}"'
    kind = value.dtype.kind if hasattr(value, "dtype") else ""
    if kind == "b":
        return "1" if value else "0"
    if kind == "f" or kind == "V":
        return _float_text(value)
    if kind == "c":
        return "?"  # TF has no text for complex elements
    if kind == "O" or kind == "S" or kind == "U":
        return f'"{value}"'
    return str(value)


def _float_text(value: Any) -> str:
    """TF's FloatToBuffer/DoubleToBuffer: %g with 6 (15) digits, 9 (17) when that does not
    read back as the same value."""
    if value.dtype == np.float64:
        v = float(value)
        text = "%.15g" % v
        return text if v != v or float(text) == v else "%.17g" % v
    v = np.float32(value)
    text = "%.6g" % float(v)
    return text if v != v or np.float32(float(text)) == v else "%.9g" % float(v)


def format_array(array: Any, summarize: int = 3) -> str:
    """One tensor's text as TF's `tf.print` writes it."""
    array = np.asarray(array)
    if array.ndim == 0:
        return _element(array[()])
    return _format(array, summarize, 1)


def _format(array: Any, summarize: int, depth: int) -> str:
    n = array.shape[0]
    if summarize >= 0 and n > 2 * summarize:
        indices: list = list(range(summarize)) + [None] + list(range(n - summarize, n))
    else:
        indices = list(range(n))
    if array.ndim == 1:
        return "[" + " ".join("..." if i is None else _element(array[i]) for i in indices) + "]"
    separator = "\n" * (array.ndim - 1) + " " * depth
    parts = ["..." if i is None else _format(array[i], summarize, depth + 1) for i in indices]
    return "[" + separator.join(parts) + "]"


def _print_kernel(xp: Any, *arrays: Any, template: tuple, output_stream: Any, summarize: int,
                  end: str) -> None:
    texts = [format_array(a if isinstance(a, np.ndarray) else np.asarray(a), summarize) for a in arrays]
    pieces = []
    for piece in template:
        if isinstance(piece, int):
            pieces.append(texts[piece])
        else:
            pieces.append(piece)
    _write(output_stream, "".join(pieces) + end)


def _write(stream: Any, text: str) -> None:
    if isinstance(stream, str):
        if stream.startswith("file://"):
            with open(stream[len("file://"):], "a") as f:
                f.write(text)
            return
        raise ValueError(f"Unsupported output stream, logging level, or file.{stream}. "
                         f"Supported streams are sys.stdout, sys.stderr, tf.logging.info, "
                         f"tf.logging.warning, tf.logging.error. File needs to be in the form "
                         f"'file://path/to/file'.")
    if stream is None or stream is sys.stderr:
        stream = sys.stderr
    stream.write(text)
    if hasattr(stream, "flush"):
        stream.flush()


PRINT = Op("PrintV2", _print_kernel, num_outputs=0, stateful=True)


def print_(*inputs: Any, output_stream: Any = None, summarize: int = 3, sep: str = " ",
           end: str = "\n", name: str | None = None) -> None:
    """Prints tensors and Python values (`tf.print`): to stderr by default; inside a
    `tf.function` it runs on every call (Python's `print` runs only while tracing).

    Args:
      *inputs: tensors, Python values and structures of them, printed separated by `sep`.
      output_stream: sys.stderr (default), sys.stdout, a file object or "file://path".
      summarize: elements shown at each end of each dimension (-1: all).
      sep, end: printed between inputs and after the last.
    """
    from eagerflow._src.function import _structure

    tensors: list = []
    template: list = []
    for k, value in enumerate(inputs):
        if k:
            template.append(sep)
        if isinstance(value, str):
            template.append(value)
            continue
        if isinstance(value, Tensor) or hasattr(value, "_as_tensor"):
            template.append(len(tensors))
            tensors.append(conversion.tensor(value))
            continue
        leaves = _structure.flatten(value)
        if not any(isinstance(x, Tensor) or hasattr(x, "_as_tensor") for x in leaves):
            template.append(str(value))
            continue
        slots = []
        for leaf in leaves:
            if isinstance(leaf, Tensor) or hasattr(leaf, "_as_tensor"):
                slots.append(_Slot(len(tensors)))
                tensors.append(conversion.tensor(leaf))
            else:
                slots.append(leaf)
        text = str(_structure.pack(value, iter(slots)))
        for i, part in enumerate(text.split("\x00")):
            template.append(int(part) if i % 2 else part)
    execute(PRINT, tensors, {"template": tuple(template), "output_stream": output_stream,
                             "summarize": -1 if summarize is None else int(summarize), "end": end})
