"""Keras's guides "Training & evaluation with the built-in methods" and "Writing a training loop
from scratch" (TensorFlow), basic cells, with the output TF 2.21 + Keras 3.15.1 prints for the same
code (checked against TF). MNIST is replaced by synthetic arrays of the same shapes (784 float32
pixels, labels 0..9), fewer of them and fewer epochs; results are printed rounded."""
import numpy as np

import eagerflow as tf


def _fresh(seed=0):
    keras = tf.keras
    keras.utils.clear_session()
    keras.utils.set_random_seed(seed)
    return keras


def _mnist():
    rng = np.random.RandomState(0)
    templates = rng.random_sample((10, 784))

    def make(n):
        y = rng.randint(0, 10, n).astype('float32')
        x = np.clip(templates[y.astype(int)] + rng.normal(0, 0.3, (n, 784)), 0, 1).astype('float32')
        return x, y

    (x_train, y_train), (x_test, y_test) = make(600), make(100)
    x_val, y_val = x_train[-100:], y_train[-100:]
    return (x_train[:-100], y_train[:-100]), (x_val, y_val), (x_test, y_test)


def _model(keras):
    inputs = keras.Input(shape=(784,), name="digits")
    x = keras.layers.Dense(64, activation="relu", name="dense_1")(inputs)
    x = keras.layers.Dense(64, activation="relu", name="dense_2")(x)
    outputs = keras.layers.Dense(10, activation="softmax", name="predictions")(x)
    return keras.Model(inputs=inputs, outputs=outputs)


def _compiled(keras):
    model = _model(keras)
    model.compile(optimizer=keras.optimizers.RMSprop(),
                  loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=[keras.metrics.SparseCategoricalAccuracy()])
    return model


def test_fit_evaluate_predict(capsys):
    keras = _fresh()
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = _mnist()
    model = _compiled(keras)
    history = model.fit(x_train, y_train, batch_size=64, epochs=2, validation_data=(x_val, y_val), verbose=0)
    print({k: [round(v, 3) for v in vs] for k, vs in history.history.items()})
    results = model.evaluate(x_test, y_test, batch_size=128, verbose=0)
    print("test loss, test acc:", [round(r, 3) for r in results])
    predictions = model.predict(x_test[:3], verbose=0)
    print("predictions shape:", predictions.shape)
    print(np.round(predictions.sum(axis=1), 4))
    assert capsys.readouterr().out == (
        "{'loss': [1.826, 0.842], 'sparse_categorical_accuracy': [0.356, 0.896], 'val_loss': [1.455, 0.467], 'val_sparse_categorical_accuracy': [0.52, 1.0]}\n"
        'test loss, test acc: [0.495, 1.0]\n'
        'predictions shape: (3, 10)\n'
        '[1. 1. 1.]\n')


def test_compile_with_string_identifiers(capsys):
    keras = _fresh()
    model = _model(keras)
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
                  metrics=["sparse_categorical_accuracy"])
    print(type(model.optimizer).__name__, model.loss)
    print(model.optimizer.get_config()["learning_rate"])
    assert capsys.readouterr().out == (
        'RMSprop sparse_categorical_crossentropy\n'
        '0.0010000000474974513\n')


