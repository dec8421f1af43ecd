"""`tf.RaggedTensor`: rows of different lengths, as flat values and row partitions (TF's encoding).

A RaggedTensor is a composite of eager tensors: `values` (a tensor, or a RaggedTensor for more
ragged dimensions) and `row_splits` (int64 or int32, `row_splits[i]:row_splits[i+1]` are row i's
values). Structure (splits, lengths, ids) is integer bookkeeping computed on the host; values only
ever go through ops, so gradients flow to them as they would through the dense ops.
"""
from __future__ import annotations

from typing import Any, Iterator

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.composite_tensor import CompositeTensor
from eagerflow._src.framework.convert import constant, convert_to_tensor
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.symbolic_tensor import SymbolicTensor
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.framework.tensor_shape import TensorShape
from eagerflow._src.ops import array_ops, gather_scatter_ops
from eagerflow._src.ragged import ragged_kernels as _kernels
from eagerflow._src.ragged.ragged_tensor_spec import RaggedTensorSpec

_SPLITS_DTYPES = (_dtypes.int32, _dtypes.int64)


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _host(t: Any) -> np.ndarray:
    return np.asarray(t.numpy())


def _as_values(values: Any) -> Any:
    if isinstance(values, RaggedTensor):
        return values
    return convert_to_tensor(values)


def _as_partition(value: Any, dtype: Any = None) -> Tensor:
    """A row-partition tensor (splits, lengths, ids): int64 unless given int32."""
    if isinstance(value, Tensor) or hasattr(value, "_as_tensor"):
        t = convert_to_tensor(value)
        if t.dtype not in _SPLITS_DTYPES:
            raise ValueError(f"dtype must be int32 or int64; got {t.dtype.name}")
        return t
    return convert_to_tensor(value, dtype or _dtypes.int64)


def _nvals(values: Any) -> int | None:
    """How many rows `values` has, when that is known without running a graph."""
    if isinstance(values, RaggedTensor):
        return values.nrows_int()
    dims = values.shape.dims
    return None if dims is None or not dims else dims[0]


def _splits_tensor(splits: np.ndarray, dtype: _dtypes.DType) -> Tensor:
    return constant(np.asarray(splits, dtype=dtype.as_numpy_dtype))


def _check_condition_equal(what: str, x: int, y: int | None) -> None:
    if y is not None and x != y:
        raise _invalid(f"Arguments to {what} do not form a valid RaggedTensor\nCondition x == y did not hold.\n"
                       f"First 1 elements of x:\n[{x}]\nFirst 1 elements of y:\n[{y}]")


def _check_nonnegative(what: str, kind: str, name: str, values: np.ndarray) -> None:
    if values.size and values.min() < 0:
        listed = "[" + ", ".join(f"'{v}'" for v in values.tolist()) + "]"
        raise _invalid(f"Arguments to {what} do not form a valid {kind}.  \nCondition x >= 0 did not hold "
                       f"element-wise:\n{name} (shape=({values.shape[0]},) dtype=int64) = \n{listed}")


def _symbolic(*tensors: Any) -> bool:
    """Whether any of `tensors` is a graph tensor (its values known only when the graph runs)."""
    return any(isinstance(t, SymbolicTensor) for t in tensors)


def _concat_splits(parts: list, dtype: _dtypes.DType) -> Tensor:
    from eagerflow._src.ops import join_split_ops

    return join_split_ops.concat([convert_to_tensor(p, dtype) if not isinstance(p, Tensor) else p
                                  for p in parts], axis=0)


def _cumsum_splits(lengths: Tensor) -> Tensor:
    """[0, cumsum(lengths)...] through ops (graph row partitions)."""
    from eagerflow._src.ops import reduce_ops

    return _concat_splits([constant(np.zeros(1, lengths.dtype.as_numpy_dtype)), reduce_ops.cumsum(lengths)],
                          lengths.dtype)


