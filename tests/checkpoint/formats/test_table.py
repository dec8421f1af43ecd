"""The `.index` sorted string table: TF's bytes, round trips, and corrupt files refused."""
from __future__ import annotations

import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eagerflow._src.checkpoint.formats import table
from eagerflow._src.framework import errors
from tf_bundle_fixtures import fixture_prefix


def _index_bytes(name: str) -> bytes:
    with open(fixture_prefix(name) + ".index", "rb") as f:
        return f.read()


@pytest.mark.parametrize("name", ["savev2", "module", "multi", "sharded"])
def test_rebuilding_a_tf_index_gives_identical_bytes(name):
    data = _index_bytes(name)
    assert table.build_table(table.TableReader(data).items()) == data


def test_tf_index_has_footer_magic_and_empty_header_key():
    data = _index_bytes("savev2")
    assert struct.unpack("<Q", data[-8:])[0] == table.TABLE_MAGIC_NUMBER == 0xDB4775248B80FB57
    assert table.TableReader(data).keys()[0] == b""


def test_mask_and_unmask_are_inverse_and_change_the_crc():
    crc = table.crc32c(b"foo")
    assert table.mask_crc(crc) != crc
    assert table.unmask_crc(table.mask_crc(crc)) == crc
    assert table.unmask_crc(table.mask_crc(table.mask_crc(crc))) == table.mask_crc(crc)


def test_crc32c_of_standard_check_value():
    assert table.crc32c(b"123456789") == 0xE3069283  # The CRC-32C check value.
    assert table.crc32c(bytearray(b"456789"), table.crc32c(b"123")) == 0xE3069283


@settings(max_examples=60, deadline=None)
@given(keys=st.sets(st.binary(max_size=40), max_size=120), block_size=st.sampled_from([64, 256, 4096, 262144]))
def test_round_trip_any_keys_and_block_sizes(keys, block_size):
    items = [(k, k[::-1] * 3) for k in sorted(keys)]
    data = table.build_table(items, block_size=block_size)
    assert list(table.TableReader(data).items()) == items


def test_small_blocks_make_several_index_entries():
    items = [(b"key%05d" % i, b"v" * 50) for i in range(200)]
    data = table.build_table(items, block_size=512)
    reader = table.TableReader(data)
    assert list(reader.items()) == items
    assert len(data) > 200 * 50


def test_keys_out_of_order_are_refused_by_the_builder():
    builder = table.TableBuilder()
    builder.add(b"b", b"")
    with pytest.raises(errors.InvalidArgumentError):
        builder.add(b"a", b"")


def test_bad_magic_is_data_loss():
    data = bytearray(_index_bytes("savev2"))
    data[-1] ^= 0xFF
    with pytest.raises(errors.DataLossError, match="bad magic number"):
        table.TableReader(bytes(data))


def test_file_shorter_than_footer_is_data_loss():
    with pytest.raises(errors.DataLossError, match="too short"):
        table.TableReader(_index_bytes("savev2")[-47:])


def test_flipped_block_byte_is_checksum_mismatch():
    data = bytearray(_index_bytes("savev2"))
    data[20] ^= 0x01
    with pytest.raises(errors.DataLossError, match="checksum mismatch"):
        table.TableReader(bytes(data))


def test_truncated_table_is_data_loss():
    data = _index_bytes("savev2")
    with pytest.raises(errors.DataLossError):
        table.TableReader(data[:100] + data[-48:])


def _with_block_type(data: bytes, block_type: int) -> bytes:
    """Re-types the first data block (at offset 0) and fixes its checksum."""
    reader_size = _first_block_size(data)
    out = bytearray(data)
    out[reader_size] = block_type
    crc = table.crc32c(bytes(out[:reader_size + 1]))
    out[reader_size + 1:reader_size + 5] = struct.pack("<I", table.mask_crc(crc))
    return bytes(out)


def _first_block_size(data: bytes) -> int:
    footer = len(data) - table.FOOTER_SIZE
    _, pos = table.get_varint(data, footer, len(data), 10, "t")
    _, pos = table.get_varint(data, pos, len(data), 10, "t")
    index_offset, pos = table.get_varint(data, pos, len(data), 10, "t")
    index_size, _ = table.get_varint(data, pos, len(data), 10, "t")
    index = data[index_offset:index_offset + index_size]
    # First index entry: shared=0, unshared, value_len, key, then handle (offset 0, size).
    pos = 0
    values = []
    for _ in range(3):
        value, pos = table.get_varint(index, pos, len(index), 5, "t")
        values.append(value)
    pos += values[1]
    offset, pos = table.get_varint(index, pos, len(index), 10, "t")
    size, _ = table.get_varint(index, pos, len(index), 10, "t")
    assert offset == 0
    return size


def test_snappy_block_is_unimplemented():
    with pytest.raises(errors.UnimplementedError, match="Snappy"):
        table.TableReader(_with_block_type(_index_bytes("savev2"), table.SNAPPY_COMPRESSION))


def test_unknown_block_type_is_data_loss():
    with pytest.raises(errors.DataLossError, match="Bad block type"):
        table.TableReader(_with_block_type(_index_bytes("savev2"), 7))


@pytest.mark.parametrize("encoded, max_bytes, message", [
    (b"\x80" * 5, 5, "too long"),
    (b"\xff\xff\xff\xff\x1f", 5, "overflow"),
    (b"\x80\x80", 10, "Truncated"),
    (b"\xff" * 9 + b"\x02", 10, "overflow"),
])
def test_bad_varints_are_data_loss(encoded, max_bytes, message):
    with pytest.raises(errors.DataLossError, match=message):
        table.get_varint(encoded, 0, len(encoded), max_bytes, "test")


def test_largest_varint64_decodes():
    out = bytearray()
    table.put_varint(out, 2**64 - 1)
    assert table.get_varint(bytes(out), 0, len(out), 10, "test") == (2**64 - 1, 10)
