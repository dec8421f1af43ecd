"""parse_example's template path: records of one length and one wire layout are decoded together
from a [B, L] byte array; records that differ take the generic decoder. Same outputs and errors
either way."""
import struct

import numpy as np
import pytest

import eagerflow as tf
from eagerflow._src.io import example_template, parsing_ops


def _feature(value):
    if isinstance(value[0], bytes):
        return tf.train.Feature(bytes_list=tf.train.BytesList(value=value))
    if isinstance(value[0], float):
        return tf.train.Feature(float_list=tf.train.FloatList(value=value))
    return tf.train.Feature(int64_list=tf.train.Int64List(value=value))


def _example(**features):
    feature = {k: _feature(v) for k, v in features.items()}
    return tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString()


@pytest.fixture
def generic_decodes(monkeypatch):
    """Counts the records decoded one by one by the generic decoder."""
    calls = []
    original = parsing_ops._decode

    def counting(blob, sequence, op):
        calls.append(blob)
        return original(blob, sequence, op)

    monkeypatch.setattr(parsing_ops, "_decode", counting)
    return calls


def _rows(n, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((n, 3), dtype=np.float32)
    img = [rng.bytes(5) for _ in range(n)]
    label = rng.integers(0, 100, n)
    return x, img, label


def test_batch_of_one_layout_decodes_every_value_without_the_generic_decoder(generic_decodes):
    x, img, label = _rows(8)
    batch = [_example(x=x[i].tolist(), img=[img[i]], label=[int(label[i])]) for i in range(8)]
    spec = {"x": tf.io.FixedLenFeature([3], tf.float32), "img": tf.io.FixedLenFeature([], tf.string),
            "label": tf.io.FixedLenFeature([], tf.int64)}
    out = tf.io.parse_example(batch, spec)
    assert generic_decodes == []
    np.testing.assert_array_equal(out["x"].numpy(), x)
    assert out["img"].numpy().tolist() == img
    assert out["label"].numpy().tolist() == label.tolist()
    assert (out["x"].dtype, out["img"].dtype, out["label"].dtype) == (tf.float32, tf.string, tf.int64)


def test_multi_byte_varints_with_different_continuation_bits_decode_exactly(generic_decodes):
    values = [[300, 1, -5], [1, 300, -5], [2**40, 7, -1], [-(2**63), 0, 2**63 - 1],
              [127, 128, -2], [1, 1, -3], [16383, 16384, -4], [5, 300, -6]]
    batch = [_example(v=row) for row in values]
    out = tf.io.parse_example(batch, {"v": tf.io.FixedLenFeature([3], tf.int64)})
    assert out["v"].numpy().tolist() == values
    assert len(generic_decodes) < len(batch)  # at least one group shared a template


def test_row_with_another_layout_of_the_same_length_takes_the_generic_decoder(generic_decodes):
    x, _, _ = _rows(6)
    batch = [_example(x=x[i].tolist(), y=[i]) for i in range(6)]
    batch[3] = _example(x=x[3].tolist(), z=[3])  # same length, another key
    assert len({len(b) for b in batch}) == 1
    spec = {"x": tf.io.FixedLenFeature([3], tf.float32),
            "y": tf.io.FixedLenFeature([], tf.int64, default_value=-1)}
    out = tf.io.parse_example(batch, spec)
    assert generic_decodes == [batch[3]]
    np.testing.assert_array_equal(out["x"].numpy(), x)
    assert out["y"].numpy().tolist() == [0, 1, 2, -1, 4, 5]


def test_records_of_several_lengths_are_grouped(generic_decodes):
    batch = [_example(b=[b"x" * (1 + i % 2)], n=[i]) for i in range(10)]
    out = tf.io.parse_example(batch, {"b": tf.io.FixedLenFeature([], tf.string),
                                      "n": tf.io.FixedLenFeature([], tf.int64)})
    assert generic_decodes == []
    assert out["b"].numpy().tolist() == [b"x" * (1 + i % 2) for i in range(10)]
    assert out["n"].numpy().tolist() == list(range(10))


def test_feature_missing_from_every_record_takes_its_default():
    batch = [_example(a=[float(i)]) for i in range(5)]
    out = tf.io.parse_example(batch, {
        "a": tf.io.FixedLenFeature([], tf.float32),
        "d": tf.io.FixedLenFeature([2], tf.int64, default_value=[7, 8]),
        "s": tf.io.FixedLenFeature([], tf.string, default_value="none")})
    assert out["d"].numpy().tolist() == [[7, 8]] * 5
    assert out["s"].numpy().tolist() == [b"none"] * 5
    assert out["a"].numpy().tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]