class RaggedTensor(CompositeTensor):
    """A tensor whose rows (at one or more dimensions) have different lengths (`tf.RaggedTensor`)."""

    __module__ = "tensorflow.python.ops.ragged.ragged_tensor"  # TF's: Keras tells TF's ragged by it

    __slots__ = ("_values", "_row_splits", "_cached_row_lengths")

    def __init__(self, values: Any, row_partition: Any, internal: bool = False) -> None:
        if not internal:
            raise ValueError("RaggedTensor constructor is private; please use one of the factory methods "
                             "instead (e.g., RaggedTensor.from_row_lengths())")
        self._values = values
        self._row_splits = row_partition
        self._cached_row_lengths = None

    # --- factories -----------------------------------------------------------------------------
    @classmethod
    def _from_splits(cls, values: Any, splits: Tensor) -> "RaggedTensor":
        return cls(values, splits, internal=True)

    @classmethod
    def from_row_splits(cls, values: Any, row_splits: Any, name: str | None = None,
                        validate: bool = True) -> "RaggedTensor":
        """Rows `values[row_splits[i]:row_splits[i + 1]]`."""
        values = _as_values(values)
        splits = _as_partition(row_splits, _row_splits_dtype_of(values))
        if splits.shape.rank != 1:
            raise ValueError(f"Shape {splits.shape} must have rank 1")
        if _symbolic(splits):  # checked when the graph runs (TF's asserts); here only the shape
            if splits.shape[0] == 0:
                raise ValueError("row_splits must be non-empty")
            return cls._from_splits(values, splits)
        s = _host(splits)
        if s.shape[0] == 0:
            raise ValueError("row_splits must be non-empty" if validate else "row_splits must be non-empty")
        if validate:
            if s[0] != 0:
                raise _invalid("Arguments to from_row_splits do not form a valid RaggedTensor:zero\n"
                               f"Condition x == y did not hold.\nFirst 1 elements of x:\n[{s[0]}]\n"
                               "First 1 elements of y:\n[0]")
            steps = np.diff(s)
            if steps.size and steps.min() < 0:
                listed = "[" + ", ".join(f"'{v}'" for v in steps.tolist()) + "]"
                raise _invalid("Arguments to from_row_splits do not form a valid RaggedTensor:monotonic.  \n"
                               "Condition x >= 0 did not hold element-wise:\nx (shape="
                               f"({steps.shape[0]},) dtype={splits.dtype.name}) = \n{listed}")
            _check_condition_equal("_from_row_partition", int(s[-1]), _nvals(values))
        return cls._from_splits(values, splits)

    @classmethod
    def from_row_lengths(cls, values: Any, row_lengths: Any, name: str | None = None,
                         validate: bool = True) -> "RaggedTensor":
        """Rows of the given lengths, taken in order from `values`."""
        values = _as_values(values)
        lengths = _as_partition(row_lengths, _row_splits_dtype_of(values))
        if _symbolic(lengths):
            rt = cls._from_splits(values, _cumsum_splits(lengths))
            rt._cached_row_lengths = lengths
            return rt
        n = _host(lengths)
        if validate:
            _check_nonnegative("from_row_lengths", "RowPartition", "x", n.astype(np.int64))
        splits = np.concatenate([[0], np.cumsum(n)]).astype(lengths.dtype.as_numpy_dtype)
        if validate:
            _check_condition_equal("_from_row_partition", int(splits[-1]), _nvals(values))
        rt = cls._from_splits(values, _splits_tensor(splits, lengths.dtype))
        rt._cached_row_lengths = lengths
        return rt

    @classmethod
    def from_value_rowids(cls, values: Any, value_rowids: Any, nrows: Any = None, name: str | None = None,
                          validate: bool = True) -> "RaggedTensor":
        """Value i goes to row `value_rowids[i]` (ids sorted); `nrows` rows (default: last id + 1)."""
        values = _as_values(values)
        ids_t = _as_partition(value_rowids, _row_splits_dtype_of(values))
        if _symbolic(ids_t) or _symbolic(nrows):
            n_t = constant(np.asarray(-1, ids_t.dtype.as_numpy_dtype)) if nrows is None else \
                convert_to_tensor(nrows, ids_t.dtype)
            return cls._from_splits(values, execute(_kernels.ROWIDS_TO_SPLITS, (ids_t, n_t)))
        ids = _host(ids_t).astype(np.int64)
        if validate:
            _check_nonnegative("from_value_rowids", "RowPartition", "x", np.diff(ids))
            if ids.size and ids[0] < 0:
                raise _invalid("Arguments to from_value_rowids do not form a valid RowPartition.  \n"
                               "Condition x >= 0 did not hold element-wise")
        n = int(ids[-1]) + 1 if ids.size else 0
        if nrows is not None:
            given = int(_host(convert_to_tensor(nrows)))
            if ids.size and given < n:
                raise ValueError(f"Expected nrows >= value_rowids[-1] + 1; got nrows={given}, "
                                 f"value_rowids[-1]={n - 1}")
            n = given
        if validate:
            _check_condition_equal("_from_row_partition", ids.size, _nvals(values))
        splits = np.searchsorted(ids, np.arange(n + 1), side="left").astype(ids_t.dtype.as_numpy_dtype)
        return cls._from_splits(values, _splits_tensor(splits, ids_t.dtype))

    @classmethod
    def from_row_starts(cls, values: Any, row_starts: Any, name: str | None = None,
                        validate: bool = True) -> "RaggedTensor":
        values = _as_values(values)
        starts = _as_partition(row_starts, _row_splits_dtype_of(values))
        if _symbolic(starts, values if not isinstance(values, RaggedTensor) else values.row_splits):
            from eagerflow._src.ops import math_ops

            total = math_ops.cast(_nrows_tensor(values), starts.dtype)
            return cls._from_splits(values, _concat_splits([starts, array_ops.reshape(total, [1])], starts.dtype))
        s = np.concatenate([_host(starts), [_nvals(values)]]).astype(starts.dtype.as_numpy_dtype)
        return cls.from_row_splits(values, _splits_tensor(s, starts.dtype), validate=validate)

    @classmethod
    def from_row_limits(cls, values: Any, row_limits: Any, name: str | None = None,
                        validate: bool = True) -> "RaggedTensor":
        values = _as_values(values)
        limits = _as_partition(row_limits, _row_splits_dtype_of(values))
        if _symbolic(limits):
            zero = constant(np.zeros(1, limits.dtype.as_numpy_dtype))
            return cls._from_splits(values, _concat_splits([zero, limits], limits.dtype))
        s = np.concatenate([[0], _host(limits)]).astype(limits.dtype.as_numpy_dtype)
        return cls.from_row_splits(values, _splits_tensor(s, limits.dtype), validate=validate)

    @classmethod
    def from_uniform_row_length(cls, values: Any, uniform_row_length: Any, nrows: Any = None,
                                validate: bool = True, name: str | None = None) -> "RaggedTensor":
        values = _as_values(values)
        length = int(_host(convert_to_tensor(uniform_row_length)))
        if nrows is None and _nvals(values) is None:
            return cls._from_splits(values, _uniform_splits(values, length, _dtypes.int64))
        n = int(nrows) if nrows is not None else (_nvals(values) // length if length else 0)
        return cls.from_row_splits(values, np.arange(n + 1, dtype=np.int64) * length, validate=validate)

    @classmethod
    def from_nested_row_splits(cls, flat_values: Any, nested_row_splits: Any, name: str | None = None,
                               validate: bool = True) -> "RaggedTensor":
        if isinstance(nested_row_splits, (Tensor, np.ndarray)):
            raise TypeError("nested_row_splits must be a list of Tensors")
        result = flat_values
        for splits in reversed(list(nested_row_splits)):
            result = cls.from_row_splits(result, splits, validate=validate)
        return result

    @classmethod
    def from_nested_row_lengths(cls, flat_values: Any, nested_row_lengths: Any, name: str | None = None,
                                validate: bool = True) -> "RaggedTensor":
        result = flat_values
        for lengths in reversed(list(nested_row_lengths)):
            result = cls.from_row_lengths(result, lengths, validate=validate)
        return result

    @classmethod
    def from_nested_value_rowids(cls, flat_values: Any, nested_value_rowids: Any, nested_nrows: Any = None,
                                 name: str | None = None, validate: bool = True) -> "RaggedTensor":
        ids = list(nested_value_rowids)
        nrows = [None] * len(ids) if nested_nrows is None else list(nested_nrows)
        result = flat_values
        for rowids, n in reversed(list(zip(ids, nrows))):
            result = cls.from_value_rowids(result, rowids, n, validate=validate)
        return result

    @classmethod
    def from_tensor(cls, tensor: Any, lengths: Any = None, padding: Any = None, ragged_rank: int = 1,
                    name: str | None = None, row_splits_dtype: Any = _dtypes.int64) -> "RaggedTensor":
        """The rows of a dense tensor, cut to `lengths` or before trailing `padding` values."""
        t = convert_to_tensor(tensor)
        dtype = _dtypes.as_dtype(row_splits_dtype)
        if lengths is not None and padding is not None:
            raise ValueError("Specify argument `lengths` or `padding`, but not both.")
        if not isinstance(ragged_rank, int) or ragged_rank <= 0:
            raise ValueError(f"ragged_rank must be greater than 0; got {ragged_rank}")
        rank = t.shape.rank
        if rank is not None and rank <= ragged_rank:
            raise ValueError(f"ragged_rank must be less than tensor.ndims; got ragged_rank={ragged_rank}, "
                             f"tensor.ndims={rank}")
        shape = t.shape.as_list()
        if ragged_rank > 1:
            # The outer dimensions are uniform: split the flattened outer rows, then cut the last.
            inner = cls.from_tensor(array_ops.reshape(t, [-1] + shape[ragged_rank:]), lengths, padding,
                                    1, row_splits_dtype=dtype)
            for d in reversed(shape[1:ragged_rank]):
                inner = cls._from_splits(inner, _uniform_splits(inner, d, dtype))
            return inner
        mode = "padding" if padding is not None else "lengths" if lengths is not None else "all"
        pad = convert_to_tensor(padding, t.dtype) if padding is not None else constant(np.zeros((), np.int64))
        lens = convert_to_tensor(lengths) if lengths is not None else constant(np.zeros((), np.int64))
        splits, coords = execute(_kernels.FROM_DENSE, (t, lens, pad),
                                 {"mode": mode, "splits_dtype": dtype.as_numpy_dtype})
        return cls._from_splits(gather_scatter_ops.gather_nd(t, coords), splits)

    @classmethod
    def from_sparse(cls, st_input: Any, name: str | None = None, row_splits_dtype: Any = _dtypes.int64) -> "RaggedTensor":
        """A 2-D SparseTensor whose values are left-aligned in each row, as rows."""
        shape = _host(st_input.dense_shape)
        if shape.shape[0] != 2:
            raise ValueError(f"rank(st_input) must be 2.")
        idx = _host(st_input.indices).reshape(-1, 2)
        ids = idx[:, 0]
        lengths = np.bincount(ids, minlength=int(shape[0])) if ids.size else np.zeros(int(shape[0]), np.int64)
        within = np.arange(ids.shape[0]) - np.repeat(np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
        if not np.array_equal(idx[:, 1], within):
            head = ", ".join(str(v) for v in idx.ravel()[:3])
            raise _invalid("Expected 'tf.Tensor(False, shape=(), dtype=bool)' to be true. Summarized data: "
                           f"b'SparseTensor is not right-ragged'\nb'SparseTensor.indices ='\n{head}, ...")
        return cls.from_value_rowids(st_input.values, constant(ids.astype(np.int64)), int(shape[0]))

    # --- components ----------------------------------------------------------------------------
    @property
    def values(self) -> Any:
        return self._values

    @property
    def row_splits(self) -> Tensor:
        return self._row_splits

    @property
    def flat_values(self) -> Tensor:
        v = self._values
        while isinstance(v, RaggedTensor):
            v = v._values
        return v

    def _ragged_levels(self) -> Iterator["RaggedTensor"]:
        """This tensor, then each ragged tensor nested in its values."""
        rt: Any = self
        while isinstance(rt, RaggedTensor):
            yield rt
            rt = rt._values

    @property
    def nested_row_splits(self) -> tuple:
        return tuple(rt._row_splits for rt in self._ragged_levels())

    @property
    def ragged_rank(self) -> int:
        return 1 + (self._values.ragged_rank if isinstance(self._values, RaggedTensor) else 0)

    @property
    def dtype(self) -> _dtypes.DType:
        return self.flat_values.dtype

    @property
    def row_splits_dtype(self) -> _dtypes.DType:
        return self._row_splits.dtype

    @property
    def uniform_row_length(self) -> None:
        return None

    @property
    def shape(self) -> TensorShape:
        dims = self.flat_values.shape.dims
        inner = [] if dims is None else dims[1:]
        return TensorShape([self.nrows_int()] + [None] * self.ragged_rank + inner)

    def get_shape(self) -> TensorShape:
        return self.shape

    @property
    def ndim(self) -> int:
        return self.shape.rank

    @property
    def _type_spec(self) -> "RaggedTensorSpec":
        return RaggedTensorSpec(self.shape, self.dtype, self.ragged_rank, self.row_splits_dtype)

    def nrows_int(self) -> int | None:
        """The number of rows when it is known statically (None in a graph when it is not)."""
        dims = self._row_splits.shape.dims
        return None if dims is None or dims[0] is None else dims[0] - 1

    def nrows(self, out_type: Any = None, name: str | None = None) -> Tensor:
        dtype = self.row_splits_dtype if out_type is None else _dtypes.as_dtype(out_type)
        n = self.nrows_int()
        if n is not None:
            return constant(np.asarray(n, dtype.as_numpy_dtype))
        from eagerflow._src.ops import math_ops

        return math_ops.subtract(array_ops.shape(self._row_splits, out_type=dtype)[0],
                                 constant(np.asarray(1, dtype.as_numpy_dtype)))

    def _splits_np(self) -> np.ndarray:
        return _host(self._row_splits).astype(np.int64)

    def row_lengths(self, axis: int = 1, name: str | None = None) -> Any:
        if axis == 0:
            return self.nrows()
        if axis < 0:
            axis += self.shape.rank
        if axis == 1:
            if self._cached_row_lengths is None and _symbolic(self._row_splits):
                from eagerflow._src.ops import math_ops

                self._cached_row_lengths = math_ops.subtract(self._row_splits[1:], self._row_splits[:-1])
            if self._cached_row_lengths is None:
                s = self._splits_np()
                self._cached_row_lengths = constant(np.diff(s).astype(self.row_splits_dtype.as_numpy_dtype))
            return self._cached_row_lengths
        if isinstance(self._values, RaggedTensor):
            return self.with_values(self._values.row_lengths(axis - 1))
        return self.with_values(array_ops.fill(array_ops.reshape(_nrows_tensor(self._values, self.row_splits_dtype),
                                                                  [1]),
                                               constant(np.asarray(self._values.shape[axis - 1],
                                                                   self.row_splits_dtype.as_numpy_dtype))))

    def row_starts(self, name: str | None = None) -> Tensor:
        return self._row_splits[:-1]

    def row_limits(self, name: str | None = None) -> Tensor:
        return self._row_splits[1:]

    def value_rowids(self, name: str | None = None) -> Tensor:
        return execute(_kernels.VALUE_ROWIDS, (self._row_splits,))

    def nested_row_lengths(self, name: str | None = None) -> tuple:
        return tuple(rt.row_lengths() for rt in self._ragged_levels())

    def nested_value_rowids(self, name: str | None = None) -> tuple:
        return tuple(rt.value_rowids() for rt in self._ragged_levels())

    def bounding_shape(self, axis: Any = None, name: str | None = None, out_type: Any = None) -> Tensor:
        dtype = self.row_splits_dtype if out_type is None else _dtypes.as_dtype(out_type)
        if any(_symbolic(s) for s in self.nested_row_splits):
            return self._bounding_shape_ops(axis, dtype)
        dims = [self.nrows_int()]
        rt: Any = self
        while isinstance(rt, RaggedTensor):
            lengths = np.diff(rt._splits_np())
            dims.append(int(lengths.max()) if lengths.size else 0)
            rt = rt._values
        dims.extend(rt.shape.as_list()[1:])
        out = np.asarray(dims, dtype.as_numpy_dtype)
        if axis is not None:
            out = out[axis]
        return constant(out)

    def _bounding_shape_ops(self, axis: Any, dtype: _dtypes.DType) -> Tensor:
        from eagerflow._src.ops import math_ops, reduce_ops

        dims = [array_ops.reshape(self.nrows(out_type=dtype), [1])]
        for rt in self._ragged_levels():
            lengths = math_ops.cast(rt.row_lengths(), dtype)
            longest = reduce_ops.reduce_max(_concat_splits([constant(np.zeros(1, dtype.as_numpy_dtype)), lengths],
                                                           dtype))
            dims.append(array_ops.reshape(longest, [1]))
        inner = self.flat_values.shape.as_list()[1:]
        if inner:
            if None in inner:
                dims.append(math_ops.cast(array_ops.shape(self.flat_values)[1:], dtype))
            else:
                dims.append(constant(np.asarray(inner, dtype.as_numpy_dtype)))
        out = _concat_splits(dims, dtype)
        return out if axis is None else out[axis]

    def with_values(self, new_values: Any) -> "RaggedTensor":
        new_values = _as_values(new_values)
        return RaggedTensor._from_splits(new_values, self._row_splits)

    def with_flat_values(self, new_values: Any) -> "RaggedTensor":
        if isinstance(self._values, RaggedTensor):
            return self.with_values(self._values.with_flat_values(new_values))
        return self.with_values(new_values)

    def with_row_splits_dtype(self, dtype: Any) -> "RaggedTensor":
        dtype = _dtypes.as_dtype(dtype)
        values = self._values.with_row_splits_dtype(dtype) if isinstance(self._values, RaggedTensor) else self._values
        if _symbolic(self._row_splits):
            from eagerflow._src.ops import math_ops

            return RaggedTensor._from_splits(values, math_ops.cast(self._row_splits, dtype))
        return RaggedTensor._from_splits(values, _splits_tensor(self._splits_np(), dtype))

    def merge_dims(self, outer_axis: int, inner_axis: int) -> Any:
        """Dimensions outer_axis..inner_axis merged into one."""
        rank = self.shape.rank
        if outer_axis < 0:
            outer_axis += rank
        if inner_axis < 0:
            inner_axis += rank
        if not 0 <= outer_axis < rank or not 0 <= inner_axis < rank:
            raise ValueError(f"outer_axis={outer_axis} and inner_axis={inner_axis} must be in [0, {rank})")
        if inner_axis < outer_axis:
            raise ValueError(f"Expected outer_axis ({outer_axis}) to be less than or equal to inner_axis "
                             f"({inner_axis})")
        if outer_axis == inner_axis:
            return self
        if outer_axis == 0:  # the rows go: merge the values' first inner_axis dims
            return _merge(self._values, 0, inner_axis - 1)
        if outer_axis > 1:
            return self.with_values(_merge(self._values, outer_axis - 1, inner_axis - 1))
        merged = self  # dims 1..inner_axis fold into the rows' values, one dimension at a time
        for _ in range(inner_axis - 1):
            values = merged._values
            if _symbolic(merged._row_splits, *(values.nested_row_splits if isinstance(values, RaggedTensor)
                                               else ())):
                from eagerflow._src.ops import math_ops

                splits_t = merged._row_splits
                if isinstance(values, RaggedTensor):
                    new_t, new_values = gather_scatter_ops.gather(values._row_splits, splits_t), values._values
                else:
                    shape = values.shape.as_list()
                    new_t = math_ops.multiply(splits_t, constant(np.asarray(shape[1], splits_t.dtype.as_numpy_dtype)))
                    new_values = array_ops.reshape(values, [-1] + shape[2:])
                merged = RaggedTensor._from_splits(new_values, new_t)
                continue
            splits = merged._splits_np()
            if isinstance(values, RaggedTensor):
                new_splits, new_values = values._splits_np()[splits], values._values
            else:
                shape = values.shape.as_list()
                new_splits, new_values = splits * shape[1], array_ops.reshape(values, [-1] + shape[2:])
            merged = RaggedTensor._from_splits(new_values, _splits_tensor(new_splits, self.row_splits_dtype))
        return merged

    # --- conversions ---------------------------------------------------------------------------
    def _dense_indices(self) -> tuple[np.ndarray, list[int]]:
        """For each flat value row, its coordinates in the bounding box; and the box's outer dims."""
        return _kernels.dense_coords([_host(s) for s in self.nested_row_splits])

    def to_tensor(self, default_value: Any = None, name: str | None = None, shape: Any = None) -> Tensor:
        """A dense tensor, padding short rows with `default_value` (zero), cut or padded to `shape`."""
        flat = self.flat_values
        splits = self.nested_row_splits
        inner = flat.shape.as_list()[1:] if flat.shape.rank is not None else []
        rank = 1 + len(splits) + len(inner)
        target = [-1] * rank
        if shape is not None:
            want = shape if isinstance(shape, Tensor) else TensorShape(shape)
            if isinstance(want, Tensor):
                want = TensorShape(None) if _symbolic(want) else TensorShape(_host(want).tolist())
            if want.rank is not None:
                if want.rank != rank:
                    raise ValueError(f"Shape {self.shape} must have rank {want.rank}")
                target = [-1 if w is None else w for w in want.as_list()]
                wanted_inner = [i if t < 0 else t for t, i in zip(target[1 + len(splits):], inner)]
                if inner and wanted_inner != inner:
                    flat = _fit_inner(flat, wanted_inner, default_value)
        if default_value is None:
            default = constant(np.zeros((), flat.dtype.as_numpy_dtype)) if flat.dtype != _dtypes.string \
                else constant(b"")
        else:
            default = convert_to_tensor(default_value, flat.dtype)
        return execute(_kernels.TO_TENSOR, (constant(np.asarray(target, np.int64)), flat, default, *splits))

    def _eager_only(self, message: str) -> None:
        if _symbolic(self.flat_values, *self.nested_row_splits):
            raise ValueError(message)

    def to_list(self) -> list:
        self._eager_only("to_list can only be used in eager mode.")
        values = self._values.to_list() if isinstance(self._values, RaggedTensor) else _host(self._values).tolist()
        s = self._splits_np()
        return [values[s[i]:s[i + 1]] for i in range(s.shape[0] - 1)]

    def numpy(self) -> np.ndarray:
        self._eager_only("RaggedTensor.numpy() is only supported in eager mode.")
        values = self._values.numpy() if isinstance(self._values, RaggedTensor) else _host(self._values)
        s = self._splits_np()
        rows = [values[s[i]:s[i + 1]] for i in range(s.shape[0] - 1)]
        if not rows:
            return np.zeros((0, 0) + values.shape[1:], dtype=values.dtype)
        if any(len(r) != len(rows[0]) for r in rows):
            out = np.empty(len(rows), dtype=object)
            for i, r in enumerate(rows):
                out[i] = r
            return out
        return np.array(rows)

    def to_sparse(self, name: str | None = None) -> Any:
        from eagerflow._src.sparse.sparse_tensor import SparseTensor

        flat = self.flat_values
        indices, dense_shape = execute(_kernels.TO_SPARSE, (*self.nested_row_splits, flat))
        values = array_ops.reshape(flat, [-1]) if flat.shape.rank != 1 else flat
        return SparseTensor(indices, values, dense_shape)

    # --- Python protocol -----------------------------------------------------------------------
    def __repr__(self) -> str:
        if _symbolic(self.flat_values, *self.nested_row_splits):
            return f"tf.RaggedTensor(values={self._values}, row_splits={self._row_splits})"
        with np.printoptions(formatter={"all": _formatter}):
            text = _formatter(self.numpy())
        return f"<tf.RaggedTensor {text}>"

    __str__ = __repr__

    def __bool__(self) -> bool:
        raise TypeError("RaggedTensor may not be used as a boolean.")

    def __getitem__(self, key: Any) -> Any:
        from eagerflow._src.ragged import ragged_getitem  # the indexing rules live beside it

        return ragged_getitem.getitem(self, key)

    def consumers(self) -> list:
        return []

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        # TF's conversion error for a RaggedTensor; raised before anything prints the value, so an
        # op handed a RaggedTensor reaches dispatch (see ops/dispatch.py) without that cost.
        raise ValueError("TypeError: object of type 'RaggedTensor' has no len()\n")

    def _overloaded_operator(self, name: str) -> Any:  # for tools that look up TF's operators
        return getattr(type(self), name)


def _fit_inner(flat: Tensor, target: list, default_value: Any) -> Tensor:
    """Uniform inner dims cut or padded to `target` (to_tensor's `shape`)."""
    from eagerflow._src.ops import indexing_ops

    cur = flat.shape.as_list()[1:]
    sizes = [-1] + [min(c, t) for c, t in zip(cur, target)]
    flat = indexing_ops.slice(flat, [0] * len(sizes), sizes)
    pads = [[0, 0]] + [[0, max(t - c, 0)] for c, t in zip(cur, target)]
    if any(p[1] for p in pads):
        flat = indexing_ops.pad(flat, pads, constant_values=0 if default_value is None else default_value)
    return flat


def _merge(rt: Any, outer: int, inner: int) -> Any:
    """Merges dims outer..inner of `rt` (its own axes: 0 is its rows)."""
    if isinstance(rt, RaggedTensor):
        return rt.merge_dims(outer, inner)
    shape = rt.shape.as_list()
    part = shape[outer:inner + 1]
    merged = int(np.prod(part)) if None not in part else -1
    target = shape[:outer] + [merged] + shape[inner + 1:]
    if target.count(None) + target.count(-1) > 1:  # sizes known only when the graph runs
        from eagerflow._src.ops import reduce_ops

        dims = array_ops.shape(rt)
        pieces = [dims[:outer], array_ops.reshape(reduce_ops.reduce_prod(dims[outer:inner + 1]), [1]), dims[inner + 1:]]
        target = _concat_splits(pieces, _dtypes.int32)
    return array_ops.reshape(rt, target)


def _nrows_tensor(values: Any, dtype: Any = _dtypes.int64) -> Tensor:
    """The number of rows of `values` (ragged or dense) as a scalar tensor."""
    if isinstance(values, RaggedTensor):
        return values.nrows(out_type=dtype)
    n = _nvals(values)
    if n is not None:
        return constant(np.asarray(n, _dtypes.as_dtype(dtype).as_numpy_dtype))
    return array_ops.shape(values, out_type=dtype)[0]


def _uniform_splits(values: Any, d: int | None, dtype: _dtypes.DType) -> Tensor:
    """Splits cutting `values`'s rows into rows of `d` (uniform outer dimensions)."""
    n = _nvals(values)
    if n is not None and d is not None:
        return _splits_tensor(np.arange(n // d + 1 if d else 1) * d, dtype)
    from eagerflow._src.ops import math_ops

    total = _nrows_tensor(values, dtype)
    step = constant(np.asarray(d, dtype.as_numpy_dtype)) if d is not None else None
    if step is None:
        raise ValueError("Cannot split rows into a dimension of unknown size")
    count = math_ops.floordiv(total, step) if d else constant(np.asarray(0, dtype.as_numpy_dtype))
    return math_ops.multiply(array_ops.range(math_ops.add(count, constant(np.asarray(1, dtype.as_numpy_dtype))),
                                             dtype=dtype), step)


def _row_splits_dtype_of(values: Any) -> _dtypes.DType | None:
    return values.row_splits_dtype if isinstance(values, RaggedTensor) else None


def _formatter(x: Any) -> str:
    """NumPy values separated by commas, as TF prints ragged rows."""
    if isinstance(x, np.ndarray):
        if x.size != 0:
            return np.array2string(x, separator=", ")
        return repr(x.tolist())
    return str(x)
