"""TensorFlow's error classes (`tf.errors`), with the same names, codes and bases."""
from __future__ import annotations

from typing import Any

OK = 0
CANCELLED = 1
UNKNOWN = 2
INVALID_ARGUMENT = 3
DEADLINE_EXCEEDED = 4
NOT_FOUND = 5
ALREADY_EXISTS = 6
PERMISSION_DENIED = 7
RESOURCE_EXHAUSTED = 8
FAILED_PRECONDITION = 9
ABORTED = 10
OUT_OF_RANGE = 11
UNIMPLEMENTED = 12
INTERNAL = 13
UNAVAILABLE = 14
DATA_LOSS = 15
UNAUTHENTICATED = 16


class OpError(Exception):
    """The base class for TensorFlow exceptions: `OpError(node_def, op, message, error_code)`."""

    def __init__(self, node_def: Any, op: Any, message: str, error_code: int = UNKNOWN, *args: Any):
        super().__init__()
        self._node_def = node_def
        self._op = op
        self._message = message
        self._error_code = error_code
        self._experimental_payloads = args[0] if args else {}

    @property
    def message(self) -> str:
        return self._message

    @property
    def op(self) -> Any:
        return self._op

    @property
    def node_def(self) -> Any:
        return self._node_def

    @property
    def error_code(self) -> int:
        return self._error_code

    @property
    def experimental_payloads(self) -> dict:
        return self._experimental_payloads

    def __str__(self) -> str:
        return self._message

    def __reduce__(self):
        return type(self), (self._node_def, self._op, self._message)


def _error_class(name: str, code: int, doc: str) -> type[OpError]:
    def __init__(self, node_def: Any, op: Any, message: str, *args: Any) -> None:
        OpError.__init__(self, node_def, op, message, code, *args)

    return type(name, (OpError,), {"__init__": __init__, "__doc__": doc, "__module__": __name__})


# Written out one by one (not generated into globals) so readers and type checkers see them.
CancelledError = _error_class("CancelledError", CANCELLED, "An operation or step was cancelled.")
UnknownError = _error_class("UnknownError", UNKNOWN, "Unknown error.")
InvalidArgumentError = _error_class("InvalidArgumentError", INVALID_ARGUMENT,
                                    "An operation received an invalid argument.")
DeadlineExceededError = _error_class("DeadlineExceededError", DEADLINE_EXCEEDED,
                                     "A deadline expired before the operation could complete.")
NotFoundError = _error_class("NotFoundError", NOT_FOUND, "A requested entity was not found.")
AlreadyExistsError = _error_class("AlreadyExistsError", ALREADY_EXISTS,
                                  "An entity that we attempted to create already exists.")
PermissionDeniedError = _error_class("PermissionDeniedError", PERMISSION_DENIED,
                                     "The caller does not have permission to run an operation.")
UnauthenticatedError = _error_class("UnauthenticatedError", UNAUTHENTICATED,
                                    "The request does not have valid authentication credentials.")
ResourceExhaustedError = _error_class("ResourceExhaustedError", RESOURCE_EXHAUSTED,
                                      "Some resource has been exhausted.")
FailedPreconditionError = _error_class("FailedPreconditionError", FAILED_PRECONDITION,
                                       "The system is not in a state to execute an operation.")
AbortedError = _error_class("AbortedError", ABORTED, "The operation was aborted.")
OutOfRangeError = _error_class("OutOfRangeError", OUT_OF_RANGE,
                               "An operation iterated past the valid input range.")
UnimplementedError = _error_class("UnimplementedError", UNIMPLEMENTED,
                                  "The operation is not implemented or supported.")
InternalError = _error_class("InternalError", INTERNAL, "The system experienced an internal error.")
UnavailableError = _error_class("UnavailableError", UNAVAILABLE,
                                "The operation is currently unavailable (a peer or service was lost).")
DataLossError = _error_class("DataLossError", DATA_LOSS, "Unrecoverable data loss or corruption.")


class OperatorNotAllowedInGraphError(TypeError):
    """Raised where an operation is not allowed in graph execution (kept for API parity)."""


def op_error(cls: type[OpError], message: str, op_name: str | None = None, fallback: bool = False) -> OpError:
    """An eager op's error as TF formats it: `message [Op:OpName] name: `. With `fallback` (TF's
    generated wrapper left its fast path: an argument was a list, tuple, NumPy scalar...) TF
    passes no name and the message ends at `[Op:OpName]`."""
    if op_name is not None:
        message = f"{message} [Op:{op_name}]" if fallback else f"{message} [Op:{op_name}] name: "
    return cls(None, None, message)


def fallback_error(e: OpError) -> OpError:
    """An op error raised with TF's fast-path wording, as its fallback path words it (no ` name: `)."""
    return type(e)(e.node_def, e.op, e.message.removesuffix(" name: "))
