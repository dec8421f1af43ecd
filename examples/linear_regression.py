"""TF's "basic training loops" guide: fit y = W*x + b with variables, a tape and assign_sub.

Runs unmodified under TensorFlow; with eagerflow: `python -m eagerflow run examples/linear_regression.py`.
"""
import tensorflow as tf

TRUE_W = 3.0
TRUE_B = 2.0
NUM_EXAMPLES = 201


class MyModel(tf.Module):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.w = tf.Variable(5.0)
        self.b = tf.Variable(0.0)

    def __call__(self, x):
        return self.w * x + self.b


def loss(target_y, predicted_y):
    return tf.reduce_mean(tf.square(target_y - predicted_y))


def train(model, x, y, learning_rate):
    with tf.GradientTape() as t:
        current_loss = loss(y, model(x))
    dw, db = t.gradient(current_loss, [model.w, model.b])
    model.w.assign_sub(learning_rate * dw)
    model.b.assign_sub(learning_rate * db)


def fit(epochs=10, seed=0):
    x = tf.linspace(-2.0, 2.0, NUM_EXAMPLES)
    x = tf.cast(x, tf.float32)
    noise = tf.random.stateless_normal(shape=[NUM_EXAMPLES], seed=[seed, 1])
    y = x * TRUE_W + TRUE_B + noise
    model = MyModel()
    for epoch in range(epochs):
        train(model, x, y, learning_rate=0.1)
        print(f"Epoch {epoch:2d}: W={model.w.numpy():1.2f} b={model.b.numpy():1.2f}, "
              f"loss={loss(y, model(x)):2.5f}")
    return model


if __name__ == "__main__":
    fit()
