"""tf.debugging: assertions, numeric checks (messages as TF 2.21's, taken from TF)."""
import contextlib
import io
import threading

import numpy as np
import pytest

import eagerflow as tf

NAN, INF = float("nan"), float("inf")


def _message(fn, *args, **kwargs):
    with pytest.raises(Exception) as info:
        fn(*args, **kwargs)
    return type(info.value).__name__, str(info.value)


def test_assert_equal_passes_silently_and_returns_none():
    assert tf.debugging.assert_equal(tf.constant([1, 2]), tf.constant([1, 2])) is None


def test_assert_equal_failure_lists_first_differences():
    kind, text = _message(tf.debugging.assert_equal, tf.constant([1, 2, 3]), tf.constant([1, 5, 3]))
    assert kind == "InvalidArgumentError"
    assert text == ("Condition x == y did not hold.\nIndices of first 1 different values:\n[[1]]\n"
                    "Corresponding x values:\n[2]\nCorresponding y values:\n[5]\n"
                    "First 3 elements of x:\n[1 2 3]\nFirst 3 elements of y:\n[1 5 3]")


def test_assert_less_message_prefix_and_summarize():
    _, text = _message(tf.debugging.assert_less, tf.constant([1, 2, 3]), tf.constant([1, 5, 3]),
                       message="boom", summarize=1)
    assert text.startswith("boom\nCondition x < y did not hold.\nIndices of first 1 different")
    assert text.endswith("First 1 elements of x:\n[1]\nFirst 1 elements of y:\n[1]")


def test_assert_equal_of_different_shapes_skips_indices():
    _, text = _message(tf.debugging.assert_equal, tf.constant([1, 2]), 1, summarize=-1)
    assert text == ("Condition x == y did not hold.\nFirst 2 elements of x:\n[1 2]\n"
                    "First 1 elements of y:\n[1]")


def test_assert_equal_dtype_mismatch_is_the_ops_error():
    kind, text = _message(tf.debugging.assert_equal, tf.constant([1]), tf.constant([1.0]))
    assert kind == "InvalidArgumentError" and "cannot compute Equal as input #1" in text


@pytest.mark.parametrize("fn, values, symbol", [
    (tf.debugging.assert_negative, [1, 2, 3], "<"),
    (tf.debugging.assert_positive, [0, 1], ">"),
    (tf.debugging.assert_non_negative, [-1, 1], ">="),
])
def test_unary_asserts_print_elementwise_condition(fn, values, symbol):
    _, text = _message(fn, tf.constant(values))
    listed = str([str(v) for v in values])
    assert text == (f"\nCondition x {symbol} 0 did not hold element-wise:\n"
                    f"x (shape=({len(values)},) dtype=int32) = \n{listed}")


def test_assert_non_positive_joins_lines_as_tf():
    _, text = _message(tf.debugging.assert_non_positive, tf.constant([1]), message="m")
    assert text == "m.  \nCondition x <= 0 did not hold element-wise:x (shape=(1,) dtype=int32) = \n['1']"


def test_unary_assert_truncates_with_ellipsis():
    _, text = _message(tf.debugging.assert_positive, tf.constant([1.0, -2.0, 3.0, 4.0]),
                       message="hey", summarize=2)
    assert text.endswith("\n['1.0', '-2.0', '...']") and text.startswith("hey.  \n")


def test_assert_near_reports_tolerances():
    _, text = _message(tf.debugging.assert_near, tf.constant([1.0, 2.0]), tf.constant([1.0, 2.1]))
    assert text.startswith("Expected 'tf.Tensor(False, shape=(), dtype=bool)' to be true. "
                           "Summarized data: b''\nb'x and y not equal to tolerance rtol = "
                           "tf.Tensor(1.1920929e-06, shape=(), dtype=float32)")
    assert tf.debugging.assert_near(tf.constant([1.0]), tf.constant([1.0 + 1e-7])) is None


def test_assert_with_tensor_condition_summarizes_data():
    kind, text = _message(tf.debugging.Assert, tf.constant(False),
                          [tf.constant(3.5), "str", tf.constant([[1, 2], [3, 4]])], summarize=2)
    assert kind == "InvalidArgumentError"
    assert text == ("Expected 'tf.Tensor(False, shape=(), dtype=bool)' to be true. "
                    "Summarized data: 3.5\nb'str'\n1, 2, ...")


