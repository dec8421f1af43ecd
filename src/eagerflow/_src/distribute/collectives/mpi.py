"""Collectives over MPI (mpi4py + MPICH) that fail with `UnavailableError` instead of hanging.

Launch one process per worker::

    mpiexec -disable-auto-cleanup -n 2 python train.py
    mpiexec -disable-auto-cleanup -n 2 python -m eagerflow run train.py

`-disable-auto-cleanup` is recommended: without it MPICH's launcher (Hydra) SIGKILLs every
other rank the moment one rank is killed by a signal, so the survivors cannot report (or
save) anything. With it, the survivors raise `UnavailableError` and exit on their own terms.
A rank that fails by an exception or `sys.exit` is reported under either launch line.
`python -m mpi4py train.py` also works but MPI_Abort()s the whole job on an exception.

How failures are detected (MPI itself has no timeout, and MPICH does not fail a pending
collective when a peer dies: measured, the survivor spins forever):

* Every collective is non-blocking (`Iallreduce`, `Ibcast`, ...) and the calling thread polls
  `Test()` itself, so between polls it can notice a lost peer, a deadline or Ctrl-C.
* A liveness mesh on the side (`liveness.py`): one TCP connection to every other rank, read
  by a daemon thread, sees a dead peer within milliseconds; exit hooks tell the peers why a
  rank leaves (an exception, `sys.exit`, or the end of the script). The polling loop only
  reads one attribute per poll.
* A watchdog: a collective that has not completed within `timeout_s` (default 300 s,
  env `EAGERFLOW_COLLECTIVE_TIMEOUT`) raises too; the peers are asked over the mesh which
  collective they are in, so the message names the rank that is alive but stuck.

After an `UnavailableError` the communicator is broken: every later call raises at once.
"""
from __future__ import annotations

import os
import sys
import time
import zlib
from typing import Any, Sequence

import numpy as np

from eagerflow._src.distribute.collectives.liveness import LivenessMesh, install_exit_hooks
from eagerflow._src.framework import errors

TIMEOUT_ENV = "EAGERFLOW_COLLECTIVE_TIMEOUT"
DEFAULT_TIMEOUT_S = 300.0
BUCKET_BYTES = 32 << 20
# After this long in one collective the wait is a straggler's: poll gently, free the core.
_PATIENT_AFTER_S = 1.0
_QUERY_TIMEOUT_S = 2.0

# op name -> (MPI op attribute, divide the sum by the number of ranks)
# Results at least this large are kept for reuse once nobody references them.
_SPARE_MIN_BYTES = 1 << 20
# Packing buffers kept per (dtype, bucket): results alive from two earlier steps still find one.
_PACKING_POOL = 3

_REDUCE_OPS = {
    "sum": ("SUM", False),
    "mean": ("SUM", True),
    "max": ("MAX", False),
    "min": ("MIN", False),
}

# dtypes MPI cannot reduce natively are reduced in a wider one and cast back.
_WIDER_FOR_REDUCE = {np.dtype(np.float16): np.dtype(np.float32)}
try:
    import ml_dtypes

    _WIDER_FOR_REDUCE[np.dtype(ml_dtypes.bfloat16)] = np.dtype(np.float32)
except ImportError:  # pragma: no cover - ml_dtypes is a dependency
    pass


def _import_mpi() -> Any:
    try:
        from mpi4py import MPI
    except ImportError as exc:
        raise ImportError(
            "MpiCommunicator needs mpi4py and an MPI library: pip install 'eagerflow[mpi]'"
        ) from exc
    return MPI


