"""`tf.linalg.LinearOperator` and its structured subclasses.

A linear operator is a (batch of) matrices known by structure rather than by entries. Each
subclass says how to build its dense matrix (`_to_dense`) and, where its structure makes it cheap,
how to multiply, solve or take a determinant; everything else falls back to the dense matrix
through the differentiable `tf.linalg` ops, so gradients flow to the operator's parameters.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.framework.tensor_shape import TensorShape
from eagerflow._src.module import Module
from eagerflow._src.ops import array_ops, conversion, math_ops, reduce_ops
from eagerflow._src.ops import linalg_decompositions as _dec
from eagerflow._src.ops import linalg_ops as _lin
from eagerflow._src.ops import linalg_structure_ops as _st


def _matrix_t(x: Tensor) -> Tensor:
    return _st.matrix_transpose(x)


class LinearOperator(Module):
    """Base class: a `[batch..., M, N]` linear operator (`tf.linalg.LinearOperator`)."""

    def __init__(self, dtype: Any, graph_parents: Any = None, is_non_singular: Any = None,
                 is_self_adjoint: Any = None, is_positive_definite: Any = None, is_square: Any = None,
                 name: str | None = None, parameters: Any = None) -> None:
        if is_positive_definite and is_non_singular is False:
            raise ValueError("A positive definite matrix is always non-singular.")
        if is_positive_definite:
            is_non_singular = True
        if is_non_singular and is_square is False:
            raise ValueError("A non-singular matrix is always square.")
        if is_non_singular or is_self_adjoint:
            is_square = True if is_square is None else is_square
        super().__init__(name=name or type(self).__name__)
        self._dtype = _dtypes.as_dtype(dtype) if dtype is not None else None
        self._is_non_singular = is_non_singular
        self._is_self_adjoint = is_self_adjoint
        self._is_positive_definite = is_positive_definite
        self._is_square_set = is_square
        self._parameters = dict(parameters or {})

    # --- what subclasses provide -----------------------------------------------------------
    def _to_dense(self) -> Tensor:
        raise NotImplementedError("to_dense is not implemented.")

    def _shape(self) -> tuple:
        return tuple(self._to_dense().shape)

    # --- properties ------------------------------------------------------------------------
    @property
    def dtype(self) -> _dtypes.DType:
        return self._dtype

    @property
    def parameters(self) -> dict:
        return dict(self._parameters)

    @property
    def graph_parents(self) -> list:
        return []

    @property
    def is_non_singular(self) -> Any:
        return self._is_non_singular

    @property
    def is_self_adjoint(self) -> Any:
        return self._is_self_adjoint

    @property
    def is_positive_definite(self) -> Any:
        return self._is_positive_definite

    @property
    def is_square(self) -> Any:
        shape = self._shape()
        known = shape[-1] == shape[-2]
        return known if self._is_square_set is None else self._is_square_set and known

    @property
    def shape(self) -> TensorShape:
        return TensorShape(self._shape())

    @property
    def batch_shape(self) -> TensorShape:
        return TensorShape(self._shape()[:-2])

    @property
    def tensor_rank(self) -> int:
        return len(self._shape())

    @property
    def domain_dimension(self) -> Any:
        return TensorShape(self._shape()).dims[-1]

    @property
    def range_dimension(self) -> Any:
        return TensorShape(self._shape()).dims[-2]

    def shape_tensor(self, name: str = "shape_tensor") -> Tensor:
        return conversion.tensor(np.asarray(self._shape(), np.int32))

    def batch_shape_tensor(self, name: str = "batch_shape_tensor") -> Tensor:
        return conversion.tensor(np.asarray(self._shape()[:-2], np.int32))

    def tensor_rank_tensor(self, name: str = "tensor_rank_tensor") -> Tensor:
        return conversion.tensor(np.int32(len(self._shape())))

    def domain_dimension_tensor(self, name: str = "domain_dimension_tensor") -> Tensor:
        return conversion.tensor(np.int32(self._shape()[-1]))

    def range_dimension_tensor(self, name: str = "range_dimension_tensor") -> Tensor:
        return conversion.tensor(np.int32(self._shape()[-2]))

    # --- operations ------------------------------------------------------------------------
    def to_dense(self, name: str = "to_dense") -> Tensor:
        """The dense `[batch..., M, N]` matrix."""
        return self._to_dense()

    def _matmul(self, x: Tensor, adjoint: bool, adjoint_arg: bool) -> Tensor:
        return _lin.matmul(self._to_dense(), x, adjoint_a=adjoint, adjoint_b=adjoint_arg)

    def matmul(self, x: Any, adjoint: bool = False, adjoint_arg: bool = False, name: str = "matmul") -> Any:
        """`op(A) @ op(x)`; `x` may be another LinearOperator (then a composition)."""
        if isinstance(x, LinearOperator):
            left = self.adjoint() if adjoint else self
            right = x.adjoint() if adjoint_arg else x
            return LinearOperatorComposition([left, right])
        return self._matmul(conversion.tensor(x, self.dtype), adjoint, adjoint_arg)

    def __matmul__(self, other: Any) -> Any:
        return self.matmul(other)

    def matvec(self, x: Any, adjoint: bool = False, name: str = "matvec") -> Tensor:
        """`op(A) @ x` for vectors `x` in the last dim."""
        x = conversion.tensor(x, self.dtype)
        return array_ops.squeeze(self.matmul(array_ops.expand_dims(x, -1), adjoint=adjoint), [-1])

    def _solve(self, rhs: Tensor, adjoint: bool, adjoint_arg: bool) -> Tensor:
        if adjoint_arg:
            rhs = _st.adjoint(rhs)
        return _lin.solve(self._to_dense(), rhs, adjoint=adjoint)

    def solve(self, rhs: Any, adjoint: bool = False, adjoint_arg: bool = False, name: str = "solve") -> Any:
        """X with `op(A) @ X = op(rhs)`.

        Raises:
          NotImplementedError: the operator is known to be singular or not square.
        """
        if self.is_non_singular is False:
            raise NotImplementedError("Exact solve not implemented for an operator that is expected to be singular.")
        if self.is_square is False:
            raise NotImplementedError("Exact solve not implemented for an operator that is expected to not be square.")
        if isinstance(rhs, LinearOperator):
            left = self.adjoint() if adjoint else self
            right = rhs.adjoint() if adjoint_arg else rhs
            return LinearOperatorComposition([left.inverse(), right])
        return self._solve(conversion.tensor(rhs, self.dtype), adjoint, adjoint_arg)

    def solvevec(self, rhs: Any, adjoint: bool = False, name: str = "solve") -> Tensor:
        rhs = conversion.tensor(rhs, self.dtype)
        return array_ops.squeeze(self.solve(array_ops.expand_dims(rhs, -1), adjoint=adjoint), [-1])

    def _check_square(self, what: str) -> None:
        if self.is_square is False:
            raise NotImplementedError(f"Determinant not implemented for an operator that is expected to not be square."
                                      if what == "determinant" else f"{what} requires a square operator.")

    def _determinant(self) -> Tensor:
        return _lin.det(self._to_dense())

    def determinant(self, name: str = "det") -> Tensor:
        self._check_square("determinant")
        return self._determinant()

    def _log_abs_determinant(self) -> Tensor:
        return _dec.slogdet(self._to_dense()).log_abs_determinant

    def log_abs_determinant(self, name: str = "log_abs_det") -> Tensor:
        self._check_square("determinant")
        return self._log_abs_determinant()

    def _diag_part(self) -> Tensor:
        return _st.diag_part(self._to_dense())

    def diag_part(self, name: str = "diag_part") -> Tensor:
        return self._diag_part()

    def trace(self, name: str = "trace") -> Tensor:
        return reduce_ops.reduce_sum(self.diag_part(), axis=-1)

    def add_to_tensor(self, x: Any, name: str = "add_to_tensor") -> Tensor:
        return math_ops.add(self.to_dense(), conversion.tensor(x, self.dtype))

    def adjoint(self, name: str = "adjoint") -> "LinearOperator":
        if self.is_self_adjoint is True:
            return self
        return LinearOperatorAdjoint(self)

    @property
    def H(self) -> "LinearOperator":  # noqa: N802 - TF's name
        return self.adjoint()

    def inverse(self, name: str = "inverse") -> "LinearOperator":
        if self.is_square is False:
            raise ValueError("Cannot take the Inverse: This operator represents a non square matrix.")
        if self.is_non_singular is False:
            raise ValueError("Cannot take the Inverse: This operator represents a singular matrix.")
        return LinearOperatorInversion(self)

    def cholesky(self, name: str = "cholesky") -> "LinearOperator":
        if not self.is_positive_definite or not self.is_self_adjoint:
            raise ValueError("Cholesky decomposition is only defined for positive definite and self-adjoint "
                             "operators.")
        return LinearOperatorLowerTriangular(_dec.cholesky(self.to_dense()), is_non_singular=True)

    def eigvals(self, name: str = "eigvals") -> Tensor:
        if not self.is_self_adjoint:
            raise NotImplementedError("Only self-adjoint matrices are supported.")
        return _dec.eigvalsh(self.to_dense())

    def cond(self, name: str = "cond") -> Tensor:
        s = _dec.svd(self.to_dense(), compute_uv=False)
        return math_ops.truediv(reduce_ops.reduce_max(s, axis=-1), reduce_ops.reduce_min(s, axis=-1))

    def assert_non_singular(self, name: str = "assert_non_singular") -> None:
        s = _dec.svd(self.to_dense(), compute_uv=False).numpy()
        if np.any(s.min(axis=-1) <= np.finfo(s.dtype).eps * s.max(axis=-1) * max(self._shape()[-2:])):
            from eagerflow._src.framework import errors

            raise errors.InvalidArgumentError(None, None, "Singular operator: Condition number too large.")

    def assert_positive_definite(self, name: str = "assert_positive_definite") -> None:
        if np.isnan(_dec.cholesky(self.to_dense()).numpy()).any():
            from eagerflow._src.framework import errors

            raise errors.InvalidArgumentError(None, None, "Cholesky decomposition was not successful. "
                                                          "The input might not be valid.")

    def assert_self_adjoint(self, name: str = "assert_self_adjoint") -> None:
        dense = self.to_dense().numpy()
        if not np.allclose(dense, np.conj(np.swapaxes(dense, -1, -2))):
            from eagerflow._src.framework import errors

            raise errors.InvalidArgumentError(None, None, "Matrix was not equal to its adjoint.")

    def __repr__(self) -> str:
        return (f"<tf.linalg.{type(self).__name__} '{self.name}' is_non_singular={self.is_non_singular} "
                f"is_self_adjoint={self.is_self_adjoint} is_positive_definite={self.is_positive_definite} "
                f"is_square={self.is_square} shape={self.shape} dtype={self.dtype.name}>")


def _flags(kwargs: dict) -> dict:
    keys = ("is_non_singular", "is_self_adjoint", "is_positive_definite", "is_square")
    return {k: kwargs[k] for k in keys if k in kwargs}


# --- matrices given by their entries -----------------------------------------------------------
class LinearOperatorFullMatrix(LinearOperator):
    """A dense `[batch..., M, N]` matrix (`tf.linalg.LinearOperatorFullMatrix`)."""

    def __init__(self, matrix: Any, is_non_singular: Any = None, is_self_adjoint: Any = None,
                 is_positive_definite: Any = None, is_square: Any = None,
                 name: str = "LinearOperatorFullMatrix") -> None:
        self._matrix = conversion.tensor(matrix)
        if self._matrix.ndim < 2:
            raise ValueError(f"Argument `matrix` must have at least 2 dimensions. Received: {self._matrix}.")
        super().__init__(self._matrix.dtype, None, is_non_singular, is_self_adjoint, is_positive_definite,
                         is_square, name, {"matrix": matrix})

    def _shape(self) -> tuple:
        return tuple(self._matrix.shape)

    def _to_dense(self) -> Tensor:
        return self._matrix


class LinearOperatorLowerTriangular(LinearOperator):
    """The lower triangle of `tril` (the rest ignored) (`tf.linalg.LinearOperatorLowerTriangular`)."""

    def __init__(self, tril: Any, is_non_singular: Any = None, is_self_adjoint: Any = None,
                 is_positive_definite: Any = None, is_square: Any = None,
                 name: str = "LinearOperatorLowerTriangular") -> None:
        self._tril = conversion.tensor(tril)
        super().__init__(self._tril.dtype, None, is_non_singular, is_self_adjoint, is_positive_definite,
                         True if is_square is None else is_square, name, {"tril": tril})

    def _shape(self) -> tuple:
        return tuple(self._tril.shape)

    def _to_dense(self) -> Tensor:
        return _st.band_part(self._tril, -1, 0)

    def _solve(self, rhs: Tensor, adjoint: bool, adjoint_arg: bool) -> Tensor:
        if adjoint_arg:
            rhs = _st.adjoint(rhs)
        return _dec.triangular_solve(self._tril, rhs, lower=True, adjoint=adjoint)

    def _determinant(self) -> Tensor:
        return reduce_ops.reduce_prod(_st.diag_part(self._tril), axis=-1)

    def _log_abs_determinant(self) -> Tensor:
        return reduce_ops.reduce_sum(math_ops.log(math_ops.abs(_st.diag_part(self._tril))), axis=-1)


class LinearOperatorDiag(LinearOperator):
    """`diag(d)` (`tf.linalg.LinearOperatorDiag`)."""

    def __init__(self, diag: Any, is_non_singular: Any = None, is_self_adjoint: Any = None,
                 is_positive_definite: Any = None, is_square: Any = True, name: str = "LinearOperatorDiag") -> None:
        self._diag = conversion.tensor(diag)
        if not self._diag.dtype.is_complex and is_self_adjoint is None:
            is_self_adjoint = True
        super().__init__(self._diag.dtype, None, is_non_singular, is_self_adjoint, is_positive_definite,
                         is_square, name, {"diag": diag})

    @property
    def diag(self) -> Tensor:
        return self._diag

    def _shape(self) -> tuple:
        shape = tuple(self._diag.shape)
        return shape + shape[-1:]

    def _to_dense(self) -> Tensor:
        return _st.diag(self._diag)

    def _scaled(self, x: Tensor, adjoint: bool, inverse: bool) -> Tensor:
        d = math_ops.conj(self._diag) if adjoint else self._diag
        d = array_ops.expand_dims(d, -1)
        return math_ops.truediv(x, d) if inverse else math_ops.multiply(d, x)

    def _matmul(self, x: Tensor, adjoint: bool, adjoint_arg: bool) -> Tensor:
        return self._scaled(_st.adjoint(x) if adjoint_arg else x, adjoint, False)

    def _solve(self, rhs: Tensor, adjoint: bool, adjoint_arg: bool) -> Tensor:
        return self._scaled(_st.adjoint(rhs) if adjoint_arg else rhs, adjoint, True)

    def _determinant(self) -> Tensor:
        return reduce_ops.reduce_prod(self._diag, axis=-1)

    def _log_abs_determinant(self) -> Tensor:
        out = reduce_ops.reduce_sum(math_ops.log(math_ops.abs(self._diag)), axis=-1)
        return math_ops.cast(out, self.dtype) if self.dtype.is_complex else out

    def _diag_part(self) -> Tensor:
        return self._diag


class LinearOperatorIdentity(LinearOperator):
    """The identity (`tf.linalg.LinearOperatorIdentity`)."""

    def __init__(self, num_rows: Any, batch_shape: Any = None, dtype: Any = None, is_non_singular: Any = True,
                 is_self_adjoint: Any = True, is_positive_definite: Any = True, is_square: Any = True,
                 assert_proper_shapes: bool = False, name: str = "LinearOperatorIdentity") -> None:
        self._num_rows = int(np.asarray(num_rows.numpy() if isinstance(num_rows, Tensor) else num_rows))
        if self._num_rows < 0:
            raise ValueError(f"Argument `num_rows` must be non-negative. Received: {num_rows}.")
        self._batch = () if batch_shape is None else tuple(int(d) for d in np.reshape(np.asarray(batch_shape), -1))
        super().__init__(dtype or _dtypes.float32, None, is_non_singular, is_self_adjoint, is_positive_definite,
                         is_square, name, {"num_rows": num_rows, "batch_shape": batch_shape, "dtype": dtype})

    def _shape(self) -> tuple:
        return self._batch + (self._num_rows, self._num_rows)

    def _to_dense(self) -> Tensor:
        return array_ops.eye(self._num_rows, batch_shape=self._batch or None, dtype=self.dtype)

    def _matmul(self, x: Tensor, adjoint: bool, adjoint_arg: bool) -> Tensor:
        x = _st.adjoint(x) if adjoint_arg else x
        if self._batch:
            return math_ops.add(x, array_ops.zeros(self._batch + (1, 1), self.dtype))
        return x

    def _solve(self, rhs: Tensor, adjoint: bool, adjoint_arg: bool) -> Tensor:
        return self._matmul(rhs, adjoint, adjoint_arg)

    def _determinant(self) -> Tensor:
        return array_ops.ones(self._batch, self.dtype)

    def _log_abs_determinant(self) -> Tensor:
        return array_ops.zeros(self._batch, self.dtype)


class LinearOperatorScaledIdentity(LinearOperator):
    """`multiplier * I` (`tf.linalg.LinearOperatorScaledIdentity`)."""

    def __init__(self, num_rows: Any, multiplier: Any, is_non_singular: Any = None, is_self_adjoint: Any = None,
                 is_positive_definite: Any = None, is_square: Any = True, assert_proper_shapes: bool = False,
                 name: str = "LinearOperatorScaledIdentity") -> None:
        self._num_rows = int(np.asarray(num_rows.numpy() if isinstance(num_rows, Tensor) else num_rows))
        self._multiplier = conversion.tensor(multiplier)
        if not self._multiplier.dtype.is_complex and is_self_adjoint is None:
            is_self_adjoint = True
        super().__init__(self._multiplier.dtype, None, is_non_singular, is_self_adjoint, is_positive_definite,
                         is_square, name, {"num_rows": num_rows, "multiplier": multiplier})

    @property
    def multiplier(self) -> Tensor:
        return self._multiplier

    def _shape(self) -> tuple:
        return tuple(self._multiplier.shape) + (self._num_rows, self._num_rows)

    def _to_dense(self) -> Tensor:
        eye = array_ops.eye(self._num_rows, dtype=self.dtype)
        return math_ops.multiply(array_ops.expand_dims(array_ops.expand_dims(self._multiplier, -1), -1), eye)

    def _determinant(self) -> Tensor:
        return math_ops.pow(self._multiplier, conversion.scalar_like(self._num_rows, self._multiplier))


class LinearOperatorZeros(LinearOperator):
    """The zero matrix (`tf.linalg.LinearOperatorZeros`)."""

    def __init__(self, num_rows: Any, num_columns: Any = None, batch_shape: Any = None, dtype: Any = None,
                 is_non_singular: Any = False, is_self_adjoint: Any = True, is_positive_definite: Any = False,
                 is_square: Any = True, assert_proper_shapes: bool = False, name: str = "LinearOperatorZeros") -> None:
        self._rows = int(num_rows)
        self._cols = self._rows if num_columns is None else int(num_columns)
        self._batch = () if batch_shape is None else tuple(int(d) for d in np.reshape(np.asarray(batch_shape), -1))
        square = self._rows == self._cols
        super().__init__(dtype or _dtypes.float32, None, is_non_singular, is_self_adjoint if square else False,
                         is_positive_definite, is_square and square, name,
                         {"num_rows": num_rows, "num_columns": num_columns, "batch_shape": batch_shape})

    def _shape(self) -> tuple:
        return self._batch + (self._rows, self._cols)

    def _to_dense(self) -> Tensor:
        return array_ops.zeros(self._shape(), self.dtype)


# --- operators built from other operators ------------------------------------------------------
class LinearOperatorAdjoint(LinearOperator):
    """The adjoint of `operator` (`tf.linalg.LinearOperatorAdjoint`)."""

    def __init__(self, operator: LinearOperator, is_non_singular: Any = None, is_self_adjoint: Any = None,
                 is_positive_definite: Any = None, is_square: Any = None, name: str | None = None) -> None:
        self._operator = operator
        flags = {
            "is_non_singular": operator.is_non_singular if is_non_singular is None else is_non_singular,
            "is_self_adjoint": operator.is_self_adjoint if is_self_adjoint is None else is_self_adjoint,
            "is_positive_definite": (operator.is_positive_definite if is_positive_definite is None
                                     else is_positive_definite),
            "is_square": operator.is_square if is_square is None else is_square,
        }
        super().__init__(operator.dtype, None, name=name or f"{operator.name}_adjoint",
                         parameters={"operator": operator}, **flags)

    @property
    def operator(self) -> LinearOperator:
        return self._operator

    def _shape(self) -> tuple:
        shape = self._operator._shape()
        return shape[:-2] + (shape[-1], shape[-2])

    def _to_dense(self) -> Tensor:
        return _st.adjoint(self._operator.to_dense())

    def _matmul(self, x: Tensor, adjoint: bool, adjoint_arg: bool) -> Tensor:
        return self._operator._matmul(x, not adjoint, adjoint_arg)

    def _solve(self, rhs: Tensor, adjoint: bool, adjoint_arg: bool) -> Tensor:
        return self._operator._solve(rhs, not adjoint, adjoint_arg)

    def adjoint(self, name: str = "adjoint") -> LinearOperator:
        return self._operator


class LinearOperatorInversion(LinearOperator):
    """The inverse of `operator`, used through its solve (`tf.linalg.LinearOperatorInversion`)."""

    def __init__(self, operator: LinearOperator, is_non_singular: Any = None, is_self_adjoint: Any = None,
                 is_positive_definite: Any = None, is_square: Any = None, name: str | None = None) -> None:
        if operator.is_non_singular is False or is_non_singular is False:
            raise ValueError(f"operator and supplied hints must be non-singular. Found: "
                             f"operator.is_non_singular = {operator.is_non_singular}, "
                             f"is_non_singular = {is_non_singular}.")
        if operator.is_square is False or is_square is False:
            raise ValueError(f"operator and supplied hints must be square. Found: operator.is_square = "
                             f"{operator.is_square}, is_square = {is_square}.")
        self._operator = operator
        super().__init__(operator.dtype, None, True if is_non_singular is None else is_non_singular,
                         operator.is_self_adjoint if is_self_adjoint is None else is_self_adjoint,
                         operator.is_positive_definite if is_positive_definite is None else is_positive_definite,
                         True if is_square is None else is_square, name or f"{operator.name}_inv",
                         {"operator": operator})

    @property
    def operator(self) -> LinearOperator:
        return self._operator

    def _shape(self) -> tuple:
        return self._operator._shape()

    def _to_dense(self) -> Tensor:
        return _lin.inv(self._operator.to_dense())

    def _matmul(self, x: Tensor, adjoint: bool, adjoint_arg: bool) -> Tensor:
        return self._operator._solve(x, adjoint, adjoint_arg)

    def _solve(self, rhs: Tensor, adjoint: bool, adjoint_arg: bool) -> Tensor:
        return self._operator._matmul(rhs, adjoint, adjoint_arg)

    def _determinant(self) -> Tensor:
        return math_ops.reciprocal(self._operator.determinant())

    def _log_abs_determinant(self) -> Tensor:
        return math_ops.negative(self._operator.log_abs_determinant())

    def inverse(self, name: str = "inverse") -> LinearOperator:
        return self._operator


class _OperatorList(LinearOperator):
    """An operator built from a non-empty list of operators; its default name joins theirs."""

    _joiner = "_"

    def __init__(self, operators: list, is_non_singular: Any, is_self_adjoint: Any, is_positive_definite: Any,
                 is_square: Any, name: str | None) -> None:
        operators = list(operators)
        if not operators:
            raise ValueError(f"Expected a non-empty list of operators. Found: {operators}")
        self._operators = operators
        super().__init__(operators[0].dtype, None, is_non_singular, is_self_adjoint, is_positive_definite,
                         is_square, name or self._joiner.join(op.name for op in operators), {"operators": operators})

    @property
    def operators(self) -> list:
        return list(self._operators)

    def _shapes(self) -> tuple[list, tuple]:
        """The operators' shapes and their broadcast batch shape."""
        shapes = [op._shape() for op in self._operators]
        return shapes, tuple(np.broadcast_shapes(*[s[:-2] for s in shapes]))


