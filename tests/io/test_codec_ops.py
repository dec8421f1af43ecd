"""tf.io.encode_base64 / decode_base64 / decode_compressed against Python's base64 and zlib."""
import base64
import gzip
import zlib

import pytest

import eagerflow as tf

_DATA = [b"hello?>", b"", b"\xff\xfe", bytes(range(256))]


def test_encode_base64_is_web_safe_unpadded():
    got = tf.io.encode_base64(tf.constant(_DATA)).numpy().tolist()
    assert got == [base64.urlsafe_b64encode(d).rstrip(b"=") for d in _DATA]


def test_encode_base64_pads_on_request():
    got = tf.io.encode_base64(tf.constant(_DATA), pad=True).numpy().tolist()
    assert got == [base64.urlsafe_b64encode(d) for d in _DATA]


def test_decode_base64_round_trips_padded_and_unpadded():
    for pad in (False, True):
        encoded = tf.io.encode_base64(tf.constant([_DATA]), pad=pad)
        assert tf.io.decode_base64(encoded).numpy().tolist() == [_DATA]


def test_decode_base64_refuses_bad_length_and_characters():
    with pytest.raises(tf.errors.InvalidArgumentError, match="cannot be 1 modulo 4"):
        tf.io.decode_base64("a")
    with pytest.raises(tf.errors.InvalidArgumentError, match="Invalid character"):
        tf.io.decode_base64(tf.constant("ab+/"))


def test_decode_compressed_zlib_gzip_and_none():
    assert tf.io.decode_compressed([zlib.compress(d) for d in _DATA], "ZLIB").numpy().tolist() == _DATA
    assert tf.io.decode_compressed(gzip.compress(b"abc"), "GZIP").numpy() == b"abc"
    assert tf.io.decode_compressed(b"raw").numpy() == b"raw"


def test_decode_compressed_corrupt_data_is_data_loss():
    with pytest.raises(tf.errors.DataLossError, match="inflate"):
        tf.io.decode_compressed(b"xyz", "ZLIB")


def test_decode_compressed_unknown_type_is_invalid_argument():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Only ZLIB, ZSTD, GZIP or NONE"):
        tf.io.decode_compressed(b"xyz", "FOO")
