"""`FuncGraph` (a graph with inputs, outputs and captures) and tracing a Python callable into one.

`trace(python_function, args, kwargs, name)` makes placeholders for the tensor leaves of the
arguments (tensors and `TensorSpec`s), passes variables and Python values through unchanged,
calls the function with the graph as default (so `execute` records ops), and collects the
flat outputs. Symbolic tensors of an enclosing graph used inside are captured: each becomes
an extra placeholder input, fed with the outer value when the graph is called.
"""
from __future__ import annotations

import contextlib
import inspect
from typing import Any, Callable, Iterator

import numpy as np

from eagerflow._src.framework import context
from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.graph import Graph, Operation, init_scope
from eagerflow._src.framework.scopes import device as device_scope
from eagerflow._src.framework.symbolic_tensor import SymbolicTensor
from eagerflow._src.framework.tensor import EagerTensor, Tensor
from eagerflow._src.function import _structure
from eagerflow._src.function.iterator_inputs import IteratorInput, host_device, is_iterator

_thread = context.thread

VARIABLE_CREATION_ERROR = (
    "tf.function only supports singleton tf.Variables created on the first call. Make sure the "
    "tf.Variable is only created once or created outside tf.function. See "
    "https://www.tensorflow.org/guide/function#creating_tfvariables for more information.")


def is_spec(x: Any) -> bool:
    """A `tf.TensorSpec` (or anything spec-like with a shape and dtype, not a tensor)."""
    return getattr(x, "_is_tensor_spec", False) or (
        type(x).__name__.endswith("TensorSpec") and hasattr(x, "shape") and hasattr(x, "dtype"))


def is_variable(x: Any) -> bool:
    return hasattr(x, "_lock") and hasattr(x, "_as_tensor") and hasattr(x, "assign")


def tensor_spec(shape: Any, dtype: Any, name: str | None = None) -> Any:
    """A `tf.TensorSpec` (from `_src/framework/tensor_spec.py`)."""
    from eagerflow._src.framework.tensor_spec import TensorSpec

    return TensorSpec(shape, dtype, name)


