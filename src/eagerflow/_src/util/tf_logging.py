"""`tf.get_logger`: the Python logger TensorFlow writes its warnings to."""
from __future__ import annotations

from typing import Any


def get_logger() -> Any:
    """The `logging.Logger` named 'tensorflow' (`tf.get_logger`)."""
    import logging  # first use only: `import eagerflow` stays light

    return logging.getLogger("tensorflow")
