"""`execute(op, inputs, attrs)`: the one path every op takes.

Steps: pick the device, copy inputs living elsewhere (counted), log the placement, run the
kernel on the device's array library, wrap the result, let recording tapes see it. When no
device scope, tape or logging is on anywhere and the inputs are on the default device, all of
that reduces to a few attribute reads (the fast path). Inside a `device()` scope naming an
existing device, ops stay on the fast path once the scope is resolved (see context.py).
"""
from __future__ import annotations

import sys
from time import perf_counter_ns as _perf_ns
from typing import Any, Sequence

from eagerflow._src.backends import host_threads
from eagerflow._src.framework import context, devices, errors, transfers
from eagerflow._src.framework.dtypes import from_numpy
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.symbolic_tensor import GRAPH_DEVICE
from eagerflow._src.framework.tensor import EagerTensor, Tensor

_flags = context.flags
_thread = context.thread
_PARALLEL_MIN = host_threads.THRESHOLD
_EMPTY: dict = {}
_new = object.__new__  # EagerTensor(out, device) without the __init__ call (slots set directly)


def execute(op: Op, inputs: Sequence[Any], attrs: dict = _EMPTY) -> Any:
    """Runs `op` on `inputs` (tensors; a variable first for resource ops); returns its output."""
    device = _flags.fast_device
    if _flags.scoped:
        device = _thread.device  # a scope is open in some thread: this thread's device
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
    forward = op.forward
    if op.small_forward is not None and arrays[0].size < _PARALLEL_MIN:
        forward = op.small_forward  # a small elementwise op: no hand-off check for the pool
    try:
        # (Splatting an empty dict costs a small op a tenth of its time: most ops have no attrs.)
        out = forward(device.xp, *arrays, **attrs) if attrs else forward(device.xp, *arrays)
    except _KERNEL_FAILURES as e:
        raise _op_error(e, op, arrays, device) from None
    if op.num_outputs == 1:
        result = _new(EagerTensor)
        result._array = out
        result._device = device
    elif op.num_outputs == 0:
        return None
    else:
        result = [EagerTensor(o, device) for o in out]
    if _flags.taping:  # step 6, inlined on this path: offer the op to this thread's tapes
        for tape in _thread.tapes:
            tape.record(op, inputs, attrs, result)
    return result


def execute_binary(op: Op, x: EagerTensor, y: EagerTensor) -> Any:
    """`execute(op, (x, y))` for a one-output, non-resource op without attrs on two eager
    tensors (`a + b`): the same steps with no tuple, list or argument splatting on the fast path.
    Anything off the fast path (a scope resolving elsewhere, another device, logging, tracing)
    goes through `execute` itself."""
    device = _flags.fast_device
    if _flags.scoped:
        device = _thread.device
    if _flags.special or device is None or x._device is not device or y._device is not device:
        return execute(op, (x, y))
    a = x._array
    if op.np_dtypes and a.dtype not in op.np_dtypes:
        raise _dtype_error(op, a)
    forward = op.small_forward
    if forward is None or a.size >= _PARALLEL_MIN:
        forward = op.forward
    b = y._array
    try:
        out = forward(device.xp, a, b)
    except _KERNEL_FAILURES as e:
        raise _op_error(e, op, [a, b], device) from None
    result = _new(EagerTensor)
    result._array = out
    result._device = device
    if _flags.taping:
        for tape in _thread.tapes:
            tape.record(op, (x, y), _EMPTY, result)
    return result