def test_custom_loss_function_and_class(capsys):
    keras = _fresh()
    (x_train, y_train), _, _ = _mnist()

    def custom_mean_squared_error(y_true, y_pred):
        return tf.math.reduce_mean(tf.square(y_true - y_pred), axis=-1)

    model = _model(keras)
    model.compile(optimizer=keras.optimizers.Adam(), loss=custom_mean_squared_error)
    y_train_one_hot = tf.one_hot(y_train, depth=10)
    history = model.fit(x_train, y_train_one_hot, batch_size=64, epochs=1, verbose=0)
    print([round(v, 4) for v in history.history["loss"]])

    class CustomMSE(keras.losses.Loss):
        def __init__(self, regularization_factor=0.1, name="custom_mse"):
            super().__init__(name=name)
            self.regularization_factor = regularization_factor

        def call(self, y_true, y_pred):
            mse = tf.math.reduce_mean(tf.square(y_true - y_pred), axis=-1)
            reg = tf.math.reduce_mean(tf.square(0.5 - y_pred), axis=-1)
            return mse + reg * self.regularization_factor

    model = _model(keras)
    model.compile(optimizer=keras.optimizers.Adam(), loss=CustomMSE())
    history = model.fit(x_train, y_train_one_hot, batch_size=64, epochs=1, verbose=0)
    print([round(v, 4) for v in history.history["loss"]])
    print(CustomMSE()(tf.constant([[0.0, 1.0]]), tf.constant([[0.25, 0.75]])))
    assert capsys.readouterr().out == (
        '[0.0826]\n'
        '[0.0988]\n'
        'tf.Tensor(0.06875, shape=(), dtype=float32)\n')


def test_custom_metric(capsys):
    keras = _fresh()
    (x_train, y_train), _, _ = _mnist()

    class CategoricalTruePositives(keras.metrics.Metric):
        def __init__(self, name="categorical_true_positives", **kwargs):
            super().__init__(name=name, **kwargs)
            self.true_positives = self.add_variable(shape=(), name="ctp", initializer="zeros")

        def update_state(self, y_true, y_pred, sample_weight=None):
            y_pred = tf.reshape(tf.argmax(y_pred, axis=1), shape=(-1, 1))
            values = tf.cast(y_true, "int32") == tf.cast(y_pred, "int32")
            values = tf.cast(values, "float32")
            if sample_weight is not None:
                sample_weight = tf.cast(sample_weight, "float32")
                values = tf.multiply(values, sample_weight)
            self.true_positives.assign_add(tf.reduce_sum(values))

        def result(self):
            return self.true_positives

        def reset_state(self):
            self.true_positives.assign(0.0)

    metric = CategoricalTruePositives()
    metric.update_state(tf.constant([[1], [2], [0]]), tf.constant([[0.1, 0.9, 0.0], [0.2, 0.2, 0.6],
                                                                  [0.5, 0.4, 0.1]]))
    print(metric.result(), metric.variables)
    metric.reset_state()
    print(metric.result().numpy())

    model = _model(keras)
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=[CategoricalTruePositives()])
    history = model.fit(x_train, y_train, batch_size=64, epochs=2, verbose=0)
    print(sorted(history.history), [round(v) for v in history.history["categorical_true_positives"]])
    assert capsys.readouterr().out == (
        '<Variable path=categorical_true_positives/ctp, shape=(), dtype=float32, value=3.0> [<Variable path=categorical_true_positives/ctp, shape=(), dtype=float32, value=3.0>]\n'
        '0.0\n'
        "['categorical_true_positives', 'loss'] [3234, 3484]\n")


def test_class_and_sample_weights(capsys):
    keras = _fresh()
    (x_train, y_train), _, _ = _mnist()
    class_weight = {i: 1.0 for i in range(10)}
    class_weight[5] = 2.0
    model = _compiled(keras)
    history = model.fit(x_train, y_train, class_weight=class_weight, batch_size=64, epochs=1, verbose=0)
    print([round(v, 3) for v in history.history["loss"]])

    sample_weight = np.ones(shape=(len(y_train),))
    sample_weight[y_train == 5] = 2.0
    model = _compiled(keras)
    history = model.fit(x_train, y_train, sample_weight=sample_weight, batch_size=64, epochs=1, verbose=0)
    print([round(v, 3) for v in history.history["loss"]])
    assert capsys.readouterr().out == (
        '[2.061]\n'
        '[2.015]\n')


