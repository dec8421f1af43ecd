"""`tf.summary`: event files TensorBoard reads (event_file, event_protos), the default-writer
state and the writers (writer), the summary ops (summary_ops) and the media codecs they need."""
