"""tf.strings: values as TF 2.21 gives them (string tensors hold bytes)."""
import pytest

import eagerflow as tf


def test_split_gives_ragged_rows():
    assert tf.strings.split(["hello world", "a  b"]).to_list() == [[b"hello", b"world"], [b"a", b"b"]]


def test_split_of_scalar_is_dense():
    assert tf.strings.split("a b c", maxsplit=1).numpy().tolist() == [b"a", b"b c"]


def test_split_with_sep_keeps_empty_pieces():
    assert tf.strings.split(["a,b,,c"], sep=",").to_list() == [[b"a", b"b", b"", b"c"]]


def test_join_broadcasts_scalars():
    assert tf.strings.join([["a", "b"], "c"], separator="+").numpy().tolist() == [b"a+c", b"b+c"]


def test_length_in_utf8_chars():
    assert tf.strings.length(["h\u00e9llo"], unit="UTF8_CHAR").numpy().tolist() == [5]
    assert tf.strings.length(["h\u00e9llo"]).numpy().tolist() == [6]


def test_substr_out_of_range_is_invalid_argument():
    with pytest.raises(tf.errors.InvalidArgumentError, match="pos 7 out of range for string b'hello' at index 0"):
        tf.strings.substr("hello", 7, 2)


def test_regex_replace_group_rewrite():
    assert tf.strings.regex_replace("ab", "(a)(b)", r"\2\1").numpy() == b"ba"


def test_to_number_bad_string_is_invalid_argument():
    with pytest.raises(tf.errors.InvalidArgumentError, match="could not correctly convert string: abc"):
        tf.strings.to_number(["abc"])


def test_as_string_width_and_fill():
    assert tf.strings.as_string([1, 22], width=4, fill="0").numpy().tolist() == [b"0001", b"0022"]


def test_as_string_default_float_has_six_decimals():
    assert tf.as_string(1.5).numpy() == b"1.500000"


def test_format_summarizes_long_tensors():
    assert tf.strings.format("{}", tf.range(10)).numpy() == b"[0 1 2 ... 7 8 9]"


def test_reduce_join_over_axis():
    out = tf.strings.reduce_join([["a", "b"], ["c", "d"]], axis=1, separator="-")
    assert out.numpy().tolist() == [b"a-b", b"c-d"]


def test_unicode_decode_and_encode_round_trip():
    codes = tf.strings.unicode_decode(["h\u00e9", "x"], "UTF-8")
    assert codes.to_list() == [[104, 233], [120]]
    assert tf.strings.unicode_encode(codes, "UTF-8").numpy().tolist() == ["h\u00e9".encode(), b"x"]


def test_ngrams_with_padding():
    out = tf.strings.ngrams(["a", "b"], 2, pad_values=("<", ">"), padding_width=1)
    assert out.numpy().tolist() == [b"< a", b"a b", b"b >"]


def test_string_tensors_add_by_concatenation():
    assert (tf.constant("a") + tf.constant("b")).numpy() == b"ab"


def test_ops_on_ragged_strings_keep_rows():
    assert tf.strings.length(tf.ragged.constant([["ab"], ["c", ""]])).to_list() == [[2], [1, 0]]


def test_to_hash_bucket_fast_uses_farmhash_fingerprint64():
    # farmhash Fingerprint64("") is its k2 constant, 0x9ae16a3b2f90404f.
    assert tf.strings.to_hash_bucket_fast([""], 2 ** 63 - 1).numpy().tolist() == [0x9AE16A3B2F90404F % (2 ** 63 - 1)]


def test_to_hash_bucket_fast_values_as_tf():
    assert tf.strings.to_hash_bucket_fast(["hello", "world", ""], 100).numpy().tolist() == [96, 98, 63]


def test_to_hash_bucket_zero_buckets_is_invalid_argument():
    with pytest.raises(tf.errors.InvalidArgumentError, match="must be at least minimum 1"):
        tf.strings.to_hash_bucket_fast(["a"], 0)


def test_one_element_of_a_string_tensor_is_a_string_tensor_for_string_ops():
    element = tf.constant(["ab", "c"])[0]
    assert element.dtype == tf.string
    assert tf.strings.to_hash_bucket_fast(element, 10).numpy() == tf.strings.to_hash_bucket_fast("ab", 10).numpy()
