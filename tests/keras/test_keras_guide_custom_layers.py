"""TF's tutorial "Custom layers" and Keras's guide "Making new layers and models via subclassing",
cell by cell, with the output TF 2.21 + Keras 3.15.1 prints for the same code (checked against
TF; cells that plot or download are left out)."""
import numpy as np
import pytest

import eagerflow as tf


def _fresh(seed=0):
    keras = tf.keras
    keras.utils.clear_session()
    keras.utils.set_random_seed(seed)
    return keras


def test_dense_layer_called_on_zeros(capsys):
    keras = _fresh()
    layer = keras.layers.Dense(100)
    layer = keras.layers.Dense(10, input_shape=(None, 5))
    print(layer(tf.zeros([10, 5])))
    assert capsys.readouterr().out == (
        'tf.Tensor(\n'
        '[[0. 0. 0. 0. 0. 0. 0. 0. 0. 0.]\n'
        ' [0. 0. 0. 0. 0. 0. 0. 0. 0. 0.]\n'
        ' [0. 0. 0. 0. 0. 0. 0. 0. 0. 0.]\n'
        ' [0. 0. 0. 0. 0. 0. 0. 0. 0. 0.]\n'
        ' [0. 0. 0. 0. 0. 0. 0. 0. 0. 0.]\n'
        ' [0. 0. 0. 0. 0. 0. 0. 0. 0. 0.]\n'
        ' [0. 0. 0. 0. 0. 0. 0. 0. 0. 0.]\n'
        ' [0. 0. 0. 0. 0. 0. 0. 0. 0. 0.]\n'
        ' [0. 0. 0. 0. 0. 0. 0. 0. 0. 0.]\n'
        ' [0. 0. 0. 0. 0. 0. 0. 0. 0. 0.]], shape=(10, 10), dtype=float32)\n')


def test_dense_layer_variables(capsys):
    keras = _fresh()
    layer = keras.layers.Dense(10, input_shape=(None, 5))
    layer(tf.zeros([10, 5]))
    print(layer.variables)
    print((layer.kernel, layer.bias))
    assert capsys.readouterr().out == (
        '[<Variable path=dense/kernel, shape=(5, 10), dtype=float32, value=[[ 0.01983935 -0.24151957  0.42868394 -0.49761367 -0.13290405 -0.39628005\n'
        '  -0.00117618  0.61567265  0.06863213 -0.0791108 ]\n'
        ' [ 0.35538107  0.09911281  0.01158255 -0.03498596 -0.44952974  0.18273878\n'
        '  -0.01879179  0.5899187  -0.3710078  -0.46942186]\n'
        ' [ 0.30315298  0.25245106  0.23800588  0.47034377  0.10548848  0.5978307\n'
        '  -0.32840112 -0.17920944 -0.04253703  0.32016832]\n'
        ' [ 0.5107563  -0.06635404 -0.4000709  -0.06232131 -0.56698245  0.37346536\n'
        '   0.5403319   0.5047073   0.30256402  0.4465775 ]\n'
        ' [ 0.3371246  -0.5403143   0.3193087   0.36233395  0.24488175 -0.30217224\n'
        '   0.46130913  0.5909855  -0.48504555  0.08201331]]>, <Variable path=dense/bias, shape=(10,), dtype=float32, value=[0. 0. 0. 0. 0. 0. 0. 0. 0. 0.]>]\n'
        '(<Variable path=dense/kernel, shape=(5, 10), dtype=float32, value=[[ 0.01983935 -0.24151957  0.42868394 -0.49761367 -0.13290405 -0.39628005\n'
        '  -0.00117618  0.61567265  0.06863213 -0.0791108 ]\n'
        ' [ 0.35538107  0.09911281  0.01158255 -0.03498596 -0.44952974  0.18273878\n'
        '  -0.01879179  0.5899187  -0.3710078  -0.46942186]\n'
        ' [ 0.30315298  0.25245106  0.23800588  0.47034377  0.10548848  0.5978307\n'
        '  -0.32840112 -0.17920944 -0.04253703  0.32016832]\n'
        ' [ 0.5107563  -0.06635404 -0.4000709  -0.06232131 -0.56698245  0.37346536\n'
        '   0.5403319   0.5047073   0.30256402  0.4465775 ]\n'
        ' [ 0.3371246  -0.5403143   0.3193087   0.36233395  0.24488175 -0.30217224\n'
        '   0.46130913  0.5909855  -0.48504555  0.08201331]]>, <Variable path=dense/bias, shape=(10,), dtype=float32, value=[0. 0. 0. 0. 0. 0. 0. 0. 0. 0.]>)\n')