class LinearOperatorComposition(_OperatorList):
    """`operators[0] @ operators[1] @ ...` (`tf.linalg.LinearOperatorComposition`)."""

    _joiner = "_o_"

    def __init__(self, operators: list, is_non_singular: Any = None, is_self_adjoint: Any = None,
                 is_positive_definite: Any = None, is_square: Any = None, name: str | None = None) -> None:
        operators = list(operators)
        if operators and len({op.dtype for op in operators}) > 1:
            raise TypeError("Expected all operators to have the same dtype.")
        if operators and is_non_singular is None and all(op.is_non_singular for op in operators):
            is_non_singular = True
        super().__init__(operators, is_non_singular, is_self_adjoint, is_positive_definite, is_square, name)

    def _shape(self) -> tuple:
        shapes, batch = self._shapes()
        return batch + (shapes[0][-2], shapes[-1][-1])

    def _to_dense(self) -> Tensor:
        out = self._operators[-1].to_dense()
        for op in reversed(self._operators[:-1]):
            out = op.matmul(out)
        return out

    def _matmul(self, x: Tensor, adjoint: bool, adjoint_arg: bool) -> Tensor:
        ops = list(reversed(self._operators)) if not adjoint else list(self._operators)
        out = ops[0]._matmul(x, adjoint, adjoint_arg)
        for op in ops[1:]:
            out = op._matmul(out, adjoint, False)
        return out

    def _solve(self, rhs: Tensor, adjoint: bool, adjoint_arg: bool) -> Tensor:
        ops = list(self._operators) if not adjoint else list(reversed(self._operators))
        out = ops[0]._solve(rhs, adjoint, adjoint_arg)
        for op in ops[1:]:
            out = op._solve(out, adjoint, False)
        return out

    def _determinant(self) -> Tensor:
        out = self._operators[0].determinant()
        for op in self._operators[1:]:
            out = math_ops.multiply(out, op.determinant())
        return out