class FuncGraph(Graph):
    """The graph of a traced function (TF's `FuncGraph`).

    `inputs`: placeholders of the arguments' tensor leaves, then of captured outer tensors;
    `outputs`: the flat output tensors; `captures`: (outer value, inner placeholder) pairs;
    `variables`: variables the function uses (captured by reference, or passed as arguments).
    Usable standalone: `with FuncGraph("g").as_default(): x = tf.compat.v1.placeholder(...)`.
    """

    def __init__(self, name: str, outer_graph: Any = None) -> None:
        super().__init__()
        if outer_graph is not None:
            self.outer_graph = outer_graph
        self.name = name
        self.inputs: list = []
        self.outputs: list = []
        self._captures: list[tuple[Any, SymbolicTensor]] = []
        self._capture_map: dict[int, SymbolicTensor] = {}
        self.structured_input_signature: Any = None
        self.structured_outputs: Any = None
        self.variable_params: list = []  # variables passed as arguments (per-call parameters)
        self.created_variables: list = []
        self.allow_variable_creation = True
        self.input_devices: list = []  # the device each input array arrives on
        # Placeholder id -> the eager value it had in the call that triggered the trace (for
        # variable initial values computed from arguments, evaluated once while tracing).
        self.trace_values: dict[int, Any] = {}

    @property
    def building_function(self) -> bool:
        return True

    @property
    def captures(self) -> list[tuple[Any, SymbolicTensor]]:
        return list(self._captures)

    @property
    def external_captures(self) -> list:
        return [outer for outer, _ in self._captures]

    @property
    def internal_captures(self) -> list:
        return [inner for _, inner in self._captures]

    @property
    def variables(self) -> tuple:
        return tuple(self.variable_captures.values())

    @property
    def trainable_variables(self) -> tuple:
        return tuple(v for v in self.variable_captures.values() if getattr(v, "trainable", False))

    def capture(self, tensor: Any) -> SymbolicTensor:
        """The placeholder standing for `tensor`, a symbolic tensor of an enclosing graph (made
        on first use; an enclosing FuncGraph captures it in turn when it is not its own)."""
        inner = self._capture_map.get(id(tensor))
        if inner is not None:
            return inner
        owner = tensor._op.graph
        chain = self.outer_graph
        while chain is not None and chain is not owner:
            chain = getattr(chain, "outer_graph", None)
        if chain is None:
            from eagerflow._src.framework.execute import _out_of_scope

            raise _out_of_scope(tensor)
        outer_value = tensor
        if self.outer_graph is not owner:
            outer_value = self.outer_graph.capture(tensor)
        inner = self.placeholder(tensor._array.dtype, tensor._array.shape,
                                 name=tensor._op.name.replace("/", "_"))
        self._capture_map[id(tensor)] = inner
        self._captures.append((outer_value, inner))
        self.inputs.append(inner)
        self.input_devices.append(tensor._op.placed or _default_device())
        return inner

    def capture_eager(self, tensor: EagerTensor, name: str = "Placeholder") -> SymbolicTensor:
        """An eager tensor fed as an input at every call (not folded as a constant)."""
        inner = self._capture_map.get(id(tensor))
        if inner is not None:
            return inner
        inner = self.placeholder(tensor._array.dtype, tuple(tensor._array.shape), name=name)
        self._capture_map[id(tensor)] = inner
        self._captures.append((tensor, inner))
        self.inputs.append(inner)
        self.input_devices.append(tensor._device)
        return inner

    def capture_closure(self, tensor: EagerTensor) -> Any:
        """An eager tensor used in a control-flow body (`lifts_closures`). As TF's cond and while
        graphs: a float tensor the user closed over becomes a captured input, fed from the
        enclosing graph (which turns it into its own Const, or captures it in turn), so the node
        built from this body has it as an input and tapes watching it see the dependency.
        Values converted while tracing (Python scalars, integer shapes and indices) stay Consts
        of this graph, foldable and known to shape inference."""
        kind = tensor._array.dtype.kind
        if (kind == "f" or kind == "c" or kind == "V") and not _python_scalar(tensor):
            return self.capture_eager(tensor, name="Const")
        return self.constant(tensor)

    def __repr__(self) -> str:
        return f"FuncGraph(name={self.name}, id={id(self)})"


_scalars: dict = {}  # id -> tensor: the values of `convert._scalar_cache` when last looked at


def _python_scalar(tensor: EagerTensor) -> bool:
    """Whether `tensor` is one of conversion's cached Python scalars (`x * 0.5` converts 0.5 to
    a cached eager tensor, made once per value, dtype and device). Tracing time only: the id
    map of the cache (at most 4096 entries) is rebuilt when a 0-d tensor is not in it."""
    global _scalars
    if tensor._array.ndim != 0:
        return False
    if _scalars.get(id(tensor)) is tensor:
        return True
    from eagerflow._src.framework.convert import _scalar_cache

    _scalars = {id(v): v for v in list(_scalar_cache.values())}
    return _scalars.get(id(tensor)) is tensor


def _default_device() -> Any:
    from eagerflow._src.framework.execute import creation_device

    return creation_device()


def _arg_names(python_function: Callable, args: tuple, kwargs: dict) -> tuple[list, list]:
    """The parameter name of each positional argument and each keyword argument."""
    try:
        parameters = list(inspect.signature(python_function).parameters.values())
    except (TypeError, ValueError):
        parameters = []
    names = []
    for i in range(len(args)):
        if i < len(parameters) and parameters[i].kind in (
                inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD):
            names.append(parameters[i].name)
        elif parameters and parameters[-1].kind is inspect.Parameter.VAR_POSITIONAL:
            names.append(f"{parameters[-1].name}_{i - len(parameters) + 1}" if i >= len(parameters) - 1
                         else f"arg{i}")
        else:
            names.append(f"arg{i}")
    return names, sorted(kwargs)


