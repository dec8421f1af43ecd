"""Dataset iterators (`iter(dataset)`) and `tf.experimental.Optional`."""
from __future__ import annotations

from typing import Any, Iterator

from eagerflow._src.checkpoint.trackable import Trackable
from eagerflow._src.framework import errors


def end_of_sequence() -> errors.OutOfRangeError:
    return errors.OutOfRangeError(None, None, "End of sequence")


class OwnedIterator(Trackable):
    """An iterator over a dataset's elements (TF's `OwnedIterator`).

    `next()` raises StopIteration at the end; `get_next()` raises `OutOfRangeError` as TF's.
    Errors raised by the pipeline reach the consumer with their TF class.

    It is trackable: `tf.train.Checkpoint(iterator=it)` saves its position (as TF, under
    `iterator/.ATTRIBUTES/_STATE`). Our pipelines are Python generators, so the state is the
    number of elements taken, and a restore starts the pipeline again and skips that many: exact
    for deterministic pipelines and fixed-seed shuffles; a shuffle reshuffling each iteration
    restores into a new pass's order (TF restores its random state too).
    """

    __module__ = "tensorflow.python.data.ops.iterator_ops"  # TF's, as DatasetV2's

    def __init__(self, dataset: Any) -> None:
        self._dataset = dataset
        self._element_spec = dataset.element_spec if dataset._spec_is_cheap() else None
        self._gen: Iterator | None = dataset._iterate()
        self._taken = 0

    def _serialize_to_tensors(self) -> dict[str, Any]:
        from eagerflow._src.framework.convert import constant

        return {"_STATE": constant(self._taken, dtype="int64")}

    def _restore_from_tensors(self, restored_tensors: dict[str, Any]) -> None:
        taken = int(restored_tensors["_STATE"].numpy())
        self._close()
        self._gen = self._dataset._iterate()
        self._taken = 0
        for _ in range(taken):
            try:
                self.__next__()
            except StopIteration:
                break

    @property
    def element_spec(self) -> Any:
        return self._dataset.element_spec

    def _make_type_spec(self) -> Any:  # `tf.type_spec_from_value(iterator)`
        from eagerflow._src.data.dataset_spec import IteratorSpec

        return IteratorSpec(self.element_spec)

    def __iter__(self) -> "OwnedIterator":
        return self

    def __next__(self) -> Any:
        if self._gen is None:
            raise StopIteration
        try:
            element = next(self._gen)
        except StopIteration:
            self._close()
            raise
        except BaseException:
            self._close()
            raise
        self._taken += 1
        return element

    def next(self) -> Any:
        return self.__next__()

    def get_next(self, name: Any = None) -> Any:
        """The next element; `OutOfRangeError` at the end of the dataset."""
        from eagerflow._src.framework.graph import executing_eagerly

        if not executing_eagerly():  # traced: an op taking the next element each time the graph runs
            from eagerflow._src.data.iterator_ops import graph_get_next

            return graph_get_next(self.get_next, self.element_spec)
        try:
            return self.__next__()
        except StopIteration:
            raise end_of_sequence() from None

    def get_next_as_optional(self) -> "Optional":
        """The next element as an `Optional` (empty at the end of the dataset)."""
        from eagerflow._src.framework.graph import executing_eagerly

        if not executing_eagerly():  # traced: the element is taken each time the graph runs
            from eagerflow._src.data import optional_ops

            return Optional(None, False, self.element_spec, optional_ops.graph_get_next_as_optional(self.__next__))
        try:
            return Optional.from_value(self.__next__())
        except StopIteration:
            return Optional.empty(self._dataset.element_spec)

    def _close(self) -> None:
        gen, self._gen = self._gen, None
        if gen is not None:
            gen.close()

    def __del__(self) -> None:
        try:
            self._close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass


class Optional:
    """A value that may be absent (`tf.experimental.Optional`).

    Eagerly (and when made by `from_value`/`empty` while tracing) it holds its value in Python;
    an optional whose content is only known when a graph runs (read from an iterator, carried
    through `tf.while_loop`/`tf.cond`) is one variant tensor instead (`data/optional_ops.py`).
    """

    def __init__(self, value: Any, has: bool, spec: Any, variant: Any = None) -> None:
        self._value, self._has, self._element_spec = value, has, spec
        self._variant = variant

    @property
    def _spec(self) -> Any:
        return self._element_spec

    @staticmethod
    def from_value(value: Any) -> "Optional":
        from eagerflow._src.data import structure

        value = structure.normalize(value)
        spec = structure.spec_of(value)
        structure.check_has_components(spec, "OptionalFromValue")  # only None: TF's attr error
        return Optional(value, True, spec)

    @staticmethod
    def empty(element_spec: Any) -> "Optional":
        return Optional(None, False, element_spec)

    def has_value(self, name: Any = None) -> Any:
        if self._variant is not None:
            from eagerflow._src.data import optional_ops

            return optional_ops.has_value(self._variant)
        from eagerflow._src.framework.convert import constant

        return constant(self._has)

    def get_value(self, name: Any = None) -> Any:
        if self._variant is not None:
            from eagerflow._src.data import optional_ops

            return optional_ops.get_value(self._variant, self._element_spec)
        if not self._has:
            from eagerflow._src.util import nest

            n = len(nest.flatten(self._element_spec, expand_composites=True))
            raise errors.InvalidArgumentError(
                None, None, f"{{{{function_node __wrapped__OptionalGetValue_output_types_{n}_device_"
                "/job:localhost/replica:0/task:0/device:CPU:0}} The given optional does not have a "
                "value. [Op:OptionalGetValue] name: ")
        return self._value

    @property
    def element_spec(self) -> Any:
        return self._element_spec

    # --- as one tensor: graph loops and conds carry it, functions return it --------------------
    def _as_loop_value(self) -> Any:
        """The variant tensor standing for this optional in a graph."""
        if self._variant is None:
            from eagerflow._src.data import optional_ops

            self._variant = optional_ops.from_value(self._value) if self._has else optional_ops.none()
        return self._variant

    def _from_loop_value(self, variant: Any) -> "Optional":
        """An optional like this one over `variant` (a loop's placeholder or output); an eager
        variant (what a function returns) becomes an eager optional again."""
        from eagerflow._src.framework.tensor import EagerTensor

        if type(variant) is EagerTensor:
            from eagerflow._src.data import optional_ops

            has, value = optional_ops.eager_content(variant, self._element_spec)
            return Optional(value, has, self._element_spec)
        return Optional(None, False, self._element_spec, variant)
