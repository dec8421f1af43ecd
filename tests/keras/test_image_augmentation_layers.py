"""Keras's geometric augmentation layers (RandomRotation, RandomZoom, RandomTranslation and
keras.ops.image.affine_transform run ImageProjectiveTransformV3 through tf.raw_ops)."""
import numpy as np
import pytest

import eagerflow as tf
from tests.keras import sides


@pytest.fixture(scope="module")
def keras():
    return tf.keras


def _images():
    return np.random.default_rng(0).random((2, 8, 8, 3)).astype("float32")


def test_random_rotation_moves_pixels_and_keeps_shape(keras):
    out = keras.layers.RandomRotation(0.2, seed=1)(_images(), training=True)
    assert out.shape == (2, 8, 8, 3)
    assert not np.allclose(out.numpy(), _images())
    np.testing.assert_array_equal(keras.layers.RandomRotation(0.2, seed=1)(_images(), training=False).numpy(),
                                  _images())


def test_augmentation_inside_compiled_fit_trains(keras):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((8, 8, 3)), keras.layers.RandomRotation(0.1), keras.layers.RandomZoom(0.1),
        keras.layers.RandomTranslation(0.1, 0.1), keras.layers.Conv2D(2, 3), keras.layers.Flatten(),
        keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    x = np.random.default_rng(1).random((8, 8, 8, 3)).astype("float32")
    loss = model.fit(x, np.ones((8, 1), "float32"), batch_size=4, epochs=2, verbose=0).history["loss"]
    assert len(loss) == 2 and np.all(np.isfinite(loss))


SCRIPT = '''
import json
import numpy as np
x = np.random.default_rng(0).random((2, 8, 8, 3)).astype("float32")
layers = [keras.layers.RandomRotation(0.1, seed=1), keras.layers.RandomZoom(0.2, seed=2),
          keras.layers.RandomTranslation(0.2, 0.1, seed=3, fill_mode="wrap"),
          keras.layers.RandomRotation(0.3, seed=4, interpolation="nearest", fill_mode="constant")]
out = {type(l).__name__ + str(i): l(x, training=True).numpy().tolist() for i, l in enumerate(layers)}
out["affine"] = keras.ops.image.affine_transform(x, np.array([[1, 0.1, 1, 0, 1, -1, 0, 0]], "float32")).numpy().tolist()
out["discretization"] = keras.layers.Discretization(bin_boundaries=[0.0, 1.0])(
    tf.constant([-1.0, 0.5, 1.0, 2.0])).numpy().tolist()
print(json.dumps(out))
'''


@pytest.mark.tensorflow
def test_augmentation_layers_match_tensorflow():
    ours, theirs = sides.both(SCRIPT)
    assert sorted(ours) == sorted(theirs)
    for name in theirs:
        np.testing.assert_array_equal(np.asarray(ours[name]), np.asarray(theirs[name]), err_msg=name)