def placeholders_for(graph: FuncGraph, structure: Any, name: str) -> Any:
    """`structure` with its tensor and spec leaves replaced by new placeholder inputs of
    `graph` (named `name`, `name_1`...); variables are recorded as variable parameters;
    dataset iterators become `IteratorInput`s over a host input (`iterator_inputs.py`)."""
    leaves = _structure.flatten(structure)
    out = []
    count = 0
    for leaf in leaves:
        if isinstance(leaf, Tensor) or is_spec(leaf):
            label = name if count == 0 else f"{name}_{count}"
            count += 1
            if isinstance(leaf, Tensor):
                dtype, shape = leaf._array.dtype, leaf._array.shape
                shape = None if shape is None else tuple(shape)
                device = leaf._device if isinstance(leaf, EagerTensor) else _default_device()
            else:
                spec_dtype = _dtypes.as_dtype(leaf.dtype)
                dtype = spec_dtype._np if spec_dtype._np is not None else np.dtype(object)
                dims = leaf.shape.dims if hasattr(leaf.shape, "dims") else leaf.shape
                shape = None if dims is None else tuple(dims)
                device = _default_device()
            ph = graph.placeholder(dtype, shape, name=label)
            if isinstance(leaf, EagerTensor):
                graph.trace_values[id(ph)] = leaf
            graph.inputs.append(ph)
            graph.input_devices.append(device)
            out.append(ph)
        elif is_iterator(leaf) or type(leaf) is IteratorInput:
            # A dataset iterator: one host input boxing the iterator each call passes.
            label = name if count == 0 else f"{name}_{count}"
            count += 1
            ph = graph.placeholder(np.dtype(object), (), name=label)
            graph.inputs.append(ph)
            graph.input_devices.append(host_device())
            out.append(IteratorInput(ph, leaf))
        elif is_variable(leaf):
            if not any(v is leaf for v in graph.variable_params):
                graph.variable_params.append(leaf)
            graph.capture_variable(leaf)
            out.append(leaf)
        else:
            out.append(leaf)
    return _structure.pack(structure, iter(out))


@contextlib.contextmanager
def _variable_creation(graph: FuncGraph) -> Iterator[None]:
    """Variables made while tracing are created eagerly (lifted out, as TF's init_scope),
    on the first trace only (TF's ValueError after)."""
    from eagerflow._src.variables import variable_creator_scope

    def creator(next_creator: Callable, **kwargs: Any) -> Any:
        if not graph.allow_variable_creation:
            raise ValueError(VARIABLE_CREATION_ERROR)
        initial_value = kwargs.get("initial_value")
        if isinstance(initial_value, SymbolicTensor):
            kwargs["initial_value"] = evaluate_constant(initial_value)
        with init_scope():
            variable = next_creator(**kwargs)
        graph.created_variables.append(variable)
        return variable

    with variable_creator_scope(creator):
        yield


def evaluate_constant(tensor: SymbolicTensor) -> EagerTensor:
    """The value of a graph tensor, computed eagerly by replaying the ops it depends on (e.g.
    a variable's initial value made inside a trace). Placeholders take the values of the call
    being traced; without one (a TensorSpec), TF's error for such initial values."""
    graph = tensor._op.graph
    feeds = getattr(graph, "trace_values", {})
    needed: dict[int, Operation] = {}
    stack = [tensor._op]
    while stack:
        node = stack.pop()
        if id(node) in needed:
            continue
        if node.type == "Placeholder" and id(node.outputs[0]) not in feeds:
            raise ValueError(
                f"A tf.Variable's initial value depends on a function input ({tensor.name}) whose "
                f"value is not known while tracing; create the variable from a value known "
                f"outside the function.")
        needed[id(node)] = node
        for x in node._inputs:
            if isinstance(x, SymbolicTensor):
                stack.append(x._op)
    env: dict[int, Any] = {}
    with init_scope():
        for node in graph.get_operations():
            if id(node) not in needed:
                continue
            if node.type == "Placeholder":
                env[id(node.outputs[0])] = feeds[id(node.outputs[0])]
                continue
            if node.type == "Const":
                env[id(node.outputs[0])] = node.attrs["value"]
                continue
            ins = [env[id(x)] if isinstance(x, SymbolicTensor) else x for x in node._inputs]
            result = execute(node.op, ins, node.attrs)
            for out, value in zip(node.outputs, result if isinstance(result, list) else [result]):
                env[id(out)] = value
    return env[id(tensor)]