def test_assert_true_condition_returns_none():
    assert tf.Assert(True, ["never printed"]) is None


def test_assert_rank_static_failure_is_value_error():
    assert _message(tf.debugging.assert_rank, tf.constant([1]), 2, message="m") == (
        "ValueError", "m.  Tensor  must have rank 2.  Received rank 1, shape (1,)")


def test_assert_rank_of_int64_rank_is_type_error():
    assert _message(tf.debugging.assert_rank, tf.constant([1]), tf.constant(1, tf.int64)) == (
        "TypeError", "tensor must be of type tf.int32; got tf.int64")


def test_assert_rank_at_least_and_rank_in():
    assert _message(tf.debugging.assert_rank_at_least, tf.constant([1, 2, 3]), 2)[1] == \
        "Tensor  must have rank at least 2.  Received rank 1, shape (3,)"
    assert _message(tf.debugging.assert_rank_in, tf.constant([1, 2, 3]), [0, 2])[1] == \
        "Tensor  must have rank in (0, 2).  Received rank 1, shape (3,)"
    assert tf.debugging.assert_rank_in(tf.constant(1), [0, 2]) is None


def test_assert_shapes_symbol_shared_across_tensors():
    _, text = _message(tf.debugging.assert_shapes,
                       [(tf.constant([1, 2, 3]), ("N",)), (tf.zeros([2, 3]), ("N", "M"))])
    assert text == ("Specified by tensor shape=(3,) dtype=int32 dimension 0.  Tensor shape=(2, 3) "
                    "dtype=float32 dimension 0 must have size 3.  Received size 2, shape (2, 3)")


def test_assert_shapes_leading_ellipsis_counts_from_the_end():
    _, text = _message(tf.debugging.assert_shapes,
                       [(tf.zeros([5, 2, 3]), (..., "N", 3)), (tf.zeros([3]), ("N",))])
    assert text.startswith("Specified by tensor shape=(5, 2, 3) dtype=float32 dimension -2.")
    assert tf.debugging.assert_shapes([(tf.zeros([5, 2, 3]), (..., "N", 3)),
                                       (tf.zeros([2]), ("N",))]) is None


def test_assert_shapes_explicit_size_and_rank():
    assert _message(tf.debugging.assert_shapes, [(tf.zeros([2, 3]), (2, 4))])[1] == (
        "Specified explicitly.  Tensor shape=(2, 3) dtype=float32 dimension 1 must have size 4.  "
        "Received size 3, shape (2, 3)")
    assert _message(tf.debugging.assert_shapes, [(tf.zeros([2, 3]), ("N",))])[1] == (
        "Tensor  must have rank in (0, 1).  Received rank 2, shape (2, 3)")


def test_assert_type_integer_scalar_iterable():
    assert _message(tf.debugging.assert_type, tf.constant(1), tf.float32, message="m") == (
        "TypeError", "m.  tensor must be of type tf.float32; got tf.int32")
    assert _message(tf.debugging.assert_integer, tf.constant(1.0))[1] == (
        "Expected \"x\" to be integer type.  Found: tensor of dtype <dtype: 'float32'>")
    assert _message(tf.debugging.assert_scalar, tf.constant([1, 2, 3])) == (
        "ValueError", "Expected scalar shape, saw shape: (3,).")
    assert _message(tf.debugging.assert_proper_iterable, "abc")[1] == (
        "Expected argument \"values\" to be a \"proper\" iterable.  Found: <class 'str'>")
    assert tf.debugging.assert_proper_iterable([1]) is None


def test_check_numerics_passes_finite_values_through():
    x = tf.constant([1.0, 2.0], tf.float64)
    np.testing.assert_array_equal(tf.debugging.check_numerics(x, "m").numpy(), [1.0, 2.0])


@pytest.mark.parametrize("values, found", [
    ([1.0, NAN], "NaN"), ([INF], "Inf"), ([NAN, -INF], "Inf and NaN"),
])
def test_check_numerics_names_what_it_found(values, found):
    kind, text = _message(tf.debugging.check_numerics, tf.constant(values), "msg")
    assert kind == "InvalidArgumentError"
    assert text == ("{{function_node __wrapped__CheckNumerics_device_/job:localhost/replica:0/"
                    "task:0/device:CPU:0}} msg : Tensor had " + found + " values [Op:CheckNumerics] name: ")


