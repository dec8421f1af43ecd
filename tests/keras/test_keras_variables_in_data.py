"""Keras variables where tf.data and tf.function take tensors (read as TF's convert_to_tensor does)."""
import eagerflow as tf


def test_dataset_from_a_keras_variable_reads_it():
    v = tf.keras.Variable(3.0)
    assert [float(x) for x in tf.data.Dataset.from_tensors(v)] == [3.0]


def test_traced_function_returning_a_keras_variable_in_an_optional():
    v = tf.keras.Variable(2.0)

    @tf.function
    def f():
        v.assign_add(1.0)
        return tf.experimental.Optional.from_value({"m": v})

    assert float(f().get_value()["m"]) == 3.0
