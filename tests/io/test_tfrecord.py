"""TFRecord framing: writer, reader, compression, corruption errors."""
import struct

import pytest

import eagerflow as tf
from eagerflow._src.io.tfrecord import RecordReader, masked_crc32c, tf_record_iterator


def _write(path, records, options=None):
    with tf.io.TFRecordWriter(str(path), options) as w:
        for r in records:
            w.write(r)


def test_masked_crc_matches_leveldb_definition():
    import google_crc32c

    crc = google_crc32c.value(b"abc")
    assert masked_crc32c(b"abc") == ((((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF)


def test_record_framing_is_length_crc_data_crc(tmp_path):
    _write(tmp_path / "a", [b"hello"])
    data = (tmp_path / "a").read_bytes()
    assert struct.unpack("<Q", data[:8])[0] == 5
    assert struct.unpack("<I", data[8:12])[0] == masked_crc32c(data[:8])
    assert data[12:17] == b"hello"
    assert struct.unpack("<I", data[17:21])[0] == masked_crc32c(b"hello")


@pytest.mark.parametrize("compression", ["", "GZIP", "ZLIB"])
def test_records_round_trip(tmp_path, compression):
    records = [b"r%d" % i * (i % 7) for i in range(200)]
    _write(tmp_path / "a", records, tf.io.TFRecordOptions(compression_type=compression))
    assert list(tf_record_iterator(str(tmp_path / "a"), compression)) == records


def test_string_option_is_compression_type(tmp_path):
    _write(tmp_path / "a", [b"x"], "GZIP")
    assert (tmp_path / "a").read_bytes()[:2] == b"\x1f\x8b"


def test_writer_accepts_string_tensors(tmp_path):
    _write(tmp_path / "a", [tf.constant(b"abc"), "d"])
    assert list(tf_record_iterator(str(tmp_path / "a"))) == [b"abc", b"d"]


def test_write_after_close_raises(tmp_path):
    w = tf.io.TFRecordWriter(str(tmp_path / "a"))
    w.close()
    with pytest.raises(tf.errors.FailedPreconditionError):
        w.write(b"x")


def test_bad_data_crc_is_data_loss_naming_file_and_offset(tmp_path):
    _write(tmp_path / "a", [b"hello", b"world"])
    data = bytearray((tmp_path / "a").read_bytes())
    data[21 + 12] ^= 1  # second record's data
    (tmp_path / "a").write_bytes(bytes(data))
    reader = RecordReader(str(tmp_path / "a"))
    assert reader.next_record() == b"hello"
    with pytest.raises(tf.errors.DataLossError, match=r"corrupted record at 33 .*a\)"):
        reader.next_record()


def test_bad_first_header_asks_if_tfrecord(tmp_path):
    (tmp_path / "a").write_bytes(b"this is not a tfrecord file")
    with pytest.raises(tf.errors.DataLossError, match="Is this even a TFRecord file"):
        list(tf_record_iterator(str(tmp_path / "a")))


def test_truncated_data_is_data_loss(tmp_path):
    _write(tmp_path / "a", [b"hello", b"world"])
    data = (tmp_path / "a").read_bytes()
    (tmp_path / "a").write_bytes(data[:-3])
    with pytest.raises(tf.errors.DataLossError, match="truncated record at 21"):
        list(tf_record_iterator(str(tmp_path / "a")))


def test_partial_header_at_end_is_end_of_file(tmp_path):
    _write(tmp_path / "a", [b"hello"])
    (tmp_path / "a").write_bytes((tmp_path / "a").read_bytes() + b"\x01\x02\x03")
    assert list(tf_record_iterator(str(tmp_path / "a"))) == [b"hello"]


def test_huge_length_field_is_not_allocated(tmp_path):
    header = struct.pack("<Q", 1 << 61)
    (tmp_path / "a").write_bytes(header + struct.pack("<I", masked_crc32c(header)) + b"abc")
    with pytest.raises(tf.errors.DataLossError, match="truncated"):
        list(tf_record_iterator(str(tmp_path / "a")))


def test_missing_file_is_not_found(tmp_path):
    with pytest.raises(tf.errors.NotFoundError, match="No such file or directory"):
        list(tf_record_iterator(str(tmp_path / "nope")))


def test_corrupt_gzip_stream_is_data_loss(tmp_path):
    _write(tmp_path / "a", [b"x" * 1000], "GZIP")
    data = bytearray((tmp_path / "a").read_bytes())
    data[15] ^= 0xFF
    (tmp_path / "a").write_bytes(bytes(data))
    with pytest.raises(tf.errors.DataLossError):
        list(tf_record_iterator(str(tmp_path / "a"), "GZIP"))


def test_options_compression_type_string():
    assert tf.io.TFRecordOptions.get_compression_type_string(tf.io.TFRecordOptions("ZLIB")) == "ZLIB"
    assert tf.io.TFRecordOptions.get_compression_type_string(None) == ""
