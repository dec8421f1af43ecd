"""Fused `While` loops write plain binary kernels as Python operators: same values as eager."""
import numpy as np
import pytest

import eagerflow as tf


@pytest.mark.parametrize("dtype", [tf.float32, tf.float64, tf.int32, tf.int64, tf.float16])
def test_loop_of_arithmetic_and_comparisons_equals_eager(dtype):
    def body(x, n):
        i = tf.constant(0)
        while i < n:
            x = x * tf.cast(3, dtype) - tf.cast(2, dtype) + tf.cast(i, dtype)
            if x > tf.cast(1000, dtype):
                x = x - tf.cast(999, dtype)
            i += 1
        return x

    x, n = tf.constant([2, 5], dtype), tf.constant(40)
    eager = [body(x[k], n).numpy() for k in range(2)]
    traced = tf.function(body)
    assert [traced(x[k], n).numpy() for k in range(2)] == eager


def test_int32_overflow_wraps_as_in_eager():
    @tf.function
    def f(x):
        for _ in tf.range(40):
            x = x * 3 + 1
        return x

    x = tf.constant(7, tf.int32)
    expected = x
    for _ in range(40):
        expected = expected * 3 + 1
    assert int(f(x)) == int(expected)


def test_string_add_in_a_loop_concatenates():
    @tf.function
    def f(s):
        for _ in tf.range(3):
            s = s + "ab"
        return s

    assert f(tf.constant("x")).numpy() == b"xababab"


def test_large_arrays_in_a_loop_keep_the_threaded_kernel_result():
    x = tf.constant(np.linspace(0, 1, 1 << 21, dtype=np.float32))

    @tf.function
    def f(x):
        for _ in tf.range(2):
            x = x * 0.5 - 0.25
        return x

    np.testing.assert_array_equal(f(x).numpy(), ((x.numpy() * 0.5 - 0.25) * 0.5 - 0.25))