def _block_dense(rows: list, dtype: Any) -> Tensor:
    """A dense block matrix from rows of dense blocks (None: zeros)."""
    from eagerflow._src.ops.join_split_ops import concat

    heights = [next(b for b in row if b is not None).shape[-2] for row in rows]
    widths = [next(r[j] for r in rows if j < len(r) and r[j] is not None).shape[-1] for j in range(len(rows[0]))]
    batch = np.broadcast_shapes(*[tuple(b.shape)[:-2] for row in rows for b in row if b is not None])
    out_rows = []
    for i, row in enumerate(rows):
        blocks = []
        for j in range(len(widths)):
            block = row[j] if j < len(row) else None
            if block is None:
                block = array_ops.zeros(tuple(batch) + (heights[i], widths[j]), dtype)
            elif tuple(block.shape)[:-2] != tuple(batch):
                block = array_ops.broadcast_to(block, tuple(batch) + tuple(block.shape)[-2:])
            blocks.append(block)
        out_rows.append(concat(blocks, -1))
    return concat(out_rows, -2)


class LinearOperatorBlockDiag(_OperatorList):
    """Square operators on the diagonal of a block matrix (`tf.linalg.LinearOperatorBlockDiag`)."""

    _joiner = "_ds_"

    def __init__(self, operators: list, is_non_singular: Any = None, is_self_adjoint: Any = None,
                 is_positive_definite: Any = None, is_square: Any = True, name: str | None = None) -> None:
        super().__init__(operators, is_non_singular, is_self_adjoint, is_positive_definite, is_square, name)

    def _shape(self) -> tuple:
        shapes, batch = self._shapes()
        return batch + (sum(s[-2] for s in shapes), sum(s[-1] for s in shapes))

    def _to_dense(self) -> Tensor:
        n = len(self._operators)
        rows = [[op.to_dense() if i == j else None for j, op in enumerate(self._operators)] for i in range(n)]
        return _block_dense(rows, self.dtype)

    def _determinant(self) -> Tensor:
        out = self._operators[0].determinant()
        for op in self._operators[1:]:
            out = math_ops.multiply(out, op.determinant())
        return out


