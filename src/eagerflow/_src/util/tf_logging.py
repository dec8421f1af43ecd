"""`tf.get_logger`: the Python logger TensorFlow writes its warnings to."""
from __future__ import annotations

import logging


def get_logger() -> logging.Logger:
    """The logger named 'tensorflow' (`tf.get_logger`)."""
    return logging.getLogger("tensorflow")
