"""serialize/parse_tensor, decode_raw, decode_csv, read_file/write_file, gfile."""
import numpy as np
import pytest

import eagerflow as tf


@pytest.mark.parametrize("value", [[1.0, 2.0], [[1, 2], [3, 4]], 3, [b"ab", b"c"], [True, False]])
def test_serialize_then_parse_tensor_round_trips(value):
    t = tf.constant(value)
    back = tf.io.parse_tensor(tf.io.serialize_tensor(t), t.dtype)
    assert back.dtype == t.dtype
    np.testing.assert_array_equal(back.numpy(), t.numpy())


def test_parse_tensor_wrong_dtype_is_invalid_argument():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Type mismatch"):
        tf.io.parse_tensor(tf.io.serialize_tensor(tf.constant([1.0])), tf.int32)


def test_decode_raw_appends_a_dimension():
    out = tf.io.decode_raw(tf.constant([b"\x01\x00\x02\x00", b"\x03\x00\x04\x00"]), tf.int16)
    np.testing.assert_array_equal(out.numpy(), [[1, 2], [3, 4]])


def test_decode_raw_big_endian():
    out = tf.io.decode_raw(tf.constant(b"\x00\x01"), tf.uint16, little_endian=False)
    np.testing.assert_array_equal(out.numpy(), [1])


def test_decode_csv_uses_defaults_for_empty_fields():
    a, b, c = tf.io.decode_csv(["1,2.5,x", "3,,y"], [[0], [1.0], [""]])
    np.testing.assert_array_equal(a.numpy(), [1, 3])
    np.testing.assert_array_equal(b.numpy(), [2.5, 1.0])
    assert c.numpy().tolist() == [b"x", b"y"]


def test_decode_csv_required_field_missing():
    with pytest.raises(tf.errors.InvalidArgumentError, match="Field 0 is required"):
        tf.io.decode_csv([",1"], [tf.constant([], tf.int32), [0]])


def test_read_write_file(tmp_path):
    tf.io.write_file(str(tmp_path / "sub" / "f"), b"\x00abc")
    assert tf.io.read_file(str(tmp_path / "sub" / "f")).numpy() == b"\x00abc"


def test_read_missing_file_is_not_found(tmp_path):
    with pytest.raises(tf.errors.NotFoundError, match="No such file or directory"):
        tf.io.read_file(str(tmp_path / "nope"))


def test_gfile_text_and_binary(tmp_path):
    with tf.io.gfile.GFile(str(tmp_path / "t"), "w") as f:
        f.write("héllo\nworld\n")
    with tf.io.gfile.GFile(str(tmp_path / "t")) as f:
        assert f.readlines() == ["héllo\n", "world\n"]
    with tf.io.gfile.GFile(str(tmp_path / "t"), "rb") as f:
        assert f.read(2) == b"h\xc3"


def test_gfile_directory_functions(tmp_path):
    root = str(tmp_path / "r")
    tf.io.gfile.makedirs(root + "/a/b")
    tf.io.write_file(root + "/a/x.txt", b"1")
    assert tf.io.gfile.isdir(root + "/a") and tf.io.gfile.exists(root + "/a/x.txt")
    assert sorted(tf.io.gfile.listdir(root + "/a")) == ["b", "x.txt"]
    assert tf.io.gfile.glob(root + "/a/*.txt") == [root + "/a/x.txt"]
    tf.io.gfile.copy(root + "/a/x.txt", root + "/y.txt")
    with pytest.raises(tf.errors.AlreadyExistsError):
        tf.io.gfile.rename(root + "/y.txt", root + "/a/x.txt")
    tf.io.gfile.rename(root + "/y.txt", root + "/z.txt")
    assert tf.io.gfile.stat(root + "/z.txt").length == 1
    assert [d for d, _, _ in tf.io.gfile.walk(root)][0] == root
    tf.io.gfile.remove(root + "/z.txt")
    tf.io.gfile.rmtree(root)
    assert not tf.io.gfile.exists(root)


def test_gfile_errors_are_tf_classes(tmp_path):
    with pytest.raises(tf.errors.NotFoundError, match="Could not find directory"):
        tf.io.gfile.listdir(str(tmp_path / "nope"))
    with pytest.raises(tf.errors.NotFoundError):
        tf.io.gfile.remove(str(tmp_path / "nope"))
    with pytest.raises(tf.errors.NotFoundError):
        tf.io.gfile.mkdir(str(tmp_path / "x" / "y"))
