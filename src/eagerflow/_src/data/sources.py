"""Dataset sources: tensors, slices, ranges, generators, zip, concatenate, choose/sample."""
from __future__ import annotations

from typing import Any, Callable, Iterator

import numpy as np

from eagerflow._src.data import structure
from eagerflow._src.data.dataset import DatasetV2
from eagerflow._src.data.options import INFINITE_CARDINALITY, UNKNOWN_CARDINALITY
from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.composite_tensor import CompositeTensor
from eagerflow._src.framework.convert import constant, creation_device
from eagerflow._src.framework.tensor import EagerTensor
from eagerflow._src.framework.tensor_shape import TensorShape

_CHUNK = 1024


def to_element(value: Any) -> Any:
    """A user's element for a source: tuples, dicts and namedtuples are structure, anything else
    (lists included, as TF's `normalize_element`) becomes one tensor."""
    if isinstance(value, DatasetV2):
        return value
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return type(value)(*(to_element(v) for v in value))
    if isinstance(value, tuple):
        return tuple(to_element(v) for v in value)
    if isinstance(value, dict):
        return type(value)((k, to_element(v)) for k, v in value.items())
    if value is None:  # a component without tensors (NoneTensorSpec)
        return None
    return structure.to_tensor(value)


class TensorDataset(DatasetV2):
    """`Dataset.from_tensors`: one element."""

    _tf_name = "_TensorDataset"

    def __init__(self, element: Any) -> None:
        self._element = to_element(element)
        self._element_spec = structure.spec_of(self._element)
        structure.check_has_components(self._element_spec, "TensorDataset")

    def _spec_is_cheap(self) -> bool:
        return True

    def _iterate(self) -> Iterator:
        yield self._element

    def _cardinality(self) -> int:
        return 1



class TensorSliceDataset(DatasetV2):
    """`Dataset.from_tensor_slices`: the slices of every component along its first dimension."""

    _tf_name = "_TensorSliceDataset"

    def __init__(self, element: Any) -> None:
        element = to_element(element)
        leaves = structure.flatten(element)
        if not leaves:
            raise ValueError("Invalid `element`. `element` should not be empty.")
        self._structure = element
        # Ragged and sparse components are sliced by their own rule (`_composite_slices`).
        self._composite = [i for i, t in enumerate(leaves) if not hasattr(t, "_array")]
        for t in leaves:
            if t.shape.rank == 0:
                raise ValueError(
                    f"Unbatching a tensor is only supported for rank >= 1, got rank 0.")
        n = leaves[0].shape[0]
        for t in leaves[1:]:
            if t.shape[0] != n:
                raise ValueError(f"Dimensions {n} and {t.shape[0]} are not compatible")
        self._n = int(n)
        self._leaves = leaves
        self._arrays = [None if i in self._composite else structure.host(t) for i, t in enumerate(leaves)]
        self._element_spec = structure.map_structure(_slice_spec, element, skip_none=False)

    def _spec_is_cheap(self) -> bool:
        return True

    def _cardinality(self) -> int:
        return self._n

    def _iterate(self) -> Iterator:
        arrays = self._arrays
        devices = [None if a is None else creation_device(a.dtype) for a in arrays]
        if len(arrays) == 1 and type(self._structure) is EagerTensor:
            a, d = arrays[0], devices[0]
            on_host = d.backend.name == "numpy"
            for i in range(self._n):
                yield EagerTensor(a[i, ...], d) if on_host else EagerTensor(d.backend.from_host(a[i, ...], d.backend_index), d)
            return
        structure_ = self._structure
        if self._composite:
            columns = [_composite_slices(t, self._n) if a is None else None
                       for t, a in zip(self._leaves, arrays)]
            for i in range(self._n):
                flat = [c[i] if a is None else EagerTensor(d.backend.from_host(a[i, ...], d.backend_index), d)
                        for a, d, c in zip(arrays, devices, columns)]
                yield structure.pack_as(structure_, flat)
            return
        pairs = list(zip(arrays, devices))
        for i in range(self._n):
            flat = [EagerTensor(d.backend.from_host(a[i, ...], d.backend_index), d) for a, d in pairs]
            yield structure.pack_as(structure_, flat)


def _slice_spec(t: Any) -> Any:
    """The spec of one slice of `t` along its first dimension (TF's `_unbatch` of its spec)."""
    if t is None:
        return structure.spec_of(None)
    if hasattr(t, "_array"):
        return structure.tensor_spec(t.shape[1:], t.dtype)
    spec = t._type_spec
    if type(spec).__name__ == "RaggedTensorSpec":
        return type(spec)(spec.shape[1:], spec.dtype, spec.ragged_rank - 1, spec.row_splits_dtype)
    return type(spec)(spec.shape[1:], spec.dtype)


