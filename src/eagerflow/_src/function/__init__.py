"""`tf.function`: tracing Python into graphs through the one op path, and replaying them fast.

How it works
------------
Tracing is a mode of `execute` (framework/execute.py). While a `Graph` is the default graph
of this thread (`context.thread.graph`, set by `graph.as_default()`, which also raises
`context.flags.special` so the eager fast path diverts to `_execute_general`), `execute(op,
inputs, attrs)` calls `graph.add_op(op, inputs, attrs)`: it records an `Operation` (the `Op`
declaration, inputs, attrs, device placed by eager rules at trace time) and returns
`SymbolicTensor`s (framework/symbolic_tensor.py) whose dtype and static shape come from the
op's `shape_fn` or the generic dummy-array rule (framework/shape_inference.py). A
`ConcreteFunction` compiles its graph once into a `Plan` (plan.py: generated straight-line
Python over array slots) and replays it; with a tape recording, inside another trace, or with
placement logging on, it replays op by op through `execute` instead (so tapes record
primitives and nested calls are inlined into the outer graph).

Internal API (for control flow, autograph, tf.data, Keras)
---------------------------------------------------------
Am I tracing?
    `framework.graph.inside_function()` (True while any graph is being built on this thread),
    `framework.graph.executing_eagerly()`, `context.thread.graph` (the graph being built).
    `isinstance(x, SymbolicTensor)` tells a graph tensor from an eager one; both have
    `x._array.dtype` / `x._array.shape` (a symbolic tensor's shape tuple may hold None dims,
    or be None for unknown rank) and `x.shape` / `x.dtype`.

Trace a Python callable into a sub-graph (a cond branch, a loop body):
    from eagerflow._src.function.func_graph import FuncGraph, trace
    g = trace(fn, args, kwargs, "cond_true")      # args: tensors / TensorSpecs / Python values
    g.inputs       # placeholders: one per tensor leaf of args, then one per captured tensor
    g.captures     # [(outer value, inner placeholder)], outer symbolic tensors used by fn
                   # (an outer tensor of a grand-parent graph is captured through each level)
    g.outputs      # flat output tensors (symbolic tensors of g)
    g.structured_outputs   # fn's result structure with g's tensors at its tensor leaves
    g.variable_captures    # {id: variable} read or written inside (captured by reference)
    The outer graph is the current `context.thread.graph` when `trace` is called (pass
    `outer_graph=` to override). Ops in `fn` that use outer symbolic tensors capture them;
    eager tensors become `Const` ops; variables stay the variable objects (by reference).
    Arguments for `trace` can be placeholders-to-be given as `TensorSpec`s (e.g. loop variables
    with relaxed shapes: `tensor_spec(shape, dtype)` from func_graph).

Run a sub-graph inside an Op's forward, on arrays:
    from eagerflow._src.function.concrete_function import ConcreteFunction
    cf = ConcreteFunction(g)
    plan = cf._compiled()                # compiled once (cache it on the node's attrs)
    outs = plan.run(*input_arrays, *capture_arrays)   # arrays in g.inputs order; returns a
                                                      # tuple of output arrays (g.outputs order)
    `plan.output_devices[i]` is the device output i lives on. Variables captured inside are
    bound in the plan (by reference): pass nothing for them (`g.variable_params` is empty for
    traced sub-graphs unless variables were passed as arguments: then pass them after arrays).
    For eager use outside a trace, `cf._call_flat(tensors, variables)` takes EagerTensors (and
    replays through `execute` when a tape records, so gradients flow through the branch ops).

Add a node whose attrs carry sub-graphs:
    Declare an `Op` (framework/op.py) whose forward takes arrays and reads the sub-graph plans
    from attrs, e.g. `Op("If", _if_forward, num_outputs=k, shape_fn=rule)` with
    `_if_forward(xp, pred, *arrays, then_plan=..., else_plan=...)`; give it an explicit
    `shape_fn(inputs, attrs)` returning [(np_dtype, shape), ...] (the branches' output
    dtypes/shapes, merged) so no dummy run happens, and `stateful=True` if a branch touches
    variables. Call `execute(IF, [pred, *tensors, *captured_outer_tensors], attrs)`: while
    tracing it becomes one graph node; eagerly it runs the forward. A `grad` on that Op
    (written with eagerflow ops, e.g. another `If` over gradient sub-graphs traced with
    `trace` under a tape) makes it differentiable; the plan and replay paths need nothing else.
    For `as_graph_def`, attrs that are FuncGraphs/ConcreteFunctions are written as TF's
    `func` attrs (function/graph_def.py).

Autograph hook:
    When `tf.function(autograph=True)` (the default) traces, it calls
    `eagerflow._src.autograph.convert(python_function)` if that exists and traces the callable
    it returns (same signature; a bound method's `functools.partial` may be passed: convert
    `partial.func`). Nothing else is needed from autograph.

Constants and shapes inside traces:
    `func_graph.evaluate_constant(t)` evaluates a graph tensor that depends on constants only.
    `shape_inference.broadcast_shapes`, `elementwise`, `same_as_first`, `value_dependent` are
    ready-made `shape_fn` rules.
"""
