"""TF's guide "Mixed precision", cell by cell, with the output TF 2.21 + Keras 3.15.1 prints for the
same code on a CPU (checked against TF). MNIST is replaced by synthetic arrays of the same shapes
(784 float32 pixels, labels 0..9), fewer of them; losses and accuracies are printed rounded. Keras 3's
LossScaleOptimizer scales with `scale_loss` (the guide's `get_scaled_loss` is Keras 2's)."""
import contextlib

import numpy as np

import eagerflow as tf


def _fresh(seed=0):
    keras = tf.keras
    keras.utils.clear_session()
    keras.utils.set_random_seed(seed)
    return keras


@contextlib.contextmanager
def _global_policy(keras, name):
    keras.mixed_precision.set_global_policy(name)
    try:
        yield
    finally:
        keras.mixed_precision.set_global_policy('float32')


def _mnist():
    rng = np.random.RandomState(0)
    templates = rng.random_sample((10, 784))

    def make(n):
        y = rng.randint(0, 10, n).astype(np.uint8)
        x = np.clip(templates[y] + rng.normal(0, 0.3, (n, 784)), 0, 1).astype('float32')
        return x, y

    return make(512), make(128)


def _model(keras):
    inputs = keras.Input(shape=(784,), name='digits')
    num_units = 64
    dense1 = keras.layers.Dense(num_units, activation='relu', name='dense_1')
    x = dense1(inputs)
    dense2 = keras.layers.Dense(num_units, activation='relu', name='dense_2')
    x = dense2(x)
    x = keras.layers.Dense(10, name='dense_logits')(x)
    outputs = keras.layers.Activation('softmax', dtype='float32', name='predictions')(x)
    return keras.Model(inputs=inputs, outputs=outputs)


def test_setting_the_dtype_policy(capsys):
    keras = _fresh()
    mixed_precision = keras.mixed_precision
    policy = mixed_precision.Policy('mixed_float16')
    with _global_policy(keras, policy):
        print('Compute dtype: %s' % policy.compute_dtype)
        print('Variable dtype: %s' % policy.variable_dtype)
        print(policy)
        print(mixed_precision.global_policy())
        print(mixed_precision.dtype_policy().name)
    print(mixed_precision.global_policy())
    assert capsys.readouterr().out == (
        'Compute dtype: float16\n'
        'Variable dtype: float32\n'
        '<DTypePolicy "mixed_float16">\n'
        '<DTypePolicy "mixed_float16">\n'
        'mixed_float16\n'
        '<DTypePolicy "float32">\n')


def test_layers_compute_in_float16_and_keep_float32_variables(capsys):
    keras = _fresh()
    with _global_policy(keras, 'mixed_float16'):
        inputs = keras.Input(shape=(784,), name='digits')
        dense1 = keras.layers.Dense(64, activation='relu', name='dense_1')
        x = dense1(inputs)
        dense2 = keras.layers.Dense(64, activation='relu', name='dense_2')
        x = dense2(x)
        print(dense1.dtype_policy)
        print('x.dtype: %s' % x.dtype)  # a KerasTensor's dtype is a string in Keras 3
        print('dense1.kernel.dtype: %s' % dense1.kernel.dtype)
        print(dense1.compute_dtype, dense1.variable_dtype, dense1.dtype)
        outputs = keras.layers.Dense(10, activation='softmax', name='predictions')(x)
        print('Outputs dtype: %s' % outputs.dtype)
        x = keras.layers.Dense(10, name='dense_logits')(x)
        outputs = keras.layers.Activation('softmax', dtype='float32', name='predictions_2')(x)
        print('Outputs dtype: %s' % outputs.dtype)
        outputs = keras.layers.Activation('linear', dtype='float32')(outputs)
        print('Outputs dtype: %s' % outputs.dtype)
    assert capsys.readouterr().out == (
        '<DTypePolicy "mixed_float16">\n'
        'x.dtype: float16\n'
        'dense1.kernel.dtype: float32\n'
        'float16 float32 float32\n'
        'Outputs dtype: float16\n'
        'Outputs dtype: float32\n'
        'Outputs dtype: float32\n')


def test_eager_call_casts_inputs_to_float16(capsys):
    keras = _fresh()
    with _global_policy(keras, 'mixed_float16'):
        layer = keras.layers.Dense(3)
        y = layer(tf.ones((2, 4)))
        print(y.dtype, layer.kernel.dtype, layer.kernel.value.dtype)
        print(y)
    assert capsys.readouterr().out == (
        "<dtype: 'float16'> float32 <dtype: 'float32'>\n"
        'tf.Tensor(\n'
        '[[-0.817  0.873  0.293]\n'
        ' [-0.817  0.873  0.293]], shape=(2, 3), dtype=float16)\n')


