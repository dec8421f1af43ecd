"""What Keras's test files import from the `conftest.py` at the root of Keras's repository
(not shipped in the wheel): `skip_if_backend`, and the `requires_trainable_backend` mark
(every backend eagerflow and TF run here is trainable, so the mark skips nothing)."""
import pytest


def skip_if_backend(given_backend, reason):
    from keras.src.backend import backend

    return pytest.mark.skipif(backend() == given_backend, reason=reason)


def pytest_configure(config):
    config.addinivalue_line("markers", "requires_trainable_backend: mark test for trainable backend only")
