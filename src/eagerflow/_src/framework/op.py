"""Op declarations: each op is data (TF's name, forward on `xp`, gradient, accepted dtypes).

Ops are declared once, in `eagerflow/ops/<family>.py`, and registered here by TF's op name.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes

# TF's C++ type names, used in its kernel error messages ("a float tensor", "of dtype double").
CPP_NAMES = {
    "float32": "float", "float64": "double", "float16": "half", "bfloat16": "bfloat16",
    "string": "string", "bool": "bool",
}
# An order for the allowed types of ops TF has no OpDef for (op_signatures has TF's for the rest).
_TF_ORDER = (
    "bfloat16", "float16", "float32", "float64", "uint8", "uint16", "uint32", "uint64", "int8",
    "int16", "int32", "int64", "complex64", "complex128", "bool", "string",
)


def cpp_name(dtype: _dtypes.DType) -> str:
    return CPP_NAMES.get(dtype.name, dtype.name)


class GradContext:
    """What an op's gradient function sees: `inputs`, `attrs` and `output` of the forward call.

    `inputs` are the tensors given to `execute` (a resource op's first input is the variable);
    `output` is the output tensor, or the list of them for multi-output ops. `needs[i]` says
    whether the tape wants input i's gradient: a gradient may skip (return None for) the rest.
    """

    __slots__ = ("inputs", "attrs", "output", "needs")

    def __init__(self, inputs: tuple, attrs: dict, output: Any, needs: tuple | None = None) -> None:
        self.inputs = inputs
        self.attrs = attrs
        self.output = output
        self.needs = needs if needs is not None else (True,) * len(inputs)


@dataclass(eq=False)
class Op:
    """One op. `forward(xp, *arrays, **attrs)` returns an array (or a list when num_outputs != 1).

    `grad(ctx, dy)` returns one gradient per input (None where there is none), written with
    eagerflow ops so gradients of gradients work; `ctx` is a `GradContext`. For multi-output
    ops `dy` is a list with zeros filled in for outputs that got no gradient. A gradient may
    keep the broadcast shape: the tape sums it back to the input's shape. `dtypes` lists what the
    first input (TF's attr `T`, or whichever attr types that input) may be; None accepts anything.
    A `resource` op takes a variable as its first input, runs on that variable's device and gets
    the variable itself rather than an array. `shape_fn` states the outputs' dtypes and static
    shapes for `tf.function` graphs (families share one rule; see framework/shape_inference.py).
    """

    name: str
    forward: Callable[..., Any]
    grad: Callable[..., Any] | None = None
    dtypes: Iterable[_dtypes.DType] | None = None
    resource: bool = False
    num_outputs: int = 1
    error: Callable[..., str] | None = None  # (exception, arrays) -> TF's message text
    # (inputs, attrs) -> [(np_dtype, shape), ...] for graphs (framework/shape_inference.py);
    # None: run the forward on dummy arrays. `stateful`: never pruned from a traced graph.
    shape_fn: Callable[..., Any] | None = None
    stateful: bool = False
    np_dtypes: set = field(init=False, repr=False)
    # The plain kernel under a parallel-when-large forward (backends/host_threads.py): the
    # eager fast path calls it directly for small inputs, saving the wrapper's Python call.
    small_forward: Callable[..., Any] | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.small_forward = getattr(self.forward, "__wrapped__", None)
        self.np_dtypes = set()
        if self.dtypes is not None:
            self.dtypes = tuple(self.dtypes)
            # ml_dtypes' types (bfloat16, float8) join when ml_dtypes loads, on their first use.
            _dtypes.when_loaded(self._add_np_dtypes)
        REGISTRY[self.name] = self

    def _add_np_dtypes(self) -> None:
        self.np_dtypes.update(d._np for d in self.dtypes if _dtypes.is_loaded(d) and d._np is not None)

    def unsupported_dtype_message(self, dtype: _dtypes.DType, attr: str | None = None) -> str:
        """TF's InvalidArgumentError text for an input of `dtype` that the op's type attr `attr`
        (default: the attr typing the first input) does not allow: the attr, its allowed types in
        TF's registration order, the NodeDef and TF's OpDef summary, from the generated
        `op_signatures`. An op TF has no OpDef for gets attr 'T', its own dtypes and no summary."""
        # Imported here, on the error path only, so that `import eagerflow` does not load it.
        from eagerflow._src.framework.op_signatures import SIGNATURES

        signature = SIGNATURES.get(self.name)
        if signature is None or not (attr or signature[0]):
            names = sorted((d.name for d in self.dtypes or ()),
                           key=lambda n: _TF_ORDER.index(n) if n in _TF_ORDER else len(_TF_ORDER))
            attr, allowed, summary = "T", ", ".join(CPP_NAMES.get(n, n) for n in names), ""
        else:
            first, allowed_by_attr, summary = signature
            attr = attr or first
            allowed, summary = allowed_by_attr[attr], f"; {summary}"
        return (f"Value for attr '{attr}' of {cpp_name(dtype)} is not in the list of allowed values: "
                f"{allowed}\n\t; NodeDef: {{{{node {self.name}}}}}{summary}")

    def allows(self, dtype: _dtypes.DType, attr: str) -> bool:
        """Whether TF's OpDef lets the type attr `attr` be `dtype` (an attr without an allowed
        list takes any): when it does and eagerflow has no kernel, TF raises NotFoundError."""
        from eagerflow._src.framework.op_signatures import SIGNATURES

        allowed = SIGNATURES.get(self.name, ("", {}, ""))[1].get(attr)
        return allowed is None or cpp_name(dtype) in allowed.split(", ")

    def no_kernel_message(self, attrs: dict[str, Any]) -> str:
        """TF's NotFoundError text when its OpDef accepts the inputs but no CPU kernel does: the
        NodeDef with every attr (`attrs`: TF's attr name -> DType, str or int) and the kernels TF
        registers for the op, from the generated `op_signatures`."""
        from eagerflow._src.framework.op_signatures import KERNELS

        node = ", ".join(f"{name}={attr_text(value)}" for name, value in sorted(attrs.items()))
        return (f"Could not find device for node: {{{{node {self.name}}}}} = {self.name}[{node}]\n"
                f"All kernels registered for op {self.name}:\n{KERNELS[self.name]}")


def attr_text(value: Any) -> str:
    """An attr value as TF's NodeDef summaries print it: DT_HALF, "ij->j", 0."""
    if isinstance(value, _dtypes.DType):
        return f"DT_{cpp_name(value).upper()}"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


REGISTRY: dict[str, Op] = {}