class LinearOperatorBlockLowerTriangular(LinearOperator):
    """A block lower-triangular matrix; `operators[i]` is row i's blocks up to the diagonal
    (`tf.linalg.LinearOperatorBlockLowerTriangular`)."""

    def __init__(self, operators: list, is_non_singular: Any = None, is_self_adjoint: Any = None,
                 is_positive_definite: Any = None, is_square: Any = None,
                 name: str = "LinearOperatorBlockLowerTriangular") -> None:
        rows = [list(row) for row in operators]
        if not rows:
            raise ValueError(f"Expected a non-empty list of operators. Found: {operators}")
        self._rows = rows
        super().__init__(rows[0][0].dtype, None, is_non_singular, is_self_adjoint, is_positive_definite,
                         True if is_square is None else is_square, name, {"operators": operators})

    @property
    def operators(self) -> list:
        return [list(row) for row in self._rows]

    def _shape(self) -> tuple:
        diag = [row[-1]._shape() for row in self._rows]
        batch = np.broadcast_shapes(*[op._shape()[:-2] for row in self._rows for op in row])
        return tuple(batch) + (sum(s[-2] for s in diag), sum(s[-1] for s in diag))

    def _to_dense(self) -> Tensor:
        n = len(self._rows)
        dense = [[row[j].to_dense() if j < len(row) else None for j in range(n)] for row in self._rows]
        return _block_dense(dense, self.dtype)


