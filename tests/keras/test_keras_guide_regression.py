"""TF's tutorial "Basic regression: Predict fuel efficiency", cell by cell, with the output TF 2.21 +
Keras 3.15.1 prints for the same code (checked against TF). The Auto MPG download and its pandas
DataFrame are replaced by synthetic float arrays of the same layout (9 features: cylinders,
displacement, horsepower, weight, acceleration, model year, one-hot origin; MPG labels), fewer rows
and epochs; cells that plot are left out; training results are printed rounded."""
import numpy as np

import eagerflow as tf

COLUMNS = ['Cylinders', 'Displacement', 'Horsepower', 'Weight', 'Acceleration', 'Model Year',
           'Europe', 'Japan', 'USA']


def _fresh(seed=0):
    keras = tf.keras
    keras.utils.clear_session()
    keras.utils.set_random_seed(seed)
    return keras


def _auto_mpg(n, seed):
    rng = np.random.RandomState(seed)
    cylinders = rng.choice([4.0, 6.0, 8.0], size=n)
    displacement = np.round(cylinders * 40 + rng.normal(0, 15, n), 0)
    horsepower = np.round(displacement * 0.45 + rng.normal(0, 10, n) + 20, 0)
    weight = np.round(displacement * 9 + rng.normal(0, 200, n) + 1500, 0)
    acceleration = np.round(20 - horsepower / 20 + rng.normal(0, 1, n), 1)
    year = rng.randint(70, 83, n).astype(float)
    origin = rng.randint(0, 3, n)
    one_hot = np.eye(3)[origin]
    features = np.column_stack([cylinders, displacement, horsepower, weight, acceleration, year, one_hot])
    mpg = np.round(46 - horsepower * 0.1 - weight * 0.004 + (year - 70) * 0.7 + rng.normal(0, 2, n), 1)
    return features, mpg


def _data():
    train_features, train_labels = _auto_mpg(120, 0)
    test_features, test_labels = _auto_mpg(30, 1)
    return train_features, train_labels, test_features, test_labels


def _adapted_normalizer(keras, train_features):
    normalizer = keras.layers.Normalization(axis=-1)
    normalizer.adapt(np.array(train_features))
    return normalizer


def _horsepower_model(keras, train_features):
    horsepower = np.array(train_features[:, 2])
    horsepower_normalizer = keras.layers.Normalization(input_shape=[1, ], axis=None)
    horsepower_normalizer.adapt(horsepower)
    horsepower_model = keras.Sequential([horsepower_normalizer, keras.layers.Dense(units=1)])
    return horsepower, horsepower_normalizer, horsepower_model


def test_normalization_layer_adapt_mean_and_variance(capsys):
    keras = _fresh()
    train_features, train_labels, test_features, test_labels = _data()
    normalizer = _adapted_normalizer(keras, train_features)
    with np.printoptions(precision=3, suppress=True):
        print(normalizer.mean.numpy())
        print(normalizer.variance.numpy())
    print(normalizer.mean.shape, normalizer.mean.dtype, normalizer.count if hasattr(normalizer, "count") else None)
    assert capsys.readouterr().out == (
        '[[   5.95   238.55   126.775 3614.625   13.542   75.917    0.383    0.342\n'
        '     0.275]]\n'
        '[[     2.697   4730.447   1169.891 440221.7        4.012     15.976\n'
        '       0.236      0.225      0.199]]\n'
        "(1, 9) <dtype: 'float32'> <Variable path=normalization/count, shape=(), dtype=int64, value=0>\n")


def test_normalized_first_example(capsys):
    keras = _fresh()
    train_features, train_labels, test_features, test_labels = _data()
    normalizer = _adapted_normalizer(keras, train_features)
    first = np.array(train_features[:1])
    with np.printoptions(precision=2, suppress=True):
        print('First example:', first)
        print()
        print('Normalized:', normalizer(first).numpy())
    assert capsys.readouterr().out == (
        'First example: [[   4.   162.    93.  2934.    17.1   73.     0.     0.     1. ]]\n'
        '\n'
        'Normalized: [[-1.19 -1.11 -0.99 -1.03  1.78 -0.73 -0.79 -0.72  1.62]]\n')