def output_tensor(graph: FuncGraph, value: Any) -> Any:
    """A returned leaf as a tensor of `graph` (None for leaves that stay Python values)."""
    if isinstance(value, SymbolicTensor):
        return value if value._op.graph is graph else graph.capture(value)
    if isinstance(value, EagerTensor):
        inner = getattr(value, "_value", None)
        if inner is not None:
            value = inner
        return graph.capture_closure(value) if graph.lifts_closures else graph.constant(value)
    if is_variable(value) or hasattr(value, "_as_tensor"):
        with graph.as_default():
            return output_tensor(graph, value._as_tensor(None))
    return None


def _identity_op() -> Any:
    from eagerflow._src.ops.array_ops import IDENTITY

    return IDENTITY


# The sub-graphs of `If` and `While` nodes (`ops/graph_control_flow.py`): their captures become
# the node's inputs, so eager tensors they close over are captured (`FuncGraph.capture_closure`).
CONTROL_FLOW_GRAPHS = frozenset({"cond_true", "cond_false", "while_cond", "while_body"})


def trace(python_function: Callable, args: tuple, kwargs: dict, name: str,
          allow_variable_creation: bool = True, outer_graph: Any = None,
          graph: FuncGraph | None = None, arg_names: list | None = None,
          lifts_closures: bool | None = None) -> FuncGraph:
    """Traces `python_function(*args, **kwargs)` into a new FuncGraph (see the module docstring).

    Tensor and TensorSpec leaves of the arguments become placeholders; the graph's
    `structured_outputs` holds the result with tensors replaced by the graph's (Python leaves
    kept), `outputs` the flat output tensors. `lifts_closures` (default: for the
    `CONTROL_FLOW_GRAPHS` names, inside another graph): closed-over float eager tensors become
    captures rather than Consts; only for graphs whose captures the caller feeds as inputs.
    """
    graph = graph or FuncGraph(name, outer_graph)
    graph.allow_variable_creation = allow_variable_creation
    if lifts_closures is None:
        lifts_closures = name in CONTROL_FLOW_GRAPHS
    if lifts_closures and graph.outer_graph is not None:
        graph.lifts_closures = True
    if arg_names is None:
        arg_names = _arg_names(python_function, args, kwargs)[0]
    with graph.as_default():
        traced_args = tuple(placeholders_for(graph, a, n) for a, n in zip(args, arg_names))
        # Placeholders in sorted keyword order (as calls flatten them); the dict keeps the call's.
        made = {k: placeholders_for(graph, kwargs[k], k) for k in sorted(kwargs)}
        traced_kwargs = {k: made[k] for k in kwargs}
        with _variable_creation(graph):
            result = python_function(*traced_args, **traced_kwargs)
        outputs = []
        leaves = _structure.flatten(result)
        packed = []
        for leaf in leaves:
            t = output_tensor(graph, leaf)
            if t is None:
                packed.append(leaf)
            else:
                # TF returns an Identity of each output, on its producer's device.
                scope = t._op.scope
                with device_scope(scope) if scope else contextlib.nullcontext():
                    t = execute(_identity_op(), (t,))
                outputs.append(t)
                packed.append(t)
    graph.outputs = outputs
    graph.structured_outputs = _structure.pack(result, iter(packed))
    graph.structured_input_signature = (traced_args, traced_kwargs)
    return graph


def placeholder(dtype: Any, shape: Any = None, name: str | None = None) -> SymbolicTensor:
    """A graph input of `dtype` and (possibly partial) `shape` (`tf.compat.v1.placeholder`);
    only inside a graph being built (Keras builds functional models in a FuncGraph)."""
    graph = _thread.graph
    if graph is None:
        raise RuntimeError("tf.placeholder() is not compatible with eager execution.")
    dt = _dtypes.as_dtype(dtype)
    np_dtype = dt._np if dt._np is not None else np.dtype(object)
    if shape is None:
        dims = None
    else:
        from eagerflow._src.framework.tensor_shape import as_shape

        dims = as_shape(shape).dims
    return graph.placeholder(np_dtype, None if dims is None else tuple(dims), name=name or "Placeholder")