def _composite_slices(t: Any, n: int) -> list:
    """The `n` slices of a RaggedTensor (`t[i]`) or SparseTensor along its first dimension."""
    if not hasattr(t, "indices"):
        return [t[i] for i in range(n)]
    from eagerflow._src.sparse.sparse_tensor import SparseTensor

    indices = np.asarray(t.indices.numpy())
    values = np.asarray(t.values.numpy())
    shape = np.asarray(t.dense_shape.numpy())[1:]
    out = []
    for i in range(n):
        rows = indices[:, 0] == i
        out.append(SparseTensor(indices[rows, 1:], values[rows], shape))
    return out



class RangeDataset(DatasetV2):
    """`Dataset.range` / `Dataset.counter`."""

    _tf_name = "_RangeDataset"

    def __init__(self, *args: Any, output_type: Any = None, infinite: bool = False) -> None:
        values = [int(a.numpy()) if hasattr(a, "numpy") else int(a) for a in args]
        if len(values) == 1:
            start, stop, step = 0, values[0], 1
        elif len(values) == 2:
            start, stop, step = values[0], values[1], 1
        elif len(values) == 3:
            start, stop, step = values
        else:
            raise ValueError(f"Invalid `args`. The length of `args` should be between 1 and 3 but was {len(values)}.")
        if step == 0:
            raise errors.InvalidArgumentError(None, None, "step must be a non-zero integer.")
        self._start, self._stop, self._step = start, stop, step
        self._infinite = infinite
        self._dtype = _dtypes.as_dtype(output_type or _dtypes.int64)
        self._element_spec = structure.tensor_spec([], self._dtype)

    def _spec_is_cheap(self) -> bool:
        return True

    def _cardinality(self) -> int:
        if self._infinite:
            return INFINITE_CARDINALITY
        return len(range(self._start, self._stop, self._step))

    def _iterate(self) -> Iterator:
        np_dtype = self._dtype.as_numpy_dtype
        device = creation_device(np.dtype(np_dtype))
        value, step = self._start, self._step
        while True:
            if self._infinite:
                n = _CHUNK
            else:
                n = min(_CHUNK, len(range(value, self._stop, step)))
                if n <= 0:
                    return
            chunk = (np.arange(n, dtype=np.int64) * step + value).astype(np_dtype)
            chunk.flags.writeable = False
            for i in range(n):
                yield EagerTensor(device.backend.from_host(chunk[i, ...], device.backend_index), device)
            value += n * step



def _signature(output_types: Any, output_shapes: Any, output_signature: Any) -> Any:
    if output_signature is not None:
        if output_types is not None or output_shapes is not None:
            raise TypeError("The `output_types` and `output_shapes` arguments can only be used "
                            "when `output_signature` is not provided.")
        return output_signature
    if output_types is None:
        raise TypeError("The `output_signature` argument must be set.")
    if output_shapes is None:
        return structure.map_structure(lambda t: structure.tensor_spec(None, t), output_types, skip_none=False)
    return structure.map_structure2(lambda shape, t: structure.tensor_spec(shape, t),
                                    output_shapes, output_types)


class GeneratorDataset(DatasetV2):
    """`Dataset.from_generator`: elements yielded by a Python generator (TF's repr name)."""

    _tf_name = "_FlatMapDataset"

    def __init__(self, generator: Callable, output_types: Any, output_shapes: Any, args: Any,
                 output_signature: Any) -> None:
        if not callable(generator):
            raise TypeError("`generator` must be a Python callable.")
        self._generator = generator
        self._args = tuple(args) if args is not None else ()
        self._element_spec = _signature(output_types, output_shapes, output_signature)

    def _spec_is_cheap(self) -> bool:
        return True

    def _iterate(self) -> Iterator:
        args = [constant(a).numpy() if not hasattr(a, "numpy") else a.numpy() for a in self._args]
        spec = self._element_spec
        for value in self._generator(*args):
            yield _conform(value, spec)


