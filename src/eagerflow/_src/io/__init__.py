"""tf.io internals: TFRecord files, Example protos and their parsing, file system helpers."""