def test_multi_input_multi_output_model(capsys):
    keras = _fresh()
    image_input = keras.Input(shape=(32, 32, 3), name="img_input")
    timeseries_input = keras.Input(shape=(None, 10), name="ts_input")
    x1 = keras.layers.Conv2D(3, 3)(image_input)
    x1 = keras.layers.GlobalMaxPooling2D()(x1)
    x2 = keras.layers.Conv1D(3, 3)(timeseries_input)
    x2 = keras.layers.GlobalMaxPooling1D()(x2)
    x = keras.layers.concatenate([x1, x2])
    score_output = keras.layers.Dense(1, name="score_output")(x)
    class_output = keras.layers.Dense(5, name="class_output")(x)
    model = keras.Model(inputs=[image_input, timeseries_input], outputs=[score_output, class_output])
    model.summary()
    model.compile(optimizer=keras.optimizers.RMSprop(1e-3),
                  loss={"score_output": keras.losses.MeanSquaredError(),
                        "class_output": keras.losses.CategoricalCrossentropy()},
                  metrics={"score_output": [keras.metrics.MeanAbsolutePercentageError(),
                                            keras.metrics.MeanAbsoluteError()],
                           "class_output": [keras.metrics.CategoricalAccuracy()]},
                  loss_weights={"score_output": 2.0, "class_output": 1.0})
    rng = np.random.RandomState(0)
    img_data = rng.random_sample(size=(20, 32, 32, 3)).astype("float32")
    ts_data = rng.random_sample(size=(20, 20, 10)).astype("float32")
    score_targets = rng.random_sample(size=(20, 1)).astype("float32")
    class_targets = rng.random_sample(size=(20, 5)).astype("float32")
    history = model.fit([img_data, ts_data], [score_targets, class_targets], batch_size=10, epochs=1,
                        verbose=0)
    print({k: [round(v, 2) for v in vs] for k, vs in sorted(history.history.items())})
    assert capsys.readouterr().out == (
        'Model: "functional"\n'
        '┏━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━┓\n'
        '┃ Layer (type)        ┃ Output Shape      ┃    Param # ┃ Connected to      ┃\n'
        '┡━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━┩\n'
        '│ img_input           │ (None, 32, 32, 3) │          0 │ -                 │\n'
        '│ (InputLayer)        │                   │            │                   │\n'
        '├─────────────────────┼───────────────────┼────────────┼───────────────────┤\n'
        '│ ts_input            │ (None, None, 10)  │          0 │ -                 │\n'
        '│ (InputLayer)        │                   │            │                   │\n'
        '├─────────────────────┼───────────────────┼────────────┼───────────────────┤\n'
        '│ conv2d (Conv2D)     │ (None, 30, 30, 3) │         84 │ img_input[0][0]   │\n'
        '├─────────────────────┼───────────────────┼────────────┼───────────────────┤\n'
        '│ conv1d (Conv1D)     │ (None, None, 3)   │         93 │ ts_input[0][0]    │\n'
        '├─────────────────────┼───────────────────┼────────────┼───────────────────┤\n'
        '│ global_max_pooling… │ (None, 3)         │          0 │ conv2d[0][0]      │\n'
        '│ (GlobalMaxPooling2… │                   │            │                   │\n'
        '├─────────────────────┼───────────────────┼────────────┼───────────────────┤\n'
        '│ global_max_pooling… │ (None, 3)         │          0 │ conv1d[0][0]      │\n'
        '│ (GlobalMaxPooling1… │                   │            │                   │\n'
        '├─────────────────────┼───────────────────┼────────────┼───────────────────┤\n'
        '│ concatenate         │ (None, 6)         │          0 │ global_max_pooli… │\n'
        '│ (Concatenate)       │                   │            │ global_max_pooli… │\n'
        '├─────────────────────┼───────────────────┼────────────┼───────────────────┤\n'
        '│ score_output        │ (None, 1)         │          7 │ concatenate[0][0] │\n'
        '│ (Dense)             │                   │            │                   │\n'
        '├─────────────────────┼───────────────────┼────────────┼───────────────────┤\n'
        '│ class_output        │ (None, 5)         │         35 │ concatenate[0][0] │\n'
        '│ (Dense)             │                   │            │                   │\n'
        '└─────────────────────┴───────────────────┴────────────┴───────────────────┘\n'
        ' Total params: 219 (876.00 B)\n'
        ' Trainable params: 219 (876.00 B)\n'
        ' Non-trainable params: 0 (0.00 B)\n'
        "{'class_output_categorical_accuracy': [0.1], 'class_output_loss': [10.76], 'loss': [12.48], 'score_output_loss': [0.86], 'score_output_mean_absolute_error': [0.88], 'score_output_mean_absolute_percentage_error': [264.74]}\n")


