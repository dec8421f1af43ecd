"""Truncated and bit-flipped TFRecord files end in clean errors (DataLossError), never a crash,
a hang or an allocation sized by a corrupt length."""
import random

import pytest

import eagerflow as tf
from eagerflow._src.io.tfrecord import tf_record_iterator


def _file(tmp_path, compression):
    path = str(tmp_path / f"f{compression}")
    with tf.io.TFRecordWriter(path, compression) as w:
        for i in range(20):
            w.write(bytes(random.Random(i).randbytes(i * 13)))
    return path


def _check(path, data, compression):
    with open(path, "wb") as f:
        f.write(data)
    try:
        list(tf_record_iterator(path, compression))
    except tf.errors.DataLossError:
        pass


def _run(tmp_path, cases, compression):
    path = _file(tmp_path, compression)
    original = open(path, "rb").read()
    rng = random.Random(cases)
    for _ in range(cases):
        data = bytearray(original)
        if rng.random() < 0.5:
            data = data[:rng.randrange(len(data))]
        else:
            for _ in range(rng.randint(1, 4)):
                pos = rng.randrange(len(data))
                data[pos] ^= 1 << rng.randrange(8)
        _check(path + ".bad", bytes(data), compression)


@pytest.mark.parametrize("compression", ["", "GZIP"])
def test_fuzz_small(tmp_path, compression):
    _run(tmp_path, 60, compression)


@pytest.mark.slow
@pytest.mark.parametrize("compression", ["", "GZIP", "ZLIB"])
def test_fuzz_large(tmp_path, compression):
    _run(tmp_path, 3000, compression)


def test_every_single_bit_flip_of_uncompressed_file_is_detected(tmp_path):
    path = str(tmp_path / "a")
    with tf.io.TFRecordWriter(path) as w:
        w.write(b"abc")
    original = open(path, "rb").read()
    for pos in range(len(original)):
        data = bytearray(original)
        data[pos] ^= 0x10
        with open(path, "wb") as f:
            f.write(bytes(data))
        with pytest.raises(tf.errors.DataLossError):
            list(tf_record_iterator(path))
