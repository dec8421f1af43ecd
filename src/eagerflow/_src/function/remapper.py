"""Fusions applied when a traced graph is compiled into a plan (TF's grappler "remapper").

TF rewrites the graph it runs, not the graph the user built: on CPU `Conv2D -> BiasAdd -> Relu`
runs as one `_FusedConv2D`, so the bias and the activation are applied while the convolution's
output is still in cache. We do the same when `compile_plan` turns a graph into code: the
`FuncGraph` (what `get_concrete_function().graph` shows) keeps its operations; the plan calls
one fused kernel in place of a chain. A chain is fused only when its inner results are read by
nothing else (no other operation, no graph output, no control dependency), all its operations
sit on one device and its layout is channels-last. Every fusion computes what the chain computes,
bit for bit (the fused kernels run the same float operations per element), so fused and unfused
plans return the same values.

Fusions:
- `Relu(BiasAdd(Conv2D(x, f), b))` -> `_FusedConv2D(x, f, b, fused_ops=("BiasAdd", "Relu"))`;
  `BiasAdd(Conv2D(x, f), b)` -> `_FusedConv2D(..., fused_ops=("BiasAdd",))`.
- `ReluGrad(MaxPoolGrad(r, p, g), r)` -> `MaxPoolGradWithReluGrad(r, p, g)`: the gradient of
  `MaxPool(Relu(.))` in one pass (a window's gradient goes to its first maximum unless that
  maximum is not positive).
- `Conv2DBackpropFilter(x, sizes, dy)` and `BiasAddGrad(dy)` of the same `dy` ->
  `_Conv2DBackpropFilterWithBias(x, sizes, dy)`, both results from one pass over `dy`.

Before matching, `UnbroadcastGradient(g, x)` nodes whose `g` provably has `x`'s shape are
dropped (`g` read in their place). The tape adds them wherever a gradient's static shape has
unknown dims (a `None` batch); most sum nothing, and they read forward activations only for
their shape, which would keep a convolution's output alive and block its fusion. Shapes are
proved equal by classes: an op whose output must have an input's shape (Relu, BiasAdd,
MaxPoolGrad's `orig_input`, ReluGrad's both inputs, ...) joins their classes.

`EAGERFLOW_REMAPPER=0` turns fusion off (to compare, or to debug a fused kernel).
"""
from __future__ import annotations

import os
from typing import Any

from eagerflow._src.framework.graph import Operation

_FLOATS = frozenset(("float32", "float64"))


def _fused_ops() -> dict:
    """The fused ops by name; a fusion whose op is not available is not applied."""
    from eagerflow._src.ops import conv_ops, pooling_ops

    found = {}
    for module, attr in ((conv_ops, "FUSED_CONV2D"), (pooling_ops, "MAX_POOL_GRAD_WITH_RELU_GRAD"),
                         (conv_ops, "CONV2D_BACKPROP_FILTER_WITH_BIAS")):
        op = getattr(module, attr, None)
        if op is not None:
            found[attr] = op
    return found


def enabled() -> bool:
    return os.environ.get("EAGERFLOW_REMAPPER", "1") != "0"


# Ops whose output has the shape of input 0 (elementwise unary ops and friends; TF's kernels
# require it or compute it so).
_LIKE_FIRST = frozenset((
    "Relu", "Relu6", "Elu", "Selu", "LeakyRelu", "Sigmoid", "Tanh", "Softplus", "Softsign", "Identity",
    "StopGradient", "Neg", "Square", "Sqrt", "Rsqrt", "Exp", "Log", "Abs", "Cast", "BiasAdd",
    "Softmax", "LogSoftmax", "MaxPoolGrad", "OnesLike", "ZerosLike",
))
# Ops whose inputs (all of them) and output share one shape (TF's kernels check it).
_ALL_SAME = frozenset(("ReluGrad", "Relu6Grad", "EluGrad", "SeluGrad", "LeakyReluGrad", "SigmoidGrad",
                       "TanhGrad", "SoftplusGrad", "SoftsignGrad"))
# Ops whose output has the shape of input 1.
_LIKE_SECOND = frozenset(("UnbroadcastGradient", "ReshapeLike", "BroadcastLike"))