def test_check_numerics_rejects_integers():
    kind, text = _message(tf.debugging.check_numerics, tf.constant([1]), "m")
    assert kind == "InvalidArgumentError"
    assert text.startswith("Value for attr 'T' of int32 is not in the list of allowed values: "
                           "bfloat16, half, float, double")


def test_check_numerics_gradient_is_checked():
    x = tf.constant([1.0, 2.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.debugging.check_numerics(x * 2.0, "fwd")
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [2.0, 2.0])


def test_assert_all_finite_returns_its_input():
    x = tf.constant([1.0])
    np.testing.assert_array_equal(tf.debugging.assert_all_finite(x, "m").numpy(), [1.0])
    assert "bad : Tensor had NaN values" in _message(
        tf.debugging.assert_all_finite, tf.constant([NAN]), "bad")[1]


def test_enable_check_numerics_reports_the_offending_op():
    tf.debugging.enable_check_numerics()
    try:
        with np.errstate(all="ignore"):
            _, text = _message(tf.math.log, tf.constant([1.0, 0.0, -1.0]))
    finally:
        tf.debugging.disable_check_numerics()
    assert '!!! Detected Infinity or NaN in output 0 of eagerly-executing op "Log"' in text
    assert "  # of -Inf elements: 1\n  # of +NaN elements: 1\n" in text
    assert "Input tensor: tf.Tensor([ 1.  0. -1.], shape=(3,), dtype=float32)" in text
    assert text.endswith(" : Tensor had -Inf and NaN values [Op:CheckNumericsV2] name: ")


def test_disable_check_numerics_stops_checking():
    tf.debugging.enable_check_numerics()
    tf.debugging.disable_check_numerics()
    with np.errstate(all="ignore"):
        assert np.isnan(tf.math.log(tf.constant(-1.0)).numpy())


def test_check_numerics_is_thread_local():
    tf.debugging.enable_check_numerics()
    results = []
    try:
        def other():
            with np.errstate(all="ignore"):
                results.append(tf.math.log(tf.constant(-1.0)).numpy())
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
    finally:
        tf.debugging.disable_check_numerics()
    assert np.isnan(results[0])


def test_is_numeric_tensor():
    assert tf.debugging.is_numeric_tensor(tf.constant([1]))
    assert not tf.debugging.is_numeric_tensor(tf.constant(True))
    assert not tf.debugging.is_numeric_tensor(tf.constant("a"))
    assert not tf.debugging.is_numeric_tensor(3)


def test_assert_same_float_dtype():
    assert tf.debugging.assert_same_float_dtype([tf.constant(1.0)]) == tf.float32
    assert tf.debugging.assert_same_float_dtype() == tf.float32
    assert _message(tf.debugging.assert_same_float_dtype,
                    [tf.constant(1.0), tf.constant(1.0, tf.float64)])[1] == (
        "tf.Tensor(1.0, shape=(), dtype=float64), type=<dtype: 'float64'>, must be of the same "
        "type (<dtype: 'float32'>) as tf.Tensor(1.0, shape=(), dtype=float32).")


def test_top_level_asserts_are_the_debugging_ones():
    assert tf.assert_equal is tf.debugging.assert_equal
    assert tf.Assert is tf.debugging.Assert
    assert tf.assert_rank is tf.debugging.assert_rank


def test_traceback_filtering_setting_round_trips():
    assert tf.debugging.is_traceback_filtering_enabled()
    tf.debugging.disable_traceback_filtering()
    try:
        assert not tf.debugging.is_traceback_filtering_enabled()
    finally:
        tf.debugging.enable_traceback_filtering()


# --- differential: the same snippets under TensorFlow 2.21 -----------------------------------

SNIPPETS = [
    "tf.debugging.assert_equal(tf.constant([[1, 2], [3, 4]]), tf.constant([[1, 0], [0, 4]]))",
    "tf.debugging.assert_none_equal(tf.constant([1, 2, 3]), tf.constant([1, 5, 3]))",
    "tf.debugging.assert_greater(tf.constant([1.5, 2.]), tf.constant([1., 3.]), summarize=-1)",
    "tf.debugging.assert_greater_equal(tf.constant([1]), tf.constant([1.]))",
    "tf.debugging.assert_less_equal(tf.constant(['a', 'b']), tf.constant(['a', 'c']))",
    "tf.debugging.assert_equal(tf.constant(['a', 'b']), tf.constant(['a', 'c']))",
    "tf.debugging.assert_equal(1, 2, message='scalars')",
    "tf.debugging.assert_near(tf.constant([1., 2., 3., 4.], tf.float64), "
    "tf.constant([1., 2.1, 3., 4.], tf.float64), message='hi', summarize=2)",
    "tf.debugging.assert_negative(tf.constant([[1., -2.], [3., 4.]]))",
    "tf.debugging.Assert(False, [tf.constant(3)], summarize=0)",
    "tf.debugging.Assert(tf.constant(False), ['x', tf.range(10)], summarize=-1)",
    "tf.debugging.assert_rank(tf.constant([1]), [1, 2])",
    "tf.debugging.assert_type(tf.Variable(1), tf.float32)",
    "tf.debugging.assert_proper_iterable(3)",
    "tf.debugging.assert_shapes([(tf.constant(1.), ()), (tf.constant([1.]), ('N',)), (tf.zeros([2]), ('N',))])",
    "tf.debugging.assert_shapes([(tf.zeros([2]), 3)])",
    "tf.debugging.assert_shapes([(tf.zeros([2]), ('N', ...))])",
    "tf.debugging.assert_shapes([(tf.zeros([4, 2]), ('*', '.')), (tf.zeros([2]), (None,))])",
    "tf.debugging.check_numerics(tf.constant([1.], tf.float16), 'm')",
    "tf.debugging.check_numerics(tf.constant([float('nan'), float('inf')], tf.float64), 'm')",
    "tf.debugging.is_numeric_tensor(tf.Variable(1.))",
    "tf.debugging.assert_same_float_dtype(dtype=tf.int32)",
]


def _transcript(module, code):
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), np.errstate(all="ignore"):
            print(repr(eval(code, {"tf": module})))  # noqa: S307 - fixed snippets above
    except Exception as error:  # noqa: BLE001 - the error is what is compared
        out.write(f"!! {type(error).__name__}: {error}")
    return out.getvalue()


