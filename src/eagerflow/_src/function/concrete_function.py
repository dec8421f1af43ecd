"""`ConcreteFunction`: one traced graph, called by replaying its compiled plan.

Calls take one of three paths:
- the plan (`plan.py`): straight-line kernel calls over arrays, nothing re-checked; used when
  no tape records on this thread, no graph is being built here and placement logging is off;
- under tapes (`tape_functions.py`): a forward plan that also keeps the intermediates the
  backward needs, and ONE op offered to the tapes whose gradient calls a traced backward
  function (itself called the same way, so gradients of any order work);
- replay through `execute`, op by op: inside another trace (the call is inlined into the outer
  graph), with placement logging on, and under tapes when the backward cannot be traced or a
  recorder other than a GradientTape listens (it sees every primitive).
"""
from __future__ import annotations

import itertools
import time
from typing import Any

from eagerflow._src.framework import context, errors
from eagerflow._src.framework.convert import convert_to_tensor
from eagerflow._src.framework.execute import _KERNEL_FAILURES, execute
from eagerflow._src.framework.op import cpp_name
from eagerflow._src.framework.scopes import device as device_scope
from eagerflow._src.framework.symbolic_tensor import SymbolicTensor
from eagerflow._src.framework.tensor import EagerTensor
from eagerflow._src.framework import transfers
from eagerflow._src.function import _structure
from eagerflow._src.function.func_graph import FuncGraph, is_spec, is_variable, tensor_spec
from eagerflow._src.function.iterator_inputs import IteratorInput, boxed as boxed_iterator, is_iterator
from eagerflow._src.function.plan import compile_plan, live_operations
from eagerflow._src.function.tape_functions import TapeCalls

_flags = context.flags
_thread = context.thread
_function_ids = itertools.count(1)


