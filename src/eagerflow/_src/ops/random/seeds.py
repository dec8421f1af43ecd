"""Seeds: TF's global/op seed rules, the kernels' Philox streams, stateless seeds.

* ``SeedState`` is ``random_seed.get_seed`` in eager mode plus the context's
  global seed and internal op-seed sequence.
* ``PhiloxStream`` is ``GuardedPhiloxRandom``: one per op kernel.
* ``KernelStreams`` is TF's eager kernel cache as far as random ops care; one
  per process (``kernel_streams()``), cleared by ``tf.random.set_seed``.
* ``stateless_key_counter`` is ``StatelessRandomGetKeyCounter``.
"""

from __future__ import annotations

import os
import random as _pyrandom
import threading
import weakref
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from eagerflow._src.ops.random.philox import (
    MASK32, MASK64, RESERVED_BLOCKS_PER_OUTPUT, Counter, Key, philox_single, skip_counter,
)

# tensorflow/python/framework/random_seed.py
DEFAULT_GRAPH_SEED = 87654321
_MAXINT32 = 2**31 - 1

# Stateless key derivation constant (stateless_random_ops.cc GenerateKey).
_STATELESS_KEY = (0x3EC8F720, 0x02461E29)


def stateless_key_counter(seed: Sequence[int]) -> tuple[Key, Counter]:
    """``StatelessRandomGetKeyCounter`` (and the V1 kernels' ``GenerateKey``).

    Args:
      seed: shape-[2] int32 or int64 seed; negative values sign-extend.

    Returns:
      ``(key, counter)``: the seed is hashed by one Philox call under a fixed
      key; output words 0-1 become the key, 2-3 the counter's high words.
    """
    s0, s1 = (int(s) & MASK64 for s in np.asarray(seed).reshape(-1)[:2])
    mix = philox_single(_STATELESS_KEY, (s0 & MASK32, s0 >> 32, s1 & MASK32, s1 >> 32))
    return (mix[0], mix[1]), (0, 0, mix[2], mix[3])


def _truncate_seed(seed: int) -> int:
    return seed % _MAXINT32


# Graph -> how many random ops without a seed it holds (TF's random_seed._graph_to_seed_dict).
_GRAPH_OP_SEEDS: "weakref.WeakKeyDictionary[Any, int]" = weakref.WeakKeyDictionary()


def _default_graph() -> Any:
    from eagerflow._src.framework.graph import get_default_graph

    return get_default_graph()


@dataclass
class SeedState:
    """The eager context's seed bookkeeping (``context.global_seed`` etc.)."""

    global_seed: int | None = None
    _op_rng: _pyrandom.Random | None = None

    def set_seed(self, seed: int | None) -> None:
        """``tf.random.set_seed``: also restarts the internal op-seed sequence."""
        self.global_seed = None if seed is None else int(seed)
        self._op_rng = None if seed is None else _pyrandom.Random(int(seed))

    def internal_operation_seed(self) -> int:
        assert self._op_rng is not None
        return self._op_rng.randint(0, _MAXINT32)

    def get_seed(self, op_seed: int | None) -> tuple[int | None, int | None]:
        """``random_seed.get_seed``: ``(seed, seed2)`` op attrs. Eagerly an op without a seed
        draws the next internal op seed; while a graph is built it takes that graph's count of
        such ops so far (0, 1, ...), so a traced function's random ops repeat run to run."""
        if self.global_seed is not None:
            if op_seed is None:
                graph = _default_graph()
                if graph is None:
                    op_seed = self.internal_operation_seed()
                else:
                    op_seed = _GRAPH_OP_SEEDS.get(graph, 0)
                    _GRAPH_OP_SEEDS[graph] = op_seed + 1
            seeds: tuple[int | None, int | None] = (
                _truncate_seed(self.global_seed), _truncate_seed(int(op_seed)))
        elif op_seed is not None:
            seeds = (DEFAULT_GRAPH_SEED, _truncate_seed(int(op_seed)))
        else:
            seeds = (None, None)
        if seeds == (0, 0):  # (0, 0) means "nondeterministic" to the kernels
            return (0, _MAXINT32)
        return seeds


