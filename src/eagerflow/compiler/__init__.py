"""TF's `tensorflow.compiler.*` module paths that libraries import: re-exports only."""
