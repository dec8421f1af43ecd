"""`Dataset.shuffle` and `Dataset.random` in TF 2.21's order for the same seeds.

TF's ShuffleDataset fills a buffer of `buffer_size` elements, then for each output draws one
uint32 `r` from a Philox stream, takes the element at logical position `start + r % n` of the
buffer (n elements held), moves the element at `start` into its place and advances `start`.
The stream is `PhiloxRandom(seed, seed2)` read one 32-bit word at a time
(`SingleSampleAdapter`). Each new iterator asks the dataset's seed generator for its seeds:
with `reshuffle_each_iteration` the generator is itself such a stream seeded by the op's
seeds and hands out two words per iterator; without, every iterator gets the op's seeds.
Op seeds come from `tf.random.set_seed` and `seed=` as TF's `random_seed.get_seed` derives them.
"""
from __future__ import annotations

import os
from typing import Any, Iterator

import numpy as np

from eagerflow._src.data import structure
from eagerflow._src.data.dataset import DatasetV2, UnaryDataset
from eagerflow._src.data.options import INFINITE_CARDINALITY
from eagerflow._src.framework import errors
from eagerflow._src.ops.random.philox import MASK32, MASK64, philox_blocks

_BLOCKS = 256  # Philox blocks drawn at once (4 words each)


class PhiloxWords:
    """`SingleSampleAdapter<PhiloxRandom>`: 32-bit words of Philox(seed, seed2), in order."""

    def __init__(self, seed: int, seed2: int) -> None:
        seed &= MASK64
        seed2 &= MASK64
        self._key = (seed & MASK32, seed >> 32)
        self._block = 0  # the low counter words, advanced per block
        self._high = (seed2 & MASK32, seed2 >> 32)
        self._words: list = []
        self._pos = 0

    def __call__(self) -> int:
        if self._pos == len(self._words):
            c = self._block
            counter = (c & MASK32, (c >> 32) & MASK32, *self._high)
            self._words = philox_blocks(self._key, counter, _BLOCKS).reshape(-1).tolist()
            self._block += _BLOCKS
            self._pos = 0
        word = self._words[self._pos]
        self._pos += 1
        return word


def op_seeds(seed: Any) -> tuple[int, int]:
    """TF's `tf.data` seed rule: `random_seed.get_seed`, None -> 0, and (0, 0) means random."""
    from eagerflow._src.ops.random.seeds import kernel_streams

    if hasattr(seed, "numpy"):
        seed = int(seed.numpy())
    s, s2 = kernel_streams().get_seed(seed)
    s = 0 if s is None else int(s)
    s2 = 0 if s2 is None else int(s2)
    return s, s2


class SeedGenerator:
    """TF's seed generator resource of one dataset: fixed seeds, or a stream of them."""

    def __init__(self, seed: Any, reshuffle: bool) -> None:
        s, s2 = op_seeds(seed)
        if s == 0 and s2 == 0:  # TF's RandomSeeds: both zero -> nondeterministic
            s = int.from_bytes(os.urandom(8), "little")
            s2 = int.from_bytes(os.urandom(8), "little")
        self._seeds = (s, s2)
        self._stream = PhiloxWords(s, s2) if reshuffle else None

    def next_seeds(self) -> tuple[int, int]:
        if self._stream is None:
            return self._seeds
        return self._stream(), self._stream()


class ShuffleDataset(UnaryDataset):
    """`Dataset.shuffle`."""

    _tf_name = "_ShuffleDataset"

    def __init__(self, input_dataset: DatasetV2, buffer_size: Any, seed: Any, reshuffle: bool) -> None:
        super().__init__(input_dataset)
        size = int(buffer_size.numpy()) if hasattr(buffer_size, "numpy") else int(buffer_size)
        if size <= 0 and size != -1:
            raise errors.InvalidArgumentError(None, None, (
                f"buffer_size must be greater than zero or UNKNOWN_CARDINALITY"))
        self._size = size
        self._seeds = SeedGenerator(seed, reshuffle)

    def _iterate(self) -> Iterator:
        seed, seed2 = self._seeds.next_seeds()
        random = PhiloxWords(seed, seed2)
        size = self._size if self._size > 0 else (1 << 62)
        inputs = self._input._iterate()
        buf: list = []  # logical positions start.. live at buf[head:]
        head = 0
        done = False
        try:
            while True:
                while not done and len(buf) - head < size:
                    try:
                        buf.append(next(inputs))
                    except StopIteration:
                        done = True
                n = len(buf) - head
                if n == 0:
                    return
                pick = head + random() % n
                out = buf[pick]
                buf[pick] = buf[head]
                buf[head] = None
                head += 1
                if head > 4096 and head * 2 > len(buf):
                    del buf[:head]
                    head = 0
                yield out
        finally:
            inputs.close()


class RandomDataset(DatasetV2):
    """`Dataset.random`: int64 scalars, TF's 32-bit Philox words for the same seeds."""

    _tf_name = "_RandomDataset"

    def __init__(self, seed: Any, rerandomize: bool) -> None:
        self._seeds = SeedGenerator(seed, rerandomize)
        self._element_spec = structure.tensor_spec([], "int64")

    def _spec_is_cheap(self) -> bool:
        return True

    def _cardinality(self) -> int:
        return INFINITE_CARDINALITY

    def _iterate(self) -> Iterator:
        seed, seed2 = self._seeds.next_seeds()
        random = PhiloxWords(seed, seed2)
        while True:
            yield structure.wrap(np.int64(random()))