def test_early_stopping_and_learning_rate_schedule(capsys):
    keras = _fresh()
    (x_train, y_train), _, _ = _mnist()
    initial_learning_rate = 0.1
    lr_schedule = keras.optimizers.schedules.ExponentialDecay(
        initial_learning_rate, decay_steps=100000, decay_rate=0.96, staircase=True)
    print(float(lr_schedule(0)), float(lr_schedule(100000)), float(lr_schedule(250000)))
    model = _model(keras)
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=1e-3),
                  loss="sparse_categorical_crossentropy", metrics=["sparse_categorical_accuracy"])
    callbacks = [keras.callbacks.EarlyStopping(monitor="val_loss", min_delta=1e-2, patience=1, verbose=0)]
    history = model.fit(x_train, y_train, epochs=4, batch_size=64, callbacks=callbacks,
                        validation_split=0.2, verbose=0)
    print(history.epoch, round(history.history["val_loss"][-1], 2))
    assert capsys.readouterr().out == (
        '0.10000000149011612 0.09600000083446503 0.09216000139713287\n'
        '[0, 1, 2, 3] 0.13\n')


def test_training_loop_from_scratch(capsys):
    keras = _fresh()
    (x_train, y_train), (x_val, y_val), _ = _mnist()
    model = _model(keras)
    optimizer = keras.optimizers.SGD(learning_rate=1e-3)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=False)
    train_acc_metric = keras.metrics.SparseCategoricalAccuracy()
    val_acc_metric = keras.metrics.SparseCategoricalAccuracy()
    batch_size = 64
    train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train))
    train_dataset = train_dataset.shuffle(buffer_size=1024).batch(batch_size)
    val_dataset = tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(batch_size)

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            logits = model(x, training=True)
            loss_value = loss_fn(y, logits)
        grads = tape.gradient(loss_value, model.trainable_weights)
        optimizer.apply_gradients(zip(grads, model.trainable_weights))
        train_acc_metric.update_state(y, logits)
        return loss_value

    @tf.function
    def test_step(x, y):
        val_logits = model(x, training=False)
        val_acc_metric.update_state(y, val_logits)

    for epoch in range(2):
        print("\nStart of epoch %d" % (epoch,))
        for step, (x_batch_train, y_batch_train) in enumerate(train_dataset):
            loss_value = train_step(x_batch_train, y_batch_train)
            if step % 4 == 0:
                print("Training loss (for one batch) at step %d: %.3f" % (step, float(loss_value)))
                print("Seen so far: %d samples" % ((step + 1) * batch_size))
        train_acc = train_acc_metric.result()
        print("Training acc over epoch: %.3f" % (float(train_acc),))
        train_acc_metric.reset_state()
        for x_batch_val, y_batch_val in val_dataset:
            test_step(x_batch_val, y_batch_val)
        val_acc = val_acc_metric.result()
        val_acc_metric.reset_state()
        print("Validation acc: %.3f" % (float(val_acc),))
    assert capsys.readouterr().out == (
        '\n'
        'Start of epoch 0\n'
        'Training loss (for one batch) at step 0: 2.475\n'
        'Seen so far: 64 samples\n'
        'Training loss (for one batch) at step 4: 2.314\n'
        'Seen so far: 320 samples\n'
        'Training acc over epoch: 0.124\n'
        'Validation acc: 0.110\n'
        '\n'
        'Start of epoch 1\n'
        'Training loss (for one batch) at step 0: 2.393\n'
        'Seen so far: 64 samples\n'
        'Training loss (for one batch) at step 4: 2.376\n'
        'Seen so far: 320 samples\n'
        'Training acc over epoch: 0.134\n'
        'Validation acc: 0.120\n')
