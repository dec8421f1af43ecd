"""TF's tutorial "Custom training: walkthrough", cell by cell, with the output TF 2.21 + Keras 3.15.1
prints for the same code (checked against TF). The penguins download is replaced by small synthetic
in-memory data of the same layout (4 float32 features in [0, 1], int64 labels 0..2); cells that plot
are left out."""
import numpy as np

import eagerflow as tf

class_names = ['Adélie', 'Chinstrap', 'Gentoo']


def _fresh(seed=0):
    keras = tf.keras
    keras.utils.clear_session()
    keras.utils.set_random_seed(seed)
    return keras


def _penguins(n, seed):
    rng = np.random.RandomState(seed)
    labels = rng.randint(0, 3, size=n).astype(np.int64)
    centers = np.array([[0.2, 0.3, 0.7, 0.4], [0.5, 0.7, 0.3, 0.5], [0.8, 0.4, 0.5, 0.8]], np.float32)
    features = (centers[labels] + rng.normal(0, 0.08, size=(n, 4))).astype(np.float32).round(3)
    return tf.data.Dataset.from_tensor_slices((features, labels))


def _setup(keras):
    ds_train_batch = _penguins(160, 1).batch(32)
    features, labels = next(iter(ds_train_batch))
    model = keras.Sequential([
        keras.layers.Dense(10, activation=tf.nn.relu, input_shape=(4,)),
        keras.layers.Dense(10, activation=tf.nn.relu),
        keras.layers.Dense(3)
    ])
    return ds_train_batch, features, labels, model


def _loss_and_grad(keras):
    loss_object = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    def loss(model, x, y, training):
        y_ = model(x, training=training)
        return loss_object(y_true=y, y_pred=y_)

    def grad(model, inputs, targets):
        with tf.GradientTape() as tape:
            loss_value = loss(model, inputs, targets, training=True)
        return loss_value, tape.gradient(loss_value, model.trainable_variables)

    return loss, grad


def test_first_batch_of_features_and_labels(capsys):
    keras = _fresh()
    ds_train_batch, features, labels, model = _setup(keras)
    print(features[:5])
    print(labels)
    print(ds_train_batch.element_spec)
    assert capsys.readouterr().out == (
        'tf.Tensor(\n'
        '[[0.496 0.701 0.316 0.536]\n'
        ' [0.168 0.314 0.765 0.465]\n'
        ' [0.217 0.334 0.747 0.367]\n'
        ' [0.684 0.835 0.35  0.371]\n'
        ' [0.505 0.737 0.355 0.452]], shape=(5, 4), dtype=float32)\n'
        'tf.Tensor([1 0 0 1 1 0 0 1 0 1 0 2 1 2 0 2 1 2 0 0 2 0 1 2 2 0 1 1 2 0 2 1], shape=(32,), dtype=int64)\n'
        '(TensorSpec(shape=(None, 4), dtype=tf.float32, name=None), TensorSpec(shape=(None,), dtype=tf.int64, name=None))\n')


def test_model_predictions_and_softmax(capsys):
    keras = _fresh()
    ds_train_batch, features, labels, model = _setup(keras)
    predictions = model(features)
    print(predictions[:5])
    # TF's softmax kernel (oneDNN or Eigen, by build and CPU) is not bit-stable: 5 decimals.
    print(np.round(tf.nn.softmax(predictions[:5]).numpy(), 5))
    print("Prediction: {}".format(tf.math.argmax(predictions, axis=1)))
    print("    Labels: {}".format(labels))
    assert capsys.readouterr().out == (
        'tf.Tensor(\n'
        '[[ 0.31281564  0.25652096 -0.1749091 ]\n'
        ' [ 0.31246918  0.1944882  -0.12245733]\n'
        ' [ 0.27215856  0.14851396 -0.09017467]\n'
        ' [ 0.3521341   0.2288118  -0.17968178]\n'
        ' [ 0.32530385  0.22094291 -0.17168038]], shape=(5, 3), dtype=float32)\n'
        '[[0.39073 0.36935 0.23992]\n'
        ' [0.39432 0.35044 0.25525]\n'
        ' [0.38764 0.34255 0.26981]\n'
        ' [0.40461 0.35767 0.23772]\n'
        ' [0.39852 0.35903 0.24245]]\n'
        'Prediction: [0 0 0 0 0 0 0 0 0 0 0 1 1 1 0 1 0 1 0 0 1 0 0 1 1 0 0 0 1 0 1 1]\n'
        '    Labels: [1 0 0 1 1 0 0 1 0 1 0 2 1 2 0 2 1 2 0 0 2 0 1 2 2 0 1 1 2 0 2 1]\n')


