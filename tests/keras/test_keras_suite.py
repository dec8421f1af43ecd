"""A fast subset of Keras 3's own test suite (shipped in the keras wheel), run with its TensorFlow
backend on eagerflow (`make keras-test` runs every directory, next to TF 2.21)."""
import importlib.util
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Keras test file -> tests that must pass on eagerflow (all of them pass under TF 2.21).
FLOORS = {
    "activations/activations_test.py": 51,
    "layers/regularization/dropout_test.py": 14,
    "layers/core/dense_test.py": 64,
    "layers/pooling/max_pooling_test.py": 24,
    "models/sequential_test.py": 19,
    "random/random_test.py": 76,  # stateless_gamma (76 of its tests collect in this company)
    "layers/reshaping/reshape_test.py": 9,  # reshape to (batch, -1, n) in traces
}


def _runner():
    spec = importlib.util.spec_from_file_location("keras_tests", os.path.join(ROOT, "tools", "keras_tests.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_keras_own_tests_pass_on_eagerflow():
    runner = _runner()
    result = runner.run(sys.executable, list(FLOORS), True, 600, [])
    assert result["passed"] >= sum(FLOORS.values()), result["output"][-4000:]
