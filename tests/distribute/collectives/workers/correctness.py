"""Run under `mpiexec -n 2`: checks every MpiCommunicator collective against NumPy.

Each rank prints "PASS rank <r>" at the end; any mismatch raises (and the job fails).
"""
import ml_dtypes
import numpy as np

from eagerflow._src.distribute.collectives import MpiCommunicator
from eagerflow._src.framework import errors

SHAPES = [(), (1,), (7,), (3, 4), (2, 3, 5), (0,), (0, 3), (1000,)]
DTYPES = [np.float32, np.float64, np.int32, np.int64, np.uint8, np.float16,
          ml_dtypes.bfloat16, np.complex64]


def value(shape, dtype, rank, salt=0):
    n = int(np.prod(shape, dtype=np.int64))
    base = (np.arange(n) * 7 + salt) % 11 - 5 * (np.dtype(dtype).kind != "u")
    return (base * (rank + 1) + rank).reshape(shape).astype(dtype)


def check(got, want, what):
    assert got.shape == want.shape, (what, got.shape, want.shape)
    assert got.dtype == want.dtype, (what, got.dtype, want.dtype)
    tol = 1e-2 if want.dtype in (np.float16, ml_dtypes.bfloat16) else 1e-6
    np.testing.assert_allclose(got.astype(np.complex128), want.astype(np.complex128), rtol=tol,
                               err_msg=what)


def expected_reduce(shape, dtype, size, op, salt=0):
    wide = np.complex128 if np.dtype(dtype).kind == "c" else np.float64
    if np.dtype(dtype).kind in "iu":
        wide = np.int64
    total = sum(value(shape, dtype, r, salt).astype(wide) for r in range(size))
    if op == "mean":
        if np.dtype(dtype).kind in "iu":
            total = np.where(total < 0, -(np.abs(total) // size), total // size)
        else:
            total = total / size
    return np.asarray(total).astype(dtype)


def main():
    comm = MpiCommunicator()
    rank, size = comm.rank, comm.size
    assert comm.is_chief == (rank == 0)

    # all_reduce: every shape and dtype in one call (packed by dtype), for sum and mean.
    cases = [(s, d) for s in SHAPES for d in DTYPES]
    for op in ("sum", "mean"):
        inputs = [value(s, d, rank) for s, d in cases]
        copies = [a.copy() for a in inputs]
        outs = comm.all_reduce(inputs, op=op)
        for (s, d), got, a, c in zip(cases, outs, inputs, copies):
            check(got, expected_reduce(s, d, size, op), f"{op} {s} {np.dtype(d)}")
            assert np.array_equal(a, c), "all_reduce modified its input"

    # 100 tensors of 10k floats packed into one buffer; and tiny buckets force several.
    many = [value((10_000,), np.float32, rank, salt=i) for i in range(100)]
    for c in (comm, MpiCommunicator(bucket_bytes=100_000)):
        for i, got in enumerate(c.all_reduce(many)):
            check(got, expected_reduce((10_000,), np.float32, size, "sum", salt=i), f"packed {i}")
        # max/min, a non-contiguous input, one tensor alone.
        t = value((6, 5), np.float64, rank).T
        got = c.all_reduce([t], op="max")[0]
        check(got, np.maximum.reduce([value((6, 5), np.float64, r).T for r in range(size)]), "max T")
        got = c.all_reduce([t], op="min")[0]
        check(got, np.minimum.reduce([value((6, 5), np.float64, r).T for r in range(size)]), "min T")

    # Packed results are views of a reused buffer: results kept from earlier calls must never
    # change when later calls reuse (or cannot reuse) that buffer.
    kept = []
    for step in range(6):
        batch = [value((500,), np.float32, rank, salt=step * 10 + i) for i in range(5)]
        kept.append((step, comm.all_reduce(batch)))
        if step % 2:
            kept.pop(0)  # drop one: its buffer may be reused by the next call
    for step, outs in kept:
        for i, got in enumerate(outs):
            check(got, expected_reduce((500,), np.float32, size, "sum", salt=step * 10 + i), f"kept {step}/{i}")
    # Keeping every result: past the pool, results are copies and the pool stops growing.
    hoard = []
    for step in range(8):
        batch = [value((300,), np.float32, rank, salt=100 + step * 10 + i) for i in range(4)]
        hoard.append((step, comm.all_reduce(batch)))
    for step, outs in hoard:
        for i, got in enumerate(outs):
            check(got, expected_reduce((300,), np.float32, size, "sum", salt=100 + step * 10 + i), f"hoard {step}/{i}")
    assert all(len(pool) <= 3 for pool in comm._workspace.values()), "the packing pool grew past its size"

    assert comm.all_reduce_scalar(rank + 1) == size * (size + 1) // 2
    assert abs(comm.all_reduce_scalar(float(rank), op="mean") - (size - 1) / 2) < 1e-12
    assert comm.all_reduce([]) == []

    try:
        comm.all_reduce([np.zeros(3, bool)])
    except errors.InvalidArgumentError:
        pass
    else:
        raise AssertionError("bool all_reduce did not raise")

    # broadcast: in place, from rank 0 and from the last rank; contiguous, packed, strided.
    for root in (0, size - 1):
        arrays = [value(s, d, rank, salt=root) for s, d in cases]
        arrays.append(value((4, 6), np.float32, rank).T)  # a strided view of a writeable array
        comm.broadcast(arrays, root=root)
        for (s, d), got in zip(cases, arrays):
            check(got, value(s, d, root, salt=root), f"broadcast {s} {np.dtype(d)}")
        check(arrays[-1], value((4, 6), np.float32, root).T, "broadcast strided")
    big = np.full(3_000_000, rank, np.float64)  # over the bucket cap: sent alone, in place
    MpiCommunicator(bucket_bytes=1 << 20).broadcast([big, np.full(3, rank)], root=0)
    assert (big == 0).all()

    # all_gather: ragged along the axis, along axis 1, an exotic dtype.
    got = comm.all_gather(np.full((rank + 1, 3), rank, np.int32), axis=0)
    want = np.concatenate([np.full((r + 1, 3), r, np.int32) for r in range(size)])
    check(got, want, "all_gather axis 0")
    got = comm.all_gather(value((2, 3), ml_dtypes.bfloat16, rank), axis=1)
    want = np.concatenate([value((2, 3), ml_dtypes.bfloat16, r) for r in range(size)], axis=1)
    check(got, want, "all_gather axis 1")
    try:
        comm.all_gather(np.zeros((2, 3 + rank), np.float32), axis=0)
    except errors.InvalidArgumentError:
        pass
    else:
        raise AssertionError("mismatched all_gather did not raise")

    comm.barrier()
    print(f"PASS rank {rank}", flush=True)


if __name__ == "__main__":
    main()
