"""`tf.profiler.experimental`: the host profiler (TF's `.xplane.pb` profiles for TensorBoard).
Remote profiling (`client`, `server`) needs TF's gRPC profiler service and is not provided."""
from eagerflow._src.profiler.profiler import Profile, ProfilerOptions, Trace, start, stop  # noqa: F401
