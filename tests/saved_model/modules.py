"""Modules that both the plain SavedModel tests and the ones against TF 2.21 save, built with
either library (`tf` is eagerflow or TensorFlow)."""


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


def control_flow_module(tf):
    """A tf.Module whose function holds an autograph `if` and `while` over a variable."""

    class Looper(tf.Module):
        def __init__(self):
            super().__init__()
            self.v = tf.Variable(2.0)

        @tf.function(input_signature=[tf.TensorSpec([None], tf.float32), tf.TensorSpec([], tf.int32)])
        def f(self, x, n):
            if tf.reduce_sum(x) > 0:
                y = x * self.v
            else:
                y = x - self.v
            i = tf.constant(0)
            while i < n:
                y = y * 0.5 + self.v
                i += 1
            return y, i

    return Looper()
