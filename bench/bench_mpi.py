"""MpiCommunicator against raw mpi4py: run as `mpiexec -n 2 python bench/bench_mpi.py`.

1. all-reduce of one 64 MB float32 tensor: `MpiCommunicator.all_reduce` (non-blocking and
   polled, for failure detection) next to `comm.Allreduce`; target ratio >= 0.9.
2. all-reduce of 100 tensors of 10k float32: packed in one call next to one call per
   tensor; target >= 5x.

Timings alternate the contenders round by round; the figures are the best round (the
least disturbed: two spinning ranks on a 2-core machine share it with everything else),
with the median beside it.
"""
import statistics
import time

import numpy as np
from mpi4py import MPI

from eagerflow._src.distribute.collectives import MpiCommunicator


def timed(comm, fn, reps):
    comm.barrier()
    start = time.perf_counter()
    for _ in range(reps):
        fn()
    return (time.perf_counter() - start) / reps


def main():
    raw = MPI.COMM_WORLD
    comm = MpiCommunicator()
    big = np.ones(16 << 20, np.float32)  # 64 MB
    out = np.empty_like(big)
    small = [np.ones(10_000, np.float32) for _ in range(100)]

    contenders = {
        "raw Allreduce 64MB": lambda: raw.Allreduce(big, out),
        "all_reduce 64MB": lambda: comm.all_reduce([big]),
        "all_reduce 100x10k packed": lambda: comm.all_reduce(small),
        "all_reduce 100x10k one by one": lambda: [comm.all_reduce([t]) for t in small],
    }
    reps = {"raw Allreduce 64MB": 3, "all_reduce 64MB": 3}
    times = {name: [] for name in contenders}
    for fn in contenders.values():  # warm-up: first-touch of buffers, MPI connections
        fn()
    for _ in range(15):
        for name, fn in contenders.items():
            times[name].append(timed(comm, fn, reps.get(name, 20)))
    if comm.is_chief:
        med = {name: min(t) for name, t in times.items()}
        median = {name: statistics.median(t) for name, t in times.items()}
        gbps = {name: big.nbytes / med[name] / 1e9 for name in ("raw Allreduce 64MB", "all_reduce 64MB")}
        print(f"ranks: {comm.size}")
        for name in gbps:
            print(f"{name:32s} {med[name] * 1e3:8.2f} ms  {gbps[name]:6.2f} GB/s"
                  f"  (median {median[name] * 1e3:.2f} ms)")
        ratio = gbps["all_reduce 64MB"] / gbps["raw Allreduce 64MB"]
        print(f"bandwidth ratio (MpiCommunicator / raw): {ratio:.3f}  (target >= 0.9)")
        for name in ("all_reduce 100x10k packed", "all_reduce 100x10k one by one"):
            print(f"{name:32s} {med[name] * 1e3:8.3f} ms  (median {median[name] * 1e3:.3f} ms)")
        speedup = med["all_reduce 100x10k one by one"] / med["all_reduce 100x10k packed"]
        print(f"packing speedup: {speedup:.1f}x  (target >= 5x)")
    comm.close()


if __name__ == "__main__":
    main()