class _Shapes:
    """Union-find over tensors known to share their run-time shape."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, key: int) -> int:
        parent = self.parent
        root = key
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(key, key) != root:
            parent[key], key = root, parent[key]
        return root

    def join(self, a: Any, b: Any) -> None:
        ra, rb = self.find(id(a)), self.find(id(b))
        if ra != rb:
            self.parent[ra] = rb

    def same(self, a: Any, b: Any) -> bool:
        return self.find(id(a)) == self.find(id(b))

    def learn(self, node: Any) -> None:
        kind = node.type
        if len(node.outputs) != 1 or not node._inputs:
            return
        out = node.outputs[0]
        if kind in _LIKE_FIRST:
            self.join(out, node._inputs[0])
        elif kind in _ALL_SAME:
            for x in node._inputs:
                self.join(out, x)
        elif kind in _LIKE_SECOND and len(node._inputs) > 1:
            self.join(out, node._inputs[1])
        elif kind in ("Conv2DBackpropInput", "Conv3DBackpropInputV2"):
            sizes = getattr(node._inputs[0], "_op", None)
            if sizes is not None and sizes.type == "Shape" and sizes._inputs:
                self.join(out, sizes._inputs[0])


def _without_identity_unbroadcasts(graph: Any, nodes: list, live: set, outputs: list) -> list:
    """`nodes` without the UnbroadcastGradient nodes that provably sum nothing; the nodes reading
    one read its gradient instead (copies with the inputs replaced)."""
    shapes = _Shapes()
    alias: dict[int, Any] = {}
    kept_outputs = {id(t) for t in outputs}
    result = []
    for node in nodes:
        if id(node) not in live:
            result.append(node)
            continue
        inputs = node._inputs
        if any(id(x) in alias for x in inputs):
            inputs = [alias.get(id(x), x) for x in inputs]
            copy = Operation(graph, node.op, node.type, node.name, inputs, node.attrs, node.placed, node.scope)
            copy.outputs = node.outputs
            copy.control_inputs = node.control_inputs
            live.add(id(copy))
            node = copy
        shapes.learn(node)
        if node.type == "UnbroadcastGradient" and shapes.same(inputs[0], inputs[1]) \
                and id(node.outputs[0]) not in kept_outputs and inputs[0].dtype == node.outputs[0].dtype:
            alias[id(node.outputs[0])] = inputs[0]
            continue
        result.append(node)
    if not alias:
        return nodes
    # A control dependency on a dropped node: keep the original list (rare; nothing fused away).
    dropped = {id(n) for n in nodes} - {id(n) for n in result}
    if any(id(c) in dropped for n in result for c in n.control_inputs):
        return nodes
    return result


class _Uses:
    """How many readers each tensor of the graph has (operations, outputs), and which
    operations are control dependencies of others."""

    def __init__(self, nodes: list, outputs: list) -> None:
        self.count: dict[int, int] = {}
        self.controls: set[int] = set()
        for node in nodes:
            for x in node._inputs:
                self.count[id(x)] = self.count.get(id(x), 0) + 1
            for c in node.control_inputs:
                self.controls.add(id(c))
        for t in outputs:
            self.count[id(t)] = self.count.get(id(t), 0) + 1

    def only_reader(self, node: Any) -> bool:
        """Whether `node`'s single output is read once (by the fusion's next operation)."""
        return (len(node.outputs) == 1 and self.count.get(id(node.outputs[0]), 0) == 1
                and id(node) not in self.controls)


def _channels_last(node: Any) -> bool:
    fmt = node.attrs.get("data_format", "NHWC")
    return fmt in ("NHWC", b"NHWC")


def _float(node: Any) -> bool:
    dtype = getattr(node.outputs[0], "dtype", None)
    return getattr(dtype, "name", None) in _FLOATS


def _same_device(*nodes: Any) -> bool:
    return all(n.placed is nodes[0].placed for n in nodes)


def _fused(graph: Any, op: Any, like: Any, inputs: list, attrs: dict, outputs: list) -> Operation:
    """An operation of no graph's list: the plan calls `op` with `inputs` and binds its results
    to `outputs` (the chain's result tensors, which the rest of the graph reads)."""
    node = Operation(graph, op, op.name, like.name, inputs, attrs, like.placed, like.scope)
    node.outputs = outputs
    node.control_inputs = list(like.control_inputs)
    return node


def remap(graph: Any, nodes: list, live: set, outputs: list) -> list:
    """`nodes` (the graph's operations in order) with fusible chains replaced by fused
    operations; the fused operations' ids are added to `live`."""
    if not enabled():
        return nodes
    ops = _fused_ops()
    if not ops:
        return nodes
    nodes = _without_identity_unbroadcasts(graph, nodes, live, outputs)
    live_nodes = [n for n in nodes if id(n) in live]
    uses = _Uses(live_nodes, outputs)
    made_by = {id(t): n for n in live_nodes for t in n.outputs}

    def producer(x: Any, type_name: str) -> Any:
        node = made_by.get(id(x))
        return node if node is not None and node.type == type_name else None

    replace: dict[int, Any] = {}  # id(node) -> the fused operation that runs in its place
    drop: set[int] = set()

    conv = ops.get("FUSED_CONV2D")
    pool_grad = ops.get("MAX_POOL_GRAD_WITH_RELU_GRAD")
    filter_bias = ops.get("CONV2D_BACKPROP_FILTER_WITH_BIAS")
    bias_grads: dict[int, Any] = {}  # id(dy) -> its BiasAddGrad node
    filter_grads: dict[int, Any] = {}  # id(dy) -> its Conv2DBackpropFilter node
    for node in live_nodes:
        kind = node.type
        if conv is not None and kind == "BiasAdd" and _channels_last(node) and _float(node):
            c = producer(node._inputs[0], "Conv2D")
            if c is None or not uses.only_reader(c) or not _channels_last(c) or not _same_device(c, node) \
                    or c.attrs.get("padding") == "EXPLICIT" and any(c.attrs.get("explicit_paddings", ())):
                continue
            attrs = dict(c.attrs)
            attrs["fused_ops"] = ("BiasAdd",)
            inputs = [c._inputs[0], c._inputs[1], node._inputs[1]]
            replace[id(node)] = _fused(graph, conv, node, inputs, attrs, node.outputs)
            drop.add(id(c))
        elif conv is not None and kind == "Relu":
            b = producer(node._inputs[0], "BiasAdd")
            fused = replace.get(id(b)) if b is not None else None
            if fused is None or not uses.only_reader(b) or not _same_device(b, node):
                continue
            attrs = dict(fused.attrs)
            attrs["fused_ops"] = ("BiasAdd", "Relu")
            replace[id(node)] = _fused(graph, conv, node, fused._inputs, attrs, node.outputs)
            del replace[id(b)]
            drop.add(id(b))
        elif pool_grad is not None and kind == "ReluGrad" and _float(node):
            m = producer(node._inputs[0], "MaxPoolGrad")
            if m is None or not uses.only_reader(m) or m._inputs[0] is not node._inputs[1] \
                    or not _channels_last(m) or not _same_device(m, node):
                continue
            replace[id(node)] = _fused(graph, pool_grad, node, list(m._inputs), dict(m.attrs), node.outputs)
            drop.add(id(m))
        elif filter_bias is not None and kind == "BiasAddGrad" and _channels_last(node) and _float(node):
            bias_grads.setdefault(id(node._inputs[0]), node)
        elif filter_bias is not None and kind == "Conv2DBackpropFilter" and _channels_last(node) \
                and _float(node):
            filter_grads.setdefault(id(node._inputs[2]), node)

    order = {id(n): i for i, n in enumerate(nodes)}
    hoist: dict[int, list] = {}  # id(node) -> constants to bind before it
    for key, fg in filter_grads.items():
        bg = bias_grads.get(key)
        if bg is None or not _same_device(fg, bg) or id(fg) in uses.controls or id(bg) in uses.controls:
            continue
        first, last = (fg, bg) if order[id(fg)] < order[id(bg)] else (bg, fg)
        # The fused op runs where the first of the two ran: every input of the second must be
        # computed by then (constants and placeholders, `op` None, are there from the start).
        made = [made_by.get(id(x)) for x in last._inputs]
        if any(m is not None and m.op is not None and order.get(id(m), -1) >= order[id(first)] for m in made):
            continue
        replace[id(first)] = _fused(graph, filter_bias, fg, list(fg._inputs), dict(fg.attrs),
                                    [fg.outputs[0], bg.outputs[0]])
        drop.add(id(last))
        # Constants the second read (the filter sizes) are bound before the fused op.
        for x in last._inputs:
            const = getattr(x, "_op", None)
            if const is not None and const.graph is graph and const.type == "Const" \
                    and order.get(id(const), -1) > order[id(first)]:
                hoist.setdefault(id(first), []).append(const)
                drop.add(id(const))

    result = []
    for n in nodes:
        if id(n) in drop:
            continue
        result.extend(hoist.get(id(n), ()))
        fused = replace.get(id(n))
        if fused is not None:
            live.add(id(fused))
            result.append(fused)
        else:
            result.append(n)
    return result
