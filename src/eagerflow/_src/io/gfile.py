"""`tf.io.gfile`: TF's file API over the local file system (Python's `os`, `shutil`, `glob`).

Errors are TF's classes with TF's messages (`NotFoundError: x; No such file or directory`).
"""
from __future__ import annotations

import errno
import glob as _glob
import os
import shutil
from typing import Any, BinaryIO, Iterator

from eagerflow._src.framework import errors


def path_str(path: Any) -> str:
    """A file name from str, bytes, os.PathLike or a scalar string tensor."""
    if hasattr(path, "numpy"):
        path = path.numpy()
    if isinstance(path, bytes):
        return path.decode("utf-8")
    return os.fspath(path)


def os_error(exc: OSError, path: Any) -> errors.OpError:
    """The TF error for an `OSError` raised on `path`."""
    name = path_str(path)
    if isinstance(exc, FileNotFoundError) or exc.errno == errno.ENOENT:
        return errors.NotFoundError(None, None, f"{name}; No such file or directory")
    if isinstance(exc, FileExistsError):
        return errors.AlreadyExistsError(None, None, f"{name}; File exists")
    if isinstance(exc, PermissionError):
        return errors.PermissionDeniedError(None, None, f"{name}; Permission denied")
    if isinstance(exc, IsADirectoryError):
        return errors.FailedPreconditionError(None, None, f"{name}; Is a directory")
    if isinstance(exc, NotADirectoryError):
        return errors.FailedPreconditionError(None, None, f"{name}; Not a directory")
    return errors.UnknownError(None, None, f"{name}; {exc.strerror}")


def open_binary(path: Any, mode: str) -> BinaryIO:
    return open(path_str(path), mode)  # noqa: SIM115 - the caller owns and closes it


class GFile:
    """File I/O wrappers without thread locking (`tf.io.gfile.GFile`).

    Text modes (`"r"`, `"w"`, `"a"`) read and write `str`; binary modes (`"rb"`, ...) bytes.
    The file opens on first read or write, as TF's does.
    """

    def __init__(self, name: Any, mode: str = "r") -> None:
        self._name = path_str(name)
        self._mode = mode
        self._binary = "b" in mode
        self._file: Any = None
        if mode.replace("b", "").replace("+", "") not in ("r", "w", "a"):
            raise errors.PermissionDeniedError(None, None, f"mode {mode!r} not supported")

    @property
    def name(self) -> str:
        return self._name

    @property
    def mode(self) -> str:
        return self._mode

    def _f(self) -> Any:
        if self._file is None:
            try:
                self._file = open(self._name, self._mode if self._binary else self._mode + "b")
            except OSError as exc:
                raise os_error(exc, self._name) from None
        return self._file

    def _out(self, data: bytes) -> Any:
        return data if self._binary else data.decode("utf-8")

    def read(self, n: int = -1) -> Any:
        """Reads `n` bytes (all with -1)."""
        return self._out(self._f().read(-1 if n is None else n))

    def readline(self) -> Any:
        return self._out(self._f().readline())

    def readlines(self) -> list:
        return [self._out(line) for line in self._f().readlines()]

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        line = self._f().readline()
        if not line:
            raise StopIteration
        return self._out(line)

    def write(self, data: Any) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        self._f().write(bytes(data))

    def seek(self, offset: int | None = None, whence: int = 0, position: int | None = None) -> None:
        self._f().seek(position if offset is None else offset, whence)

    def tell(self) -> int:
        return self._f().tell()

    def size(self) -> int:
        return stat(self._name).length

    def seekable(self) -> bool:
        return True

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> "GFile":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class FileStatistics:
    """What `stat` returns: `length`, `mtime_nsec`, `is_directory`."""

    def __init__(self, length: int, mtime_nsec: int, is_directory: bool) -> None:
        self.length = length
        self.mtime_nsec = mtime_nsec
        self.is_directory = is_directory


def exists(path: Any) -> bool:
    """Whether a path exists."""
    return os.path.exists(path_str(path))


def isdir(path: Any) -> bool:
    """Whether a path is a directory."""
    return os.path.isdir(path_str(path))


def glob(pattern: Any) -> list[str]:
    """The files matching a pattern (or a list of patterns)."""
    patterns = [pattern] if isinstance(pattern, (str, bytes, os.PathLike)) else list(pattern)
    out: list[str] = []
    for p in patterns:
        out.extend(_glob.glob(path_str(p)))
    return out


def listdir(path: Any) -> list[str]:
    """The entries of a directory (no `.` and `..`)."""
    name = path_str(path)
    if not os.path.isdir(name):
        raise errors.NotFoundError(None, None, f"Could not find directory {name}")
    return os.listdir(name)


def makedirs(path: Any) -> None:
    """Creates a directory and its missing parents."""
    try:
        os.makedirs(path_str(path), exist_ok=True)
    except OSError as exc:
        raise os_error(exc, path) from None


def mkdir(path: Any) -> None:
    """Creates one directory (its parent must exist)."""
    try:
        os.mkdir(path_str(path))
    except OSError as exc:
        raise os_error(exc, path) from None


def remove(path: Any) -> None:
    """Deletes a file."""
    try:
        os.remove(path_str(path))
    except OSError as exc:
        raise os_error(exc, path) from None


def rmtree(path: Any) -> None:
    """Deletes a directory and everything under it."""
    name = path_str(path)
    if not os.path.exists(name):
        raise errors.NotFoundError(None, None, f"{name}; No such file or directory")
    shutil.rmtree(name)


def rename(src: Any, dst: Any, overwrite: bool = False) -> None:
    """Renames a file; an existing `dst` is an error unless `overwrite`."""
    s, d = path_str(src), path_str(dst)
    if not overwrite and os.path.exists(d):
        raise errors.AlreadyExistsError(None, None, "file already exists")
    try:
        os.replace(s, d)
    except OSError as exc:
        raise os_error(exc, s) from None


def copy(src: Any, dst: Any, overwrite: bool = False) -> None:
    """Copies a file; an existing `dst` is an error unless `overwrite`."""
    s, d = path_str(src), path_str(dst)
    if not overwrite and os.path.exists(d):
        raise errors.AlreadyExistsError(None, None, "file already exists")
    try:
        shutil.copyfile(s, d)
    except OSError as exc:
        raise os_error(exc, s) from None


def stat(path: Any) -> FileStatistics:
    """`FileStatistics` of a path."""
    name = path_str(path)
    try:
        st = os.stat(name)
    except OSError as exc:
        raise os_error(exc, name) from None
    return FileStatistics(st.st_size, st.st_mtime_ns, os.path.isdir(name))


def walk(top: Any, topdown: bool = True, onerror: Any = None) -> Iterator[tuple[str, list, list]]:
    """Yields `(dirname, subdirs, files)` for each directory under `top`."""
    name = path_str(top)
    if not os.path.isdir(name):
        return
    yield from os.walk(name, topdown=topdown, onerror=onerror)


def join(path: Any, *paths: Any) -> str:
    """Joins path components."""
    return os.path.join(path_str(path), *(path_str(p) for p in paths))


def get_registered_schemes() -> list[str]:
    return ["file", ""]