def test_my_dense_layer_trainable_variable_names(capsys):
    keras = _fresh()

    class MyDenseLayer(keras.layers.Layer):
        def __init__(self, num_outputs):
            super(MyDenseLayer, self).__init__()
            self.num_outputs = num_outputs

        def build(self, input_shape):
            self.kernel = self.add_weight(name="kernel", shape=[int(input_shape[-1]), self.num_outputs])

        def call(self, inputs):
            return tf.matmul(inputs, self.kernel)

    layer = MyDenseLayer(10)
    _ = layer(tf.zeros([10, 5]))
    print([var.name for var in layer.trainable_variables])
    print([var.path for var in layer.trainable_variables])
    print(layer.kernel.shape, layer.kernel.dtype)
    assert capsys.readouterr().out == (
        "['kernel']\n"
        "['my_dense_layer/kernel']\n"
        '(5, 10) float32\n')


def test_add_weight_rejects_a_positional_name(capsys):
    keras = _fresh()

    class MyDenseLayer(keras.layers.Layer):
        def __init__(self, num_outputs):
            super(MyDenseLayer, self).__init__()
            self.num_outputs = num_outputs

        def build(self, input_shape):
            self.kernel = self.add_weight("kernel", shape=[int(input_shape[-1]), self.num_outputs])

        def call(self, inputs):
            return tf.matmul(inputs, self.kernel)

    with pytest.raises(ValueError) as info:
        MyDenseLayer(10)(tf.zeros([10, 5]))
    print(info.value)
    assert capsys.readouterr().out == (
        "`name` must be passed as a keyword argument. Received: add_weight('kernel', ...). "
        "Use: add_weight(shape=..., name='kernel').\n")


def _resnet_identity_block(keras):
    class ResnetIdentityBlock(keras.Model):
        def __init__(self, kernel_size, filters):
            super(ResnetIdentityBlock, self).__init__(name='')
            filters1, filters2, filters3 = filters

            self.conv2a = keras.layers.Conv2D(filters1, (1, 1))
            self.bn2a = keras.layers.BatchNormalization()

            self.conv2b = keras.layers.Conv2D(filters2, kernel_size, padding='same')
            self.bn2b = keras.layers.BatchNormalization()

            self.conv2c = keras.layers.Conv2D(filters3, (1, 1))
            self.bn2c = keras.layers.BatchNormalization()

        def call(self, input_tensor, training=False):
            x = self.conv2a(input_tensor)
            x = self.bn2a(x, training=training)
            x = tf.nn.relu(x)

            x = self.conv2b(x)
            x = self.bn2b(x, training=training)
            x = tf.nn.relu(x)

            x = self.conv2c(x)
            x = self.bn2c(x, training=training)

            x += input_tensor
            return tf.nn.relu(x)

    return ResnetIdentityBlock(1, [1, 2, 3])


def test_resnet_identity_block_layers_and_variables(capsys):
    keras = _fresh()
    block = _resnet_identity_block(keras)
    print(block(tf.zeros([1, 2, 3, 3])))
    print([type(layer).__name__ for layer in block.layers])
    print([layer.name for layer in block.layers])
    print(len(block.variables))
    print([v.path for v in block.variables])
    assert capsys.readouterr().out == (
        'tf.Tensor(\n'
        '[[[[0. 0. 0.]\n'
        '   [0. 0. 0.]\n'
        '   [0. 0. 0.]]\n'
        '\n'
        '  [[0. 0. 0.]\n'
        '   [0. 0. 0.]\n'
        '   [0. 0. 0.]]]], shape=(1, 2, 3, 3), dtype=float32)\n'
        "['Conv2D', 'BatchNormalization', 'Conv2D', 'BatchNormalization', 'Conv2D', 'BatchNormalization']\n"
        "['conv2d', 'batch_normalization', 'conv2d_1', 'batch_normalization_1', 'conv2d_2', 'batch_normalization_2']\n"
        '18\n'
        "['conv2d/kernel', 'conv2d/bias', 'batch_normalization/gamma', 'batch_normalization/beta', 'batch_normalization/moving_mean', 'batch_normalization/moving_variance', 'conv2d_1/kernel', 'conv2d_1/bias', 'batch_normalization_1/gamma', 'batch_normalization_1/beta', 'batch_normalization_1/moving_mean', 'batch_normalization_1/moving_variance', 'conv2d_2/kernel', 'conv2d_2/bias', 'batch_normalization_2/gamma', 'batch_normalization_2/beta', 'batch_normalization_2/moving_mean', 'batch_normalization_2/moving_variance']\n")