class LinearOperatorKronecker(_OperatorList):
    """The Kronecker product of `operators` (`tf.linalg.LinearOperatorKronecker`)."""

    _joiner = "_x_"

    def __init__(self, operators: list, is_non_singular: Any = None, is_self_adjoint: Any = None,
                 is_positive_definite: Any = None, is_square: Any = None, name: str | None = None) -> None:
        super().__init__(operators, is_non_singular, is_self_adjoint, is_positive_definite, is_square, name)

    def _shape(self) -> tuple:
        shapes, batch = self._shapes()
        return batch + (int(np.prod([s[-2] for s in shapes])), int(np.prod([s[-1] for s in shapes])))

    def _to_dense(self) -> Tensor:
        out = self._operators[0].to_dense()
        for op in self._operators[1:]:
            right = op.to_dense()
            (m, n), (p, q) = tuple(out.shape)[-2:], tuple(right.shape)[-2:]
            product = _lin.einsum("...ij,...kl->...ikjl", out, right)
            out = array_ops.reshape(product, tuple(product.shape)[:-4] + (m * p, n * q))
        return out


class LinearOperatorPermutation(LinearOperator):
    """The permutation matrix P with `P @ x = x[perm]` (`tf.linalg.LinearOperatorPermutation`)."""

    def __init__(self, perm: Any, dtype: Any = _dtypes.float32, is_non_singular: Any = None,
                 is_self_adjoint: Any = None, is_positive_definite: Any = None, is_square: Any = None,
                 name: str = "LinearOperatorPermutation") -> None:
        self._perm = conversion.tensor(perm)
        super().__init__(dtype, None, True if is_non_singular is None else is_non_singular, is_self_adjoint,
                         is_positive_definite, True if is_square is None else is_square, name,
                         {"perm": perm, "dtype": dtype})

    @property
    def perm(self) -> Tensor:
        return self._perm

    def _shape(self) -> tuple:
        shape = tuple(self._perm.shape)
        return shape + shape[-1:]

    def _to_dense(self) -> Tensor:
        return array_ops.one_hot(self._perm, tuple(self._perm.shape)[-1], dtype=self.dtype)


