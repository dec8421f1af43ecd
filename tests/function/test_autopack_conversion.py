"""convert_to_tensor of a list holding graph tensors packs them (TF's autopacking conversion)."""
import eagerflow as tf


def test_list_of_graph_tensors_and_ints_converts_to_a_packed_tensor():
    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    def shape_vector(x):
        return tf.convert_to_tensor([tf.shape(x)[0], 3], dtype=tf.int32)

    assert shape_vector(tf.zeros([5, 3])).numpy().tolist() == [5, 3]
