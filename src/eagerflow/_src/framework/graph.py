"""`Graph` and `Operation`: what `execute` records while a `tf.function` traces.

A graph is a list of operations in the order Python asked for them (that order is the
execution order: stateful ops keep their program order, as TF's automatic control dependencies
give). Each operation holds the `Op` declaration, its inputs, its attrs (exactly what `execute`
got), the device it was placed on at trace time, and its output `SymbolicTensor`s.

Inputs of an operation are symbolic tensors of the same graph, or a variable (first input of
a resource op: captured by reference). Eager tensors used by a traced op become `Const`
operations holding their value (in a control-flow body, float tensors the user closed over
are captured instead: `capture_closure`); symbolic tensors of an enclosing graph are captured
through `capture` (FuncGraph, in `_src/function`).

`with graph.as_default():` makes `execute` add operations to `graph` on this thread.
"""
from __future__ import annotations

import contextlib
import itertools
import threading
from typing import Any, Iterator

from eagerflow._src.framework import context, errors
from eagerflow._src.framework import shape_inference
from eagerflow._src.framework.symbolic_tensor import SymbolicTensor
from eagerflow._src.framework.tensor import EagerTensor, Tensor

_thread = context.thread
_flags = context.flags
_ids = itertools.count(1)

# The names TF's Python operators give their ops (`x + y` is "add"), which the common
# elementwise ops take here (TF's `tf.add(x, y)` would be "Add"; one name per op type).
DEFAULT_NAMES = {
    "AddV2": "add", "Sub": "sub", "Mul": "mul", "RealDiv": "truediv", "FloorDiv": "floordiv",
    "FloorMod": "mod", "Pow": "pow", "Neg": "Neg", "BatchMatMulV2": "MatMul",
}


class Operation:
    """A node of a graph (TF's `tf.Operation`): `type`, `name`, `inputs`, `outputs`, attrs."""

    __slots__ = ("graph", "op", "type", "name", "_inputs", "attrs", "outputs", "placed",
                 "scope", "control_inputs", "__weakref__")

    def __init__(self, graph: "Graph", op: Any, type_name: str, name: str, inputs: list,
                 attrs: dict, placed: Any, scope: str | None) -> None:
        self.graph = graph
        self.op = op  # the Op declaration; None for Placeholder and Const
        self.type = type_name
        self.name = name
        self._inputs = inputs
        self.attrs = attrs
        self.outputs: list[SymbolicTensor] = []
        self.placed = placed  # the framework Device chosen at trace time (None: caller's)
        self.scope = scope  # the device scope string open at trace time
        self.control_inputs: list = []

    @property
    def inputs(self) -> list:
        """The input tensors (variables show as the captured variable)."""
        return list(self._inputs)

    @property
    def device(self) -> str:
        return self.scope or ""

    def get_attr(self, name: str) -> Any:
        if name not in self.attrs:
            raise ValueError(f"Operation '{self.name}' has no attr named '{name}'.")
        return self.attrs[name]

    @property
    def node_def(self) -> Any:
        from eagerflow._src.function import graph_def  # protobuf: on use only

        return graph_def.node_def(self)

    def __repr__(self) -> str:
        return f"<tf.Operation '{self.name}' type={self.type}>"