class LinearOperatorHouseholder(LinearOperator):
    """The reflection `I - 2 v v^H / (v^H v)` (`tf.linalg.LinearOperatorHouseholder`)."""

    def __init__(self, reflection_axis: Any, is_non_singular: Any = None, is_self_adjoint: Any = None,
                 is_positive_definite: Any = None, is_square: Any = None,
                 name: str = "LinearOperatorHouseholder") -> None:
        self._axis = conversion.tensor(reflection_axis)
        super().__init__(self._axis.dtype, None, True if is_non_singular is None else is_non_singular,
                         True if is_self_adjoint is None else is_self_adjoint, is_positive_definite,
                         True if is_square is None else is_square, name, {"reflection_axis": reflection_axis})

    @property
    def reflection_axis(self) -> Tensor:
        return self._axis

    def _shape(self) -> tuple:
        shape = tuple(self._axis.shape)
        return shape + shape[-1:]

    def _to_dense(self) -> Tensor:
        v = array_ops.expand_dims(self._axis, -1)
        norm2 = _lin.matmul(v, v, adjoint_a=True)
        outer = _lin.matmul(v, v, adjoint_b=True)
        eye = array_ops.eye(tuple(self._axis.shape)[-1], dtype=self.dtype)
        return math_ops.subtract(eye, math_ops.truediv(math_ops.multiply(outer, conversion.scalar_like(2.0, outer)),
                                                       norm2))