def binary_operator(op: Op, slow: Any) -> Any:
    """A Python operator for `op` (`Tensor.__add__`): `execute_binary`'s fast path inlined in
    front of `slow(x, y)`, the op's public wrapper. Only the plain case runs here: two eager
    tensors of one dtype the op accepts, on this thread's fast device, outside scopes, tracing
    and logging, the kernel succeeding. Everything else (conversion, TF's errors, placement,
    graphs, composite operands) is `slow`'s, which redoes the op its own way."""
    accepted = op.np_dtypes  # the op's set itself: ml_dtypes' types join it when they load
    forward = op.forward
    small = op.small_forward

    def operator(x: Any, y: Any) -> Any:
        if type(y) is EagerTensor and type(x) is EagerTensor:
            a = x._array
            b = y._array
            device = _flags.fast_device
            if a.dtype is b.dtype and x._device is device and y._device is device and device is not None \
                    and not _flags.scoped and not _flags.special and a.dtype in accepted:
                kernel = forward if small is None or a.size >= _PARALLEL_MIN else small
                try:
                    out = kernel(device.xp, a, b)
                except _KERNEL_FAILURES:
                    return slow(x, y)  # raises TF's error, worded as the wrapper words it
                result = _new(EagerTensor)
                result._array = out
                result._device = device
                if _flags.taping:
                    for tape in _thread.tapes:
                        tape.record(op, (x, y), _EMPTY, result)
                return result
        return slow(x, y)

    operator.__name__ = getattr(slow, "__name__", op.name)
    operator.__doc__ = getattr(slow, "__doc__", None)
    return operator


def _execute_general(op: Op, inputs: Sequence[Any], attrs: dict) -> Any:
    graph = _thread.graph
    if graph is not None:  # a tf.function traces on this thread: record the op, run nothing
        return graph.add_op(op, inputs, attrs)
    device = _flags.default_device
    if device is None:
        device = _flags.default_device = devices.default_device()
    name = _thread.device_name
    if _thread.device is None:
        _thread.device = _fast_path_device(name, device)
    if _flags.fast_device is None:
        _flags.fast_device = _fast_path_device(None, device)
    if op.resource:
        device = inputs[0]._device
    else:
        if name:
            device = _scope_cache.get(name) or resolve_scope(name, op.name)
        if device.checks_dtypes:
            device = _supported_device(op, device, inputs, bool(name))
    arrays = []
    for t in inputs:
        if t._device is device:
            arrays.append(t._array)
        elif t._device is GRAPH_DEVICE:
            raise _out_of_scope(t)
        else:
            arrays.append(transfers.copy_array(t._array, t._device, device))
    if op.resource:
        arrays[0] = inputs[0]
        first = inputs[0]._array if len(inputs) == 1 else arrays[1]
    else:
        first = arrays[0] if arrays else None
    if op.np_dtypes and first is not None and first.dtype not in op.np_dtypes:
        raise _dtype_error(op, first)
    if _flags.log_device_placement:
        log_placement(op.name, device)
    profile = context.profiler
    if profile is not None:
        started = _perf_ns()
    try:
        if device.needs_switch:  # kernels and allocations must go to that CUDA device
            with device.backend.device_context(device.backend_index):
                out = op.forward(device.xp, *arrays, **attrs)
        else:
            out = op.forward(device.xp, *arrays, **attrs)
    except _KERNEL_FAILURES as e:
        raise _op_error(e, op, arrays, device) from None
    finally:
        if profile is not None:  # TF's eager events: EagerExecute around the kernel's
            ended = _perf_ns()
            profile.add("EagerExecute", "", started, ended, {"eager_op": op.name, "is_func": 0})
            profile.add(f"{op.name}:{op.name}", op.name, started, ended)
    if op.num_outputs == 1:
        result = EagerTensor(out, device)
    elif op.num_outputs == 0:
        result = None
    else:
        result = [EagerTensor(o, device) for o in out]
    if _flags.taping:
        _record(op, inputs, attrs, result)
    return result


def _record(op: Op, inputs: Sequence[Any], attrs: dict, result: Any) -> None:
    """Offers a finished op to this thread's recording tapes (step 6 of the op path)."""
    for tape in _thread.tapes:
        tape.record(op, inputs, attrs, result)


