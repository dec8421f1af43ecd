"""An iterator passed to a tf.function: each call of the graph takes the next element."""
import pytest

import eagerflow as tf


def test_get_next_in_function_takes_a_new_element_per_call():
    iterator = iter(tf.data.Dataset.range(5).map(lambda x: (x, 2 * x)))

    @tf.function
    def step(it):
        return it.get_next()

    assert [tuple(int(v) for v in step(iterator)) for _ in range(3)] == [(0, 0), (1, 2), (2, 4)]


def test_get_next_in_function_raises_out_of_range_at_the_end():
    iterator = iter(tf.data.Dataset.range(1))

    @tf.function
    def step(it):
        return it.get_next() + 1

    assert int(step(iterator)) == 1
    with pytest.raises(tf.errors.OutOfRangeError):
        step(iterator)