def test_horsepower_model_summary_and_untrained_predictions(capsys):
    keras = _fresh()
    train_features, train_labels, test_features, test_labels = _data()
    horsepower, horsepower_normalizer, horsepower_model = _horsepower_model(keras, train_features)
    horsepower_model.summary()
    print(horsepower_normalizer.mean.numpy(), horsepower_normalizer.variance.numpy())
    print(np.round(horsepower_model.predict(horsepower[:10], verbose=0), 4))
    assert capsys.readouterr().out == (
        'Model: "sequential"\n'
        '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓\n'
        '┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃\n'
        '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩\n'
        '│ normalization (Normalization)   │ (None, 1)              │             3 │\n'
        '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
        '│ dense (Dense)                   │ (None, 1)              │             2 │\n'
        '└─────────────────────────────────┴────────────────────────┴───────────────┘\n'
        ' Total params: 5 (24.00 B)\n'
        ' Trainable params: 2 (8.00 B)\n'
        ' Non-trainable params: 3 (16.00 B)\n'
        '[126.775] [1169.891]\n'
        '[[-0.0537]\n'
        ' [-0.0235]\n'
        ' [-0.0505]\n'
        ' [-0.0044]\n'
        ' [ 0.0131]\n'
        ' [ 0.0321]\n'
        ' [-0.0711]\n'
        ' [ 0.0655]\n'
        ' [-0.087 ]\n'
        ' [-0.0711]]\n')


def test_horsepower_model_fit_with_validation_split(capsys):
    keras = _fresh()
    train_features, train_labels, test_features, test_labels = _data()
    horsepower, horsepower_normalizer, horsepower_model = _horsepower_model(keras, train_features)
    horsepower_model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.1), loss='mean_absolute_error')
    history = horsepower_model.fit(train_features[:, 2], train_labels, epochs=20, verbose=0,
                                   validation_split=0.2)
    print(sorted(history.history), history.epoch[-3:])
    print([round(v, 3) for v in history.history['loss'][-3:]])
    print([round(v, 3) for v in history.history['val_loss'][-3:]])
    print(round(horsepower_model.evaluate(test_features[:, 2], test_labels, verbose=0), 3))
    x = tf.linspace(0.0, 250, 251)
    y = horsepower_model.predict(x, verbose=0)
    print(x.dtype, x.shape, y.shape, np.round(y[::50, 0], 2))
    assert capsys.readouterr().out == (
        "['loss', 'val_loss'] [17, 18, 19]\n"
        '[18.085, 17.764, 17.442]\n'
        '[15.869, 15.655, 15.441]\n'
        '17.169\n'
        "<dtype: 'float32'> (251,) (251, 1) [19.33 14.07  8.82  3.56 -1.7  -6.96]\n")


def test_linear_model_with_multiple_inputs(capsys):
    keras = _fresh()
    train_features, train_labels, test_features, test_labels = _data()
    normalizer = _adapted_normalizer(keras, train_features)
    linear_model = keras.Sequential([normalizer, keras.layers.Dense(units=1)])
    print(np.round(linear_model.predict(train_features[:10], verbose=0), 4))
    print(linear_model.layers[1].kernel)
    linear_model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.1), loss='mean_absolute_error')
    history = linear_model.fit(train_features, train_labels, epochs=20, verbose=0, validation_split=0.2)
    print([round(v, 3) for v in history.history['loss'][-3:]])
    print([round(v, 3) for v in history.history['val_loss'][-3:]])
    print(round(linear_model.evaluate(test_features, test_labels, verbose=0), 3))
    assert capsys.readouterr().out == (
        '[[ 0.0666]\n'
        ' [-1.0449]\n'
        ' [ 1.1334]\n'
        ' [-0.5313]\n'
        ' [-0.7132]\n'
        ' [-0.205 ]\n'
        ' [-0.3619]\n'
        ' [-0.2368]\n'
        ' [ 0.1418]\n'
        ' [-0.8953]]\n'
        '<Variable path=sequential/dense/kernel, shape=(9, 1), dtype=float32, value=[[ 0.02429813]\n'
        ' [-0.29579988]\n'
        ' [ 0.52502847]\n'
        ' [-0.60944986]\n'
        ' [-0.16277355]\n'
        ' [-0.485342  ]\n'
        ' [-0.00144047]\n'
        ' [ 0.754042  ]\n'
        ' [ 0.08405685]]>\n'
        '[16.403, 16.144, 15.883]\n'
        '[23.868, 23.719, 23.409]\n'
        '15.977\n')