def _conform(value: Any, spec: Any) -> Any:
    """A generator's value as tensors of `spec`'s dtypes, checked against its shapes."""
    if isinstance(spec, (tuple, list)) and not isinstance(value, (tuple, list)):
        raise errors.InvalidArgumentError(None, None, (
            "TypeError: `generator` yielded an element that did not match the expected structure. "
            f"The expected structure was {spec}, but the yielded element was {value}."))
    if isinstance(spec, (tuple, list)):
        if len(value) != len(spec):
            raise errors.InvalidArgumentError(None, None, (
                "TypeError: `generator` yielded an element that did not match the expected structure. "
                f"The expected structure was {spec}, but the yielded element was {value}."))
        out = [_conform(v, s) for v, s in zip(value, spec)]
        return type(spec)(*out) if hasattr(spec, "_fields") else tuple(out)
    if isinstance(spec, dict):
        return {k: _conform(value[k], spec[k]) for k in spec}
    if structure.is_none(spec):  # TF keeps no tensor for it: the element has None there
        return None
    dtype = spec.dtype
    if isinstance(value, CompositeTensor) and isinstance(value, spec.value_type):  # SparseTensor, RaggedTensor
        if value.dtype != dtype:
            raise errors.InvalidArgumentError(None, None, (
                f"TypeError: `generator` yielded an element that could not be converted to the expected "
                f"type. The expected type was {dtype.name}, but the yielded element was {value}."))
        if not spec.shape.is_compatible_with(value.shape):
            raise errors.InvalidArgumentError(None, None, (
                f"`generator` yielded an element of shape {value.shape} where an element of shape "
                f"{spec.shape} was expected."))
        return value
    try:
        if hasattr(value, "numpy") and hasattr(value, "dtype"):
            t = value
            if t.dtype != dtype:
                raise TypeError
        else:
            arr = np.asarray(value, dtype=object if dtype == _dtypes.string else None)
            if dtype == _dtypes.string:
                arr = np.vectorize(lambda v: v.encode() if isinstance(v, str) else v, otypes=[object])(arr) if arr.size else arr.astype(object)
            else:
                arr = arr.astype(dtype.as_numpy_dtype)
            t = structure.wrap(arr)
    except (TypeError, ValueError):
        raise errors.InvalidArgumentError(None, None, (
            f"TypeError: `generator` yielded an element that could not be converted to the expected "
            f"type. The expected type was {dtype.name}, but the yielded element was {value}.")) from None
    if not spec.shape.is_compatible_with(t.shape):
        raise errors.InvalidArgumentError(None, None, (
            f"`generator` yielded an element of shape {t.shape} where an element of shape "
            f"{spec.shape} was expected."))
    return t



class ZipDataset(DatasetV2):
    """`Dataset.zip`: one element from each input, in the inputs' structure."""

    _tf_name = "_ZipDataset"

    def __init__(self, datasets: Any) -> None:
        flat = structure.flatten(datasets)
        for d in flat:
            if not isinstance(d, DatasetV2):
                raise TypeError(f"Invalid input to `zip`. Inputs are expected to be (nested) structures "
                                f"of `tf.data.Dataset` objects. Python `list` is not supported and you "
                                f"should use `tuple` instead.")
        if isinstance(datasets, list):
            raise TypeError("Invalid input to `zip`. Inputs are expected to be (nested) structures of "
                            "`tf.data.Dataset` objects. Python `list` is not supported and you should "
                            "use `tuple` instead.")
        self._datasets = datasets
        self._inputs = tuple(flat)
        self._element_spec_value: Any = None

    @property
    def element_spec(self) -> Any:
        return structure.pack_as(self._datasets, [d.element_spec for d in self._inputs])

    def _spec_is_cheap(self) -> bool:
        return all(d._spec_is_cheap() for d in self._inputs)

    def _cardinality(self) -> int:
        cards = [d._cardinality() for d in self._inputs]
        finite = [c for c in cards if c >= 0]
        if finite:
            return min(finite) if UNKNOWN_CARDINALITY not in cards else (
                min(finite) if min(finite) == 0 else UNKNOWN_CARDINALITY)
        return UNKNOWN_CARDINALITY if UNKNOWN_CARDINALITY in cards else INFINITE_CARDINALITY

    def _iterate(self) -> Iterator:
        its = [d._iterate() for d in self._inputs]
        try:
            while True:
                flat = []
                for it in its:
                    try:
                        flat.append(next(it))
                    except StopIteration:
                        return
                yield structure.pack_as(self._datasets, flat)
        finally:
            for it in its:
                it.close()



def _common_spec(a: Any, b: Any) -> Any:
    def leaf(x: Any, y: Any) -> Any:
        if structure.is_none(x) or structure.is_none(y):
            if structure.is_none(x) and structure.is_none(y):
                return y
            raise TypeError(f"Incompatible dataset elements:\n  {a} vs.   {b}")
        if x.dtype != y.dtype:
            raise TypeError(f"Incompatible dataset elements:\n  {a} vs.   {b}")
        return structure.tensor_spec(x.shape.most_specific_compatible_shape(y.shape)
                                     if hasattr(x.shape, "most_specific_compatible_shape")
                                     else TensorShape(None), x.dtype)
    try:
        return structure.map_structure2(leaf, a, b)
    except (KeyError, IndexError, TypeError) as exc:
        if isinstance(exc, TypeError) and "Incompatible" in str(exc):
            raise
        raise TypeError(f"Incompatible dataset elements:\n  {a} vs.   {b}") from None