def _fast_path_device(name: str | None, default: devices.Device) -> devices.Device | None:
    """The device this thread's ops may run on without placement: the default outside
    scopes, an existing device a scope names exactly; None while a scope is unresolved or
    soft-placed (those keep taking the general path, which re-checks soft placement), and
    for a GPU whose kernels need a CUDA device switch (the general path makes it)."""
    if not name:
        device = default
    elif name in _exact_scopes:
        device = _scope_cache.get(name)
    else:
        return None
    return None if device is None or device.needs_switch else device


def _out_of_scope(t: Any) -> TypeError:
    """TF's error for a graph tensor used after its function was traced (leaked)."""
    return TypeError(
        f"{t!r} is out of scope and cannot be used here. Use return values, explicit Python "
        f"locals or TensorFlow collections to access it.\nPlease see "
        f"https://www.tensorflow.org/guide/function#all_outputs_of_a_tffunction_must_be_return_values "
        f"for more information.\n\n{t!r} was defined here:\n    <unknown>\n\nThe tensor {t!r} "
        f"cannot be accessed from here, because it was defined in {t.graph!r}, which is out of scope.")


def graph_placement(op: Op, inputs: Sequence[Any]) -> devices.Device:
    """Where a traced op will run: TF's eager rules (see `place`), settled at trace time."""
    if _flags.default_device is None:
        _flags.default_device = devices.default_device()
    return place(op, inputs)


def log_placement(op_name: str, device: devices.Device) -> None:
    """TF's placement log line, written to stderr as TF's runtime log writes it."""
    print(f"Executing op {op_name} in device {device.name}", file=sys.stderr)


# --- placement --------------------------------------------------------------------------------
def place(op: Op, inputs: Sequence[Any]) -> devices.Device:
    """The device `op` runs on, by TF 2.21's eager rules (checked against TF):

    1. A resource op (reads and updates of a variable) runs on the variable's device, whatever
       the scope; its other inputs are copied there.
    2. Otherwise an explicit `device()` scope wins (soft placement maps a missing device to
       the default device; with it off, TF's InvalidArgumentError).
    3. Otherwise the default device (GPU:0 when present, else CPU:0), wherever the inputs
       live: `c1 + c2` with inputs on CPU:1 and CPU:2 runs on CPU:0, copying both.
    A GPU that cannot hold an input's dtype (strings, bfloat16, float8) gives way to CPU:0.
    """
    if op.resource:
        return inputs[0]._device
    name = _thread.device_name
    device = resolve_scope(name, op.name) if name else _flags.default_device
    if device.checks_dtypes:
        device = _supported_device(op, device, inputs, bool(name))
    return device


def creation_device(np_dtype: Any = None) -> devices.Device:
    """Where a new tensor or variable goes (`tf.constant`, `tf.Variable`): the scope's device,
    else the default; CPU:0 when that device cannot hold `np_dtype`."""
    name = _thread.device_name
    if name:
        device = resolve_scope(name)
    else:
        device = _flags.default_device
        if device is None:
            device = _flags.default_device = devices.default_device()
    if np_dtype is not None and device.checks_dtypes and not device.supports(np_dtype):
        return devices.cpu0()
    return device


# Scope string -> device; cleared when soft placement or the device registry changes.
_scope_cache = context.scope_cache
_exact_scopes = context.exact_scopes