class PhiloxStream:
    """``GuardedPhiloxRandom``: a Philox generator shared by one op kernel."""

    def __init__(self, seed: int, seed2: int) -> None:
        if seed == 0 and seed2 == 0:  # TF: both zero -> random seeds
            seed = int.from_bytes(os.urandom(8), "little")
            seed2 = int.from_bytes(os.urandom(8), "little")
        seed &= MASK64
        seed2 &= MASK64
        # PhiloxRandom(seed_lo, seed_hi): seed -> key, seed2 -> counter words 2-3.
        self.key: Key = (seed & MASK32, seed >> 32)
        self.counter: Counter = (0, 0, seed2 & MASK32, seed2 >> 32)
        self._lock = threading.Lock()

    def reserve(self, n_samples: int) -> tuple[Key, Counter]:
        """``ReserveSamples128``: return the current position, skip past it."""
        with self._lock:
            here = self.counter
            self.counter = skip_counter(here, n_samples)
        return self.key, here

    def reserve_outputs(self, n_outputs: int) -> tuple[Key, Counter]:
        """``ReserveRandomOutputs(n, 256)`` as random_op.cc calls it."""
        return self.reserve(n_outputs * RESERVED_BLOCKS_PER_OUTPUT)


@dataclass
class KernelStreams:
    """TF's eager kernel cache as far as random ops care.

    A cached kernel is keyed by op name and attrs (dtypes, seed, seed2, ...),
    not by shape, so repeated calls with identical seeds share one advancing
    ``PhiloxStream``. ``set_seed`` clears the cache.
    """

    seeds: SeedState = field(default_factory=SeedState)
    _streams: dict[tuple[Any, ...], PhiloxStream] = field(default_factory=dict)
    _lock: Any = field(default_factory=threading.Lock, repr=False)

    def set_seed(self, seed: int | None) -> None:
        with self._lock:
            self.seeds.set_seed(seed)
            self._streams.clear()

    def get_seed(self, op_seed: int | None) -> tuple[int | None, int | None]:
        """``random_seed.get_seed``: the ``(seed, seed2)`` attrs for one op call."""
        with self._lock:
            return self.seeds.get_seed(op_seed)

    def stream(self, op_name: str, attrs: tuple[Any, ...], seed: int | None,
               seed2: int | None) -> PhiloxStream:
        s, s2 = (0 if seed is None else seed), (0 if seed2 is None else seed2)
        cache_key = (op_name, attrs, s, s2)
        streams = getattr(_instance, "streams", None)
        if streams is None:
            streams = self._streams
        with self._lock:
            found = streams.get(cache_key)
            if found is None:
                found = streams[cache_key] = PhiloxStream(s, s2)
        return found

    def reserve(self, op_name: str, attrs: tuple[Any, ...], op_seed: int | None,
                n_outputs: int, multiplier: int = RESERVED_BLOCKS_PER_OUTPUT,
                ) -> tuple[Key, Counter]:
        """get_seed + kernel lookup + ``ReserveRandomOutputs(n, multiplier)``."""
        seed, seed2 = self.get_seed(op_seed)
        return self.stream(op_name, attrs, seed, seed2).reserve(n_outputs * multiplier)


_CONTEXT_STREAMS = KernelStreams()
_instance = threading.local()


class FunctionInstance:
    """One instantiation of a traced function with its own random kernels: TF instantiates a
    dataset's map function anew for each iterator, so its random ops start their Philox
    streams afresh each epoch instead of going on from the last one."""

    def __init__(self) -> None:
        self.streams: dict[tuple[Any, ...], PhiloxStream] = {}

    def call(self, fn: Any, *args: Any) -> Any:
        saved = getattr(_instance, "streams", None)
        _instance.streams = self.streams
        try:
            return fn(*args)
        finally:
            _instance.streams = saved


def kernel_streams() -> KernelStreams:
    """The process's kernel streams and seeds (TF keeps them in the eager context)."""
    return _CONTEXT_STREAMS