def test_loss_and_one_sgd_step(capsys):
    keras = _fresh()
    ds_train_batch, features, labels, model = _setup(keras)
    loss, grad = _loss_and_grad(keras)
    l = loss(model, features, labels, training=False)
    print("Loss test: {}".format(l))
    optimizer = keras.optimizers.SGD(learning_rate=0.01)
    loss_value, grads = grad(model, features, labels)
    print([g.shape for g in grads])
    print("Step: {}, Initial Loss: {}".format(optimizer.iterations.numpy(), loss_value.numpy()))
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    print("Step: {},         Loss: {}".format(optimizer.iterations.numpy(),
                                              loss(model, features, labels, training=True).numpy()))
    assert capsys.readouterr().out == (
        'Loss test: 1.1303560733795166\n'
        '[TensorShape([4, 10]), TensorShape([10]), TensorShape([10, 10]), TensorShape([10]), TensorShape([10, 3]), TensorShape([3])]\n'
        'Step: 0, Initial Loss: 1.1303560733795166\n'
        'Step: 1,         Loss: 1.1277682781219482\n')



def _train(keras, num_epochs=21):
    ds_train_batch, features, labels, model = _setup(keras)
    loss, grad = _loss_and_grad(keras)
    optimizer = keras.optimizers.SGD(learning_rate=0.01)
    train_loss_results = []
    train_accuracy_results = []
    for epoch in range(num_epochs):
        epoch_loss_avg = keras.metrics.Mean()
        epoch_accuracy = keras.metrics.SparseCategoricalAccuracy()
        for x, y in ds_train_batch:
            loss_value, grads = grad(model, x, y)
            optimizer.apply_gradients(zip(grads, model.trainable_variables))
            epoch_loss_avg.update_state(loss_value)
            epoch_accuracy.update_state(y, model(x, training=True))
        train_loss_results.append(epoch_loss_avg.result())
        train_accuracy_results.append(epoch_accuracy.result())
        if epoch % 5 == 0:
            print("Epoch {:03d}: Loss: {:.3f}, Accuracy: {:.3%}".format(epoch, epoch_loss_avg.result(),
                                                                        epoch_accuracy.result()))
    return model, optimizer


def test_training_loop(capsys):
    keras = _fresh()
    model, optimizer = _train(keras)
    print(optimizer.iterations)
    assert capsys.readouterr().out == (
        'Epoch 000: Loss: 1.130, Accuracy: 46.250%\n'
        'Epoch 005: Loss: 1.057, Accuracy: 59.375%\n'
        'Epoch 010: Loss: 1.031, Accuracy: 56.875%\n'
        'Epoch 015: Loss: 1.012, Accuracy: 63.750%\n'
        'Epoch 020: Loss: 0.977, Accuracy: 86.250%\n'
        '<Variable path=sgd/iteration, shape=(), dtype=int64, value=105>\n')


def test_test_set_accuracy_and_predictions(capsys):
    keras = _fresh()
    model, optimizer = _train(keras)
    capsys.readouterr()
    test_accuracy = keras.metrics.Accuracy()
    ds_test_batch = _penguins(30, 2).batch(10)
    for (x, y) in ds_test_batch:
        logits = model(x, training=False)
        prediction = tf.math.argmax(logits, axis=1, output_type=tf.int64)
        test_accuracy(prediction, y)
    print("Test set accuracy: {:.3%}".format(test_accuracy.result()))
    print(tf.stack([y, prediction], axis=1))

    predict_dataset = tf.convert_to_tensor([
        [0.3, 0.8, 0.4, 0.5, ],
        [0.4, 0.1, 0.8, 0.5, ],
        [0.7, 0.9, 0.8, 0.4]
    ])
    predictions = model(predict_dataset, training=False)
    for i, logits in enumerate(predictions):
        class_idx = tf.math.argmax(logits).numpy()
        p = tf.nn.softmax(logits)[class_idx]
        name = class_names[class_idx]
        print("Example {} prediction: {} ({:4.1f}%)".format(i, name, 100 * p))
    assert capsys.readouterr().out == (
        'Test set accuracy: 80.000%\n'
        'tf.Tensor(\n'
        '[[2 2]\n'
        ' [0 0]\n'
        ' [1 1]\n'
        ' [0 0]\n'
        ' [0 0]\n'
        ' [2 2]\n'
        ' [2 2]\n'
        ' [1 1]\n'
        ' [2 1]\n'
        ' [0 0]], shape=(10, 2), dtype=int64)\n'
        'Example 0 prediction: Chinstrap (39.2%)\n'
        'Example 1 prediction: Chinstrap (34.2%)\n'
        'Example 2 prediction: Chinstrap (37.2%)\n')
