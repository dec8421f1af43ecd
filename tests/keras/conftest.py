import importlib.util

import pytest

if importlib.util.find_spec("keras") is None:  # the `keras` extra is not installed
    pytest.skip("tf.keras needs the keras extra: pip install 'eagerflow[keras]'", allow_module_level=True)
