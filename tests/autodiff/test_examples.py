"""The training loops in examples/ converge to the known answer."""
import importlib.util
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def as_tensorflow():
    """Loads an example with `import tensorflow` resolving to eagerflow, then restores sys.modules."""
    import eagerflow

    saved = sys.modules.get("tensorflow")
    sys.modules["tensorflow"] = eagerflow

    def load(name):
        spec = importlib.util.spec_from_file_location(name, ROOT / "examples" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module

    yield load
    if saved is None:
        sys.modules.pop("tensorflow", None)
    else:
        sys.modules["tensorflow"] = saved


def test_linear_regression_finds_the_true_line(as_tensorflow, capsys):
    example = as_tensorflow("linear_regression")
    model = example.fit(epochs=60)
    assert abs(float(model.w.numpy()) - example.TRUE_W) < 0.15
    assert abs(float(model.b.numpy()) - example.TRUE_B) < 0.15


def test_two_layer_classifier_learns_xor_like_data(as_tensorflow, capsys):
    example = as_tensorflow("two_layer_classifier")
    loss, accuracy = example.train(steps=300)
    assert accuracy > 0.95 and loss < 0.2
