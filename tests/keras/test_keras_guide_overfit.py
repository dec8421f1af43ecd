"""TF's tutorial "Overfit and underfit", cell by cell, with the output TF 2.21 + Keras 3.15.1 prints
for the same code (checked against TF). The HIGGS download is replaced by a small synthetic gzipped
CSV of the same layout (label, then 28 float features) read with the same CsvDataset pipeline; sizes
and epochs are scaled down; cells that plot, use TensorBoard or `tensorflow_docs` are left out;
training results are printed rounded."""
import gzip

import numpy as np

import eagerflow as tf

FEATURES = 28
N_VALIDATION = 100
N_TRAIN = 1000
BUFFER_SIZE = 1000
BATCH_SIZE = 100
STEPS_PER_EPOCH = N_TRAIN // BATCH_SIZE


def _fresh(seed=0):
    keras = tf.keras
    keras.utils.clear_session()
    keras.utils.set_random_seed(seed)
    return keras


def _higgs_csv_gz(path):
    rng = np.random.RandomState(0)
    n = N_VALIDATION + N_TRAIN + 50
    features = rng.normal(0, 1, size=(n, FEATURES)).round(4)
    w = rng.normal(0, 1, size=FEATURES)
    labels = ((features @ w + rng.normal(0, 3, n)) > 0).astype(float)
    with gzip.open(path, "wt") as f:
        for label, row in zip(labels, features):
            f.write(",".join([f"{label:.1f}"] + [f"{v:.4f}" for v in row]) + "\n")
    return str(path)


def pack_row(*row):
    label = row[0]
    features = tf.stack(row[1:], 1)
    return features, label


def _packed_ds(tmp_path):
    gz = _higgs_csv_gz(tmp_path / "HIGGS.csv.gz")
    ds = tf.data.experimental.CsvDataset(gz, [float(), ] * (FEATURES + 1), compression_type="GZIP")
    return ds.batch(10000).map(pack_row).unbatch()


def _splits(tmp_path):
    packed_ds = _packed_ds(tmp_path)
    validate_ds = packed_ds.take(N_VALIDATION).cache()
    train_ds = packed_ds.skip(N_VALIDATION).take(N_TRAIN).cache()
    validate_ds = validate_ds.batch(BATCH_SIZE)
    train_ds = train_ds.shuffle(BUFFER_SIZE).repeat().batch(BATCH_SIZE)
    return train_ds, validate_ds


def _lr_schedule(keras):
    return keras.optimizers.schedules.InverseTimeDecay(
        0.001, decay_steps=STEPS_PER_EPOCH * 1000, decay_rate=1, staircase=False)


def _compile_and_fit(keras, model, train_ds, validate_ds, optimizer=None, max_epochs=4):
    if optimizer is None:
        optimizer = keras.optimizers.Adam(_lr_schedule(keras))
    model.compile(optimizer=optimizer,
                  loss=keras.losses.BinaryCrossentropy(from_logits=True),
                  metrics=[keras.metrics.BinaryCrossentropy(from_logits=True, name='binary_crossentropy'),
                           'accuracy'])
    model.summary()
    history = model.fit(
        train_ds.map(lambda x, y: (x, tf.expand_dims(y, axis=-1))),
        steps_per_epoch=STEPS_PER_EPOCH,
        epochs=max_epochs,
        validation_data=validate_ds.map(lambda x, y: (x, tf.expand_dims(y, axis=-1))),
        callbacks=[keras.callbacks.EarlyStopping(monitor='val_binary_crossentropy', patience=200)],
        verbose=0)
    return history


def _print_history(history):
    print(sorted(history.history), history.epoch)
    for key in ('loss', 'binary_crossentropy', 'val_binary_crossentropy', 'accuracy'):
        print(key, [round(v, 3) for v in history.history[key]])


def test_csv_dataset_packed_rows(capsys, tmp_path):
    packed_ds = _packed_ds(tmp_path)
    for features, label in packed_ds.batch(1000).take(1):
        print(features[0])
        print(features.shape, label.shape, label[:10])
    assert capsys.readouterr().out == (
        'tf.Tensor(\n'
        '[ 1.7641  0.4002  0.9787  2.2409  1.8676 -0.9773  0.9501 -0.1514 -0.1032\n'
        '  0.4106  0.144   1.4543  0.761   0.1217  0.4439  0.3337  1.4941 -0.2052\n'
        '  0.3131 -0.8541 -2.553   0.6536  0.8644 -0.7422  2.2698 -1.4544  0.0458\n'
        ' -0.1872], shape=(28,), dtype=float32)\n'
        '(1000, 28) (1000,) tf.Tensor([0. 1. 0. 0. 1. 0. 1. 0. 1. 1.], shape=(10,), dtype=float32)\n')


