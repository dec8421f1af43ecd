"""`tf.train` helpers beside checkpoints: moving averages, the thread coordinator, cluster specs and
checkpoint utilities (checkpoint files themselves live in `_src/checkpoint`)."""