class ConcreteFunction:
    """A traced function for one input signature (TF's `ConcreteFunction`)."""

    def __init__(self, graph: FuncGraph, python_function: Any = None, arg_names: list | None = None,
                 arg_kinds: list | None = None, literals: dict | None = None) -> None:
        self.graph = graph
        self._python_function = python_function
        self._arg_names = arg_names or []
        self._arg_kinds = arg_kinds or []
        self._plan: Any = None
        self._profiled_plan: Any = None  # the plan with timed kernels, compiled while profiling
        self._live: Any = None
        self._single = type(graph.structured_outputs) is SymbolicTensor
        self._has_captures = bool(graph.captures)
        self._number = next(_function_ids)
        self._n_args = len(graph.inputs) - len(graph.captures)
        self._literals = literals or {}
        self._tape_calls: TapeCalls | None = None  # how tapes see its calls (tape_functions.py)

    # --- description -----------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return f"__inference_{self.graph.name}_{self._number}"

    @property
    def inputs(self) -> list:
        return list(self.graph.inputs)

    @property
    def outputs(self) -> list:
        return list(self.graph.outputs)

    @property
    def captured_inputs(self) -> list:
        return [outer for outer, _ in self.graph.captures] + list(self.graph.variable_captures.values())

    @property
    def variables(self) -> tuple:
        return self.graph.variables

    @property
    def trainable_variables(self) -> tuple:
        return self.graph.trainable_variables

    @property
    def structured_outputs(self) -> Any:
        return self.graph.structured_outputs

    @property
    def output_dtypes(self) -> Any:
        return _structure.map_structure(lambda t: t.dtype if isinstance(t, SymbolicTensor) else t,
                                        self.graph.structured_outputs)

    @property
    def output_shapes(self) -> Any:
        return _structure.map_structure(lambda t: t.shape if isinstance(t, SymbolicTensor) else t,
                                        self.graph.structured_outputs)

    @property
    def structured_input_signature(self) -> tuple:
        """(args, kwargs) with each tensor argument as a `TensorSpec` named after its parameter."""
        args, kwargs = self.graph.structured_input_signature
        return (tuple(_spec_structure(a, n) for a, n in zip(args, self._arg_names)),
                {k: _spec_structure(v, k) for k, v in kwargs.items()})

    @property
    def function_type(self) -> Any:
        return self.pretty_printed_signature()

    def pretty_printed_signature(self, verbose: bool = True) -> str:
        args, kwargs = self.graph.structured_input_signature
        lines = ["Input Parameters:"]
        items = list(zip(self._arg_names, args)) + list(kwargs.items())
        kinds = self._arg_kinds + ["KEYWORD_ONLY"] * len(kwargs)
        for (name, value), kind in zip(items, kinds):
            lines.append(f"  {name} ({kind}): {_type_text(value)}")
        lines.append("Output Type:")
        lines.append(f"  {_type_text(self.graph.structured_outputs, output=True)}")
        lines.append("Captures:")
        captures = self.graph.captures
        if not captures and not self.graph.variable_captures:
            lines.append("  None")
        else:
            for outer, inner in captures:
                lines.append(f"  {id(outer)}: {_type_text(inner, output=True)}")
            for v in self.graph.variable_captures.values():
                if not any(v is p for p in self.graph.variable_params):
                    lines.append(f"  {id(v)}: TensorSpec(shape=(), dtype=tf.resource, name=None)")
        return "\n".join(lines)

    def __str__(self) -> str:
        return f"ConcreteFunction {self.pretty_printed_signature()}"

    def __repr__(self) -> str:
        args, kwargs = self.graph.structured_input_signature
        params = ", ".join(f"{n}: {_type_text(v)}" for n, v in zip(self._arg_names, args))
        return (f"<ConcreteFunction ({params}) -> "
                f"{_type_text(self.graph.structured_outputs, output=True)} at {id(self):#X}>")

    # --- calling -----------------------------------------------------------------------------------
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Calls with tensors (or values convertible to them) matching the traced signature."""
        traced_args, traced_kwargs = self.graph.structured_input_signature
        args = list(args)
        for name in self._arg_names[len(args):]:  # positional parameters given by keyword
            if name in kwargs:
                args.append(kwargs.pop(name))
        if len(args) != len(traced_args) or set(kwargs) != set(traced_kwargs):
            raise TypeError(f"{self.name}(...) takes {len(traced_args)} positional arguments "
                            f"but {len(args)} were given")
        flat_traced = _structure.flatten((tuple(traced_args), traced_kwargs))
        flat = _structure.flatten((tuple(args), kwargs))
        tensors, variables = [], []
        for value, traced in zip(flat, flat_traced):
            if isinstance(traced, SymbolicTensor):
                t = value if isinstance(value, (EagerTensor, SymbolicTensor)) else convert_to_tensor(
                    value, traced.dtype)
                if t.dtype != traced.dtype:
                    raise errors.InvalidArgumentError(
                        None, None, f"cannot compute {self.name} as input #{len(tensors)}(zero-based) was "
                        f"expected to be a {cpp_name(traced.dtype)} tensor but is a {cpp_name(t.dtype)} "
                        f"tensor [Op:{self.name}]")
                if not traced.shape.is_compatible_with(t.shape):
                    raise TypeError(
                        f"Binding inputs to tf.function failed due to `Can not cast "
                        f"{_type_text(t)} to {_type_text(traced)}`.")
                tensors.append(t)
            elif type(traced) is IteratorInput:
                if not is_iterator(value):
                    raise TypeError(f"{self.name}(...) expected a dataset iterator for "
                                    f"{traced!r}, got {value!r}")
                tensors.append(boxed_iterator(value))
            elif is_variable(traced):
                variables.append(value)
        return self._call_flat(tensors, variables)

    def _call_eager_tensors(self, args: tuple) -> Any:
        """The call of `tf.function`'s fast path: `args` are exactly the eager tensors of the
        inputs (no captures, no variable parameters); the plan's entry converts and wraps."""
        if _flags.special or _flags.taping or self._has_captures:
            return self._call_flat(args, ())
        plan = self._plan or self._compiled()
        try:
            flat = plan.entry(*args)
        except _KERNEL_FAILURES as e:
            raise self._runtime_error(e, plan) from None
        if self._single:
            return flat[0]
        return self._pack(flat)

    def _call_flat(self, tensors: list, variables: list) -> Any:
        """Runs on flat input tensors (and variable parameters); returns the packed outputs."""
        captured = [outer for outer, _ in self.graph.captures]
        return self._pack(self._call_inputs(list(tensors) + captured, variables))

    def _call_inputs(self, inputs: list, variables: list) -> list:
        """Runs on one tensor per graph input (captures included); returns the flat outputs."""
        if _flags.special or _flags.taping:
            if context.function_trace is not None and _thread.graph is None:
                context.function_trace.setdefault(id(self), self)
            if context.profiler is not None and _thread.graph is None and not _thread.tapes:
                return self._run_profiled(inputs, variables)
            if _thread.graph is not None or _flags.log_device_placement \
                    or any(type(t) is SymbolicTensor for t in inputs):
                return self._replay(inputs, variables)
            if _thread.tapes:
                return self._call_taped(inputs, variables)
        return self._run_plan(inputs, variables)

    def _call_taped(self, inputs: list, variables: list) -> list:
        """A call while tapes record: one recorded op with a traced backward (tape_functions.py);
        op by op when a recorder is not a GradientTape or the backward cannot be traced."""
        tape_type = _gradient_tape_type()
        for tape in _thread.tapes:
            if type(tape) is not tape_type:
                return self._replay(inputs, variables)
        calls = self._tape_calls
        if calls is None:
            calls = self._tape_calls = TapeCalls(self)
        tensors = [t if type(t) is EagerTensor else convert_to_tensor(t) for t in inputs]
        flat = calls.call(tensors, variables)
        return self._replay(inputs, variables) if flat is None else flat

    def _pack(self, flat: list) -> Any:
        structured = self.graph.structured_outputs
        if type(structured) is SymbolicTensor:
            return flat[0]
        values = iter(flat)
        return _structure.pack(structured, (next(values) if isinstance(x, SymbolicTensor) else x
                                            for x in _structure.flatten(structured)))

    def _compiled(self, profile: bool = False) -> Any:
        """The plan (with `profile`: the one whose kernels record into tf.profiler), compiled once."""
        plan = self._profiled_plan if profile else self._plan
        if plan is None:
            graph = self.graph
            plan = compile_plan(graph, graph.inputs, graph.outputs, graph.variable_params, graph.input_devices,
                                name=self.name, profile=profile)
            if profile:
                self._profiled_plan = plan
            else:
                self._plan = plan
        return plan

    def _run_profiled(self, inputs: list, variables: list) -> list:
        """A call while tf.profiler records: the plan compiled with timed kernels, inside events
        for the call (TF's names: the function's, then EagerExecute of `__inference_<name>`)."""
        plan = self._compiled(profile=True)
        session = context.profiler
        started = time.perf_counter_ns()
        try:
            return self._run_plan(inputs, variables, plan)
        finally:
            ended = time.perf_counter_ns()
            name = getattr(self._python_function, "__name__", None) or self.name
            session.add(name, "", started, ended, {"tf_function_call": "notTraced-nonXla"})
            session.add("EagerExecute", "", started, ended, {"eager_op": self.name, "is_func": 1})

    def _run_plan(self, tensors: list, variables: list, plan: Any = None) -> list:
        plan = plan or self._plan or self._compiled()
        arrays = []
        for t, device in zip(tensors, self.graph.input_devices):
            if type(t) is not EagerTensor:
                t = convert_to_tensor(t)
            arrays.append(t._array if t._device is device
                          else transfers.copy_array(t._array, t._device, device))
        try:
            outs = plan.run(*arrays, *variables)
        except _KERNEL_FAILURES as e:
            raise self._runtime_error(e, plan) from None
        return [EagerTensor(a, d) for a, d in zip(outs, plan.output_devices)]

    def _runtime_error(self, e: Exception, plan: Any) -> Exception:
        """A kernel's failure as TF reports a failing graph node."""
        tb = e.__traceback__
        node = None
        while tb is not None:
            if tb.tb_frame.f_code.co_filename.startswith("<tf.function plan"):
                node = plan.node_at_line(tb.tb_lineno)
            tb = tb.tb_next
        if node is None:
            return e
        from eagerflow._src.framework.execute import _op_error

        error = _op_error(e, node.op, [], node.placed)
        message = error.message
        prefix = f"{{{{function_node __wrapped__{node.op.name}_device_{node.placed.name}}}}} "
        message = message.replace(prefix, "").removesuffix(f" [Op:{node.op.name}] name: ")
        return type(error)(None, None, f"Graph execution error:\n\nDetected at node {node.name}\n"
                                       f"{message}\n\t [[{{{{node {node.name}}}}}]] [Op:{self.name}]")

    def _replay(self, tensors: list, variables: list, effects: bool = True) -> list:
        """Runs the graph op by op through `execute` (see the module docstring). `effects=False`
        (a gradient's replay of a branch that ran already) skips variable updates."""
        graph = self.graph
        env: dict[int, Any] = {}
        for ph, t in zip(graph.inputs, tensors):
            env[id(ph)] = t
        var_map = {id(p): v for p, v in zip(graph.variable_params, variables)}
        live = self._live
        if live is None:
            live = self._live = live_operations(graph, graph.outputs)
        for node in graph.get_operations():
            if node.type == "Placeholder" or id(node) not in live:
                continue
            if node.type == "Const":
                env[id(node.outputs[0])] = node.attrs["value"]
                continue
            op = node.op
            if op is None or not effects and op.resource and op.num_outputs == 0:
                continue
            ins = []
            for k, x in enumerate(node._inputs):
                if op.resource and k == 0:
                    ins.append(var_map.get(id(x), x))
                else:
                    ins.append(env[id(x)])
            if node.scope and node.scope != _thread.device_name:
                with device_scope(node.scope):
                    result = execute(op, ins, node.attrs)
            else:
                result = execute(op, ins, node.attrs)
            if op.num_outputs == 1:
                env[id(node.outputs[0])] = result
            elif op.num_outputs != 0:  # several outputs, or a count set by attrs (-1: Split, Unpack)
                for out, value in zip(node.outputs, result):
                    env[id(out)] = value
        return [env[id(t)] for t in graph.outputs]