def test_cached_and_batched_datasets(capsys, tmp_path):
    packed_ds = _packed_ds(tmp_path)
    validate_ds = packed_ds.take(N_VALIDATION).cache()
    train_ds = packed_ds.skip(N_VALIDATION).take(N_TRAIN).cache()
    print(train_ds)
    print(validate_ds.cardinality(), train_ds.cardinality())
    validate_ds = validate_ds.batch(BATCH_SIZE)
    train_ds = train_ds.shuffle(BUFFER_SIZE).repeat().batch(BATCH_SIZE)
    print(validate_ds.element_spec)
    print(train_ds.cardinality())
    assert capsys.readouterr().out == (
        '<CacheDataset element_spec=(TensorSpec(shape=(28,), dtype=tf.float32, name=None), TensorSpec(shape=(), dtype=tf.float32, name=None))>\n'
        'tf.Tensor(-2, shape=(), dtype=int64) tf.Tensor(-2, shape=(), dtype=int64)\n'
        '(TensorSpec(shape=(None, 28), dtype=tf.float32, name=None), TensorSpec(shape=(None,), dtype=tf.float32, name=None))\n'
        'tf.Tensor(-1, shape=(), dtype=int64)\n')


def test_inverse_time_decay_schedule(capsys):
    keras = _fresh()
    lr_schedule = _lr_schedule(keras)
    step = np.linspace(0, 100000)
    lr = lr_schedule(step)
    print(lr.dtype, lr.shape)
    print(np.round(np.asarray(lr)[::7], 7))
    print(lr_schedule.get_config())
    assert capsys.readouterr().out == (
        "<dtype: 'float32'> (50,)\n"
        '[1.000e-03 4.118e-04 2.593e-04 1.892e-04 1.489e-04 1.228e-04 1.045e-04\n'
        ' 9.090e-05]\n'
        "{'initial_learning_rate': 0.001, 'decay_steps': 10000, 'decay_rate': 1, 'staircase': False, 'name': 'InverseTimeDecay'}\n")


def test_tiny_model(capsys, tmp_path):
    keras = _fresh()
    train_ds, validate_ds = _splits(tmp_path)
    tiny_model = keras.Sequential([
        keras.layers.Dense(16, activation='elu', input_shape=(FEATURES,)),
        keras.layers.Dense(1)
    ])
    _print_history(_compile_and_fit(keras, tiny_model, train_ds, validate_ds))
    assert capsys.readouterr().out == (
        'Model: "sequential"\n'
        '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓\n'
        '┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃\n'
        '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩\n'
        '│ dense (Dense)                   │ (None, 16)             │           464 │\n'
        '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
        '│ dense_1 (Dense)                 │ (None, 1)              │            17 │\n'
        '└─────────────────────────────────┴────────────────────────┴───────────────┘\n'
        ' Total params: 481 (1.88 KB)\n'
        ' Trainable params: 481 (1.88 KB)\n'
        ' Non-trainable params: 0 (0.00 B)\n'
        "['accuracy', 'binary_crossentropy', 'loss', 'val_accuracy', 'val_binary_crossentropy', 'val_loss'] [0, 1, 2, 3]\n"
        'loss [0.73, 0.68, 0.638, 0.601]\n'
        'binary_crossentropy [0.73, 0.68, 0.638, 0.601]\n'
        'val_binary_crossentropy [0.709, 0.667, 0.632, 0.601]\n'
        'accuracy [0.565, 0.579, 0.605, 0.635]\n')


def test_small_and_medium_model_summaries(capsys):
    keras = _fresh()
    small_model = keras.Sequential([
        keras.layers.Dense(16, activation='elu', input_shape=(FEATURES,)),
        keras.layers.Dense(16, activation='elu'),
        keras.layers.Dense(1)
    ])
    medium_model = keras.Sequential([
        keras.layers.Dense(64, activation='elu', input_shape=(FEATURES,)),
        keras.layers.Dense(64, activation='elu'),
        keras.layers.Dense(64, activation='elu'),
        keras.layers.Dense(1)
    ])
    small_model.summary()
    medium_model.summary()
    assert capsys.readouterr().out == (
        'Model: "sequential"\n'
        '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓\n'
        '┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃\n'
        '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩\n'
        '│ dense (Dense)                   │ (None, 16)             │           464 │\n'
        '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
        '│ dense_1 (Dense)                 │ (None, 16)             │           272 │\n'
        '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
        '│ dense_2 (Dense)                 │ (None, 1)              │            17 │\n'
        '└─────────────────────────────────┴────────────────────────┴───────────────┘\n'
        ' Total params: 753 (2.94 KB)\n'
        ' Trainable params: 753 (2.94 KB)\n'
        ' Non-trainable params: 0 (0.00 B)\n'
        'Model: "sequential_1"\n'
        '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓\n'
        '┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃\n'
        '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩\n'
        '│ dense_3 (Dense)                 │ (None, 64)             │         1,856 │\n'
        '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
        '│ dense_4 (Dense)                 │ (None, 64)             │         4,160 │\n'
        '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
        '│ dense_5 (Dense)                 │ (None, 64)             │         4,160 │\n'
        '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
        '│ dense_6 (Dense)                 │ (None, 1)              │            65 │\n'
        '└─────────────────────────────────┴────────────────────────┴───────────────┘\n'
        ' Total params: 10,241 (40.00 KB)\n'
        ' Trainable params: 10,241 (40.00 KB)\n'
        ' Non-trainable params: 0 (0.00 B)\n')


