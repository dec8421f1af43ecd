"""tf.print: TF's formatting, eager and on every call of a traced function."""
import sys

import eagerflow as tf


def _printed(capsys, *args, **kwargs):
    tf.print(*args, output_stream=sys.stdout, **kwargs)
    return capsys.readouterr().out


def test_long_vector_is_summarised_with_three_at_each_end(capsys):
    assert _printed(capsys, tf.range(10)) == "[0 1 2 ... 7 8 9]\n"


def test_matrix_rows_and_python_values(capsys):
    assert _printed(capsys, tf.constant([[1.5, 2], [3, 4]]), "hi", 3) == "[[1.5 2]\n [3 4]] hi 3\n"


def test_scalars_bools_and_strings(capsys):
    out = _printed(capsys, tf.constant(2.0), tf.constant(True), tf.constant("str"), tf.constant(["a", "b"]))
    assert out == '2 1 "str" ["a" "b"]\n'


def test_rank_three_blocks_are_separated_by_a_blank_line(capsys):
    assert _printed(capsys, tf.reshape(tf.range(8), (2, 2, 2))) == "[[[0 1]\n  [2 3]]\n\n [[4 5]\n  [6 7]]]\n"


def test_summarize_applies_per_dimension(capsys):
    out = _printed(capsys, tf.reshape(tf.range(80), (10, 8)), summarize=1)
    assert out == "[[0 ... 7]\n ...\n [72 ... 79]]\n"


def test_floats_print_shortest_digits_that_read_back(capsys):
    assert _printed(capsys, tf.constant([0.1, 1e-8, 123456.0, 1234567.0])) == "[0.1 1e-08 123456 1234567]\n"


def test_structures_print_with_tensors_in_place(capsys):
    assert _printed(capsys, {"a": tf.constant(1), "b": [tf.constant(2.5)]}) == "{'a': 1, 'b': [2.5]}\n"


def test_sep_and_end(capsys):
    assert _printed(capsys, "a", "b", sep=",", end="!\n") == "a,b!\n"


def test_default_stream_is_stderr(capsys):
    tf.print("to stderr")
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", "to stderr\n")


def test_inside_function_tf_print_runs_every_call_python_print_once(capsys):
    @tf.function
    def f(x):
        tf.print("x =", x, output_stream=sys.stdout)
        print("traced", x)
        return x

    f(tf.constant(1))
    f(tf.constant(2))
    assert capsys.readouterr().out == 'traced Tensor("x:0", shape=(), dtype=int32)\nx = 1\nx = 2\n'
