"""Eager semantics of tf.cond, tf.case, tf.switch_case and tf.while_loop (values, errors, tapes)."""
import numpy as np
import pytest

import eagerflow as tf


def test_cond_runs_only_the_chosen_branch():
    ran = []
    out = tf.cond(tf.constant(False), lambda: ran.append("t") or 1, lambda: ran.append("f") or 2)
    assert out == 2 and ran == ["f"]


def test_cond_takes_true_fn_false_fn_keywords():
    assert tf.cond(tf.constant(True), false_fn=lambda: 0, true_fn=lambda: 7) == 7


def test_cond_returns_branch_structure_unchanged():
    out = tf.cond(tf.constant(True), lambda: [tf.constant(1.0)], lambda: [tf.constant(2.0)])
    assert isinstance(out, list) and float(out[0]) == 1.0


def test_cond_python_bool_predicate_eagerly():
    assert tf.cond(True, lambda: "yes", lambda: "no") == "yes"


@pytest.mark.parametrize("kwargs, message", [
    ({"false_fn": lambda: 1}, "cond(): 'true_fn' argument required"),
    ({"true_fn": lambda: 1}, "cond(): 'false_fn' argument required"),
    ({"true_fn": 1, "false_fn": lambda: 1}, "'true_fn' must be callable."),
    ({"true_fn": lambda: 1, "false_fn": 2}, "'false_fn' must be callable."),
])
def test_cond_argument_errors(kwargs, message):
    with pytest.raises(TypeError, match=message.replace("(", r"\(").replace(")", r"\)")):
        tf.cond(tf.constant(True), **kwargs)


def test_cond_vector_predicate_is_ambiguous():
    with pytest.raises(ValueError, match="truth value of an array"):
        tf.cond(tf.constant([True, False]), lambda: 1, lambda: 2)


def test_cond_gradient_flows_through_taken_branch():
    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.cond(x > 0, lambda: x * x, lambda: -x)
    assert float(tape.gradient(y, x)) == 6.0


def test_case_first_true_predicate_wins():
    pairs = [(tf.constant(False), lambda: 1), (tf.constant(True), lambda: 2), (tf.constant(True), lambda: 3)]
    assert tf.case(pairs, default=lambda: 0) == 2


def test_case_default_when_nothing_holds():
    assert tf.case([(tf.constant(False), lambda: 1)], default=lambda: 9) == 9


def test_case_without_default_and_no_true_predicate_raises():
    with pytest.raises(tf.errors.InvalidArgumentError, match="None of conditions evaluated as True"):
        tf.case([(tf.constant(False), lambda: 1)])


def test_case_python_bool_predicate_is_refused():
    with pytest.raises(TypeError, match="pred must be a Tensor, got: True"):
        tf.case([(True, lambda: 1)])


def test_case_entry_must_be_pair():
    with pytest.raises(TypeError, match="Each entry in 'pred_fn_pairs' must be a 2-tuple. Received 1."):
        tf.case([1])


def test_switch_case_picks_index():
    assert tf.switch_case(tf.constant(1), [lambda: "a", lambda: "b", lambda: "c"]) == "b"


def test_switch_case_out_of_range_runs_last_branch_without_default():
    assert tf.switch_case(tf.constant(7), [lambda: "a", lambda: "b"]) == "b"


def test_switch_case_out_of_range_runs_default():
    assert tf.switch_case(tf.constant(-1), [lambda: "a"], default=lambda: "d") == "d"


def test_switch_case_dict_keys_must_be_contiguous():
    with pytest.raises(ValueError, match=r"must form contiguous range of \[0 to 2\) but found \{0,5\}"):
        tf.switch_case(tf.constant(0), {0: lambda: 1, 5: lambda: 2})


def test_switch_case_index_must_be_tensor():
    with pytest.raises(TypeError, match="'branch_index' must be a Tensor, got <class 'int'>"):
        tf.switch_case(1, [lambda: 1])


def test_switch_case_index_must_be_integer():
    with pytest.raises(TypeError, match="'branch_index' must be an integer Tensor"):
        tf.switch_case(tf.constant(1.0), [lambda: 1])


def test_switch_case_empty_branches():
    with pytest.raises(ValueError, match="Must provide at least one item in 'branch_fns'"):
        tf.switch_case(tf.constant(0), [])


def test_while_loop_sums():
    i, s = tf.while_loop(lambda i, s: i < 5, lambda i, s: (i + 1, s + i), [0, 0])
    assert (int(i), int(s)) == (5, 10)


def test_while_loop_converts_python_values_to_tensors():
    (i,) = tf.while_loop(lambda i: i < 0, lambda i: (i + 1,), [3])
    assert isinstance(i, tf.Tensor) and i.dtype == tf.int32


def test_while_loop_maximum_iterations_stops_early():
    (i,) = tf.while_loop(lambda i: i < 100, lambda i: [i + 1], [tf.constant(0)], maximum_iterations=5)
    assert int(i) == 5


def test_while_loop_nested_loop_vars():
    out = tf.while_loop(lambda s: s["n"] < 3, lambda s: [{"n": s["n"] + 1, "x": s["x"] * 2.0}],
                        [{"n": tf.constant(0), "x": tf.constant(1.0)}])
    assert int(out[0]["n"]) == 3 and float(out[0]["x"]) == 8.0


def test_while_loop_body_changing_structure_raises():
    with pytest.raises(ValueError, match="don't have the same nested structure"):
        tf.while_loop(lambda i: i < 3, lambda i: (i + 1, i), [0])


def test_while_loop_errors_for_arguments():
    with pytest.raises(TypeError, match="'cond' must be callable."):
        tf.while_loop(1, lambda i: i, [0])
    with pytest.raises(TypeError, match="'body' must be callable."):
        tf.while_loop(lambda i: True, 1, [0])
    with pytest.raises(ValueError, match="'loop_vars' must be provided."):
        tf.while_loop(lambda: True, lambda: (), [])
    with pytest.raises(ValueError, match="'maximum_iterations' must be a scalar"):
        tf.while_loop(lambda i: True, lambda i: (i,), [0], maximum_iterations=[1, 2])


def test_while_loop_gradient_through_iterations():
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        _, y = tf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, y * x), [0, tf.constant(1.0)])
    assert float(y) == 8.0
    assert float(tape.gradient(y, x)) == 12.0


def test_while_loop_reads_variables_once():
    v = tf.Variable(1.0)
    (out,) = tf.while_loop(lambda x: x < 4.0, lambda x: (x * 2.0,), [v])
    assert float(out) == 4.0 and isinstance(out, tf.Tensor)


def test_while_loop_nested_container_type_change_raises_type_error():
    with pytest.raises(TypeError, match="don't have the same nested structure"):
        tf.while_loop(lambda i, s: i < 3, lambda i, s: (i + 1, (s[0],)), [0, [1]])


def test_while_loop_with_counter_compares_result_container():
    with pytest.raises(TypeError, match="don't have the same nested structure"):
        tf.while_loop(lambda i: i < 100, lambda i: (i + 1,), [tf.constant(0)], maximum_iterations=5)