def test_resnet_identity_block_summary(capsys):
    keras = _fresh()
    block = _resnet_identity_block(keras)
    _ = block(tf.zeros([1, 2, 3, 3]))
    block.summary()
    assert capsys.readouterr().out == (
        'Model: ""\n'
        '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓\n'
        '┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃\n'
        '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩\n'
        '│ conv2d (Conv2D)                 │ (1, 2, 3, 1)           │             4 │\n'
        '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
        '│ batch_normalization             │ (1, 2, 3, 1)           │             4 │\n'
        '│ (BatchNormalization)            │                        │               │\n'
        '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
        '│ conv2d_1 (Conv2D)               │ (1, 2, 3, 2)           │             4 │\n'
        '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
        '│ batch_normalization_1           │ (1, 2, 3, 2)           │             8 │\n'
        '│ (BatchNormalization)            │                        │               │\n'
        '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
        '│ conv2d_2 (Conv2D)               │ (1, 2, 3, 3)           │             9 │\n'
        '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
        '│ batch_normalization_2           │ (1, 2, 3, 3)           │            12 │\n'
        '│ (BatchNormalization)            │                        │               │\n'
        '└─────────────────────────────────┴────────────────────────┴───────────────┘\n'
        ' Total params: 41 (164.00 B)\n'
        ' Trainable params: 29 (116.00 B)\n'
        ' Non-trainable params: 12 (48.00 B)\n')


def test_resnet_identity_block_on_ones_in_training(capsys):
    keras = _fresh(3)
    block = _resnet_identity_block(keras)
    x = tf.reshape(tf.range(18, dtype=tf.float32), [1, 2, 3, 3]) / 10.0
    y = block(x, training=True)
    print(np.round(y.numpy(), 4))
    print(np.round(block.bn2a.moving_mean.numpy(), 5), np.round(block.bn2c.moving_variance.numpy(), 5))
    assert capsys.readouterr().out == (
        '[[[[2.0595 2.1121 0.    ]\n'
        '   [0.7148 0.1715 0.0992]\n'
        '   [0.     0.     1.556 ]]\n'
        '\n'
        '  [[0.3214 0.8467 1.6705]\n'
        '   [0.6214 1.1467 1.9705]\n'
        '   [0.9214 1.4467 2.2705]]]]\n'
        '[-0.00269] [0.99163 0.99077 0.99306]\n')


def _my_seq(keras):
    return keras.Sequential([keras.layers.Conv2D(1, (1, 1), input_shape=(None, None, 3)),
                             keras.layers.BatchNormalization(),
                             keras.layers.Conv2D(2, 1, padding='same'),
                             keras.layers.BatchNormalization(),
                             keras.layers.Conv2D(3, (1, 1)),
                             keras.layers.BatchNormalization()])


def test_sequential_of_conv_and_batchnorm(capsys):
    keras = _fresh()
    my_seq = _my_seq(keras)
    print(my_seq(tf.zeros([1, 2, 3, 3])))
    assert capsys.readouterr().out == (
        'tf.Tensor(\n'
        '[[[[0. 0. 0.]\n'
        '   [0. 0. 0.]\n'
        '   [0. 0. 0.]]\n'
        '\n'
        '  [[0. 0. 0.]\n'
        '   [0. 0. 0.]\n'
        '   [0. 0. 0.]]]], shape=(1, 2, 3, 3), dtype=float32)\n')


