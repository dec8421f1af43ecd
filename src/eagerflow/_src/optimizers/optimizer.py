"""The optimizer base: slot variables beside the variables they serve, in-place updates."""
from __future__ import annotations

from typing import Any, Iterable

from eagerflow._src.framework import dtypes, errors
from eagerflow._src.framework.convert import convert_to_tensor
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.graph import inside_function
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.framework.scopes import device
from eagerflow._src.ops import math_ops
from eagerflow._src.ops.clip_ops import clip_by_global_norm
from eagerflow._src.ops.linalg_ops import clip_by_norm
from eagerflow._src.variables import Variable


class Optimizer:
    """Keras-3-style optimizer as `tf.keras.optimizers` has it in TF 2.21.

    Subclasses create slots in `build` and update one variable in `update_step`, through a
    fused `ResourceApply*` op that writes the variable's buffer in place.
    """

    def __init__(self, learning_rate: float = 0.001, name: str = "optimizer", **kwargs: Any) -> None:
        unknown = set(kwargs) - {"weight_decay", "clipnorm", "clipvalue", "global_clipnorm",
                                 "use_ema", "ema_momentum", "ema_overwrite_frequency",
                                 "loss_scale_factor", "gradient_accumulation_steps"}
        if unknown:
            raise TypeError(f"Argument(s) not recognized: {sorted(unknown)}")
        if isinstance(learning_rate, (str, bytes)) or learning_rate is None:
            raise ValueError(
                "Argument `learning_rate` should be float, or an instance of LearningRateSchedule, "
                "or a callable (that takes in the current iteration value and returns the "
                f"corresponding learning rate value). Received instead: learning_rate={learning_rate}")
        self.name = name
        self.clipnorm = kwargs.get("clipnorm")
        self.clipvalue = kwargs.get("clipvalue")
        self.global_clipnorm = kwargs.get("global_clipnorm")
        if sum(1 for c in (self.clipnorm, self.clipvalue, self.global_clipnorm) if c is not None) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. Received: "
                f"clipnorm={self.clipnorm}, clipvalue={self.clipvalue}, "
                f"global_clipnorm={self.global_clipnorm}")
        with device("CPU:0"):
            self._iterations = Variable(0, name="iteration", dtype=dtypes.int64, trainable=False)
            self._learning_rate = Variable(learning_rate, name="learning_rate", dtype=dtypes.float32, trainable=False)
        self._slots: dict[int, list[Variable]] = {}
        self._built: list[Variable] = []  # Keras's `_trainable_variables`: build order
        self._variables: list[Variable] = [self._iterations, self._learning_rate]

    @property
    def iterations(self) -> Variable:
        return self._iterations

    @property
    def learning_rate(self) -> Variable:
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value: Any) -> None:
        self._learning_rate.assign(value)

    @property
    def variables(self) -> list[Variable]:
        return list(self._variables)

    @property
    def built_variables(self) -> list[Variable]:
        """The variables this optimizer has been built for, in build order."""
        return list(self._built)

    def add_slot(self, variable: Variable, slot_name: str) -> Variable:
        """A non-trainable zeros variable shaped like `variable`, on its device."""
        base = variable.name.replace(":", "_")
        with device(variable.device):
            slot = Variable(math_ops.zeros_like_same(variable.read_value()), trainable=False,
                            name=f"{base}_{slot_name}")
        self._slots.setdefault(id(variable), []).append(slot)
        self._variables.append(slot)
        return slot

    def slots_for(self, variable: Variable) -> list[Variable]:
        return self._slots.get(id(variable), [])

    def build(self, var_list: list[Variable]) -> None:
        """Prepares the optimizer for `var_list`: records them and creates their slots."""
        new = [v for v in var_list if id(v) not in self._slots]
        for v in new:
            self._slots[id(v)] = []
        self._built.extend(new)
        self.create_slots(new)

    def create_slots(self, var_list: list[Variable]) -> None:
        """Creates the slots each new variable needs (none for plain SGD)."""

    def apply_gradients(self, grads_and_vars: Iterable) -> Variable:
        """Applies each (gradient, variable) pair in place; pairs with a None gradient are skipped."""
        pairs = [(g, v) for g, v in grads_and_vars if g is not None]
        if not pairs:
            raise ValueError("No gradients provided for any variable.")
        distribute = getattr(pairs[0][1], "_distribute", None)
        if distribute is not None:  # a strategy combines replicas' gradients, then calls back
            return distribute.optimizer_apply(self._apply_pairs, pairs)
        return self._apply_pairs(pairs)

    def _apply_pairs(self, pairs: list) -> Variable:
        if any(id(v) not in self._slots for _, v in pairs):
            self.build([v for _, v in pairs])
        grads = [convert_to_tensor(g) for g, _ in pairs]
        grads = self._clip(grads)
        if inside_function():  # traced: the rate and step are read when the graph runs
            lr: Any = self._learning_rate.read_value()
            step: Any = self._iterations.read_value() + 1
        else:
            lr = float(self._learning_rate.numpy())
            step = int(self._iterations.numpy()) + 1
        for g, (_, variable) in zip(grads, pairs):  # checked first: a failed apply changes nothing
            if g.shape != variable.shape:
                raise self.shape_mismatch(g, variable)
        for g, v in zip(grads, pairs):
            variable = v[1]
            if g.dtype != variable.dtype:
                g = math_ops.cast(g, variable.dtype)
            self.update_step(g, variable, lr, step)
            if variable.constraint is not None:
                variable.assign(variable.constraint(variable))
        self._iterations.assign_add(1)
        return self._iterations

    def minimize(self, loss: Any, var_list: Any, tape: Any = None) -> Variable:
        """Computes gradients of `loss` (a tensor with `tape`, or a callable) and applies them."""
        from eagerflow._src.autodiff.tape import GradientTape

        if callable(var_list):
            var_list = var_list()
        if tape is None:
            if not callable(loss):
                raise ValueError("`tape` is required when a `Tensor` loss is passed.")
            with GradientTape() as tape:
                loss = loss()
        grads = tape.gradient(loss, list(var_list))
        return self.apply_gradients(zip(grads, var_list))

    def _clip(self, grads: list) -> list:
        """Keras 3's order: clipnorm per gradient, else global_clipnorm, else clipvalue."""
        if self.clipnorm:
            return [clip_by_norm(g, self.clipnorm) for g in grads]
        if self.global_clipnorm:
            return list(clip_by_global_norm(grads, self.global_clipnorm)[0])
        if self.clipvalue:
            return [math_ops.clip_by_value(g, -self.clipvalue, self.clipvalue) for g in grads]
        return grads

    def update_step(self, gradient: Any, variable: Variable, learning_rate: float, step: int) -> None:
        raise NotImplementedError

    def shape_mismatch(self, gradient: Any, variable: Variable) -> Exception:
        """TF's error for a gradient whose shape is not the variable's (raised by the first op of
        Keras's update that meets both)."""
        return errors.InvalidArgumentError(
            None, None, f"{_node('AssignSubVariableOp')}Cannot update variable with shape "
            f"{_dims(variable.shape)} using a Tensor with shape {_dims(gradient.shape)}, shapes must "
            "be equal. [Op:AssignSubVariableOp] name: ")

    @staticmethod
    def _apply(op: Any, variable: Variable, inputs: tuple, attrs: dict) -> None:
        """Runs the fused update; a traced rate (a tensor) goes in as an input, after `inputs`."""
        lr = attrs.get("lr")
        if isinstance(lr, Tensor):
            attrs = {k: v for k, v in attrs.items() if k != "lr"}
            inputs = inputs + (math_ops.cast(lr, variable.dtype),)
        execute(op, (variable,) + inputs, attrs)


def _node(op_name: str) -> str:
    return f"{{{{function_node __wrapped__{op_name}_device_/job:localhost/replica:0/task:0/device:CPU:0}}}} "


def _dims(shape: Any) -> str:
    return "[" + ",".join(str(d) for d in shape.as_list()) + "]"


def incompatible_shapes(first: Any, second: Any, op_name: str, name: bool = True) -> Exception:
    """TF's broadcasting error of a binary op inside Keras's update."""
    return errors.InvalidArgumentError(
        None, None, f"{_node(op_name)}Incompatible shapes: {_dims(first)} vs. {_dims(second)} "
        f"[Op:{op_name}]" + (" name: " if name else ""))