class MpiCommunicator:
    """All ranks of an MPI job (a private duplicate of `COMM_WORLD`), on NumPy arrays.

    Every rank must call the same collectives in the same order with matching arrays.

    Args:
      timeout_s: seconds one collective may wait for its peers before raising
        `UnavailableError`; default `$EAGERFLOW_COLLECTIVE_TIMEOUT` or 300.
      bucket_bytes: cap on one packed all-reduce buffer.

    Raises:
      ImportError: mpi4py is not installed.
    """

    def __init__(self, timeout_s: float | None = None, bucket_bytes: int = BUCKET_BYTES):
        self._mpi = _import_mpi()
        # A lost peer must surface as an error we turn into UnavailableError, never as MPICH
        # aborting this process from inside its progress engine: errors return on every
        # communicator we touch, the world's included.
        self._mpi.COMM_WORLD.Set_errhandler(self._mpi.ERRORS_RETURN)
        self._mpi.COMM_SELF.Set_errhandler(self._mpi.ERRORS_RETURN)
        self._comm = self._mpi.COMM_WORLD.Dup()
        self._comm.Set_errhandler(self._mpi.ERRORS_RETURN)
        _ignore_launcher_failure_signal()
        self.rank: int = self._comm.Get_rank()
        self.size: int = self._comm.Get_size()
        if timeout_s is None:
            timeout_s = float(os.environ.get(TIMEOUT_ENV, DEFAULT_TIMEOUT_S))
        self.timeout_s = timeout_s
        self.bucket_bytes = bucket_bytes
        self._seq = 0  # collectives started; identical on every healthy rank
        self._completed = 0
        self._busy = False
        self._broken: errors.OpError | None = None
        # Packing buffers, kept between calls: MPICH moves a freshly allocated buffer several
        # times slower than a reused one (measured: 4 MB in ~7 ms instead of ~1.3 ms).
        self._workspace: dict[tuple[np.dtype, int], list[np.ndarray]] = {}
        self._scratch: dict[tuple[np.dtype, int], np.ndarray] = {}  # never handed out
        self._spares: dict[tuple, np.ndarray] = {}
        self._mesh = LivenessMesh(self.rank, self.size, self._comm.allgather, self._progress)
        install_exit_hooks(self._mesh, lambda: self.timeout_s)

    @property
    def is_chief(self) -> bool:
        """True on rank 0, the worker that writes checkpoints and summaries."""
        return self.rank == 0

    # -- collectives ---------------------------------------------------------------------

    def barrier(self) -> None:
        """Returns once every rank has called `barrier`.

        Raises:
          UnavailableError: a peer was lost, or did not arrive within `timeout_s`.
        """
        self._begin()
        self._wait([self._comm.Ibarrier()], "barrier")

    def broadcast(self, arrays: Sequence[np.ndarray], root: int = 0) -> None:
        """Overwrites each array in place with the root rank's value.

        Small arrays are packed into a few buffers (by bytes, so any dtype works).

        Raises:
          InvalidArgumentError: an array is not writeable.
          UnavailableError: a peer was lost, or did not arrive within `timeout_s`.
        """
        views = list(arrays)
        for a in views:
            if not isinstance(a, np.ndarray) or not a.flags.writeable:
                raise errors.InvalidArgumentError(None, None, "broadcast needs writeable NumPy arrays")
        self._begin()
        byte = self._mpi.BYTE
        requests, unpacks = [], []
        for members in _buckets([a.nbytes for a in views], self.bucket_bytes):
            if len(members) == 1 and views[members[0]].flags.c_contiguous:
                a = views[members[0]]
                requests.append(self._comm.Ibcast([a.reshape(-1).view(np.uint8), byte], root=root))
                continue
            buf = np.empty(sum(views[i].nbytes for i in members), np.uint8)
            if self.rank == root:
                _pack_bytes([views[i] for i in members], buf)
            requests.append(self._comm.Ibcast([buf, byte], root=root))
            unpacks.append((members, buf))
        self._wait(requests, "broadcast")
        if self.rank != root:
            for members, buf in unpacks:
                offset = 0
                for i in members:
                    a = views[i]
                    a[...] = buf[offset:offset + a.nbytes].view(a.dtype).reshape(a.shape)
                    offset += a.nbytes

    def all_reduce(self, arrays: Sequence[np.ndarray], op: str = "sum") -> list[np.ndarray]:
        """Reduces each array elementwise over all ranks; returns new arrays, inputs untouched.

        Arrays are packed by dtype into buffers of at most `bucket_bytes`, so many small
        tensors cost about one collective. `op` is "sum", "mean", "max" or "min"; "mean" of
        integers truncates toward zero like TF's integer division. float16 and bfloat16 are
        reduced in float32.

        Raises:
          InvalidArgumentError: unknown op, or a dtype that cannot be reduced (bool, str).
          UnavailableError: a peer was lost, or did not arrive within `timeout_s`.
        """
        if op not in _REDUCE_OPS:
            raise errors.InvalidArgumentError(
                None, None, f"all_reduce op must be one of {sorted(_REDUCE_OPS)}, got {op!r}")
        mpi_op_name, divide = _REDUCE_OPS[op]
        mpi_op = getattr(self._mpi, mpi_op_name)
        arrays = [np.asarray(a) for a in arrays]
        wire = [_reduce_dtype(a.dtype) for a in arrays]
        self._begin()
        by_dtype: dict[np.dtype, list[int]] = {}
        for i, dtype in enumerate(wire):
            by_dtype.setdefault(dtype, []).append(i)
        results: list[Any] = [None] * len(arrays)
        requests, packed, sends = [], [], []
        for dtype, indices in by_dtype.items():
            sizes = [arrays[i].size * dtype.itemsize for i in indices]
            for bucket, members in enumerate(_buckets(sizes, self.bucket_bytes)):
                members = [indices[m] for m in members]
                first = arrays[members[0]]
                if len(members) == 1 and first.dtype == dtype:
                    out = self._result_buffer(first.shape, dtype)
                    send = np.asarray(first, order="C")
                    sends.append(send)  # alive until the request completes: MPI reads it
                    requests.append(self._comm.Iallreduce(send, out, mpi_op))
                    results[members[0]] = out
                    packed.append(([members[0]], out, True))
                    continue
                buf, shared = self._packing_buffer(dtype, bucket, sum(arrays[i].size for i in members))
                np.concatenate([arrays[i].reshape(-1) for i in members], out=buf)  # one C call
                requests.append(self._comm.Iallreduce(self._mpi.IN_PLACE, buf, mpi_op))
                packed.append((members, buf, shared))
        self._wait(requests, "all_reduce")
        for members, buf, shared in packed:
            if divide:
                _divide_in_place(buf, self.size)
            if results[members[0]] is not None:
                continue  # reduced alone, straight into its result
            offset = 0
            for i in members:
                a = arrays[i]
                part = buf[offset:offset + a.size].reshape(a.shape)
                # Views of a pooled buffer (reused only once none is alive), or copies out of the
                # private scratch buffer while earlier results still hold every pooled one.
                results[i] = part if shared and a.dtype == buf.dtype else part.astype(a.dtype)
                offset += a.size
        return results

    def _result_buffer(self, shape: tuple, dtype: np.dtype) -> np.ndarray:
        """The output for a large array reduced alone: the previous one of that shape when
        nothing references it any more (faulting in a fresh large buffer costs more than the
        reduction), else a new one. Only unreferenced buffers are reused, so a result handed
        out earlier never changes."""
        key = (dtype, shape)
        spare = self._spares.get(key)
        if spare is not None and sys.getrefcount(spare) <= 3:  # the dict, `spare`, the call
            spare.flags.writeable = True  # a tensor that held it may have frozen it; it is ours
            return spare
        out = np.empty(shape, dtype)
        if out.nbytes >= _SPARE_MIN_BYTES:
            self._spares[key] = out
        return out

    def _packing_buffer(self, dtype: np.dtype, bucket: int, size: int) -> tuple[np.ndarray, bool]:
        """A buffer of `size` elements for one packed all-reduce, and whether results may be views
        of it. Pooled buffers are handed out (as views) only when no result from an earlier call
        is alive (their reference count says so); new ones join the pool while it has room. Once
        earlier results hold every pooled buffer, the bucket's private scratch buffer is used and
        results are copied out of it, so kept results never pin more than the pool."""
        pool = self._workspace.setdefault((dtype, bucket), [])
        for buf in pool:
            if buf.size >= size and sys.getrefcount(buf) <= 3:  # the pool, `buf`, the call
                return buf[:size], True
        if len(pool) < _PACKING_POOL:
            buf = np.empty(max(size, 1024), dtype)
            pool.append(buf)
            return buf[:size], True
        scratch = self._scratch.get((dtype, bucket))
        if scratch is None or scratch.size < size:
            scratch = self._scratch[(dtype, bucket)] = np.empty(max(size, 1024), dtype)
        return scratch[:size], False

    def all_reduce_scalar(self, value: Any, op: str = "sum") -> Any:
        """`all_reduce` of one Python or NumPy scalar; returns a Python scalar."""
        return self.all_reduce([np.asarray(value)], op)[0].item()

    def all_gather(self, array: np.ndarray, axis: int = 0) -> np.ndarray:
        """Concatenates every rank's array along `axis`, in rank order.

        The arrays may differ in length along `axis` only.

        Raises:
          InvalidArgumentError: dtypes or the other dimensions differ between ranks.
          UnavailableError: a peer was lost, or did not arrive within `timeout_s`.
        """
        array = np.asarray(array)
        if array.ndim == 0:
            raise errors.InvalidArgumentError(None, None, "all_gather needs an array of rank >= 1")
        axis = axis % array.ndim
        moved = np.asarray(np.moveaxis(array, axis, 0), order="C")
        # One header exchange first: dtype and shape of every rank, so a mismatch is an error
        # rather than garbage, and the receive counts are known.
        header = np.zeros(2 + 32, np.int64)
        header[0] = array.ndim
        header[1] = zlib.crc32(array.dtype.name.encode())
        header[2:2 + array.ndim] = moved.shape
        headers = np.empty((self.size, header.size), np.int64)
        self._begin()
        self._wait([self._comm.Iallgather(header, headers)], "all_gather")
        for r, h in enumerate(headers):
            if h[0] != array.ndim or h[1] != header[1] or tuple(h[3:2 + h[0]]) != moved.shape[1:]:
                raise errors.InvalidArgumentError(
                    None, None,
                    f"all_gather: rank {r} differs from rank {self.rank} ({array.dtype} "
                    f"{array.shape}) in dtype or in a dimension other than axis {axis}")
        row_bytes = int(np.prod(moved.shape[1:], dtype=np.int64)) * array.itemsize
        counts = [int(h[2]) * row_bytes for h in headers]
        out = np.empty(sum(counts), np.uint8)
        displs = np.concatenate([[0], np.cumsum(counts[:-1])]).astype(int).tolist()
        byte = self._mpi.BYTE
        self._seq += 1
        self._wait([self._comm.Iallgatherv([moved.reshape(-1).view(np.uint8), byte],
                                           [out, (counts, displs), byte])], "all_gather")
        gathered = out.view(array.dtype).reshape((int(headers[:, 2].sum()),) + moved.shape[1:])
        return np.moveaxis(gathered, 0, axis)

    def close(self) -> None:
        """Stops the liveness mesh; call on every rank, after the last collective."""
        self._mesh.close()

    # -- waiting -------------------------------------------------------------------------

    def _progress(self) -> tuple[int, int, bool]:
        """(collectives started, completed, busy in one now), told to the peers by the mesh."""
        return self._seq, self._completed, self._busy

    def _begin(self) -> None:
        if self._broken is not None:
            raise errors.UnavailableError(
                None, None, f"{self._broken.message} (the communicator is unusable since)")
        self._seq += 1

    def _wait(self, requests: list, what: str) -> None:
        """Polls `requests` to completion, raising on a lost peer or the watchdog deadline."""
        mesh = self._mesh
        start = time.monotonic()
        deadline = start + self.timeout_s
        patient = start + _PATIENT_AFTER_S
        polls = 0
        self._busy = True
        try:
            for request in requests:
                while not request.Test():
                    if mesh.departed:
                        self._check_departures(what)
                    polls += 1
                    # Reading the clock on every poll costs bandwidth; every 256th is plenty.
                    if polls & 255 == 0:
                        now = time.monotonic()
                        if now > patient:
                            if now > deadline:
                                self._fail(*self._find_stuck_peer(what))
                            time.sleep(0.0002)
            self._completed = self._seq
        except self._mpi.Exception as exc:
            if mesh.departed:
                self._check_departures(what)
            self._fail(None, f"MPI error in {what} #{self._seq}: {exc}")
        finally:
            self._busy = False

    def _check_departures(self, what: str) -> None:
        lost = []
        for rank, (kind, detail) in sorted(dict(self._mesh.departed).items()):
            if kind == "BYE":
                if detail >= self._seq:
                    continue  # it finished this collective, its data is on the way
                detail = (f"it exited (sys.exit or end of script) after {detail} collectives, "
                          f"while rank {self.rank} waits in {what} #{self._seq}")
            lost.append((rank, detail))
        if lost:
            rank, detail = lost[0]
            others = "".join(f"; rank {r}: {d}" for r, d in lost[1:])
            self._fail(rank, f"{detail}{others}")

    def _find_stuck_peer(self, what: str) -> tuple[int | None, str]:
        answers = self._mesh.query_positions(_QUERY_TIMEOUT_S)
        behind = []
        for peer in range(self.size):
            if peer == self.rank:
                continue
            if peer not in answers:
                behind.append((peer, "it did not answer a liveness query (hung in native code?)"))
            elif answers[peer][0] < self._seq or not answers[peer][1]:
                behind.append((peer, f"it is alive but has not joined {what} #{self._seq} after "
                                     f"{self.timeout_s:g} s (it is at collective #{answers[peer][0]})"))
        if behind:
            return behind[0][0], "; ".join(f"rank {r}: {d}" if i else d for i, (r, d) in enumerate(behind))
        return None, f"{what} #{self._seq} did not complete within {self.timeout_s:g} s"

    def _fail(self, rank: int | None, detail: str) -> None:
        if rank is None:
            message = f"Collective failed on rank {self.rank} of {self.size}: {detail}"
        else:
            message = f"Worker rank {rank} of {self.size} is unavailable: {detail}"
        self._broken = errors.UnavailableError(None, None, message)
        raise self._broken


