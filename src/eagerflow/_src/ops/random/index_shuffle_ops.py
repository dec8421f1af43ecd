"""`tf.random_index_shuffle`: TF 2.21's RandomIndexShuffle, a stateless bijection of [0, max_index].

Each index is encrypted with TF's reduced Simon block cipher (the seed's three words as the key,
`rounds` Feistel rounds, block size the smallest even bit count >= ceil(log2(max_index)), at least
16) and cycle-walked until it falls inside [0, max_index], so the values are TF's exactly."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework import errors
from eagerflow._src.framework.op import Op
from eagerflow._src.ops import conversion

_TYPES = (_dtypes.int32, _dtypes.uint32, _dtypes.int64, _dtypes.uint64)
_SUMMARY = ("Op<name=RandomIndexShuffle; signature=index:dtype, seed:Tseed, max_index:dtype -> output:dtype; "
            "attr=rounds:int,default=4; attr=dtype:type,allowed=[DT_INT32, DT_UINT32, DT_INT64, DT_UINT64]; "
            "attr=Tseed:type,allowed=[DT_INT32, DT_UINT32, DT_INT64, DT_UINT64]>")


def _rotl(x: int, r: int, mask: int, w: int) -> int:
    return ((x << r) | (x >> (w - r))) & mask


def _rotr(x: int, r: int, mask: int, w: int) -> int:
    return ((x >> r) | (x << (w - r))) & mask


def _round_keys(key: tuple, rounds: int, w: int) -> list:
    mask = (1 << w) - 1
    c, z = 0xFFFFFFFC & mask, 0x7369F885192C0EF5 & mask
    keys = [k & mask for k in key]
    for i in range(3, rounds):
        keys.append(c ^ (z & 1) ^ keys[i - 3] ^ _rotr(keys[i - 1], 3, mask, w) ^ _rotr(keys[i - 1], 4, mask, w))
        z >>= 1
    return keys


def _encrypt(value: int, keys: list, w: int) -> int:
    mask = (1 << w) - 1
    left, right = (value >> w) & mask, value & mask

    def f(x: int) -> int:
        return (_rotl(x, 1, mask, w) & _rotl(x, 8, mask, w)) ^ _rotl(x, 2, mask, w)

    for i in range(0, len(keys) - 1, 2):
        left ^= f(right) ^ keys[i]
        right ^= f(left) ^ keys[i + 1]
    return (left << w) | right


def _encrypt_all(keys: list, w: int) -> np.ndarray:
    """The cipher's whole permutation of [0, 2^(2w)), vectorized (for small blocks)."""
    mask = np.uint64((1 << w) - 1)
    values = np.arange(1 << (2 * w), dtype=np.uint64)
    left, right = (values >> np.uint64(w)) & mask, values & mask

    def rotl(x: np.ndarray, r: int) -> np.ndarray:
        return ((x << np.uint64(r)) | (x >> np.uint64(w - r))) & mask

    for i in range(0, len(keys) - 1, 2):
        left ^= ((rotl(right, 1) & rotl(right, 8)) ^ rotl(right, 2)) ^ np.uint64(keys[i])
        right ^= ((rotl(left, 1) & rotl(left, 8)) ^ rotl(left, 2)) ^ np.uint64(keys[i + 1])
    return (left << np.uint64(w)) | right


_TABLES: dict = {}
_TABLE_BITS = 20  # blocks up to 2^20 values walk a precomputed permutation table


def index_shuffle(index: int, key: tuple, max_index: int, rounds: int) -> int:
    """TF's random::index_shuffle for one index."""
    if max_index == 0:
        return 0
    block = math.ceil(math.log2(max_index))
    block = max(block + block % 2, 16)
    w = 32 if block > 62 else block // 2
    keys = _round_keys(key, rounds, w)
    if 2 * w <= _TABLE_BITS and (1 << (2 * w)) > 16 * (max_index + 1):  # long walks: follow a table
        table_key = (tuple(keys), w)
        table = _TABLES.get(table_key)
        if table is None:
            if len(_TABLES) > 64:
                _TABLES.clear()
            table = _TABLES[table_key] = _encrypt_all(keys, w).tolist()
        value = table[index]
        while value > max_index:  # cycle walking, as TF's loop
            value = table[value]
        return value
    value = index
    while True:
        value = _encrypt(value, keys, w)
        if value <= max_index:
            return value


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _shape_text(shape: tuple) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def _forward(xp: Any, index: Any, seed: Any, max_index: Any, rounds: int) -> Any:
    index, seed, max_index = (np.asarray(a.get() if hasattr(a, "get") else a) for a in (index, seed, max_index))
    if index.ndim > 1:
        raise _invalid("Index bust be a scalar or vector.")
    n = index.size
    if not (seed.shape == (3,) or seed.shape == (n, 3)):
        raise _invalid(f"Seed must be a vector of size [3] or a matrix of size [{n}, 3] but got "
                       f"{_shape_text(seed.shape)}.")
    if not (max_index.ndim == 0 or max_index.shape == (n,)):
        raise _invalid(f"Maxval must be a scalar or a vector of the same size as index but got "
                       f"{_shape_text(max_index.shape)}")
    flat_index = index.reshape(-1).astype(np.uint64)
    flat_max = np.broadcast_to(max_index.reshape(-1) if max_index.ndim else max_index, (n,)).astype(np.uint64)
    seeds = np.broadcast_to(seed.reshape(-1, 3), (n, 3)).astype(np.int64).astype(np.uint64) & np.uint64(0xFFFFFFFF)
    out = np.empty(n, np.uint64)
    for i in range(n):
        idx, top = int(flat_index[i]), int(flat_max[i])
        if top < idx:
            raise _invalid(f"max_index must be >= index, but {top} < {idx}")
        out[i] = index_shuffle(idx, tuple(int(k) for k in seeds[i]), top, rounds)
    return xp.asarray(out.astype(index.dtype).reshape(index.shape))


RANDOM_INDEX_SHUFFLE = Op("RandomIndexShuffle", _forward, dtypes=_TYPES)


def random_index_shuffle(index: Any, seed: Any, max_index: Any, rounds: int = 4, name: str | None = None) -> Any:
    """A pseudorandom permutation of [0, max_index] applied to `index`, fixed by `seed` (shape [3]
    or [n, 3]); stateless: the same arguments give the same output."""
    fallback = conversion.takes_fallback(index, seed, max_index)
    index_t = conversion.tensor(index)
    max_t = conversion.like(max_index, index_t, strict=False)
    seed_t = conversion.tensor(seed)
    if max_t.dtype != index_t.dtype:
        from eagerflow._src.framework.op import cpp_name
        raise errors.op_error(errors.InvalidArgumentError,
                              f"cannot compute RandomIndexShuffle as input #2(zero-based) was expected to be a "
                              f"{cpp_name(index_t.dtype)} tensor but is a {cpp_name(max_t.dtype)} tensor",
                              "RandomIndexShuffle", fallback)
    for attr, t in (("dtype", index_t), ("Tseed", seed_t)):
        if t.dtype not in _TYPES:
            from eagerflow._src.framework.op import cpp_name
            raise errors.op_error(errors.InvalidArgumentError,
                                  f"Value for attr '{attr}' of {cpp_name(t.dtype)} is not in the list of allowed "
                                  f"values: int32, uint32, int64, uint64\n\t; NodeDef: {{{{node RandomIndexShuffle}}}}; "
                                  f"{_SUMMARY}", "RandomIndexShuffle", fallback)
    return conversion.run(RANDOM_INDEX_SHUFFLE, (index_t, seed_t, max_t), {"rounds": int(rounds)}, fallback)
