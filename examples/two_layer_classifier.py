"""A two-layer classifier on generated data, trained with variables, a tape and assign_sub.

Runs unmodified under TensorFlow; with eagerflow: `python -m eagerflow run examples/two_layer_classifier.py`.
"""
import tensorflow as tf


def make_data(n=512, seed=0):
    """Two interleaved classes in 2-D: label 1 when x0 * x1 > 0 (XOR-like, not linearly separable)."""
    x = tf.random.stateless_uniform([n, 2], seed=[seed, 7], minval=-1.0, maxval=1.0)
    labels = tf.cast(x[:, 0] * x[:, 1] > 0, tf.int32)
    return x, labels


class TwoLayer(tf.Module):
    def __init__(self, hidden=32, seed=1):
        super().__init__()
        self.w1 = tf.Variable(tf.random.stateless_normal([2, hidden], seed=[seed, 1]) * 0.5)
        self.b1 = tf.Variable(tf.zeros([hidden]))
        self.w2 = tf.Variable(tf.random.stateless_normal([hidden, 2], seed=[seed, 2]) * 0.5)
        self.b2 = tf.Variable(tf.zeros([2]))

    def __call__(self, x):
        h = tf.nn.relu(x @ self.w1 + self.b1)
        return h @ self.w2 + self.b2


def train(steps=300, learning_rate=0.5):
    x, labels = make_data()
    model = TwoLayer()
    variables = [model.w1, model.b1, model.w2, model.b2]
    for step in range(steps):
        with tf.GradientTape() as tape:
            logits = model(x)
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
        grads = tape.gradient(loss, variables)
        for v, g in zip(variables, grads):
            v.assign_sub(learning_rate * g)
    predictions = tf.argmax(model(x), axis=1, output_type=tf.int32)
    accuracy = tf.reduce_mean(tf.cast(predictions == labels, tf.float32))
    print(f"final loss={float(loss):.4f} accuracy={float(accuracy):.3f}")
    return float(loss), float(accuracy)


if __name__ == "__main__":
    train()
