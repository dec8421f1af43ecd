"""`tf.fingerprint`: farmhash Fingerprint64 of each row of a tensor, as 8 little-endian bytes."""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import conversion
from eagerflow._src.ops.array_args import invalid


def _row_bytes(row: Any) -> bytes:
    from eagerflow._src.ops.string_hash import fingerprint64  # first use only

    if isinstance(row, (bytes, str)):  # one string per row
        return row if isinstance(row, bytes) else row.encode()
    if row.dtype == object:  # strings: each string's fingerprint, then the fingerprint of those bytes
        items = [v if isinstance(v, bytes) else str(v).encode() for v in row.reshape(-1).tolist()]
        if len(items) == 1:
            return items[0]
        return b"".join(fingerprint64(v).to_bytes(8, "little") for v in items)
    return np.ascontiguousarray(row).astype(row.dtype.newbyteorder("<")).tobytes()


def _fingerprint(xp: Any, data: Any, method: str) -> Any:
    if method != "farmhash64":
        raise invalid(f"Unsupported fingerprint method: {method}")
    if data.ndim < 1:
        raise invalid(f"`data` should have at least one dimension: {list(data.shape)}")
    from eagerflow._src.ops.string_hash import fingerprint64  # first use only

    host = np.asarray(data) if xp is np else data.get()
    out = np.empty((host.shape[0], 8), np.uint8)
    for i in range(host.shape[0]):
        out[i] = np.frombuffer(fingerprint64(_row_bytes(host[i])).to_bytes(8, "little"), np.uint8)
    return xp.asarray(out)


FINGERPRINT = Op("Fingerprint", _fingerprint)


def fingerprint(data: Any, method: str = "farmhash64", name: str | None = None) -> Tensor:
    """[rows, 8] uint8: the Fingerprint64 of each row of `data`, little-endian (`tf.fingerprint`)."""
    # TF words this op's errors without the trailing ` name: ` (its fallback path's wording).
    return conversion.run(FINGERPRINT, (conversion.tensor(data),), {"method": method}, True)