def test_model_summary_and_fit(capsys):
    keras = _fresh()
    with _global_policy(keras, 'mixed_float16'):
        model = _model(keras)
        model.compile(loss='sparse_categorical_crossentropy', optimizer=keras.optimizers.RMSprop(),
                      metrics=['accuracy'])
        model.summary()
        print(type(model.optimizer).__name__, type(model.optimizer.inner_optimizer).__name__)
        (x_train, y_train), (x_test, y_test) = _mnist()
        history = model.fit(x_train, y_train, batch_size=128, epochs=2, validation_split=0.2, verbose=0)
        # float16 matmuls round differently by summation order (TF's own CPU kernels included):
        # one decimal.
        print({k: [round(v, 1) for v in vs] for k, vs in sorted(history.history.items())})
        test_scores = model.evaluate(x_test, y_test, verbose=0)
        print('Test loss:', round(test_scores[0], 1))
        print('Test accuracy:', round(test_scores[1], 1))
        print(model.optimizer.dynamic_scale)
    assert capsys.readouterr().out == (
        'Model: "functional"\n'
        '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓\n'
        '┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃\n'
        '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩\n'
        '│ digits (InputLayer)             │ (None, 784)            │             0 │\n'
        '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
        '│ dense_1 (Dense)                 │ (None, 64)             │        50,240 │\n'
        '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
        '│ dense_2 (Dense)                 │ (None, 64)             │         4,160 │\n'
        '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
        '│ dense_logits (Dense)            │ (None, 10)             │           650 │\n'
        '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
        '│ predictions (Activation)        │ (None, 10)             │             0 │\n'
        '└─────────────────────────────────┴────────────────────────┴───────────────┘\n'
        ' Total params: 55,050 (215.04 KB)\n'
        ' Trainable params: 55,050 (215.04 KB)\n'
        ' Non-trainable params: 0 (0.00 B)\n'
        'LossScaleOptimizer RMSprop\n'
        "{'accuracy': [0.2, 0.5], 'loss': [2.2, 1.5], 'val_accuracy': [0.3, 0.8], 'val_loss': [1.9, 1.4]}\n"
        'Test loss: 1.2\n'
        'Test accuracy: 0.9\n'
        '<Variable path=loss_scale_optimizer/dynamic_scale, shape=(), dtype=float32, value=32768.0>\n')


def test_float16_overflow_and_underflow(capsys):
    x = tf.constant(256, dtype='float16')
    print(repr((x ** 2).numpy()))
    x = tf.constant(1e-5, dtype='float16')
    print(repr((x ** 2).numpy()))
    assert capsys.readouterr().out == (
        'np.float16(inf)\n'
        'np.float16(0.0)\n')


def test_loss_scale_optimizer(capsys):
    keras = _fresh()
    optimizer = keras.optimizers.RMSprop()
    optimizer = keras.mixed_precision.LossScaleOptimizer(optimizer)
    print(type(optimizer).__name__, optimizer.dynamic_growth_steps)
    print(hasattr(optimizer, 'dynamic_scale'))
    optimizer.build([keras.Variable(1.0)])
    print(optimizer.dynamic_scale)
    print(optimizer.scale_loss(tf.constant(2.0)))
    print(hasattr(optimizer, 'get_scaled_loss'))
    assert capsys.readouterr().out == (
        'LossScaleOptimizer 2000\n'
        'False\n'
        '<Variable path=loss_scale_optimizer/dynamic_scale, shape=(), dtype=float32, value=32768.0>\n'
        'tf.Tensor(65536.0, shape=(), dtype=float32)\n'
        'False\n')


def test_custom_training_loop_with_loss_scaling(capsys):
    keras = _fresh()
    with _global_policy(keras, 'mixed_float16'):
        model = _model(keras)
        optimizer = keras.mixed_precision.LossScaleOptimizer(keras.optimizers.RMSprop())
        loss_object = keras.losses.SparseCategoricalCrossentropy()
        (x_train, y_train), (x_test, y_test) = _mnist()
        train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(128)
        test_dataset = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(128)

        @tf.function
        def train_step(x, y):
            with tf.GradientTape() as tape:
                predictions = model(x)
                loss = loss_object(y, predictions)
                scaled_loss = optimizer.scale_loss(loss)
            scaled_gradients = tape.gradient(scaled_loss, model.trainable_variables)
            optimizer.apply_gradients(zip(scaled_gradients, model.trainable_variables))
            return loss

        @tf.function
        def test_step(x):
            return model(x, training=False)

        for epoch in range(1):
            epoch_loss_avg = keras.metrics.Mean()
            test_accuracy = keras.metrics.SparseCategoricalAccuracy(name='test_accuracy')
            for x, y in train_dataset:
                loss = train_step(x, y)
                epoch_loss_avg(loss)
            for x, y in test_dataset:
                predictions = test_step(x)
                test_accuracy.update_state(y, predictions)
            print('Epoch {}: loss={:.1f}, test accuracy={:.1f}'.format(
                epoch, epoch_loss_avg.result(), test_accuracy.result()))
        print(loss.dtype, predictions.dtype, optimizer.iterations.numpy(), optimizer.dynamic_scale)
    assert capsys.readouterr().out == (
        'Epoch 0: loss=2.2, test accuracy=0.4\n'
        "<dtype: 'float32'> <dtype: 'float32'> 4 <Variable path=loss_scale_optimizer/dynamic_scale, shape=(), dtype=float32, value=32768.0>\n")