"""Run under `mpiexec -n 2`: rank 1 fails mid-loop; rank 0 must raise UnavailableError.

Usage: failure.py MODE STAMP_FILE, MODE one of kill (SIGKILL), raise (uncaught exception),
exit (sys.exit(3)), stuck (alive, sleeps past the collective timeout).

Rank 1 writes the time it fails to STAMP_FILE. Rank 0 prints one line
`RESULT {"error": ..., "type": ..., "detect_s": ...}` where detect_s is the time from the
failure to the UnavailableError.
"""
import json
import os
import signal
import sys
import time

import numpy as np

from eagerflow._src.distribute.collectives import MpiCommunicator
from eagerflow._src.framework import errors

FAIL_AT_STEP = 50


def main(mode, stamp_file):
    comm = MpiCommunicator()
    grads = [np.ones(10_000, np.float32) for _ in range(10)]
    for step in range(100_000):
        if comm.rank == 1 and step == FAIL_AT_STEP:
            with open(stamp_file, "w") as f:
                f.write(repr(time.time()))
            if mode == "kill":
                os.kill(os.getpid(), signal.SIGKILL)
            elif mode == "raise":
                raise RuntimeError("injected failure on rank 1")
            elif mode == "exit":
                sys.exit(3)
            elif mode == "stuck":
                time.sleep(comm.timeout_s + 6)
        try:
            comm.all_reduce(grads, op="mean")
        except errors.UnavailableError as exc:
            raised_at = time.time()
            with open(stamp_file) as f:
                failed_at = float(f.read())
            print("RESULT " + json.dumps({"error": str(exc), "type": type(exc).__name__,
                                          "detect_s": raised_at - failed_at, "step": step}),
                  flush=True)
            if comm.rank == 0:
                # Later calls fail at once rather than touching the broken communicator.
                try:
                    comm.barrier()
                except errors.UnavailableError:
                    print("BROKEN-OK", flush=True)
            return
    raise AssertionError("rank 1 never failed")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
