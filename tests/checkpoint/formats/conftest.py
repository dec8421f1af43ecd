import pytest

from tf_bundle_fixtures import tensorflow_python


@pytest.fixture
def tf_python() -> str:
    """A Python interpreter that imports tensorflow (the test is skipped without one)."""
    python = tensorflow_python()
    if python is None:
        pytest.skip("tensorflow is not importable (set EAGERFLOW_TF_PYTHON to a Python that has it)")
    return python