def resolve_scope(name: str, op_name: str | None = None) -> devices.Device:
    """The device a scope string names, with TF's soft placement and errors.

    Soft placement (on by default) maps a device that does not exist to the default device;
    it cannot change the job, replica or task. Errors carry `[Op:<op_name>]` for ops and no
    suffix for tensor creation (`op_name` None), as TF's do.
    """
    default = _flags.default_device
    if default is None:
        default = _flags.default_device = devices.default_device()
    found = _scope_cache.get(name)
    if found is not None:
        return found
    soft = _flags.soft_device_placement
    from eagerflow._src.framework.device_spec import DeviceSpec  # string parsing is cached there

    spec = DeviceSpec.from_string(name)
    job = spec.job if spec.job is not None else "localhost"
    replica = spec.replica if spec.replica is not None else 0
    task = spec.task if spec.task is not None else 0
    device_type = spec.device_type if spec.device_type is not None else default.device_type
    index = spec.device_index if spec.device_index is not None else 0
    local = job == "localhost" and replica == 0 and task == 0
    found = devices.find(device_type, index) if local else None
    exact = found is not None
    if found is None and local and soft:
        found = default
    if found is not None:
        if len(_scope_cache) > 256:
            context.clear_scope_cache()
        _scope_cache[name] = found
        if exact:
            _exact_scopes.add(name)
        return found
    full = f"/job:{job}/replica:{replica}/task:{task}/device:{device_type}:{index}"
    if op_name is None and not local:
        raise errors.InvalidArgumentError(None, None, f"{full} unknown device.")
    available = ", ".join(d.name for d in devices.logical_devices())
    suffix = "" if op_name is None else f" [Op:{op_name}] name: "
    raise errors.InvalidArgumentError(
        None, None,
        f"Could not satisfy device specification '{full}'. enable_soft_placement={int(soft)}. "
        f"Supported device types [{', '.join(devices.supported_types())}]. "
        f"All available devices [{available}].{suffix}")


def _supported_device(op: Op, device: devices.Device, inputs: Sequence[Any],
                      explicit: bool) -> devices.Device:
    """`device`, or CPU:0 when it cannot hold an input's dtype (TF has no GPU kernel then)."""
    for t in inputs:
        if not device.supports(t._array.dtype):
            break
    else:
        return device
    if explicit and not _flags.soft_device_placement:
        raise errors.InvalidArgumentError(
            None, None,
            f"Cannot assign a device for operation {op.name}: Could not satisfy explicit device "
            f"specification '{device.name}' because no supported kernel for "
            f"{device.device_type} devices is available. [Op:{op.name}] name: ")
    return devices.cpu0()


def _dtype_error(op: Op, array: Any) -> errors.OpError:
    return errors.op_error(errors.InvalidArgumentError,
                           op.unsupported_dtype_message(from_numpy(array.dtype)), op.name)


def _prefix(op: Op, device: devices.Device) -> str:
    return f"{{{{function_node __wrapped__{op.name}_device_{device.name}}}}} "


# What a kernel may raise; each becomes TF's error class for it (see _op_error).
_KERNEL_FAILURES = (errors.OpError, MemoryError, ValueError, TypeError, IndexError, ArithmeticError)


def _op_error(e: Exception, op: Op, arrays: list, device: devices.Device) -> errors.OpError:
    """A kernel's exception as the error TF raises, with TF's op decoration."""
    if isinstance(e, errors.OpError):
        return _decorate(e, op, device)
    if isinstance(e, MemoryError):
        return _oom_error(op, e, device)
    return _kernel_error(op, e, arrays, device)


def _decorate(e: errors.OpError, op: Op, device: devices.Device) -> errors.OpError:
    # TF: with no kernel registered for the attrs, no wrapped function ran (no function_node).
    prefix = "" if e.message.startswith("No OpKernel was registered") else _prefix(op, device)
    return type(e)(e.node_def, e.op, f"{prefix}{e.message} [Op:{op.name}] name: ")


def _oom_error(op: Op, e: Exception, device: devices.Device) -> errors.OpError:
    return errors.ResourceExhaustedError(
        None, None, f"{_prefix(op, device)}OOM when allocating tensor on {device.name}: {e} "
        f"[Op:{op.name}] name: ")


def _kernel_error(op: Op, e: Exception, arrays: list, device: devices.Device) -> errors.OpError:
    message = op.error(e, arrays) if op.error is not None else str(e)
    return errors.InvalidArgumentError(None, None, f"{_prefix(op, device)}{message} [Op:{op.name}] name: ")