def test_varlen_feature_of_one_layout_is_sparse_with_every_value():
    batch = [_example(v=[i, i + 1], w=[b"a" + bytes([65 + i])]) for i in range(4)]
    out = tf.io.parse_example(batch, {"v": tf.io.VarLenFeature(tf.int64), "w": tf.io.VarLenFeature(tf.string),
                                      "none": tf.io.VarLenFeature(tf.float32)})
    assert out["v"].indices.numpy().tolist() == [[b, j] for b in range(4) for j in range(2)]
    assert out["v"].values.numpy().tolist() == [0, 1, 1, 2, 2, 3, 3, 4]
    assert out["v"].dense_shape.numpy().tolist() == [4, 2]
    assert out["w"].values.numpy().tolist() == [b"aA", b"aB", b"aC", b"aD"]
    assert out["none"].values.dtype == tf.float32
    assert out["none"].values.shape == (0,) and out["none"].dense_shape.numpy().tolist() == [4, 0]
    assert list(out) == ["none", "v", "w"]


def test_ragged_feature_of_one_layout_has_equal_rows():
    batch = [_example(r=[float(i), -float(i)]) for i in range(4)]
    out = tf.io.parse_example(batch, {"r": tf.io.RaggedFeature(tf.float32),
                                      "q": tf.io.RaggedFeature(tf.int64, value_key="absent")})
    assert out["r"].to_list() == [[float(i), -float(i)] for i in range(4)]
    assert out["q"].to_list() == [[]] * 4


def test_fixed_len_sequence_feature_of_one_layout():
    batch = [_example(s=[i, i, i, i]) for i in range(4)]
    out = tf.io.parse_example(batch, {
        "s": tf.io.FixedLenSequenceFeature([2], tf.int64, allow_missing=True),
        "m": tf.io.FixedLenSequenceFeature([], tf.float32, allow_missing=True)})
    assert out["s"].numpy().tolist() == [[[i, i], [i, i]] for i in range(4)]
    assert out["m"].shape == (4, 0)


