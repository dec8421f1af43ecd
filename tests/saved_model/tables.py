"""The module of lookup tables both SavedModel table tests save (plain, and against TF 2.21)."""


def tables_module(tf, vocab_file):
    """A tf.Module holding one table of each kind, built with `tf` (eagerflow or TensorFlow)."""

    class Tables(tf.Module):
        def __init__(self):
            super().__init__()
            self.text = tf.lookup.StaticHashTable(tf.lookup.TextFileInitializer(
                vocab_file, tf.string, tf.lookup.TextFileIndex.WHOLE_LINE, tf.int64,
                tf.lookup.TextFileIndex.LINE_NUMBER), -1)
            self.pairs = tf.lookup.StaticHashTable(tf.lookup.KeyValueTensorInitializer(
                tf.constant(["x", "y"]), tf.constant([10.0, 20.0])), -1.0)
            self.vocab = tf.lookup.StaticVocabularyTable(tf.lookup.KeyValueTensorInitializer(
                tf.constant(["x", "y"]), tf.constant([0, 1], tf.int64)), 3)
            self.counts = tf.lookup.experimental.MutableHashTable(tf.string, tf.int64, 0)
            self.counts.insert(tf.constant(["apple", "y"]), tf.constant([5, 7], tf.int64))
            self.dense = tf.lookup.experimental.DenseHashTable(tf.int64, tf.int64, -1, empty_key=-5,
                                                               deleted_key=-6)
            self.dense.insert(tf.constant([3, 4], tf.int64), tf.constant([30, 40], tf.int64))

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string), tf.TensorSpec([None], tf.int64)])
        def find(self, words, ids):
            return {"text": self.text.lookup(words), "pairs": self.pairs.lookup(words),
                    "vocab": self.vocab.lookup(words), "counts": self.counts.lookup(words),
                    "dense": self.dense.lookup(ids), "size": self.counts.size()}

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string), tf.TensorSpec([None], tf.int64)])
        def add(self, words, counts):
            self.counts.insert(words, counts)
            return self.counts.size()

    return Tables()
