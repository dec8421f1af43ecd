"""Hostile checkpoints: mutated or truncated files only ever raise eagerflow's OpErrors.

Every failure must be an `OpError` subclass: never IndexError, struct.error,
MemoryError, UnicodeDecodeError or protobuf's DecodeError leaking out. A flipped data
byte must be caught (DataLossError), since every data byte is covered by a checksum.
"""
from __future__ import annotations

import os
import shutil
import tempfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eagerflow._src.checkpoint.formats import protos, table
from eagerflow._src.checkpoint.formats.tensor_bundle import BundleReader, data_filename
from eagerflow._src.framework import errors
from tf_bundle_fixtures import fixture_prefix

FIXTURE = "savev2"
DEFAULT = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _read(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


INDEX = _read(fixture_prefix(FIXTURE) + ".index")
DATA = _read(data_filename(fixture_prefix(FIXTURE), 0, 1))
ENTRIES = list(table.TableReader(INDEX).items())


def _load(index: bytes, data: bytes = DATA) -> dict[str, np.ndarray]:
    """Writes the two files to a fresh directory and reads every tensor."""
    directory = tempfile.mkdtemp()
    try:
        prefix = os.path.join(directory, "ckpt")
        with open(prefix + ".index", "wb") as f:
            f.write(index)
        with open(data_filename(prefix, 0, 1), "wb") as f:
            f.write(data)
        reader = BundleReader(prefix)
        reader.dtype_map()
        reader.shape_map()
        reader.object_graph()
        return reader.get_tensors()
    finally:
        shutil.rmtree(directory)


def _load_or_op_error(index: bytes, data: bytes = DATA) -> None:
    try:
        _load(index, data)
    except errors.OpError:
        pass


def _mutate(original: bytes, flips: list[tuple[int, int]]) -> bytes:
    out = bytearray(original)
    # One xor per position, so two flips never cancel out.
    for position, xor in {p % len(out): x for p, x in flips}.items():
        out[position] ^= xor
    return bytes(out)


flips = st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(1, 255)), min_size=1, max_size=8)


def _index_flip_raises_data_loss(mutations):
    with pytest.raises(errors.DataLossError):
        _load(_mutate(INDEX, mutations))


def _data_flip_raises_data_loss(position, xor):
    with pytest.raises(errors.DataLossError):
        _load(INDEX, _mutate(DATA, [(position, xor)]))


def _truncation_is_op_error(which, length):
    if which == "index":
        _load_or_op_error(INDEX[:length % len(INDEX)])
    else:
        with pytest.raises(errors.DataLossError):
            _load(INDEX, DATA[:length % len(DATA)])


def _entry_mutation_is_op_error(entry_index, mutations):
    """Mutates one entry's proto bytes and rebuilds the table with valid checksums."""
    items = list(ENTRIES)
    key, value = items[entry_index % len(items)]
    items[entry_index % len(items)] = (key, _mutate(value, mutations) if value else bytes([mutations[0][1]]))
    _load_or_op_error(table.build_table(items))


small_or_any = st.one_of(st.integers(0, 700), st.integers(-(1 << 63), (1 << 63) - 1))
entry_fields = st.fixed_dictionaries({
    "dtype": st.integers(0, 40),
    "shape": st.lists(st.one_of(st.integers(-3, 8), st.integers(-3, 1 << 62)), max_size=6),
    "shard_id": st.integers(-2, 3),
    "offset": small_or_any,
    "size": small_or_any,
    "crc32c": st.integers(0, (1 << 32) - 1),
})


def _forged_entry_is_op_error(entry_index, fields):
    """A well-formed entry proto with hostile field values."""
    items = list(ENTRIES)
    position = 1 + entry_index % (len(items) - 1)
    entry = protos.BundleEntryProto(dtype=fields["dtype"], shard_id=fields["shard_id"], offset=fields["offset"],
                                    size=fields["size"], crc32c=fields["crc32c"])
    for size in fields["shape"]:
        entry.shape.dim.add(size=size)
    items[position] = (items[position][0], entry.SerializeToString())
    _load_or_op_error(table.build_table(items))


