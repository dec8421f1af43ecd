"""``tf.random.Generator`` state arithmetic (Philox): int64 ``[counter_lo, counter_hi, key]``.

Pure functions on host integers; the Generator keeps the state in a Variable
and updates it through the ``RngReadAndSkip`` op, whose kernel is
``rng_read_and_skip`` below.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from eagerflow._src.ops.random.philox import (
    MASK32, MASK64, RESERVED_BLOCKS_PER_OUTPUT, Counter, Key, counter_to_int, skip_counter,
)

# rng_alg.h: RNG_ALG_PHILOX = 1, THREEFRY = 2; AUTO_SELECT (3) is Philox on CPU.
ALG_PHILOX = 1
ALG_THREEFRY = 2
ALG_AUTO_SELECT = 3
PHILOX_STATE_SIZE = 3


def _i64(x: int) -> int:
    x &= MASK64
    return x - (1 << 64) if x >> 63 else x


def state_from_seed(seed: int | Sequence[int]) -> np.ndarray:
    """``create_rng_state(seed, "philox")`` / ``Generator.from_seed``.

    An int is chopped into 64-bit words, least significant first; a sequence
    is cast to int64, cut to 3 and left-padded with zeros.
    """
    if isinstance(seed, (int, np.integer)):
        seed = int(seed)
        words = [_i64(seed >> (64 * i)) for i in range(PHILOX_STATE_SIZE)]
    else:
        flat = np.asarray(seed).reshape(-1)
        if flat.dtype.kind in "OSU":  # TF casts the seed to int64, which strings refuse
            from eagerflow._src.framework import errors

            raise errors.UnimplementedError(
                None, None, "{{function_node __wrapped__Cast_device_/job:localhost/replica:0/task:0/"
                "device:CPU:0}} Cast string to int64 is not supported [Op:Cast] name: ")
        words = [_i64(int(s)) for s in flat[:PHILOX_STATE_SIZE]]
        words = [0] * (PHILOX_STATE_SIZE - len(words)) + words
    return np.array(words, dtype=np.int64)


def state_key_counter(state: Sequence[int]) -> tuple[Key, Counter]:
    """Philox key and counter stored in a Generator state."""
    lo, hi, key = (int(v) & MASK64 for v in state[:3])
    return (key & MASK32, key >> 32), (lo & MASK32, lo >> 32, hi & MASK32, hi >> 32)


def state_from_key_counter(key: Key, counter: Counter) -> np.ndarray:
    """Inverse of ``state_key_counter``."""
    c = counter_to_int(counter)
    return np.array([_i64(c), _i64(c >> 64), _i64(key[0] | (key[1] << 32))], dtype=np.int64)


def rng_read_and_skip(state: Sequence[int], delta: int) -> tuple[np.ndarray, np.ndarray]:
    """``RngReadAndSkip`` (Philox): returns ``(old_state, new_state)``.

    The counter advances by ``delta * 256`` blocks, like ``delta`` outputs.
    """
    old = np.array([int(v) for v in state], dtype=np.int64)
    key, counter = state_key_counter(old)
    new = state_from_key_counter(key, skip_counter(counter, int(delta) * RESERVED_BLOCKS_PER_OUTPUT))
    return old, new


def key_counter_words(state: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """The V2 ops' ``key`` (uint64 [1]) and ``counter`` (uint64 [2]) of a state."""
    words = np.array([int(v) & MASK64 for v in state[:3]], dtype=np.uint64)
    return words[2:3], words[:2]


def words_key_counter(key: Sequence[int], counter: Sequence[int]) -> tuple[Key, Counter]:
    """Philox key and counter from the V2 ops' uint64 ``key`` and ``counter`` inputs."""
    k = int(key[0]) & MASK64
    lo = int(counter[0]) & MASK64
    hi = int(counter[1]) & MASK64 if len(counter) > 1 else 0
    return (k & MASK32, k >> 32), (lo & MASK32, lo >> 32, hi & MASK32, hi >> 32)
