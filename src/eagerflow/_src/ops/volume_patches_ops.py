"""`tf.extract_volume_patches`: TF 2.21's ExtractVolumePatches, the 3-D `tf.image.extract_patches`.

Patches `[b, planes, rows, cols, kp * kr * kc * depth]` (plane, row, column, then depth order)
every `strides`, VALID or SAME (TF's padding split: the smaller half before). Built from gathers
of the (padded) input, so gradients and `tf.function` tracing come with them."""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import errors
from eagerflow._src.framework.execute import place
from eagerflow._src.ops import array_ops, conversion
from eagerflow._src.ops.gather_scatter_ops import gather
from eagerflow._src.ops.indexing_ops import pad

_ALLOWED = ("float", "double", "int32", "uint8", "int16", "int8", "int64", "bfloat16", "uint16", "half", "uint32",
            "uint64")
_SUMMARY = ("Op<name=ExtractVolumePatches; signature=input:T -> patches:T; attr=ksizes:list(int),min=5; "
            "attr=strides:list(int),min=5; attr=T:type,allowed=[DT_FLOAT, DT_DOUBLE, DT_INT32, DT_UINT8, DT_INT16, "
            "DT_INT8, DT_INT64, DT_BFLOAT16, DT_UINT16, DT_HALF, DT_UINT32, DT_UINT64]; "
            'attr=padding:string,allowed=["SAME", "VALID"]>')
_OP = "ExtractVolumePatches"


def _opdef_error(message: str) -> errors.OpError:
    return errors.op_error(errors.InvalidArgumentError, f"{message}\n\t; NodeDef: {{{{node {_OP}}}}}; {_SUMMARY}", _OP)


def _kernel_error(cls: type, x: Any, message: str) -> errors.OpError:
    from eagerflow._src.framework.op import REGISTRY
    device = place(REGISTRY["Identity"], (x,))  # where the op would run: TF's eager placement
    return errors.op_error(cls, f"{{{{function_node __wrapped__{_OP}_device_{device.name}}}}} {message}", _OP)


def extract_volume_patches(input: Any, ksizes: Any, strides: Any, padding: str,  # noqa: A002
                           name: str | None = None) -> Any:
    """3-D patches of the 5-D `input` (`tf.extract_volume_patches`)."""
    x = conversion.tensor(input)
    ksizes, strides = [int(v) for v in ksizes], [int(v) for v in strides]
    for attr, values in (("ksizes", ksizes), ("strides", strides)):
        if len(values) < 5:
            raise _opdef_error(f"Length for attr '{attr}' of {len(values)} must be at least minimum 5")
    from eagerflow._src.framework.op import cpp_name
    if cpp_name(x.dtype) not in _ALLOWED:
        raise _opdef_error(f"Value for attr 'T' of {cpp_name(x.dtype)} is not in the list of allowed values: "
                           f"{', '.join(_ALLOWED)}")
    if padding not in ("SAME", "VALID"):
        raise _opdef_error(f'Value for attr \'padding\' of "{padding}" is not in the list of allowed values: '
                           '"SAME", "VALID"')
    if ksizes[0] != 1 or ksizes[4] != 1:
        raise _kernel_error(errors.UnimplementedError, x, "Only support ksizes across space.")
    if strides[0] != 1 or strides[4] != 1:
        raise _kernel_error(errors.UnimplementedError, x, "Only support strides across space.")
    if x.ndim != 5:
        raise _kernel_error(errors.InvalidArgumentError, x,
                            f"input must be 5-dimensional[{','.join(str(d) for d in x.shape)}]")
    b, *spatial, d = tuple(x.shape)
    outs, pads = [], [[0, 0]]
    for size, k, s in zip(spatial, ksizes[1:4], strides[1:4]):
        if padding == "VALID":
            out = (size - k + s) // s
            if out < 0:
                raise _kernel_error(errors.InvalidArgumentError, x,
                                    f"Computed output size would be negative: {out} [input_size: {size}, "
                                    f"effective_filter_size: {k}, stride: {s}]")
            pads.append([0, 0])
        else:
            out = -(-size // s)
            total = max((out - 1) * s + k - size, 0)
            pads.append([total // 2, total - total // 2])
        outs.append(out)
    pads.append([0, 0])
    if any(p != [0, 0] for p in pads):
        x = pad(x, pads)
    for axis, (out, k, s) in enumerate(zip(outs, ksizes[1:4], strides[1:4])):
        index = (np.arange(out)[:, None] * s + np.arange(k)[None, :]).astype(np.int32)  # [out, k]
        x = gather(x, index, axis=1 + 2 * axis)  # each spatial axis becomes [out, k]
    # [b, op, kp, or, kr, oc, kc, d] -> [b, op, or, oc, kp, kr, kc, d]
    x = array_ops.transpose(x, (0, 1, 3, 5, 2, 4, 6, 7))
    kp, kr, kc = ksizes[1:4]
    return array_ops.reshape(x, (b, outs[0], outs[1], outs[2], kp * kr * kc * d))

