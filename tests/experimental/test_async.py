"""tf.experimental's async-eager controls: ops stay synchronous inside them."""
import pytest

import eagerflow as tf


def test_async_scope_raises_at_the_failing_op():
    with tf.experimental.async_scope():
        with pytest.raises(tf.errors.InvalidArgumentError):
            tf.add(tf.constant([1, 2]), tf.constant([1, 2, 3]))
        assert tf.add(1, 2).numpy() == 3
    tf.experimental.async_clear_error()


def test_function_executor_type_scope_runs_ops():
    with tf.experimental.function_executor_type("SINGLE_THREADED_EXECUTOR"):
        assert tf.multiply(2, 3).numpy() == 6
