"""The liveness mesh beside the MPI communicator: how a rank learns that a peer is gone.

MPI itself has no timeout, and MPICH does not fail a pending collective when a peer dies
(measured: the survivor spins forever). So, on the side:

* Each rank holds one TCP connection to every other rank (loopback when all ranks share a
  host). The kernel closes a dead process's sockets, so a SIGKILLed rank is seen as
  end-of-file within milliseconds. A daemon thread reads these sockets and records
  departures; the communicator's polling loop only reads one attribute per poll.
* Hooks say why a rank leaves: `sys.excepthook` sends "EXC <error>" to the peers before the
  traceback is printed; an `atexit` hook sends "BYE <collectives completed>", so a clean end
  is told apart from a `sys.exit` mid-training (a peer waiting in a collective the departed
  rank never completed raises). The `atexit` hook then waits until every peer has left too:
  MPICH's MPI_Finalize hangs for good if entered while a peer is alive that later exits
  without finalizing (measured), and returns if entered after (a SIGKILLed peer is fine).
* Peers can be asked which collective they are in ("Q"), so the watchdog's message names the
  rank that is alive but stuck.

Plain sockets and threads only: nothing here imports mpi4py.
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
from typing import Any, Callable


class LivenessMesh:
    """One TCP connection to every peer, read by a daemon thread; see the module docstring.

    Wire format: newline-terminated ASCII lines "BYE <n>", "EXC <text>", "Q" (where are
    you?) and "A <seq> <busy>" (the answer).

    Args:
      rank: this process's rank; size: the number of ranks.
      allgather: gathers one picklable object from every rank, in rank order (the
        communicator's own `allgather`); used once, to exchange listening addresses.
      progress: returns (collectives started, collectives completed, busy in one now), for
        the answers to peers' queries and the departure message.
    """

    def __init__(self, rank: int, size: int, allgather: Callable[[Any], list],
                 progress: Callable[[], tuple[int, int, bool]]):
        self._progress = progress
        self.rank, self.size = rank, size
        self.departed: dict[int, tuple[str, Any]] = {}  # rank -> ("EOF"|"EXC"|"BYE", detail)
        self.ended: set[int] = set()  # ranks whose connection closed: their process is gone
        self._answers: dict[int, tuple[int, bool]] = {}
        self._answered = threading.Condition()
        self._send_lock = threading.Lock()
        self._peers: dict[int, socket.socket] = {}
        self._closed = False
        hosts = allgather(socket.gethostname())
        local = len(set(hosts)) == 1
        bind_host = "127.0.0.1" if local else ""
        listener = socket.create_server((bind_host, 0), backlog=max(self.size, 8))
        address = ("127.0.0.1" if local else socket.gethostbyname(socket.gethostname()),
                   listener.getsockname()[1])
        addresses = allgather(address)
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
        """Stops the reader thread; the connections stay open until the process ends."""
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
            started, _, busy = self._progress()
            self._send_to(peer, f"A {started} {int(busy)}\n")
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

# Each mesh with the seconds to wait quietly for its peers at exit (the collective timeout).
_meshes: list[tuple[LivenessMesh, Callable[[], float]]] = []
_previous_excepthook = None


def install_exit_hooks(mesh: LivenessMesh, notice_after_s: Callable[[], float]) -> None:
    """Makes this process tell `mesh`'s peers why it leaves (an exception, or the end of the
    script) and, at exit, wait for them to leave too; `notice_after_s()` is how long to wait
    before saying so on stderr."""
    global _previous_excepthook
    _meshes.append((mesh, notice_after_s))
    if _previous_excepthook is None:
        _previous_excepthook = sys.excepthook
        sys.excepthook = _excepthook
        # Registered after mpi4py's import, so it runs before MPI_Finalize.
        atexit.register(_leave)


def _excepthook(exc_type, exc, tb) -> None:
    """Tells the peers why this rank dies, before the traceback is printed."""
    for mesh, _ in _meshes:
        mesh.announce(f"EXC {exc_type.__name__}: {exc}")
    _previous_excepthook(exc_type, exc, tb)
    # Python now exits with status 1 through `_leave` and MPI_Finalize. Exiting without
    # MPI_Finalize would leave the peers' own MPI_Finalize hanging.


def _leave() -> None:
    """At exit: says how many collectives completed (after an exception, the peers already
    know why), then waits until the peers leave too, so that MPI_Finalize returns."""
    for mesh, _ in _meshes:
        if not mesh._closed:
            mesh.announce(f"BYE {mesh._progress()[1]}")
    for mesh, notice_after_s in _meshes:
        mesh.wait_for_peers(notice_after_s=notice_after_s())
