"""tf.config.optimizer and tf.config.experimental's recorded switches: TF's defaults, round trips."""
import pytest

import eagerflow as tf


@pytest.fixture(autouse=True)
def _restore():
    yield
    tf.config.optimizer.set_jit(False)
    tf.config.experimental.set_device_policy(None)
    tf.config.experimental.enable_tensor_float_32_execution(True)


def test_defaults_are_tensorflows():
    assert tf.config.optimizer.get_jit() == ""
    assert tf.config.optimizer.get_experimental_options() == {"disable_model_pruning": False,
                                                              "disable_meta_optimizer": False}
    assert tf.config.experimental.tensor_float_32_execution_enabled()
    assert tf.config.experimental.get_synchronous_execution()


def test_set_jit_records_autoclustering():
    tf.config.optimizer.set_jit(True)
    assert tf.config.optimizer.get_jit() == "autoclustering"


def test_device_policy_round_trip_and_none_is_silent():
    tf.config.experimental.set_device_policy("explicit")
    assert tf.config.experimental.get_device_policy() == "explicit"
    tf.config.experimental.set_device_policy(None)
    assert tf.config.experimental.get_device_policy() == "silent"


def test_unknown_device_policy_is_value_error():
    with pytest.raises(ValueError, match="Invalid argument `device_policy`"):
        tf.config.experimental.set_device_policy("x")


def test_experimental_run_functions_eagerly_is_the_same_switch():
    assert tf.config.experimental_functions_run_eagerly is tf.config.functions_run_eagerly