def test_sequential_of_conv_and_batchnorm_summary(capsys):
    keras = _fresh()
    my_seq = _my_seq(keras)
    my_seq(tf.zeros([1, 2, 3, 3]))
    my_seq.summary()
    assert capsys.readouterr().out == (
        'Model: "sequential"\n'
        '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓\n'
        '┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃\n'
        '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩\n'
        '│ conv2d (Conv2D)                 │ (None, None, None, 1)  │             4 │\n'
        '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
        '│ batch_normalization             │ (None, None, None, 1)  │             4 │\n'
        '│ (BatchNormalization)            │                        │               │\n'
        '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
        '│ conv2d_1 (Conv2D)               │ (None, None, None, 2)  │             4 │\n'
        '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
        '│ batch_normalization_1           │ (None, None, None, 2)  │             8 │\n'
        '│ (BatchNormalization)            │                        │               │\n'
        '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
        '│ conv2d_2 (Conv2D)               │ (None, None, None, 3)  │             9 │\n'
        '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
        '│ batch_normalization_2           │ (None, None, None, 3)  │            12 │\n'
        '│ (BatchNormalization)            │                        │               │\n'
        '└─────────────────────────────────┴────────────────────────┴───────────────┘\n'
        ' Total params: 41 (164.00 B)\n'
        ' Trainable params: 29 (116.00 B)\n'
        ' Non-trainable params: 12 (48.00 B)\n')


# Keras's guide "Making new layers and models via subclassing".



def _linear_in_init(keras):
    class Linear(keras.layers.Layer):
        def __init__(self, units=32, input_dim=32):
            super().__init__()
            self.w = self.add_weight(shape=(input_dim, units), initializer="random_normal", trainable=True)
            self.b = self.add_weight(shape=(units,), initializer="zeros", trainable=True)

        def call(self, inputs):
            return tf.matmul(inputs, self.w) + self.b

    return Linear


def _linear_in_build(keras):
    class Linear(keras.layers.Layer):
        def __init__(self, units=32, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal",
                                     trainable=True)
            self.b = self.add_weight(shape=(self.units,), initializer="random_normal", trainable=True)

        def call(self, inputs):
            return tf.matmul(inputs, self.w) + self.b

        def get_config(self):
            config = super().get_config()
            config.update({"units": self.units})
            return config

    return Linear


def test_linear_layer_with_weights_made_in_init(capsys):
    keras = _fresh()
    x = tf.ones((2, 2))
    linear_layer = _linear_in_init(keras)(4, 2)
    y = linear_layer(x)
    print(y)
    print(linear_layer.weights == [linear_layer.w, linear_layer.b])
    assert capsys.readouterr().out == (
        'tf.Tensor(\n'
        '[[0.11646505 0.00552552 0.01349023 0.08197781]\n'
        ' [0.11646505 0.00552552 0.01349023 0.08197781]], shape=(2, 4), dtype=float32)\n'
        'True\n')


def test_non_trainable_weight_accumulates(capsys):
    keras = _fresh()

    class ComputeSum(keras.layers.Layer):
        def __init__(self, input_dim):
            super().__init__()
            self.total = self.add_weight(initializer="zeros", shape=(input_dim,), trainable=False)

        def call(self, inputs):
            self.total.assign_add(tf.reduce_sum(inputs, axis=0))
            return self.total

    x = tf.ones((2, 2))
    my_sum = ComputeSum(2)
    y = my_sum(x)
    print(y.numpy())
    y = my_sum(x)
    print(y.numpy())
    print("weights:", len(my_sum.weights))
    print("non-trainable weights:", len(my_sum.non_trainable_weights))
    print("trainable_weights:", my_sum.trainable_weights)
    assert capsys.readouterr().out == (
        '[2. 2.]\n'
        '[4. 4.]\n'
        'weights: 1\n'
        'non-trainable weights: 1\n'
        'trainable_weights: []\n')