def test_l2_regularized_model(capsys, tmp_path):
    keras = _fresh()
    train_ds, validate_ds = _splits(tmp_path)
    regularizers = keras.regularizers
    l2_model = keras.Sequential([
        keras.layers.Dense(64, activation='elu', kernel_regularizer=regularizers.l2(0.001),
                           input_shape=(FEATURES,)),
        keras.layers.Dense(64, activation='elu', kernel_regularizer=regularizers.l2(0.001)),
        keras.layers.Dense(1)
    ])
    _print_history(_compile_and_fit(keras, l2_model, train_ds, validate_ds, max_epochs=2))
    features, _ = next(iter(validate_ds))
    result = l2_model(features)
    regularization_loss = tf.add_n(l2_model.losses)
    print(len(l2_model.losses), result.shape, round(float(regularization_loss), 4))
    assert capsys.readouterr().out == (
        'Model: "sequential"\n'
        '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓\n'
        '┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃\n'
        '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩\n'
        '│ dense (Dense)                   │ (None, 64)             │         1,856 │\n'
        '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
        '│ dense_1 (Dense)                 │ (None, 64)             │         4,160 │\n'
        '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
        '│ dense_2 (Dense)                 │ (None, 1)              │            65 │\n'
        '└─────────────────────────────────┴────────────────────────┴───────────────┘\n'
        ' Total params: 6,081 (23.75 KB)\n'
        ' Trainable params: 6,081 (23.75 KB)\n'
        ' Non-trainable params: 0 (0.00 B)\n'
        "['accuracy', 'binary_crossentropy', 'loss', 'val_accuracy', 'val_binary_crossentropy', 'val_loss'] [0, 1]\n"
        'loss [0.769, 0.629]\n'
        'binary_crossentropy [0.667, 0.529]\n'
        'val_binary_crossentropy [0.572, 0.49]\n'
        'accuracy [0.58, 0.732]\n'
        '2 (100, 1) 0.1001\n')


def test_dropout_model(capsys, tmp_path):
    keras = _fresh()
    train_ds, validate_ds = _splits(tmp_path)
    dropout_model = keras.Sequential([
        keras.layers.Dense(64, activation='elu', input_shape=(FEATURES,)),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(64, activation='elu'),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(1)
    ])
    _print_history(_compile_and_fit(keras, dropout_model, train_ds, validate_ds, max_epochs=2))
    assert capsys.readouterr().out == (
        'Model: "sequential"\n'
        '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓\n'
        '┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃\n'
        '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩\n'
        '│ dense (Dense)                   │ (None, 64)             │         1,856 │\n'
        '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
        '│ dropout (Dropout)               │ (None, 64)             │             0 │\n'
        '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
        '│ dense_1 (Dense)                 │ (None, 64)             │         4,160 │\n'
        '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
        '│ dropout_1 (Dropout)             │ (None, 64)             │             0 │\n'
        '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
        '│ dense_2 (Dense)                 │ (None, 1)              │            65 │\n'
        '└─────────────────────────────────┴────────────────────────┴───────────────┘\n'
        ' Total params: 6,081 (23.75 KB)\n'
        ' Trainable params: 6,081 (23.75 KB)\n'
        ' Non-trainable params: 0 (0.00 B)\n'
        "['accuracy', 'binary_crossentropy', 'loss', 'val_accuracy', 'val_binary_crossentropy', 'val_loss'] [0, 1]\n"
        'loss [0.844, 0.713]\n'
        'binary_crossentropy [0.844, 0.713]\n'
        'val_binary_crossentropy [0.618, 0.555]\n'
        'accuracy [0.503, 0.584]\n')


def test_dropout_layer_in_training_and_inference(capsys):
    keras = _fresh()
    layer = keras.layers.Dropout(0.5, seed=7)
    x = tf.ones((4, 6))
    print(layer(x, training=True))
    print(layer(x, training=False).numpy().sum())
    assert capsys.readouterr().out == (
        'tf.Tensor(\n'
        '[[2. 2. 0. 2. 0. 2.]\n'
        ' [0. 2. 2. 2. 2. 0.]\n'
        ' [2. 2. 0. 0. 0. 2.]\n'
        ' [0. 0. 2. 0. 2. 2.]], shape=(4, 6), dtype=float32)\n'
        '24.0\n')