def _reduce_dtype(dtype: np.dtype) -> np.dtype:
    if dtype in _WIDER_FOR_REDUCE:
        return _WIDER_FOR_REDUCE[dtype]
    if dtype.kind not in "iufc":
        raise errors.InvalidArgumentError(None, None, f"all_reduce cannot reduce dtype {dtype}")
    return dtype


def _buckets(nbytes: Sequence[int], cap: int) -> list[list[int]]:
    """Groups consecutive item indices into runs of at most `cap` bytes (an oversize item alone)."""
    runs: list[list[int]] = []
    current: list[int] = []
    filled = 0
    for i, n in enumerate(nbytes):
        if current and filled + n > cap:
            runs.append(current)
            current, filled = [], 0
        current.append(i)
        filled += n
    if current:
        runs.append(current)
    return runs


def _pack_bytes(arrays: Sequence[np.ndarray], buf: np.ndarray) -> None:
    offset = 0
    for a in arrays:
        buf[offset:offset + a.nbytes] = np.asarray(a, order="C").reshape(-1).view(np.uint8)
        offset += a.nbytes


def _divide_in_place(buf: np.ndarray, n: int) -> None:
    if buf.dtype.kind in "fc":
        np.divide(buf, n, out=buf)
    else:  # TF's integer mean truncates toward zero
        quotient = np.abs(buf) // n
        buf[...] = np.where(buf < 0, -quotient, quotient)


def _ignore_launcher_failure_signal() -> None:
    """Hydra (`mpiexec -disable-auto-cleanup`) signals SIGUSR1 when a peer dies; MPICH's handler
    then sometimes ends this process from inside its progress engine, before we can report.
    Our liveness mesh detects lost peers itself, so the signal is ignored (main thread only)."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGUSR1, signal.SIG_IGN)
