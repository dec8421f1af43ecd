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
* A liveness mesh on the side: each rank holds one TCP connection to every other rank
  (loopback when all ranks share a host). The kernel closes a dead process's sockets, so a
  SIGKILLed rank is seen as end-of-file within milliseconds. A daemon thread reads these
  sockets and records departures; the polling loop only reads one attribute per poll.
* Hooks say why a rank leaves: `sys.excepthook` sends "EXC <error>" to the peers before the
  traceback is printed; an `atexit` hook sends "BYE <collectives completed>", so a clean end
  is told apart from a `sys.exit` mid-training (a peer waiting in a collective the departed
  rank never completed raises). The `atexit` hook then waits until every peer has left too:
  MPICH's MPI_Finalize hangs for good if entered while a peer is alive that later exits
  without finalizing (measured), and returns if entered after (a SIGKILLed peer is fine).
* A watchdog: a collective that has not completed within `timeout_s` (default 300 s,
  env `EAGERFLOW_COLLECTIVE_TIMEOUT`) raises too; the peers are asked over the mesh which
  collective they are in, so the message names the rank that is alive but stuck.

After an `UnavailableError` the communicator is broken: every later call raises at once.
"""
from __future__ import annotations

import atexit
import os
import select
import socket
import struct
import sys
import threading
import time
import zlib
from typing import Any, Sequence

import numpy as np

from eagerflow.framework import errors

TIMEOUT_ENV = "EAGERFLOW_COLLECTIVE_TIMEOUT"
DEFAULT_TIMEOUT_S = 300.0
BUCKET_BYTES = 32 << 20
# After this long in one collective the wait is a straggler's: poll gently, free the core.
_PATIENT_AFTER_S = 1.0
_QUERY_TIMEOUT_S = 2.0

# op name -> (MPI op attribute, divide the sum by the number of ranks)
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
            "MpiCommunicator needs mpi4py and an MPI library: pip install eagerflow[mpi]"
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
        self._comm = self._mpi.COMM_WORLD.Dup()
        self._comm.Set_errhandler(self._mpi.ERRORS_RETURN)
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
        self._workspace: dict[tuple[np.dtype, int], np.ndarray] = {}
        self._mesh = _LivenessMesh(self)
        _install_exit_hooks(self._mesh)

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
                    out = np.empty(first.shape, dtype)
                    send = np.asarray(first, order="C")
                    sends.append(send)  # alive until the request completes: MPI reads it
                    requests.append(self._comm.Iallreduce(send, out, mpi_op))
                    results[members[0]] = out
                    packed.append(([members[0]], out))
                    continue
                buf = self._scratch(dtype, bucket, sum(arrays[i].size for i in members))
                offset = 0
                for i in members:
                    buf[offset:offset + arrays[i].size] = arrays[i].reshape(-1)
                    offset += arrays[i].size
                requests.append(self._comm.Iallreduce(self._mpi.IN_PLACE, buf, mpi_op))
                packed.append((members, buf))
        self._wait(requests, "all_reduce")
        for members, buf in packed:
            if divide:
                _divide_in_place(buf, self.size)
            if results[members[0]] is not None:
                continue  # reduced alone, straight into its result
            offset = 0
            for i in members:
                a = arrays[i]
                results[i] = buf[offset:offset + a.size].reshape(a.shape).astype(a.dtype)
                offset += a.size
        return results

    def _scratch(self, dtype: np.dtype, bucket: int, size: int) -> np.ndarray:
        buf = self._workspace.get((dtype, bucket))
        if buf is None or buf.size < size:
            buf = self._workspace[(dtype, bucket)] = np.empty(max(size, 1024), dtype)
        return buf[:size]

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


# -- the liveness mesh -----------------------------------------------------------------------


class _LivenessMesh:
    """One TCP connection to every peer, read by a daemon thread; see the module docstring.

    Wire format: newline-terminated ASCII lines "BYE <n>", "EXC <text>", "Q" (where are
    you?) and "A <seq> <busy>" (the answer).
    """

    def __init__(self, comm: MpiCommunicator):
        self._owner = comm
        self.rank, self.size = comm.rank, comm.size
        self.departed: dict[int, tuple[str, Any]] = {}  # rank -> ("EOF"|"EXC"|"BYE", detail)
        self.ended: set[int] = set()  # ranks whose connection closed: their process is gone
        self._answers: dict[int, tuple[int, bool]] = {}
        self._answered = threading.Condition()
        self._send_lock = threading.Lock()
        self._peers: dict[int, socket.socket] = {}
        self._closed = False
        hosts = comm._comm.allgather(socket.gethostname())
        local = len(set(hosts)) == 1
        bind_host = "127.0.0.1" if local else ""
        listener = socket.create_server((bind_host, 0), backlog=max(self.size, 8))
        address = ("127.0.0.1" if local else socket.gethostbyname(socket.gethostname()),
                   listener.getsockname()[1])
        addresses = comm._comm.allgather(address)
        for peer in range(self.rank):  # connect down, accept from above: no ordering deadlock
            sock = socket.create_connection(addresses[peer], timeout=30)
            sock.sendall(struct.pack("<i", self.rank))
            self._peers[peer] = sock
        listener.settimeout(60)
        for _ in range(self.rank + 1, self.size):
            sock, _ = listener.accept()
            sock.settimeout(30)
            (peer,) = struct.unpack("<i", _recv_exact(sock, 4))
            self._peers[peer] = sock
        listener.close()
        for sock in self._peers.values():
            sock.settimeout(None)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        self._wake_r, self._wake_w = os.pipe()
        self._thread = threading.Thread(target=self._read_loop, name="eagerflow-liveness", daemon=True)
        self._thread.start()

    def announce(self, line: str) -> None:
        """Sends one line to every peer still connected; never raises."""
        data = (line.replace("\n", " ") + "\n").encode("utf-8", "replace")
        with self._send_lock:
            for sock in self._peers.values():
                try:
                    sock.sendall(data)
                except OSError:
                    pass

    def query_positions(self, timeout_s: float) -> dict[int, tuple[int, bool]]:
        """Asks every peer which collective it is in; returns rank -> (seq, busy) of answers."""
        with self._answered:
            self._answers.clear()
        self.announce("Q")
        deadline = time.monotonic() + timeout_s
        with self._answered:
            while len(self._answers) < len(self._peers) - len(self.departed):
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._answered.wait(left)
            return dict(self._answers)

    def wait_for_peers(self, notice_after_s: float) -> None:
        """Returns once every peer has announced its departure or its process has ended.

        MPICH's MPI_Finalize waits for the peers too, but hangs for good when a peer then
        exits without finalizing (measured); entered after this wait, it returns.
        """
        notice_at: float | None = time.monotonic() + notice_after_s
        while not self._closed:
            waiting = [p for p in self._peers if p not in self.departed]
            if not waiting:
                return
            if notice_at is not None and time.monotonic() > notice_at:
                notice_at = None
                print(f"eagerflow: rank {self.rank} is leaving and waits for rank(s) {waiting} "
                      "to finish or fail", file=sys.stderr, flush=True)
            time.sleep(0.005)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            os.write(self._wake_w, b"x")

    def _read_loop(self) -> None:
        by_fd = {sock.fileno(): (peer, sock) for peer, sock in self._peers.items()}
        pending = {peer: b"" for peer in self._peers}
        while by_fd and not self._closed:
            readable, _, _ = select.select(list(by_fd) + [self._wake_r], [], [])
            for fd in readable:
                if fd == self._wake_r:
                    return
                peer, sock = by_fd[fd]
                try:
                    data = sock.recv(65536)
                except OSError as exc:
                    data, reason = b"", f"its liveness connection failed ({exc})"
                else:
                    reason = "its process ended without a word (killed by a signal or crashed)"
                if not data:
                    del by_fd[fd]
                    self.ended.add(peer)
                    self.departed.setdefault(peer, ("EOF", reason))
                    continue
                pending[peer] += data
                *lines, pending[peer] = pending[peer].split(b"\n")
                for line in lines:
                    self._handle(peer, line.decode("utf-8", "replace"))
        # Wake anyone waiting for answers: no more will come.
        with self._answered:
            self._answered.notify_all()

    def _handle(self, peer: int, line: str) -> None:
        kind, _, rest = line.partition(" ")
        if kind == "BYE":
            self.departed.setdefault(peer, ("BYE", int(rest)))
        elif kind == "EXC":
            self.departed.setdefault(peer, ("EXC", f"it raised {rest}"))
        elif kind == "Q":
            self._send_to(peer, f"A {self._owner._seq} {int(self._owner._busy)}\n")
        elif kind == "A":
            seq, busy = rest.split()
            with self._answered:
                self._answers[peer] = (int(seq), busy == "1")
                self._answered.notify_all()

    def _send_to(self, peer: int, line: str) -> None:
        with self._send_lock:
            try:
                self._peers[peer].sendall(line.encode())
            except OSError:
                pass


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("peer closed the liveness connection during setup")
        data += chunk
    return data


# -- process exit hooks ----------------------------------------------------------------------

_meshes: list[_LivenessMesh] = []
_previous_excepthook = None


def _install_exit_hooks(mesh: _LivenessMesh) -> None:
    global _previous_excepthook
    _meshes.append(mesh)
    if _previous_excepthook is None:
        _previous_excepthook = sys.excepthook
        sys.excepthook = _excepthook
        # Registered after mpi4py's import, so it runs before MPI_Finalize.
        atexit.register(_leave)


def _excepthook(exc_type, exc, tb) -> None:
    """Tells the peers why this rank dies, before the traceback is printed."""
    for mesh in _meshes:
        mesh.announce(f"EXC {exc_type.__name__}: {exc}")
    _previous_excepthook(exc_type, exc, tb)
    # Python now exits with status 1 through `_leave` and MPI_Finalize. Exiting without
    # MPI_Finalize would leave the peers' own MPI_Finalize hanging.


def _leave() -> None:
    """At exit: says how many collectives completed (after an exception, the peers already
    know why), then waits until the peers leave too, so that MPI_Finalize returns."""
    for mesh in _meshes:
        if not mesh._closed:
            mesh.announce(f"BYE {mesh._owner._completed}")
    for mesh in _meshes:
        mesh.wait_for_peers(notice_after_s=mesh._owner.timeout_s)
