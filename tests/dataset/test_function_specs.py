"""Element specs of datasets built by functions keep TF's unknown dimensions."""
import numpy as np

import eagerflow as tf


def test_map_output_spec_keeps_unknown_dimensions_of_its_input():
    indices = tf.data.Dataset.from_tensor_slices(np.zeros((2, 4), np.int64)).concatenate(
        tf.data.Dataset.from_tensors(np.zeros(3, np.int64)))
    batches = indices.map(lambda i: tf.gather(tf.zeros([10, 6]), i))
    assert indices.element_spec.shape.as_list() == [None]
    assert batches.element_spec.shape.as_list() == [None, 6]


def test_most_specific_compatible_shape_keeps_agreeing_dimensions():
    assert tf.TensorShape([2, 3]).most_specific_compatible_shape([2, 4]).as_list() == [2, None]
    assert tf.TensorShape([2]).most_specific_compatible_shape([2, 4]).rank is None


def test_dataset_functions_never_warn_about_retracing(caplog):
    # Keras builds a new dataset per fit/predict call mapping the same functions; TF does not
    # count dataset function traces toward tf.function's retracing warning.
    def scale(x):
        return x * 2

    caplog.clear()
    for n in range(1, 9):
        ds = tf.data.Dataset.from_tensor_slices(tf.zeros([2, n])).map(scale).map(lambda x: x + 1.0)
        assert next(iter(ds)).shape == (n,)
    assert not [r for r in caplog.records if "retracing" in r.getMessage()]
