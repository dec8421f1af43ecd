"""`tf.experimental.Optional` inside `tf.function`: read from an iterator each call, carried through
`tf.while_loop` and `tf.cond`, returned to eager code (Keras's steps_per_execution loop)."""
import numpy as np
import pytest

import eagerflow as tf


def test_traced_get_next_as_optional_takes_a_new_element_each_call():
    it = iter(tf.data.Dataset.range(2))

    @tf.function
    def step():
        opt = it.get_next_as_optional()
        return opt.has_value(), tf.cond(opt.has_value(), lambda: opt.get_value(), lambda: tf.constant(-1, tf.int64))

    seen = [(bool(h), int(v)) for h, v in (step() for _ in range(3))]
    assert seen == [(True, 0), (True, 1), (False, -1)]


def test_while_loop_over_optionals_sums_a_dataset_in_one_call():
    it = iter(tf.data.Dataset.range(1, 6))

    @tf.function
    def total():
        def cond(i, acc, opt):
            return opt.has_value()

        def body(i, acc, opt):
            return i + 1, acc + opt.get_value(), it.get_next_as_optional()

        return tf.while_loop(cond, body, [tf.constant(0), tf.constant(0, tf.int64), it.get_next_as_optional()])[:2]

    steps, acc = total()
    assert (int(steps), int(acc)) == (5, 15)


def test_optional_returned_by_a_function_is_eager_again():
    spec = tf.TensorSpec([2], tf.float32)

    @tf.function
    def pick(flag):
        def some():
            return tf.experimental.Optional.from_value(tf.constant([1.0, 2.0]))

        def none():
            return tf.experimental.Optional.empty(spec)

        return tf.cond(flag, some, none)

    full, empty = pick(tf.constant(True)), pick(tf.constant(False))
    assert bool(full.has_value()) and not bool(empty.has_value())
    np.testing.assert_array_equal(full.get_value().numpy(), [1.0, 2.0])
    assert full.element_spec == spec


def test_get_value_of_an_empty_optional_fails_when_the_graph_runs():
    it = iter(tf.data.Dataset.range(1))

    @tf.function
    def step():
        return it.get_next_as_optional().get_value()

    assert int(step()) == 0
    with pytest.raises(tf.errors.InvalidArgumentError, match="The given optional does not have a value."):
        step()


def test_eager_while_loop_carries_optionals():
    it = iter(tf.data.Dataset.range(3))
    count, _ = tf.while_loop(lambda n, opt: opt.has_value(),
                             lambda n, opt: (n + 1, it.get_next_as_optional()),
                             [tf.constant(0), it.get_next_as_optional()])
    assert int(count) == 3


def test_get_value_of_an_empty_optional_eagerly_has_tfs_message():
    empty = tf.experimental.Optional.empty(tf.TensorSpec([], tf.int64))
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        empty.get_value()
    assert str(info.value) == (
        "{{function_node __wrapped__OptionalGetValue_output_types_1_device_/job:localhost/replica:0/"
        "task:0/device:CPU:0}} The given optional does not have a value. [Op:OptionalGetValue] name: ")
