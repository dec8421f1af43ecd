"""`tf.audio`: WAV decoding and encoding (re-exports only)."""
from eagerflow._src.io.wav_ops import decode_wav, encode_wav  # noqa: F401
