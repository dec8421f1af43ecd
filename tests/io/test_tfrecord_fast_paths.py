"""The TFRecord reader's buffered fast path and TFRecordDataset.batch's direct batches: same
records, same errors (file and offset) as the record-by-record path."""
import numpy as np
import pytest

import eagerflow as tf
from eagerflow._src.io import tfrecord
from eagerflow._src.io.tfrecord import RecordReader

RECORDS = [bytes([i % 251]) * (i * 37 % 300) for i in range(60)]


def _write(path, records=RECORDS, compression=None):
    with tf.io.TFRecordWriter(str(path), compression) as w:
        for r in records:
            w.write(r)
    return str(path)


@pytest.mark.parametrize("chunk", [7, 64, 1 << 22])
@pytest.mark.parametrize("compression", ["", "GZIP"])
def test_iterating_a_reader_yields_every_record_whatever_the_read_size(tmp_path, monkeypatch, chunk, compression):
    monkeypatch.setattr(tfrecord, "_CHUNK", chunk)
    with RecordReader(_write(tmp_path / "a", compression=compression), compression) as reader:
        assert list(reader) == RECORDS


def test_iterating_reports_a_bad_data_crc_with_file_and_offset(tmp_path):
    path = _write(tmp_path / "a", [b"hello", b"world", b"again"])
    data = bytearray(open(path, "rb").read())
    data[21 + 12] ^= 1
    open(path, "wb").write(bytes(data))
    got = []
    with pytest.raises(tf.errors.DataLossError, match=r"corrupted record at 33 \(file: .*a\)"):
        with RecordReader(path) as reader:
            for record in reader:
                got.append(record)
    assert got == [b"hello"]


def test_iterating_reports_a_bad_length_crc_with_offset(tmp_path):
    path = _write(tmp_path / "a", [b"hello", b"world"])
    data = bytearray(open(path, "rb").read())
    data[21] ^= 4  # second record's length
    open(path, "wb").write(bytes(data))
    with pytest.raises(tf.errors.DataLossError, match=r"corrupted record at 21 \(file"):
        list(RecordReader(path))


def test_batched_records_are_the_records_in_order(tmp_path):
    files = [_write(tmp_path / "a"), _write(tmp_path / "b", RECORDS[:7])]
    batches = list(tf.data.TFRecordDataset(files).batch(16))
    flat = [r for b in batches for r in b.numpy().tolist()]
    assert flat == RECORDS + RECORDS[:7]
    assert [b.shape[0] for b in batches] == [16, 16, 16, 16, 3]
    assert batches[0].dtype == tf.string


def test_batched_records_drop_the_remainder(tmp_path):
    batches = list(tf.data.TFRecordDataset(_write(tmp_path / "a")).batch(16, drop_remainder=True))
    assert [b.shape[0] for b in batches] == [16, 16, 16]


def test_batched_records_raise_data_loss_on_corruption(tmp_path):
    path = _write(tmp_path / "a")
    data = bytearray(open(path, "rb").read())
    data[-3] ^= 1
    open(path, "wb").write(bytes(data))
    with pytest.raises(tf.errors.DataLossError, match="corrupted record at"):
        list(tf.data.TFRecordDataset(path).batch(8))


def test_batched_records_of_a_missing_file_raise_not_found(tmp_path):
    with pytest.raises(tf.errors.NotFoundError):
        list(tf.data.TFRecordDataset(str(tmp_path / "nope")).batch(8))


def test_batched_records_parse_as_the_unbatched_ones(tmp_path):
    rng = np.random.default_rng(0)
    with tf.io.TFRecordWriter(str(tmp_path / "e")) as w:
        for i in range(20):
            w.write(tf.train.Example(features=tf.train.Features(feature={
                "x": tf.train.Feature(float_list=tf.train.FloatList(value=rng.random(4).tolist())),
                "y": tf.train.Feature(int64_list=tf.train.Int64List(value=[i]))})).SerializeToString())
    spec = {"x": tf.io.FixedLenFeature([4], tf.float32), "y": tf.io.FixedLenFeature([], tf.int64)}
    batched = [tf.io.parse_example(b, spec) for b in tf.data.TFRecordDataset(str(tmp_path / "e")).batch(8)]
    single = [tf.io.parse_single_example(r, spec) for r in tf.data.TFRecordDataset(str(tmp_path / "e"))]
    np.testing.assert_array_equal(np.concatenate([b["x"].numpy() for b in batched]),
                                  np.stack([s["x"].numpy() for s in single]))
    assert np.concatenate([b["y"].numpy() for b in batched]).tolist() == list(range(20))
