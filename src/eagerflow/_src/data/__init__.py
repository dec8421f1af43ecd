"""tf.data internals: datasets, their iterators, readers and the shuffle order of TF."""
