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


def _producer(x: Any, graph: Any, type_name: str, live: set) -> Any:
    node = getattr(x, "_op", None)
    if node is None or node.graph is not graph or node.type != type_name or id(node) not in live:
        return None
    return node


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
    live_nodes = [n for n in nodes if id(n) in live]
    uses = _Uses(live_nodes, outputs)
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
            c = _producer(node._inputs[0], graph, "Conv2D", live)
            if c is None or not uses.only_reader(c) or not _channels_last(c) or not _same_device(c, node) \
                    or c.attrs.get("padding") == "EXPLICIT" and any(c.attrs.get("explicit_paddings", ())):
                continue
            attrs = dict(c.attrs)
            attrs["fused_ops"] = ("BiasAdd",)
            inputs = [c._inputs[0], c._inputs[1], node._inputs[1]]
            replace[id(node)] = _fused(graph, conv, node, inputs, attrs, node.outputs)
            drop.add(id(c))
        elif conv is not None and kind == "Relu" and id(node) not in replace:
            b = _producer(node._inputs[0], graph, "BiasAdd", live)
            fused = replace.get(id(b)) if b is not None else None
            if fused is None or not uses.only_reader(b) or not _same_device(b, node):
                continue
            attrs = dict(fused.attrs)
            attrs["fused_ops"] = ("BiasAdd", "Relu")
            replace[id(node)] = _fused(graph, conv, node, fused._inputs, attrs, node.outputs)
            del replace[id(b)]
            drop.add(id(b))
        elif pool_grad is not None and kind == "ReluGrad" and _float(node):
            m = _producer(node._inputs[0], graph, "MaxPoolGrad", live)
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
        if any(getattr(x, "_op", None) is not None and x._op.graph is graph and x._op.op is not None
               and order.get(id(x._op), -1) >= order[id(first)] for x in last._inputs):
            continue
        replace[id(first)] = _fused(graph, filter_bias, fg, list(fg._inputs), dict(fg.attrs),
                                    [fg.outputs[0], bg.outputs[0]])
        drop.add(id(last))
        # Constants the second read (the filter sizes) are bound before the fused op.
        for x in last._inputs:
            producer = getattr(x, "_op", None)
            if producer is not None and producer.graph is graph and producer.type == "Const" \
                    and order.get(id(producer), -1) > order[id(first)]:
                hoist.setdefault(id(first), []).append(producer)
                drop.add(id(producer))

    if not replace:
        return nodes
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