class Graph:
    """A dataflow graph (TF's `tf.Graph`): operations added by `execute` while it is default.

    Eagerflow has no Session: a plain `Graph` only records (Keras-style symbolic building and
    inspection); `tf.function`'s `FuncGraph` also compiles and runs.
    """

    def __init__(self) -> None:
        self._operations: list[Operation] = []
        self._names: dict[str, int] = {}
        self._consts: dict[int, tuple] = {}  # id(eager tensor) -> (tensor, its Const output)
        self.variable_captures: dict[int, Any] = {}  # id -> variable, in first-use order
        self.outer_graph: Any = _thread.graph
        self.outer_device_name: str | None = _thread.device_name
        self._id = next(_ids)
        self.name = "Graph"
        self._control_stack: list = []
        self.seed = None
        self._lock = threading.Lock()

    # --- building ------------------------------------------------------------------------------
    @contextlib.contextmanager
    def as_default(self) -> Iterator["Graph"]:
        """Makes `execute` add ops to this graph on this thread (and report non-eager)."""
        outer = _thread.graph
        _thread.graph = self
        context.add_special(1)
        try:
            yield self
        finally:
            context.add_special(-1)
            _thread.graph = outer

    def unique_name(self, name: str, mark_as_used: bool = True) -> str:
        """`name`, or `name_N` when taken (case-insensitively, as TF's)."""
        scope = _thread.name_scope
        if scope and not name.startswith(scope):
            name = f"{scope}{name}"
        key = name.lower()
        count = self._names.get(key, 0)
        unique = name
        if count:
            while True:
                unique = f"{name}_{count}"
                if unique.lower() not in self._names:
                    break
                count += 1
        if mark_as_used:
            self._names[key] = count + 1
            if unique != name:
                self._names[unique.lower()] = 1
        return unique

    def _new_operation(self, op: Any, type_name: str, name: str, inputs: list, attrs: dict,
                       placed: Any, outputs: list) -> Operation:
        with self._lock:  # replica threads of a strategy may build one graph together
            # The scope is kept when opened inside the graph; the caller's (open when building
            # began) is left out, so an inlined call takes its own caller's device, as TF's.
            scope = _thread.device_name
            node = Operation(self, op, type_name, self.unique_name(name), inputs, attrs, placed,
                             scope if scope != self.outer_device_name else None)
            node.outputs = [SymbolicTensor(node, i, dtype, shape) for i, (dtype, shape) in enumerate(outputs)]
            for deps in self._control_stack:
                node.control_inputs.extend(deps)
            self._operations.append(node)
        return node

    def placeholder(self, dtype: Any, shape: tuple | None, name: str = "Placeholder") -> SymbolicTensor:
        """A graph input of `dtype` (NumPy) and static `shape` (None dims / None rank allowed)."""
        node = self._new_operation(None, "Placeholder", name or "Placeholder", [],
                                   {"dtype": dtype, "shape": shape}, None, [(dtype, shape)])
        return node.outputs[0]

    def constant(self, tensor: EagerTensor) -> SymbolicTensor:
        """The `Const` output holding eager `tensor`'s value (one per tensor)."""
        found = self._consts.get(id(tensor))
        if found is not None:
            return found[1]
        array = tensor._array
        node = self._new_operation(None, "Const", "Const", [], {"value": tensor},
                                   tensor._device, [(array.dtype, tuple(array.shape))])
        self._consts[id(tensor)] = (tensor, node.outputs[0])
        return node.outputs[0]

    # A control-flow body (FuncGraph) sets this: closed-over eager tensors become captures.
    lifts_closures = False

    def capture_closure(self, tensor: EagerTensor) -> Any:
        """An eager tensor used here while `lifts_closures` (FuncGraph overrides)."""
        return self.constant(tensor)

    def capture(self, tensor: Any) -> Any:
        """A value of another graph used here; a plain Graph has no way to feed it."""
        raise errors.InvalidArgumentError(
            None, None, f"Tensor {tensor.name} is from a different graph and cannot be used here.")

    def _graph_input(self, x: Any) -> Any:
        t = type(x)
        if t is SymbolicTensor:
            return x if x._op.graph is self else self.capture(x)
        if isinstance(x, EagerTensor):
            value = getattr(x, "_value", None)  # a variable slice: its own read op's output
            if value is not None:
                x = value
            if self.lifts_closures:
                return self.capture_closure(x)
            return self.constant(x)
        if isinstance(x, Tensor):
            return x
        as_tensor = getattr(x, "_as_tensor", None)
        if as_tensor is not None:
            return self._graph_input(as_tensor(None))
        return x

    def add_op(self, op: Any, inputs: Any, attrs: dict) -> Any:
        """Records `op(inputs, attrs)` (called by `execute` while this graph is default);
        returns its output symbolic tensor(s), None for ops without outputs."""
        from eagerflow._src.framework.execute import graph_placement

        if op.resource:
            variable = inputs[0]
            # A distributed variable binds the local copy this replica works on now: the plan
            # must not choose it again when it runs (in whatever thread).
            resolve = getattr(variable, "_graph_resource", None)
            if resolve is not None:
                variable = resolve()
            self.capture_variable(variable)
            graph_inputs = [variable] + [self._graph_input(x) for x in inputs[1:]]
        else:
            graph_inputs = [self._graph_input(x) for x in inputs]
        placed = graph_placement(op, inputs)
        outputs = shape_inference.infer(op, graph_inputs, attrs)
        name = DEFAULT_NAMES.get(op.name, op.name)
        node = self._new_operation(op, op.name, name, graph_inputs, attrs, placed, outputs)
        if op.num_outputs == 0:
            result = None
        elif op.num_outputs == 1:
            result = node.outputs[0]
        else:
            result = list(node.outputs)
        if _flags.taping:  # tapes see the inputs as given (a watched eager constant stays itself)
            for tape in _thread.tapes:
                tape.record(op, tuple(inputs), attrs, result)
        return result

    def capture_variable(self, variable: Any) -> None:
        key = id(variable)
        if key not in self.variable_captures:
            self.variable_captures[key] = variable
            outer = self.outer_graph
            if outer is not None and hasattr(outer, "capture_variable"):
                outer.capture_variable(variable)

    @contextlib.contextmanager
    def control_dependencies(self, control_inputs: Any) -> Iterator[None]:
        deps = [] if control_inputs is None else [
            c.op if isinstance(c, SymbolicTensor) else c for c in control_inputs
            if isinstance(c, (SymbolicTensor, Operation))]
        if control_inputs is None:
            saved, self._control_stack = self._control_stack, []
        else:
            saved = None
            self._control_stack.append(deps)
        try:
            yield
        finally:
            if saved is not None:
                self._control_stack = saved
            else:
                self._control_stack.pop()

    # --- inspection ------------------------------------------------------------------------------
    def get_operations(self) -> list[Operation]:
        return list(self._operations)

    def get_operation_by_name(self, name: str) -> Operation:
        for node in self._operations:
            if node.name == name:
                return node
        raise KeyError(f"The name '{name}' refers to an Operation not in the graph.")

    def get_tensor_by_name(self, name: str) -> SymbolicTensor:
        op_name, _, index = name.rpartition(":")
        if not op_name:
            raise ValueError(f"The name '{name}' looks a like an Operation name, not a Tensor name.")
        return self.get_operation_by_name(op_name).outputs[int(index)]

    def as_graph_def(self, add_shapes: bool = False) -> Any:
        from eagerflow._src.function import graph_def  # protobuf: on use only

        return graph_def.graph_def(self, add_shapes)

    @property
    def building_function(self) -> bool:
        return False

    def finalize(self) -> None:
        pass

    def __repr__(self) -> str:
        return f"<eagerflow.Graph object at {id(self):#x}>"


