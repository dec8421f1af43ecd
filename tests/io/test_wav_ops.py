"""`tf.audio.encode_wav` / `decode_wav`: 16-bit PCM WAV bytes and samples as TF 2.21 writes and
reads them (values printed by TF 2.21), channel/sample padding, static shapes in a trace."""
import numpy as np

import eagerflow as tf

AUDIO = np.array([[0.0, 0.5], [-1.0, 0.99999], [0.25, -0.3], [1.5, -0.00002]], np.float32)
TF_WAV = (b"RIFF4\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x02\x00\x80>\x00\x00\x00\xfa\x00\x00\x04\x00"
          b"\x10\x00data\x10\x00\x00\x00\x00\x00\x00@\x00\x80\xff\x7f\x00 \x9a\xd9\xff\x7f\xff\xff")


def test_encode_wav_writes_tfs_bytes():
    assert tf.audio.encode_wav(AUDIO, 16000).numpy() == TF_WAV


def test_decode_wav_reads_samples_over_32768_and_the_rate():
    audio, rate = tf.audio.decode_wav(TF_WAV)
    assert audio.numpy().tolist() == [[0.0, 0.5], [-1.0, 0.999969482421875], [0.25, -0.29998779296875],
                                      [0.999969482421875, -3.0517578125e-05]]
    assert (int(rate), rate.dtype) == (16000, tf.int32)


def test_decode_wav_pads_samples_and_repeats_the_last_channel():
    audio, _ = tf.audio.decode_wav(TF_WAV, desired_channels=3, desired_samples=5)
    assert audio.numpy().tolist() == [[0.0, 0.5, 0.5], [-1.0, 0.999969482421875, 0.999969482421875],
                                      [0.25, -0.29998779296875, -0.29998779296875],
                                      [0.999969482421875, -3.0517578125e-05, -3.0517578125e-05], [0.0, 0.0, 0.0]]


def test_traced_decode_wav_has_the_desired_channels_as_static_shape():
    f = tf.function(lambda s: tf.audio.decode_wav(s, desired_channels=1))
    out = f.get_concrete_function(tf.TensorSpec([], tf.string)).structured_outputs
    assert (out.audio.shape.as_list(), out.sample_rate.shape.as_list()) == ([None, 1], [])
