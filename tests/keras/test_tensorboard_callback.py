"""Keras's TensorBoard callback on eagerflow's tf.summary (no tensorboard package needed)."""
import glob

import numpy as np

import eagerflow as tf


def test_tensorboard_callback_writes_scalars_histograms_and_the_model(tmp_path):
    from eagerflow._src.summary import event_protos

    keras = tf.keras
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).random((32, 4)).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="hidden"), keras.layers.Dense(1)],
                             name="net")
    model.compile("sgd", "mse")
    model.fit(x, x.sum(1), validation_split=0.25, epochs=2, verbose=0,
              callbacks=[keras.callbacks.TensorBoard(str(tmp_path), histogram_freq=1)])
    plugins = {}
    for path in glob.glob(str(tmp_path / "*" / "events*")):
        for record in tf.data.TFRecordDataset(path):
            for value in event_protos.Event.FromString(record.numpy()).summary.value:
                plugins[value.tag] = value.metadata.plugin_data.plugin_name or plugins.get(value.tag)
    assert plugins["epoch_loss"] == "scalars"
    assert plugins["net/hidden/kernel/histogram"] == "histograms"
    assert plugins["keras"] == "graph_keras_model"


def test_summary_protos_are_in_compat_v1():
    metadata = tf.compat.v1.SummaryMetadata()
    metadata.plugin_data.plugin_name = "graph_keras_model"
    assert tf.compat.v1.SummaryMetadata.FromString(metadata.SerializeToString()).plugin_data.plugin_name == \
        "graph_keras_model"
