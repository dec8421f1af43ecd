"""End to end: `tf.keras.utils.image_dataset_from_directory` over a folder of PNGs and JPEGs
(written by TF's encoders, mixed sizes, gray and color) gives the same batches under eagerflow
as under TF 2.21. Each side runs in its own interpreter (Keras binds one TensorFlow per process):
TF in .venv-compat, eagerflow in the project's .venv."""
import os
import subprocess
import sys

import numpy as np
import pytest

tf_real = pytest.importorskip("tensorflow")

pytestmark = pytest.mark.tensorflow
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUR_PYTHON = os.path.join(ROOT, ".venv", "bin", "python")

SCRIPT = r"""
import sys
import numpy as np
if sys.argv[1] == "eagerflow":
    import eagerflow as tf
else:
    import tensorflow as tf
keras = tf.keras
images, labels = [], []
for mode, size in (("rgb", (24, 32)), ("grayscale", (10, 10))):
    ds = keras.utils.image_dataset_from_directory(sys.argv[2], image_size=size, batch_size=4, shuffle=False,
                                                  color_mode=mode)
    for x, y in ds:
        images.append(np.asarray(x).reshape(-1))
        labels.append(np.asarray(y))
np.savez(sys.argv[3], images=np.concatenate(images), labels=np.concatenate(labels))
"""


def _batches(python, backend, directory, out):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND="tensorflow", CUDA_VISIBLE_DEVICES="")
    subprocess.run([python, "-c", SCRIPT, backend, str(directory), str(out)], check=True, env=env,
                   capture_output=True, timeout=300)
    return np.load(out)


def test_image_dataset_from_directory_matches_tf(tmp_path):
    if not os.path.exists(OUR_PYTHON):
        pytest.fail(f"the project's interpreter is missing: {OUR_PYTHON}")
    rng = np.random.default_rng(5)
    for k, name in enumerate(["cats", "dogs"]):
        (tmp_path / "data" / name).mkdir(parents=True)
        for i in range(5):
            h, w = int(rng.integers(20, 60)), int(rng.integers(20, 60))
            channels = 1 if i == 4 else 3
            y, x = np.mgrid[0:h, 0:w]
            image = np.clip(np.stack([x * 4.0 + 30 * np.sin(y / 5 + c + k) for c in range(channels)], -1)
                            + rng.normal(0, 20, (h, w, channels)), 0, 255).astype(np.uint8)
            if i % 2:
                data = tf_real.io.encode_jpeg(image, quality=int(rng.integers(60, 98)),
                                              chroma_downsampling=bool(i % 3)).numpy()
                (tmp_path / "data" / name / f"img{i}.jpg").write_bytes(data)
            else:
                (tmp_path / "data" / name / f"img{i}.png").write_bytes(tf_real.io.encode_png(image).numpy())
    theirs = _batches(sys.executable, "tensorflow", tmp_path / "data", tmp_path / "tf.npz")
    ours = _batches(OUR_PYTHON, "eagerflow", tmp_path / "data", tmp_path / "ef.npz")
    np.testing.assert_array_equal(ours["labels"], theirs["labels"])
    np.testing.assert_allclose(ours["images"], theirs["images"], rtol=0, atol=1e-3)