class LinearOperatorLowRankUpdate(LinearOperator):
    """`base_operator + u diag(diag_update) v^H` (`tf.linalg.LinearOperatorLowRankUpdate`)."""

    def __init__(self, base_operator: LinearOperator, u: Any, diag_update: Any = None, v: Any = None,
                 is_diag_update_positive: Any = None, is_non_singular: Any = None, is_self_adjoint: Any = None,
                 is_positive_definite: Any = None, is_square: Any = None, name: str = "LinearOperatorLowRankUpdate"
                 ) -> None:
        self._base = base_operator
        self._u = conversion.tensor(u, base_operator.dtype)
        self._v = self._u if v is None else conversion.tensor(v, base_operator.dtype)
        self._diag_update = None if diag_update is None else conversion.tensor(diag_update, base_operator.dtype)
        super().__init__(base_operator.dtype, None, is_non_singular, is_self_adjoint, is_positive_definite,
                         is_square, name, {"base_operator": base_operator, "u": u, "diag_update": diag_update,
                                           "v": v, "is_diag_update_positive": is_diag_update_positive})

    @property
    def base_operator(self) -> LinearOperator:
        return self._base

    @property
    def u(self) -> Tensor:
        return self._u

    @property
    def v(self) -> Tensor:
        return self._v

    @property
    def diag_update(self) -> Any:
        return self._diag_update

    def _shape(self) -> tuple:
        return self._base._shape()

    def _to_dense(self) -> Tensor:
        u = self._u
        if self._diag_update is not None:
            u = math_ops.multiply(u, array_ops.expand_dims(self._diag_update, -2))
        return math_ops.add(self._base.to_dense(), _lin.matmul(u, self._v, adjoint_b=True))


class LinearOperatorToeplitz(LinearOperator):
    """The Toeplitz matrix with first column `col` and first row `row` (`row[0]` ignored)
    (`tf.linalg.LinearOperatorToeplitz`)."""

    def __init__(self, col: Any, row: Any, is_non_singular: Any = None, is_self_adjoint: Any = None,
                 is_positive_definite: Any = None, is_square: Any = None, name: str = "LinearOperatorToeplitz") -> None:
        self._col = conversion.tensor(col)
        self._row = conversion.like(row, self._col)
        super().__init__(self._col.dtype, None, is_non_singular, is_self_adjoint, is_positive_definite,
                         True if is_square is None else is_square, name, {"col": col, "row": row})

    @property
    def col(self) -> Tensor:
        return self._col

    @property
    def row(self) -> Tensor:
        return self._row

    def _shape(self) -> tuple:
        batch = np.broadcast_shapes(tuple(self._col.shape)[:-1], tuple(self._row.shape)[:-1])
        n = tuple(self._col.shape)[-1]
        return tuple(batch) + (n, n)

    def _to_dense(self) -> Tensor:
        from eagerflow._src.ops.gather_scatter_ops import gather
        from eagerflow._src.ops.join_split_ops import concat

        n = tuple(self._col.shape)[-1]
        # values = [col[n-1], ..., col[1], col[0], row[1], ..., row[n-1]]; entry (i, j) = values[n-1-i+j]
        values = concat([array_ops.reverse(self._col, [-1]), self._row[..., 1:]], -1)
        idx = (n - 1 - np.arange(n)[:, None] + np.arange(n)[None, :]).astype(np.int32)
        return gather(values, idx, axis=values.ndim - 1)


class _Circulant(LinearOperator):
    """Circulant operators: `A x = IFFT(spectrum * FFT(x))` over `rank` dims."""

    _rank = 1

    def __init__(self, spectrum: Any, input_output_dtype: Any = _dtypes.complex64, is_non_singular: Any = None,
                 is_self_adjoint: Any = None, is_positive_definite: Any = None, is_square: Any = True,
                 name: str | None = None) -> None:
        self._spectrum = conversion.tensor(spectrum)
        if not self._spectrum.dtype.is_complex:
            self._spectrum = math_ops.cast(self._spectrum, _dtypes.complex64 if self._spectrum.dtype != _dtypes.float64
                                           else _dtypes.complex128)
        super().__init__(input_output_dtype, None, is_non_singular, is_self_adjoint, is_positive_definite, is_square,
                         name or type(self).__name__, {"spectrum": spectrum, "input_output_dtype": input_output_dtype})

    @property
    def spectrum(self) -> Tensor:
        return self._spectrum

    def _block_shape(self) -> tuple:
        return tuple(self._spectrum.shape)[-self._rank:]

    def _shape(self) -> tuple:
        n = int(np.prod(self._block_shape()))
        return tuple(self._spectrum.shape)[:-self._rank] + (n, n)

    def _to_dense(self) -> Tensor:
        from eagerflow._src.ops import signal_ops

        shape = self._block_shape()
        n = int(np.prod(shape))
        batch = tuple(self._spectrum.shape)[:-self._rank]
        # Column k is A e_k: apply the operator to every unit vector at once.
        eye = np.eye(n).reshape((n,) + shape).astype(self._spectrum.dtype.as_numpy_dtype)
        eye = conversion.tensor(eye)
        fft = {1: signal_ops.fft, 2: signal_ops.fft2d, 3: signal_ops.fft3d}[self._rank]
        ifft = {1: signal_ops.ifft, 2: signal_ops.ifft2d, 3: signal_ops.ifft3d}[self._rank]
        spectrum = array_ops.expand_dims(self._spectrum, len(batch))
        columns = ifft(math_ops.multiply(spectrum, fft(eye)))  # [batch, n (column k), *shape (row)]
        columns = array_ops.reshape(columns, batch + (n, n))
        return math_ops.cast(_matrix_t(columns), self.dtype)