def executing_eagerly() -> bool:
    """False while a graph is being built on this thread (`tf.executing_eagerly`)."""
    return _thread.graph is None


def inside_function() -> bool:
    """True while a `tf.function` (or any graph) is being built on this thread."""
    return _thread.graph is not None


def get_default_graph() -> Any:
    return _thread.graph


@contextlib.contextmanager
def init_scope() -> Iterator[None]:
    """Lifts code out of graph building to eager execution (`tf.init_scope`); tapes pause."""
    graph = _thread.graph
    if graph is None:
        yield
        return
    _thread.graph = None
    try:
        with tapes_paused():
            yield
    finally:
        _thread.graph = graph


@contextlib.contextmanager
def tapes_paused() -> Iterator[None]:
    """No tape of this thread sees the ops run inside (init_scope, tracing a backward)."""
    tapes = _thread.tapes
    if not tapes:
        yield
        return
    _thread.tapes = []
    context.add_taping(-len(tapes))
    try:
        yield
    finally:
        context.add_taping(len(tapes))
        _thread.tapes = tapes


def control_dependencies(control_inputs: Any) -> Any:
    """`tf.control_dependencies`: recorded on graph ops; ops run in program order anyway, and
    eagerly it only checks the inputs (as TF's eager mode)."""
    graph = _thread.graph
    if graph is None:
        return contextlib.nullcontext()
    return graph.control_dependencies(control_inputs)
