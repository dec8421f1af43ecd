"""TF's tutorial "Basic classification: Classify images of clothing", cell by cell, with the output
TF 2.21 + Keras 3.15.1 prints for the same code (checked against TF). The Fashion MNIST download is
replaced by synthetic uint8 images of the same shape (28x28, labels 0..9), fewer of them; cells that
plot are left out; losses and accuracies are printed rounded (TF's own kernels are not bit-stable
across CPUs)."""
import numpy as np

import eagerflow as tf

class_names = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
               'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']


def _fresh(seed=0):
    keras = tf.keras
    keras.utils.clear_session()
    keras.utils.set_random_seed(seed)
    return keras


def _fashion_mnist():
    rng = np.random.RandomState(0)
    templates = rng.randint(0, 256, size=(10, 28, 28))

    def make(n):
        labels = rng.randint(0, 10, size=n).astype(np.uint8)
        noise = rng.randint(-60, 61, size=(n, 28, 28))
        return np.clip(templates[labels] + noise, 0, 255).astype(np.uint8), labels

    return make(240), make(40)


def _model(keras):
    return keras.Sequential([
        keras.layers.Flatten(input_shape=(28, 28)),
        keras.layers.Dense(128, activation='relu'),
        keras.layers.Dense(10)
    ])


def _trained(keras):
    (train_images, train_labels), (test_images, test_labels) = _fashion_mnist()
    train_images = train_images / 255.0
    test_images = test_images / 255.0
    model = _model(keras)
    model.compile(optimizer='adam',
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=['accuracy'])
    history = model.fit(train_images, train_labels, epochs=3, verbose=0)
    return model, history, test_images, test_labels


def test_explore_the_data(capsys):
    (train_images, train_labels), (test_images, test_labels) = _fashion_mnist()
    print(train_images.shape)
    print(len(train_labels))
    print(repr(train_labels[:10]))
    print(test_images.shape)
    print(len(test_labels))
    print(class_names[train_labels[0]])
    assert capsys.readouterr().out == (
        '(240, 28, 28)\n'
        '240\n'
        'array([1, 5, 2, 6, 8, 1, 9, 9, 9, 5], dtype=uint8)\n'
        '(40, 28, 28)\n'
        '40\n'
        'Trouser\n')


def test_model_summary(capsys):
    keras = _fresh()
    model = _model(keras)
    model.summary()
    print([layer.name for layer in model.layers], model.count_params())
    assert capsys.readouterr().out == (
        'Model: "sequential"\n'
        '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓\n'
        '┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃\n'
        '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩\n'
        '│ flatten (Flatten)               │ (None, 784)            │             0 │\n'
        '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
        '│ dense (Dense)                   │ (None, 128)            │       100,480 │\n'
        '├─────────────────────────────────┼────────────────────────┼───────────────┤\n'
        '│ dense_1 (Dense)                 │ (None, 10)             │         1,290 │\n'
        '└─────────────────────────────────┴────────────────────────┴───────────────┘\n'
        ' Total params: 101,770 (397.54 KB)\n'
        ' Trainable params: 101,770 (397.54 KB)\n'
        ' Non-trainable params: 0 (0.00 B)\n'
        "['flatten', 'dense', 'dense_1'] 101770\n")


def test_sequential_never_called_has_no_output(capsys):
    keras = _fresh()
    model = _model(keras)
    try:
        model.output
    except AttributeError as e:
        print(e)
    assert capsys.readouterr().out == 'The layer sequential has never been called and thus has no defined output.\n'


def test_compile_and_fit(capsys):
    keras = _fresh()
    model, history, test_images, test_labels = _trained(keras)
    print(history.epoch, sorted(history.history))
    print([round(v, 3) for v in history.history['loss']])
    print([round(v, 3) for v in history.history['accuracy']])
    print(history.params)
    print(model.optimizer.iterations.numpy())
    assert capsys.readouterr().out == (
        "[0, 1, 2] ['accuracy', 'loss']\n"
        '[1.618, 0.357, 0.058]\n'
        '[0.521, 1.0, 1.0]\n'
        "{'verbose': 0, 'epochs': 3, 'steps': 8}\n"
        '24\n')


def test_evaluate_accuracy(capsys):
    keras = _fresh()
    model, history, test_images, test_labels = _trained(keras)
    test_loss, test_acc = model.evaluate(test_images, test_labels, verbose=0)
    print('\nTest accuracy:', round(test_acc, 4))
    print('Test loss:', round(test_loss, 3))
    print(model.evaluate(test_images, test_labels, verbose=0, return_dict=True).keys())
    assert capsys.readouterr().out == (
        '\n'
        'Test accuracy: 1.0\n'
        'Test loss: 0.033\n'
        "dict_keys(['accuracy', 'loss'])\n")


def test_make_predictions(capsys):
    keras = _fresh()
    model, history, test_images, test_labels = _trained(keras)
    probability_model = keras.Sequential([model, keras.layers.Softmax()])
    predictions = probability_model.predict(test_images, verbose=0)
    print(predictions.shape, predictions.dtype)
    print(np.round(predictions[0], 3))
    print(np.argmax(predictions[0]), test_labels[0])
    print(np.round(predictions.sum(axis=1)[:5], 5))
    print((np.argmax(predictions, axis=1) == test_labels).sum())
    assert capsys.readouterr().out == (
        '(40, 10) float32\n'
        '[0.005 0.004 0.002 0.    0.001 0.001 0.001 0.001 0.984 0.001]\n'
        '8 8\n'
        '[1. 1. 1. 1. 1.]\n'
        '40\n')


def test_predict_a_single_image(capsys):
    keras = _fresh()
    model, history, test_images, test_labels = _trained(keras)
    probability_model = keras.Sequential([model, keras.layers.Softmax()])
    img = test_images[1]
    print(img.shape)
    img = (np.expand_dims(img, 0))
    print(img.shape)
    predictions_single = probability_model.predict(img, verbose=0)
    print(np.round(predictions_single, 3))
    print(np.argmax(predictions_single[0]), class_names[np.argmax(predictions_single[0])])
    assert capsys.readouterr().out == (
        '(28, 28)\n'
        '(1, 28, 28)\n'
        '[[0.003 0.002 0.002 0.    0.001 0.002 0.002 0.001 0.001 0.984]]\n'
        '9 Ankle boot\n')
