"""Random numbers, bit-exact with TensorFlow 2.21 on CPU.

Bottom up: ``philox`` (the generator), ``glibc_math`` (the libm TF calls),
``distributions`` (sample conversions and fill kernels), ``seeds`` (global/op
seeds, kernel streams, stateless seeds), ``generator_state`` (Generator state
arithmetic), ``samplers`` (shuffle and the samplers that are exact in
distribution only), then the ops: ``random_ops`` (``tf.random.*`` with op
seeds), ``stateless_random_ops`` (shape-[2] seeds, key/counter V2 ops) and
``generator_ops`` (the ops a ``tf.random.Generator`` runs on its state).
"""