def _gradient_tape_type() -> type:
    global _GradientTape
    if _GradientTape is None:
        from eagerflow._src.autodiff.tape import GradientTape as _GradientTape
    return _GradientTape


_GradientTape: Any = None  # imported on first use (autodiff loads the ops)


def _spec_structure(value: Any, name: str) -> Any:
    leaves = _structure.flatten(value)
    out = []
    for leaf in leaves:
        if isinstance(leaf, SymbolicTensor):
            out.append(tensor_spec(leaf.shape, leaf.dtype, name=name))
        elif is_variable(leaf):
            out.append(tensor_spec(leaf.shape, leaf.dtype, name=name))
        else:
            out.append(leaf)
    return _structure.pack(value, iter(out))


def _type_text(value: Any, output: bool = False) -> str:
    """How TF's function signatures print a value's type: TensorSpec(...), Literal[...], ..."""
    if isinstance(value, (SymbolicTensor, EagerTensor)):
        return f"TensorSpec(shape={value.shape}, dtype=tf.{value.dtype.name}, name=None)"
    if is_spec(value):
        return f"TensorSpec(shape={value.shape}, dtype=tf.{value.dtype.name}, name=None)"
    if is_variable(value):
        return f"TensorSpec(shape={value.shape}, dtype=tf.{value.dtype.name}, name=None)"  # TF: a VariableSpec
    if type(value) is IteratorInput:
        return f"IteratorSpec(({value.element_spec}))"
    if isinstance(value, tuple) and not hasattr(type(value), "_fields"):
        return f"Tuple[{', '.join(_type_text(v, output) for v in value)}]" if value else "Tuple[]"
    if isinstance(value, list):
        return f"List[{', '.join(_type_text(v, output) for v in value)}]" if value else "List[]"
    if isinstance(value, dict):
        items = ", ".join(f"{k!r}: {_type_text(v, output)}" for k, v in value.items())
        return f"Dict[[{items}]]"
    if value is None:
        return "None" if output else "Literal[None]"
    if isinstance(value, (bool, int, float, str)):
        return f"Literal[{value!r}]"
    return f"{type(value).__name__}"
