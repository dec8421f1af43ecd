"""`execute(op, inputs, attrs)`: the one path every op takes.

Steps: pick the device, copy inputs living elsewhere (counted), log the placement, run the
kernel on the device's array library, wrap the result, let recording tapes see it. When no
device scope, tape or logging is on anywhere and the inputs are on the default device, all of
that reduces to a few attribute reads (the fast path).
"""
from __future__ import annotations

import sys
from typing import Any, Sequence

from eagerflow.framework import context, devices, errors, transfers
from eagerflow.framework.dtypes import from_numpy
from eagerflow.framework.op import Op
from eagerflow.framework.tensor import Tensor

_flags = context.flags
_thread = context.thread
_EMPTY: dict = {}


def execute(op: Op, inputs: Sequence[Any], attrs: dict = _EMPTY) -> Any:
    """Runs `op` on `inputs` (tensors; a variable first for resource ops); returns its output."""
    device = _flags.default_device
    if _flags.special or device is None:
        return _execute_general(op, inputs, attrs)
    arrays = []
    for t in inputs:
        if t._device is not device:
            return _execute_general(op, inputs, attrs)
        arrays.append(t._array)
    if op.np_dtypes and arrays and arrays[0].dtype not in op.np_dtypes:
        raise _dtype_error(op, arrays[0])
    if op.resource:
        arrays[0] = inputs[0]
    try:
        out = op.forward(device.xp, *arrays, **attrs)
    except errors.OpError as e:
        raise _decorate(e, op, device) from None
    except (ValueError, TypeError, IndexError, ArithmeticError) as e:
        raise _kernel_error(op, e, arrays, device) from None
    if op.num_outputs == 1:
        return Tensor(out, device)
    if op.num_outputs == 0:
        return None
    return [Tensor(o, device) for o in out]


def _execute_general(op: Op, inputs: Sequence[Any], attrs: dict) -> Any:
    if _flags.default_device is None:
        _flags.default_device = devices.default_device()
    device = place(op, inputs)
    if op.resource:
        variable = inputs[0]
        arrays = [variable] + [_on_device(t, device) for t in inputs[1:]]
        first = variable._array if len(inputs) == 1 else arrays[1]
    else:
        arrays = [_on_device(t, device) for t in inputs]
        first = arrays[0] if arrays else None
    if op.np_dtypes and first is not None and first.dtype not in op.np_dtypes:
        raise _dtype_error(op, first)
    if _flags.log_device_placement:
        print(f"Executing op {op.name} in device {device.name}", file=sys.stderr)
    try:
        out = op.forward(device.xp, *arrays, **attrs)
    except errors.OpError as e:
        raise _decorate(e, op, device) from None
    except (ValueError, TypeError, IndexError, ArithmeticError) as e:
        raise _kernel_error(op, e, arrays, device) from None
    if op.num_outputs == 1:
        result = Tensor(out, device)
    elif op.num_outputs == 0:
        result = None
    else:
        result = [Tensor(o, device) for o in out]
    tapes = _thread.tapes
    if tapes and not _thread.tape_paused:
        for tape in tapes:
            tape.record(op, inputs, attrs, result)
    return result


def place(op: Op, inputs: Sequence[Any]) -> devices.Device:
    """TF's eager placement: an explicit scope, else the variable's device, else the default."""
    name = _thread.device_name
    if name:
        return resolve_scope(name)
    if op.resource:
        return inputs[0]._device
    return _flags.default_device


def resolve_scope(name: str) -> devices.Device:
    """The device a scope string names; with soft placement, CPU:0 when it does not exist."""
    from eagerflow.framework.device_spec import DeviceSpec  # parsed once per scope string (cached)

    spec = DeviceSpec.from_string(name)
    device_type = spec.device_type
    if device_type is None:
        return _flags.default_device
    index = spec.device_index or 0
    found = devices.find(device_type, index)
    if found is not None:
        return found
    if _flags.soft_device_placement:
        return devices.cpu0()
    available = ", ".join(d.name for d in devices.logical_devices())
    kinds = sorted({d.device_type for d in devices.logical_devices()})
    raise errors.InvalidArgumentError(
        None, None,
        f"Could not satisfy device specification '{devices.JOB_PREFIX}{device_type}:{index}'. "
        f"enable_soft_placement=0. Supported device types [{', '.join(kinds)}]. "
        f"All available devices [{available}].")


def _on_device(t: Any, device: devices.Device) -> Any:
    if t._device is device:
        return t._array
    return transfers.copy_array(t._array, t._device, device)


def _dtype_error(op: Op, array: Any) -> errors.OpError:
    return errors.op_error(errors.InvalidArgumentError,
                           op.unsupported_dtype_message(from_numpy(array.dtype)), op.name)


def _prefix(op: Op, device: devices.Device) -> str:
    return f"{{{{function_node __wrapped__{op.name}_device_{device.name}}}}} "


def _decorate(e: errors.OpError, op: Op, device: devices.Device) -> errors.OpError:
    return type(e)(e.node_def, e.op, f"{_prefix(op, device)}{e.message} [Op:{op.name}] name: ")


def _kernel_error(op: Op, e: Exception, arrays: list, device: devices.Device) -> errors.OpError:
    message = op.error(e, arrays) if op.error is not None else str(e)
    return errors.InvalidArgumentError(None, None, f"{_prefix(op, device)}{message} [Op:{op.name}] name: ")