def _raw_block_is_op_error(block):
    """Arbitrary bytes as the only data block, framed by a valid index block and footer."""
    out = bytearray(block)
    out.append(table.NO_COMPRESSION)
    out += table.mask_crc(table.crc32c(bytes(out))).to_bytes(4, "little")
    handle = bytearray()
    table.put_varint(handle, 0)
    table.put_varint(handle, len(block))
    meta = table.BlockBuilder().finish()
    index = table.BlockBuilder(1)
    index.add(b"\xff" * 8, bytes(handle))
    index_bytes = index.finish()

    def framed(contents: bytes) -> bytes:
        trailer = bytes([table.NO_COMPRESSION])
        return contents + trailer + table.mask_crc(table.crc32c(contents + trailer)).to_bytes(4, "little")

    meta_at = len(out)
    out += framed(meta)
    index_at = len(out)
    out += framed(index_bytes)
    footer = bytearray()
    for value in (meta_at, len(meta), index_at, len(index_bytes)):
        table.put_varint(footer, value)
    footer += bytes(40 - len(footer))
    footer += table.TABLE_MAGIC_NUMBER.to_bytes(8, "little")
    out += footer
    _load_or_op_error(bytes(out))


raw_blocks = st.one_of(
    st.binary(max_size=300),
    st.builds(lambda body, n: body + n.to_bytes(4, "little"), st.binary(max_size=200), st.integers(0, 1 << 32 - 1)),
)


# Default runs (a few hundred cases in all).

@DEFAULT
@given(flips)
def test_flipped_index_bytes_are_data_loss(mutations):
    _index_flip_raises_data_loss(mutations)


@DEFAULT
@given(st.integers(0, len(DATA) - 1), st.integers(1, 255))
def test_flipped_data_byte_is_caught(position, xor):
    _data_flip_raises_data_loss(position, xor)


@DEFAULT
@given(st.sampled_from(["index", "data"]), st.integers(0, 1 << 16))
def test_truncated_files_are_op_errors(which, length):
    _truncation_is_op_error(which, length)


@DEFAULT
@given(st.integers(0, 100), flips)
def test_mutated_entry_protos_are_op_errors(entry_index, mutations):
    _entry_mutation_is_op_error(entry_index, mutations)


@DEFAULT
@given(st.integers(0, 100), entry_fields)
def test_forged_entries_are_op_errors(entry_index, fields):
    _forged_entry_is_op_error(entry_index, fields)


@DEFAULT
@given(raw_blocks)
def test_raw_blocks_with_valid_checksums_are_op_errors(block):
    _raw_block_is_op_error(block)


def test_every_single_data_byte_flip_is_caught():
    for position in range(len(DATA)):
        _data_flip_raises_data_loss(position, 0x01)


# Slow variants (thousands of cases): pytest -m slow.

@pytest.mark.slow
@SLOW
@given(flips)
def test_flipped_index_bytes_are_data_loss_slow(mutations):
    _index_flip_raises_data_loss(mutations)


@pytest.mark.slow
@SLOW
@given(st.integers(0, 100), flips)
def test_mutated_entry_protos_are_op_errors_slow(entry_index, mutations):
    _entry_mutation_is_op_error(entry_index, mutations)


@pytest.mark.slow
@SLOW
@given(st.integers(0, 100), entry_fields)
def test_forged_entries_are_op_errors_slow(entry_index, fields):
    _forged_entry_is_op_error(entry_index, fields)


@pytest.mark.slow
@SLOW
@given(raw_blocks)
def test_raw_blocks_with_valid_checksums_are_op_errors_slow(block):
    _raw_block_is_op_error(block)


@pytest.mark.slow
@SLOW
@given(st.sampled_from(["index", "data"]), st.integers(0, 1 << 16))
def test_truncated_files_are_op_errors_slow(which, length):
    _truncation_is_op_error(which, length)