def test_error_in_a_row_off_the_template_names_that_row():
    batch = [_example(x=[1.0, 2.0]) for _ in range(6)]
    batch[4] = _example(x=[1.0, 2.0, 3.0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Key: x, Index: 4.  Number of float values"):
        tf.io.parse_example(batch, {"x": tf.io.FixedLenFeature([2], tf.float32)})


def test_error_shared_by_every_row_names_the_first():
    batch = [_example(x=[1.0, 2.0, 3.0]) for _ in range(6)]
    with pytest.raises(tf.errors.InvalidArgumentError, match="Key: x, Index: 0.  Number of float values"):
        tf.io.parse_example(batch, {"x": tf.io.FixedLenFeature([2], tf.float32)})


def test_wrong_type_in_template_rows_is_tfs_error():
    batch = [_example(x=[1, 2]) for _ in range(6)]
    with pytest.raises(tf.errors.InvalidArgumentError, match="Key: x.  Data types don't match"):
        tf.io.parse_example(batch, {"x": tf.io.FixedLenFeature([2], tf.float32)})


def test_malformed_record_among_template_rows_is_tfs_error():
    batch = [_example(x=[1.0, 2.0]) for _ in range(6)]
    batch[2] = batch[2][:-3]
    with pytest.raises(tf.errors.InvalidArgumentError, match="Could not parse example input"):
        tf.io.parse_example(batch, {"x": tf.io.FixedLenFeature([2], tf.float32)})


def _wire_example(feature_bytes):
    """An Example with one feature "f" from raw `Feature` bytes."""
    def ld(tag, payload):
        return bytes([tag]) + _varint(len(payload)) + payload
    entry = ld(0x0A, b"f") + ld(0x12, feature_bytes)
    return ld(0x0A, ld(0x0A, entry))


def _varint(v):
    v &= (1 << 64) - 1
    out = bytearray()
    while True:
        if v < 0x80:
            out.append(v)
            return bytes(out)
        out.append(v & 0x7F | 0x80)
        v >>= 7


def test_unpacked_float_and_int64_values_decode_as_packed_ones():
    def floats(vals):  # FloatList with one fixed32 field per value
        body = b"".join(b"\x0d" + struct.pack("<f", v) for v in vals)
        return b"\x12" + _varint(len(body)) + body

    def ints(vals):  # Int64List with one varint field per value
        body = b"".join(b"\x08" + _varint(v) for v in vals)
        return b"\x1a" + _varint(len(body)) + body

    fb = [_wire_example(floats([i + 0.5, -i])) for i in range(5)]
    ib = [_wire_example(ints([i, -i - 1])) for i in range(5)]
    assert tf.io.parse_example(fb, {"f": tf.io.FixedLenFeature([2], tf.float32)})["f"].numpy().tolist() == \
        [[i + 0.5, -i] for i in range(5)]
    assert tf.io.parse_example(ib, {"f": tf.io.FixedLenFeature([2], tf.int64)})["f"].numpy().tolist() == \
        [[i, -i - 1] for i in range(5)]


def test_template_rejects_rows_whose_varint_boundaries_differ():
    a, b = _example(v=[300, 1]), _example(v=[1, 300])
    template = example_template.build(a)
    assert template.match(template.rows([a, b, a])).tolist() == [True, False, True]


def test_template_rejects_rows_whose_structure_differs():
    a, b = _example(k=[1.0]), _example(j=[1.0])
    template = example_template.build(a)
    assert template.match(template.rows([b])).tolist() == [False]


def test_template_of_malformed_record_is_none():
    assert example_template.build(b"\x0a\x05ab") is None


def test_template_rows_leave_bytes_values_out_but_values_read_them_from_the_records():
    a, b = _example(img=[b"\x00" * 50], x=[1.5]), _example(img=[b"\xff" * 50], x=[-2.5])
    template = example_template.build(a)
    rows = template.rows([a, b])
    assert rows.shape == (2, len(a) - 50)
    assert template.match(rows).tolist() == [True, True]
    assert template.values("x", rows, [a, b]).tolist() == [[1.5], [-2.5]]
    assert template.values("img", rows, [a, b]).tolist() == [[b"\x00" * 50], [b"\xff" * 50]]


def test_template_rejects_a_row_differing_in_a_byte_outside_the_values():
    a = _example(img=[b"ab"], k=[1.0], z=[2.0])
    b = a.replace(b"z", b"y")
    template = example_template.build(a)
    assert template.match(template.rows([a, b])).tolist() == [True, False]


def test_a_later_batch_of_the_same_length_and_another_layout_gets_its_own_template(generic_decodes):
    first = [_example(k=[float(i)]) for i in range(4)]
    second = [_example(j=[float(i)]) for i in range(4)]
    assert len(first[0]) == len(second[0])
    spec = {"k": tf.io.FixedLenFeature([], tf.float32, default_value=-1.0),
            "j": tf.io.FixedLenFeature([], tf.float32, default_value=-1.0)}
    a, b = tf.io.parse_example(first, spec), tf.io.parse_example(second, spec)
    assert a["k"].numpy().tolist() == [0.0, 1.0, 2.0, 3.0] and a["j"].numpy().tolist() == [-1.0] * 4
    assert b["j"].numpy().tolist() == [0.0, 1.0, 2.0, 3.0] and b["k"].numpy().tolist() == [-1.0] * 4
    assert generic_decodes == []