class LinearOperatorCirculant(_Circulant):
    """A circulant matrix given by its spectrum (`tf.linalg.LinearOperatorCirculant`)."""

    _rank = 1


class LinearOperatorCirculant2D(_Circulant):
    """A block-circulant matrix with circulant blocks (`tf.linalg.LinearOperatorCirculant2D`)."""

    _rank = 2


class LinearOperatorCirculant3D(_Circulant):
    """A doubly-nested block-circulant matrix (`tf.linalg.LinearOperatorCirculant3D`)."""

    _rank = 3


class LinearOperatorTridiag(LinearOperator):
    """A tridiagonal matrix in TF's 'compact', 'sequence' or 'matrix' format
    (`tf.linalg.LinearOperatorTridiag`)."""

    def __init__(self, diagonals: Any, diagonals_format: str = "compact", is_non_singular: Any = None,
                 is_self_adjoint: Any = None, is_positive_definite: Any = None, is_square: Any = None,
                 name: str = "LinearOperatorTridiag") -> None:
        from eagerflow._src.ops.linalg_solvers import _tridiagonal_dense

        if diagonals_format not in ("compact", "sequence", "matrix"):
            raise ValueError(f"Diagonals Format must be one of compact, matrix, sequence, got : {diagonals_format}")
        self._diagonals = diagonals
        self._format = diagonals_format
        dense = _tridiagonal_dense(diagonals, diagonals_format)
        self._dense_shape = tuple(dense.shape)
        super().__init__(dense.dtype, None, is_non_singular, is_self_adjoint, is_positive_definite,
                         True if is_square is None else is_square, name,
                         {"diagonals": diagonals, "diagonals_format": diagonals_format})

    @property
    def diagonals(self) -> Any:
        return self._diagonals

    @property
    def diagonals_format(self) -> str:
        return self._format

    def _shape(self) -> tuple:
        return self._dense_shape

    def _to_dense(self) -> Tensor:
        from eagerflow._src.ops.linalg_solvers import _tridiagonal_dense

        return _tridiagonal_dense(self._diagonals, self._format)


# --- tf.linalg.experimental --------------------------------------------------------------------
def _cg_state_type() -> Any:
    import collections

    return collections.namedtuple("CGState", ["i", "x", "r", "p", "gamma"])


CGState = _cg_state_type()


def conjugate_gradient(operator: LinearOperator, rhs: Any, preconditioner: Any = None, x: Any = None,
                       tol: float = 1e-5, max_iter: int = 20, name: str = "conjugate_gradient") -> Any:
    """Solves `operator @ x = rhs` for a Hermitian positive-definite operator by (preconditioned)
    conjugate gradients, stopping when every residual norm is within `tol` of the first's or after
    `max_iter` steps; returns `CGState(i, x, r, p, gamma)` (`tf.linalg.experimental.conjugate_gradient`)."""
    if not (operator.is_self_adjoint and operator.is_positive_definite):
        raise ValueError("Expected a self-adjoint, positive definite operator.")
    rhs = conversion.tensor(rhs, operator.dtype)

    def dot(a: Tensor, b: Tensor) -> Tensor:
        return reduce_ops.reduce_sum(math_ops.multiply(math_ops.conj(a), b), axis=-1)

    batch = np.broadcast_shapes(tuple(rhs.shape)[:-1], tuple(operator.batch_shape))
    if preconditioner is not None:
        batch = np.broadcast_shapes(batch, tuple(preconditioner.batch_shape))
    r = array_ops.broadcast_to(rhs, tuple(batch) + tuple(rhs.shape)[-1:])
    threshold = math_ops.multiply(math_ops.cast(conversion.tensor(tol), _dtypes.as_dtype(rhs.dtype.real_dtype)),
                                  _lin.norm(r, axis=-1))
    if x is None:
        x = array_ops.zeros(tuple(r.shape), rhs.dtype)
    else:
        x = conversion.tensor(x, rhs.dtype)
        r = math_ops.subtract(rhs, operator.matvec(x))
    p = r if preconditioner is None else preconditioner.matvec(r)
    gamma = dot(r, p)
    i = 0
    while i < max_iter and bool(np.any(_lin.norm(r, axis=-1).numpy() > threshold.numpy())):
        z = operator.matvec(p)
        alpha = math_ops.truediv(gamma, dot(p, z))
        x = math_ops.add(x, math_ops.multiply(array_ops.expand_dims(alpha, -1), p))
        r = math_ops.subtract(r, math_ops.multiply(array_ops.expand_dims(alpha, -1), z))
        q = r if preconditioner is None else preconditioner.matvec(r)
        new_gamma = dot(r, q)
        beta = math_ops.truediv(new_gamma, gamma)
        p = math_ops.add(q, math_ops.multiply(array_ops.expand_dims(beta, -1), p))
        gamma = new_gamma
        i += 1
    return CGState(conversion.tensor(np.int32(i)), x, r, p, gamma)


def experimental_namespace() -> Any:
    """`tf.linalg.experimental`."""
    from types import SimpleNamespace

    return SimpleNamespace(conjugate_gradient=conjugate_gradient)