@pytest.mark.tensorflow
@pytest.mark.parametrize("code", SNIPPETS, ids=[s[:60] for s in SNIPPETS])
def test_debugging_matches_tensorflow(code):
    tf_real = pytest.importorskip("tensorflow")
    assert _transcript(tf, code) == _transcript(tf_real, code)


# --- inside tf.function: asserts become Assert ops, messages as TF's graph kernel -----------


def _graph_error(fn, *args):
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        tf.function(fn)(*args)
    return str(info.value)


def test_graph_assert_equal_raises_when_run():
    def check(x, y):
        tf.debugging.assert_equal(x, y)
        return x

    text = _graph_error(check, tf.constant([1, 2]), tf.constant([1, 3]))
    assert "assertion failed: [Condition x == y did not hold element-wise:] [x (x:0) = ] [1 2] " \
           "[y (y:0) = ] [1 3]" in text


def test_graph_unary_assert_message_and_truncation():
    def check(x):
        tf.debugging.assert_positive(x, message="neg!")
        return x

    text = _graph_error(check, tf.constant([-1.0, 2.0, 3.0, 4.0]))
    assert "assertion failed: [neg!.  ] [Condition x > 0 did not hold element-wise:] " \
           "[x (x:0) = ] [-1 2 3...]" in text


def test_graph_assert_passes_and_returns_outputs():
    def check(x):
        tf.debugging.Assert(tf.reduce_all(x > 0), ["bad", x], summarize=2)
        tf.debugging.assert_rank(x, 1)
        return tf.debugging.check_numerics(x * 2, "m")

    np.testing.assert_array_equal(tf.function(check)(tf.constant([1.0, 2.0])).numpy(), [2.0, 4.0])
    assert "assertion failed: [bad] [-1 2...]" in _graph_error(check, tf.constant([-1.0, 2.0, 3.0]))


def test_enable_check_numerics_checks_traced_functions():
    fn = tf.function(lambda x: tf.math.log(x) * 2.0)
    tf.debugging.enable_check_numerics()
    try:
        np.testing.assert_allclose(fn(tf.constant([1.0, 2.0])).numpy(), 2 * np.log([1.0, 2.0]))
        with np.errstate(all="ignore"):
            text = _message(fn, tf.constant([0.0, 2.0]))[1]
    finally:
        tf.debugging.disable_check_numerics()
    assert "!!! Detected Infinity or NaN in output 0 of" in text and 'op "Log"' in text