def test_lazy_weights_and_nested_layers(capsys):
    keras = _fresh()
    Linear = _linear_in_build(keras)

    class MLPBlock(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.linear_1 = Linear(32)
            self.linear_2 = Linear(32)
            self.linear_3 = Linear(1)

        def call(self, inputs):
            x = self.linear_1(inputs)
            x = tf.nn.relu(x)
            x = self.linear_2(x)
            x = tf.nn.relu(x)
            return self.linear_3(x)

    mlp = MLPBlock()
    y = mlp(tf.ones(shape=(3, 64)))
    print("weights:", len(mlp.weights))
    print("trainable weights:", len(mlp.trainable_weights))
    print([w.path for w in mlp.weights])
    print(np.round(y.numpy(), 5))
    assert capsys.readouterr().out == (
        'weights: 6\n'
        'trainable weights: 6\n'
        "['mlp_block/linear/variable', 'mlp_block/linear/variable_1', 'mlp_block/linear_1/variable_2', 'mlp_block/linear_1/variable_3', 'mlp_block/linear_2/variable_4', 'mlp_block/linear_2/variable_5']\n"
        '[[0.07078]\n'
        ' [0.07078]\n'
        ' [0.07078]]\n')


def _activity_regularization_layer(keras):
    class ActivityRegularizationLayer(keras.layers.Layer):
        def __init__(self, rate=1e-2):
            super().__init__()
            self.rate = rate

        def call(self, inputs):
            self.add_loss(self.rate * tf.reduce_mean(inputs))
            return inputs

    return ActivityRegularizationLayer


def test_add_loss_is_reset_at_each_call(capsys):
    keras = _fresh()
    ActivityRegularizationLayer = _activity_regularization_layer(keras)

    class OuterLayer(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.activity_reg = ActivityRegularizationLayer(1e-2)

        def call(self, inputs):
            return self.activity_reg(inputs)

    layer = OuterLayer()
    print(len(layer.losses))
    _ = layer(tf.zeros(1, 1))
    print(len(layer.losses))
    _ = layer(tf.ones((2, 2)))
    print(len(layer.losses), layer.losses)
    assert capsys.readouterr().out == (
        '0\n'
        '1\n'
        '1 [<tf.Tensor: shape=(), dtype=float32, numpy=0.009999999776482582>]\n')


def test_kernel_regularizer_loss(capsys):
    keras = _fresh()

    class OuterLayerWithKernelRegularizer(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(32, kernel_regularizer=keras.regularizers.l2(1e-3))

        def call(self, inputs):
            return self.dense(inputs)

    layer = OuterLayerWithKernelRegularizer()
    _ = layer(tf.zeros((1, 1)))
    print(len(layer.losses), layer.losses[0].dtype, layer.losses[0].shape)
    print(round(float(layer.losses[0]), 6))
    print(round(float(1e-3 * tf.reduce_sum(layer.dense.kernel ** 2)), 6))
    assert capsys.readouterr().out == (
        "1 <dtype: 'float32'> ()\n"
        '0.001566\n'
        '0.001566\n')


def test_fit_with_add_loss_and_without_compiled_loss(capsys):
    keras = _fresh()
    ActivityRegularizationLayer = _activity_regularization_layer(keras)
    inputs = keras.Input(shape=(3,))
    outputs = ActivityRegularizationLayer()(inputs)
    model = keras.Model(inputs, outputs)
    rng = np.random.RandomState(0)
    x, y = rng.random_sample((2, 3)), rng.random_sample((2, 3))
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(x, y, verbose=0)
    print({k: [round(v, 5) for v in vs] for k, vs in history.history.items()})
    model.compile(optimizer="adam")
    history = model.fit(x, y, verbose=0)
    print({k: [round(v, 5) for v in vs] for k, vs in history.history.items()})
    assert capsys.readouterr().out == (
        "{'loss': [0.06397]}\n"
        "{'loss': [0.06397]}\n")


def test_get_config_and_from_config(capsys):
    keras = _fresh()

    class Linear(keras.layers.Layer):
        def __init__(self, units=32):
            super().__init__()
            self.units = units

        def get_config(self):
            return {"units": self.units}

    layer = Linear(64)
    config = layer.get_config()
    print(config)
    new_layer = Linear.from_config(config)
    print(new_layer.units)

    layer = _linear_in_build(keras)(64)
    config = layer.get_config()
    print(config)
    new_layer = type(layer).from_config(config)
    print(new_layer.units, new_layer.name)
    assert capsys.readouterr().out == (
        "{'units': 64}\n"
        '64\n'
        "{'name': 'linear_2', 'trainable': True, 'dtype': {'module': 'keras', 'class_name': 'DTypePolicy', 'config': {'name': 'float32'}, 'registered_name': None}, 'units': 64}\n"
        '64 linear_2\n')


def test_custom_dropout_training_argument(capsys):
    keras = _fresh()

    class CustomDropout(keras.layers.Layer):
        def __init__(self, rate, **kwargs):
            super().__init__(**kwargs)
            self.rate = rate

        def call(self, inputs, training=False):
            if training:
                return tf.nn.dropout(inputs, rate=self.rate, seed=1)
            return inputs

    layer = CustomDropout(0.5)
    print(layer(tf.ones((2, 3))))
    out = layer(tf.ones((200, 50)), training=True).numpy()
    print(sorted(set(out.ravel().tolist())))
    assert capsys.readouterr().out == (
        'tf.Tensor(\n'
        '[[1. 1. 1.]\n'
        ' [1. 1. 1.]], shape=(2, 3), dtype=float32)\n'
        '[0.0, 2.0]\n')
