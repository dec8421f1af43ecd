"""Dataset iterators passed to a tf.function are traced by their element spec and fed per call
(TF's IteratorSpec): a new iterator over the same structure reuses the trace (issue #15)."""
import importlib.util

import numpy as np
import pytest

import eagerflow as tf


def _pairs(n):
    return tf.data.Dataset.range(n).map(lambda x: (x, tf.cast(x, tf.float32) * 2.0))


def _values(structure):
    return [t.numpy().tolist() for t in tf.nest.flatten(structure)]


def test_two_iterators_of_one_structure_share_one_trace():
    @tf.function
    def step(it):
        a, b = it.get_next()
        return a + 1, b

    first, second = iter(_pairs(5)), iter(_pairs(3))
    step(first)
    step(second)
    assert step.experimental_get_tracing_count() == 1


def test_each_call_reads_the_iterator_it_is_given():
    @tf.function
    def step(it):
        a, b = it.get_next()
        return a + 1, b

    first, second = iter(_pairs(5)), iter(_pairs(5))
    assert _values(step(first)) == [1, 0.0]
    assert _values(step(first)) == [2, 2.0]
    assert _values(step(second)) == [1, 0.0]
    assert _values(step(first)) == [3, 4.0]


def test_iterator_of_another_element_spec_traces_again():
    @tf.function
    def step(it):
        return it.get_next()

    step(iter(tf.data.Dataset.range(3)))
    step(iter(tf.data.Dataset.range(3).batch(2)))
    assert step.experimental_get_tracing_count() == 2


def test_next_on_an_iterator_argument_takes_an_element_per_call():
    @tf.function
    def take(it):
        return next(it)

    it = iter(tf.data.Dataset.range(10, 13))
    assert [int(take(it)) for _ in range(3)] == [10, 11, 12]
    assert take.experimental_get_tracing_count() == 1


def test_get_next_past_the_end_raises_out_of_range():
    @tf.function
    def take(it):
        return it.get_next()

    it = iter(tf.data.Dataset.range(1))
    take(it)
    with pytest.raises(tf.errors.OutOfRangeError, match="End of sequence"):
        take(it)


def test_get_next_as_optional_is_empty_at_the_end():
    @tf.function
    def has(it):
        return it.get_next_as_optional().has_value()

    it = iter(tf.data.Dataset.range(2))
    assert [bool(has(it)) for _ in range(3)] == [True, True, False]


def test_for_loop_over_an_iterator_argument_reads_the_remaining_elements():
    @tf.function
    def total(it):
        s = tf.constant(0, tf.int64)
        for a, _ in it:
            s += a
        return s

    partly_used = iter(_pairs(5))
    next(partly_used)
    assert int(total(iter(_pairs(5)))) == 10
    assert int(total(partly_used)) == 10  # 1 + 2 + 3 + 4
    assert total.experimental_get_tracing_count() == 1


def test_concrete_function_takes_another_iterator():
    @tf.function
    def take(it):
        return it.get_next()

    concrete = take.get_concrete_function(iter(tf.data.Dataset.range(3)))
    assert int(concrete(iter(tf.data.Dataset.range(7, 9)))) == 7


def test_distributed_iterators_of_one_dataset_share_one_trace():
    strategy = tf.distribute.OneDeviceStrategy("/cpu:0")
    dist = strategy.experimental_distribute_dataset(tf.data.Dataset.range(6).batch(2))

    @tf.function
    def step(it):
        return strategy.run(lambda x: x * 10, args=(it.get_next(),))

    assert step(iter(dist)).numpy().tolist() == [0, 10]
    assert step(iter(dist)).numpy().tolist() == [0, 10]
    assert step.experimental_get_tracing_count() == 1


@pytest.mark.skipif(importlib.util.find_spec("keras") is None, reason="needs the keras extra")
def test_keras_fit_traces_its_train_function_once():
    keras = tf.keras
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    x = np.arange(24, dtype=np.float32).reshape(8, 3) / 10
    y = np.ones((8, 1), np.float32)
    dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(4)
    history = model.fit(dataset, epochs=3, verbose=0)
    functions = [c.cell_contents for c in model.train_function.__closure__ or ()
                 if hasattr(c.cell_contents, "experimental_get_tracing_count")]
    assert len(history.history["loss"]) == 3
    assert [f.experimental_get_tracing_count() for f in functions] == [1]


def test_iterator_argument_passed_on_to_an_inner_function():
    @tf.function
    def inner(it):
        return it.get_next() * 2

    @tf.function
    def outer(it):
        return inner(it) + 1

    first, second = iter(tf.data.Dataset.range(5)), iter(tf.data.Dataset.range(5, 9))
    assert [int(outer(first)), int(outer(first)), int(outer(second))] == [1, 3, 11]
    assert outer.experimental_get_tracing_count() == 1


def test_python_loop_over_an_iterator_argument_without_autograph_raises():
    @tf.function(autograph=False)
    def total(it):
        s = tf.constant(0, tf.int64)
        for a in it:
            s += a
        return s

    with pytest.raises(ValueError, match="for elem in dataset: ...` idiom is used within tf.function"):
        total(iter(tf.data.Dataset.range(3)))