class ConcatenateDataset(DatasetV2):
    """`Dataset.concatenate`: the first input's elements, then the second's."""

    _tf_name = "_ConcatenateDataset"

    def __init__(self, first: DatasetV2, second: DatasetV2) -> None:
        self._inputs = (first, second)
        self._element_spec = _common_spec(first.element_spec, second.element_spec)

    def _cardinality(self) -> int:
        a, b = (d._cardinality() for d in self._inputs)
        if a == INFINITE_CARDINALITY or b == INFINITE_CARDINALITY:
            return INFINITE_CARDINALITY
        if a < 0 or b < 0:
            return UNKNOWN_CARDINALITY
        return a + b

    def _iterate(self) -> Iterator:
        for d in self._inputs:
            yield from d._iterate()



class ChooseDataset(DatasetV2):
    """`choose_from_datasets` / `sample_from_datasets` (TF's `_DirectedInterleaveDataset`)."""

    _tf_name = "_DirectedInterleaveDataset"

    def __init__(self, datasets: list, selector: DatasetV2, stop_on_empty: bool) -> None:
        if not datasets:
            raise ValueError("Invalid `datasets`. `datasets` should not be empty.")
        self._datasets = datasets
        self._selector = selector
        self._stop = stop_on_empty
        self._inputs = (selector, *datasets)
        spec = datasets[0].element_spec
        for d in datasets[1:]:
            spec = _common_spec(spec, d.element_spec)
        self._element_spec = spec

    def _iterate(self) -> Iterator:
        its: list = [d._iterate() for d in self._datasets]
        live = len(its)
        for choice in self._selector._iterate():
            i = int(structure.host(choice))
            if i < 0 or i >= len(its):
                raise errors.InvalidArgumentError(None, None, (
                    f"Selector index out of range: {i} >= {len(its)}"))
            if its[i] is None:
                continue
            try:
                yield next(its[i])
            except StopIteration:
                if self._stop:
                    return
                its[i] = None
                live -= 1
                if live == 0:
                    return


def sample_from_datasets(datasets: list, weights: Any, seed: Any, stop_on_empty: bool) -> DatasetV2:
    """TF's construction: pairs of `Dataset.random(seed)` values seed a stateless multinomial
    over log(weights) for each choice."""
    from eagerflow._src.data.shuffle import RandomDataset

    datasets = list(datasets)
    n = len(datasets)
    if isinstance(weights, DatasetV2):
        return _sample_with_weights_dataset(datasets, weights, seed, stop_on_empty)
    if weights is None:
        w = np.full(n, 1.0 / n, np.float32)
    else:
        w = np.asarray(weights.numpy() if hasattr(weights, "numpy") else weights, np.float32)
        if w.shape != (n,):
            raise ValueError(f"Invalid `weights`. The shape of `weights` should be compatible with "
                             f"`[len(datasets)]` but is {w.shape}.")
    logits = np.log(w.astype(np.float32)).reshape(1, n)

    def select(seeds: Any) -> Any:
        from eagerflow._src.ops.random.stateless_random_ops import stateless_categorical

        from eagerflow._src.ops.array_ops import reshape

        out = stateless_categorical(constant(logits), 1, seed=seeds)
        return reshape(out, [])

    from eagerflow._src.data.batching import BatchDataset
    from eagerflow._src.data.transforms import MapDataset

    selector = MapDataset(BatchDataset(RandomDataset(seed, False), 2, False), select, None, None)
    return ChooseDataset(datasets, selector, stop_on_empty)


def _sample_with_weights_dataset(datasets: list, weights: DatasetV2, seed: Any, stop_on_empty: bool) -> DatasetV2:
    """TF's construction for a dataset of weights: each weights element's log seeds a stateless
    multinomial with the next pair of `Dataset.random(seed)` values."""
    from eagerflow._src.data.batching import BatchDataset
    from eagerflow._src.data.shuffle import RandomDataset
    from eagerflow._src.data.transforms import MapDataset
    from eagerflow._src.ops.array_ops import reshape
    from eagerflow._src.ops.join_split_ops import stack
    from eagerflow._src.ops.math_ops import log
    from eagerflow._src.ops.random.stateless_random_ops import stateless_categorical

    def to_logits(*p: Any) -> Any:
        flat = structure.flatten(p)
        return reshape(log(stack(flat)), [1, len(flat)])

    def select(logits: Any, seeds: Any) -> Any:
        return reshape(stateless_categorical(logits, 1, seed=seeds), [])

    logits = MapDataset(weights, to_logits, None, None)
    pairs = ZipDataset((logits, BatchDataset(RandomDataset(seed, False), 2, False)))
    return ChooseDataset(datasets, MapDataset(pairs, select, None, None), stop_on_empty)