def _build_and_compile_model(keras, norm):
    model = keras.Sequential([
        norm,
        keras.layers.Dense(64, activation='relu'),
        keras.layers.Dense(64, activation='relu'),
        keras.layers.Dense(1)
    ])
    model.compile(loss='mean_absolute_error', optimizer=keras.optimizers.Adam(0.001))
    return model


def test_dnn_horsepower_model_summary_and_fit(capsys):
    keras = _fresh()
    train_features, train_labels, test_features, test_labels = _data()
    horsepower, horsepower_normalizer, _ = _horsepower_model(keras, train_features)
    dnn_horsepower_model = _build_and_compile_model(keras, horsepower_normalizer)
    dnn_horsepower_model.summary()
    history = dnn_horsepower_model.fit(train_features[:, 2], train_labels, validation_split=0.2,
                                       verbose=0, epochs=10)
    print([round(v, 2) for v in history.history['loss'][-3:]])
    print(round(dnn_horsepower_model.evaluate(test_features[:, 2], test_labels, verbose=0), 2))
    assert capsys.readouterr().out == (
        'Model: "sequential_1"\n'
        '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓\n'
        '┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃\n'
        '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩\n'
        '│ normalization (Normalization)   │ (None, 1)              │             3 │\n'
        '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
        '│ dense_1 (Dense)                 │ (None, 64)             │           128 │\n'
        '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
        '│ dense_2 (Dense)                 │ (None, 64)             │         4,160 │\n'
        '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
        '│ dense_3 (Dense)                 │ (None, 1)              │            65 │\n'
        '└─────────────────────────────────┴────────────────────────┴───────────────┘\n'
        ' Total params: 4,356 (17.02 KB)\n'
        ' Trainable params: 4,353 (17.00 KB)\n'
        ' Non-trainable params: 3 (16.00 B)\n'
        '[22.96, 22.85, 22.73]\n'
        '22.36\n')


def test_dnn_model_summary_fit_save_and_reload(capsys, tmp_path):
    keras = _fresh()
    train_features, train_labels, test_features, test_labels = _data()
    normalizer = _adapted_normalizer(keras, train_features)
    dnn_model = _build_and_compile_model(keras, normalizer)
    dnn_model.summary()
    history = dnn_model.fit(train_features, train_labels, validation_split=0.2, verbose=0, epochs=10)
    print([round(v, 2) for v in history.history['loss'][-3:]])
    test_results = {'dnn_model': dnn_model.evaluate(test_features, test_labels, verbose=0)}
    test_predictions = dnn_model.predict(test_features, verbose=0).flatten()
    print(test_predictions.shape, np.round(test_predictions[:5], 1))
    dnn_model.save(str(tmp_path / 'dnn_model.keras'))
    reloaded = keras.models.load_model(str(tmp_path / 'dnn_model.keras'))
    test_results['reloaded'] = reloaded.evaluate(test_features, test_labels, verbose=0)
    print(test_results['reloaded'] == test_results['dnn_model'], round(test_results['reloaded'], 2))
    print([layer.name for layer in reloaded.layers])
    assert capsys.readouterr().out == (
        'Model: "sequential"\n'
        '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓\n'
        '┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃\n'
        '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩\n'
        '│ normalization (Normalization)   │ (120, 9)               │            19 │\n'
        '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
        '│ dense (Dense)                   │ ?                      │   0 (unbuilt) │\n'
        '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
        '│ dense_1 (Dense)                 │ ?                      │   0 (unbuilt) │\n'
        '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
        '│ dense_2 (Dense)                 │ ?                      │   0 (unbuilt) │\n'
        '└─────────────────────────────────┴────────────────────────┴───────────────┘\n'
        ' Total params: 19 (80.00 B)\n'
        ' Trainable params: 0 (0.00 B)\n'
        ' Non-trainable params: 19 (80.00 B)\n'
        '[21.38, 21.01, 20.6]\n'
        '(30,) [1.7 4.  2.9 2.9 2.3]\n'
        'True 19.95\n'
        "['normalization', 'dense', 'dense_1', 'dense_2']\n")
