"""TF's tutorial "TFRecord and tf.train.Example" (tensorflow.org/tutorials/load_data/tfrecord), cell
by cell, with the output TF 2.21 prints (checked against TF). The cells of its earlier edition
("TFRecord files using tf.data": from_tensor_slices, py_function in map, from_generator,
tf.data.experimental.TFRecordWriter) are here too. The image walkthrough downloads two JPEGs:
here the image is a synthetic raw uint8 array (its shape given, not decoded), which keeps the
tutorial's point: image bytes and their shape in one Example, written and parsed back.

TF 2.21's protobuf rejects bools in an Int64List ("Expected an int, got a boolean"), so the
tutorial's boolean `feature0` and its `_int64_feature(True)` fail there: that error is checked,
and feature0 is encoded as 0/1 integers in the other cells.

An Example's map of features is serialized in the order of upb's hash table, which protobuf
seeds per process: the bytes TF prints vary from run to run. `serialize_example` here passes
`deterministic=True` (keys sorted), so the records printed are TF's for that option.
"""
import os

import numpy as np

import eagerflow as tf


# The following functions can be used to convert a value to a type compatible
# with tf.train.Example.

def _bytes_feature(value):
    """Returns a bytes_list from a string / byte."""
    if isinstance(value, type(tf.constant(0))):
        value = value.numpy()  # BytesList won't unpack a string from an EagerTensor.
    return tf.train.Feature(bytes_list=tf.train.BytesList(value=[value]))


def _float_feature(value):
    """Returns a float_list from a float / double."""
    return tf.train.Feature(float_list=tf.train.FloatList(value=[value]))


def _int64_feature(value):
    """Returns an int64_list from a bool / enum / int / uint."""
    return tf.train.Feature(int64_list=tf.train.Int64List(value=[value]))


def serialize_example(feature0, feature1, feature2, feature3):
    """
    Creates a tf.train.Example message ready to be written to a file.
    """
    # Create a dictionary mapping the feature name to the tf.train.Example-compatible
    # data type.
    feature = {
        'feature0': _int64_feature(feature0),
        'feature1': _int64_feature(feature1),
        'feature2': _bytes_feature(feature2),
        'feature3': _float_feature(feature3),
    }

    # Create a Features message using tf.train.Example.

    example_proto = tf.train.Example(features=tf.train.Features(feature=feature))
    return example_proto.SerializeToString(deterministic=True)


def _observations(n_observations=1000):
    np.random.seed(0)
    # Boolean feature, encoded as False or True (as 0 or 1: TF 2.21's protobuf takes no bools).
    feature0 = np.random.choice([False, True], n_observations).astype(np.int64)
    # Integer feature, random from 0 to 4.
    feature1 = np.random.randint(0, 5, n_observations)
    # String feature.
    strings = np.array([b'cat', b'dog', b'chicken', b'horse', b'goat'])
    feature2 = strings[feature1]
    # Float feature, from a standard normal distribution.
    feature3 = np.random.randn(n_observations)
    return feature0, feature1, feature2, feature3


def _write_test_tfrecord(path, n_observations=1000):
    feature0, feature1, feature2, feature3 = _observations(n_observations)
    with tf.io.TFRecordWriter(path) as writer:
        for i in range(n_observations):
            example = serialize_example(feature0[i], feature1[i], feature2[i], feature3[i])
            writer.write(example)


feature_description = {
    'feature0': tf.io.FixedLenFeature([], tf.int64, default_value=0),
    'feature1': tf.io.FixedLenFeature([], tf.int64, default_value=0),
    'feature2': tf.io.FixedLenFeature([], tf.string, default_value=''),
    'feature3': tf.io.FixedLenFeature([], tf.float32, default_value=0.0),
}


def _parse_function(example_proto):
    # Parse the input `tf.train.Example` proto using the dictionary above.
    return tf.io.parse_single_example(example_proto, feature_description)


# ---------------------------------------------------------------------------------------------
# tf.train.Example


def test_feature_helpers(capsys):
    print(_bytes_feature(b'test_string'))
    print(_bytes_feature(u'test_bytes'.encode('utf-8')))

    print(_float_feature(np.exp(1)))

    print(_int64_feature(1))
    print(_bytes_feature(tf.constant(b'from a tensor')))
    assert capsys.readouterr().out == (
        "bytes_list {\n"
        '  value: "test_string"\n'
        "}\n"
        "\n"
        "bytes_list {\n"
        '  value: "test_bytes"\n'
        "}\n"
        "\n"
        "float_list {\n"
        "  value: 2.71828175\n"
        "}\n"
        "\n"
        "int64_list {\n"
        "  value: 1\n"
        "}\n"
        "\n"
        "bytes_list {\n"
        '  value: "from a tensor"\n'
        "}\n"
        "\n")


def test_int64_feature_rejects_bools(capsys):
    for value in [True, np.bool_(False), tf.constant(True)]:
        try:
            _int64_feature(value)
        except (TypeError, AttributeError) as e:
            print(type(e).__name__, e)
    assert capsys.readouterr().out == (
        "TypeError Field tensorflow.Int64List.value: Expected an int, got a boolean.\n"
        "TypeError 'numpy.bool' object cannot be interpreted as an integer\n"
        "AttributeError 'numpy.bool' object has no attribute '__index__'\n")


def test_feature_serialized(capsys):
    feature = _float_feature(np.exp(1))
    print(repr(feature.SerializeToString()))
    print(repr(_int64_feature(-1).SerializeToString()))
    print(repr(_bytes_feature(b'goat').SerializeToString()))
    assert capsys.readouterr().out == (
        "b'\\x12\\x06\\n\\x04T\\xf8-@'\n"
        "b'\\x1a\\x0c\\n\\n\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x01'\n"
        "b'\\n\\x06\\n\\x04goat'\n")


def test_feature_helpers_reject_wrong_types(capsys):
    for make, value in [(_float_feature, "not a float"), (_int64_feature, 1.5), (_bytes_feature, 7)]:
        try:
            make(value)
        except TypeError as e:
            print(type(e).__name__, e)
    assert capsys.readouterr().out == (
        "TypeError must be real number, not str\n"
        "TypeError 'float' object cannot be interpreted as an integer\n"
        "TypeError expected bytes, int found\n")


def test_serialize_example_and_from_string(capsys):
    # This is an example observation from the dataset.
    example_observation = [0, 4, b'goat', 0.9876]
    serialized_example = serialize_example(*example_observation)
    print(repr(serialized_example))
    example_proto = tf.train.Example.FromString(serialized_example)
    print(repr(example_proto))
    print(example_proto == tf.train.Example.FromString(serialized_example))
    assert capsys.readouterr().out == (
        "b'\\nR\\n\\x11\\n\\x08feature0\\x12\\x05\\x1a\\x03\\n\\x01\\x00\\n\\x11\\n\\x08feature1\\x12\\x05\\x1a\\x03\\n\\x01\\x04\\n\\x14\\n\\x08feature2\\x12\\x08\\n\\x06\\n\\x04goat\\n\\x14\\n\\x08feature3\\x12\\x08\\x12\\x06\\n\\x04[\\xd3|?'\n"
        "features {\n"
        "  feature {\n"
        '    key: "feature3"\n'
        "    value {\n"
        "      float_list {\n"
        "        value: 0.9876\n"
        "      }\n"
        "    }\n"
        "  }\n"
        "  feature {\n"
        '    key: "feature2"\n'
        "    value {\n"
        "      bytes_list {\n"
        '        value: "goat"\n'
        "      }\n"
        "    }\n"
        "  }\n"
        "  feature {\n"
        '    key: "feature1"\n'
        "    value {\n"
        "      int64_list {\n"
        "        value: 4\n"
        "      }\n"
        "    }\n"
        "  }\n"
        "  feature {\n"
        '    key: "feature0"\n'
        "    value {\n"
        "      int64_list {\n"
        "        value: 0\n"
        "      }\n"
        "    }\n"
        "  }\n"
        "}\n"
        "\n"
        "True\n")


def test_serialize_example_as_py_function(capsys):
    @tf.py_function(Tout=tf.string)
    def serialize_example_tf(feature0, feature1, feature2, feature3):
        return serialize_example(feature0, feature1, feature2, feature3)

    serialized_example = serialize_example_tf(0, 4, b'goat', 0.9876)
    print(repr(serialized_example))
    print(repr(serialized_example.numpy()))
    example_proto = tf.train.Example.FromString(serialized_example.numpy())
    print(example_proto.features.feature['feature2'].bytes_list.value[0])
    assert capsys.readouterr().out == (
        "<tf.Tensor: shape=(), dtype=string, numpy=b'\\nR\\n\\x11\\n\\x08feature0\\x12\\x05\\x1a\\x03\\n\\x01\\x00\\n\\x11\\n\\x08feature1\\x12\\x05\\x1a\\x03\\n\\x01\\x04\\n\\x14\\n\\x08feature2\\x12\\x08\\n\\x06\\n\\x04goat\\n\\x14\\n\\x08feature3\\x12\\x08\\x12\\x06\\n\\x04[\\xd3|?'>\n"
        "b'\\nR\\n\\x11\\n\\x08feature0\\x12\\x05\\x1a\\x03\\n\\x01\\x00\\n\\x11\\n\\x08feature1\\x12\\x05\\x1a\\x03\\n\\x01\\x04\\n\\x14\\n\\x08feature2\\x12\\x08\\n\\x06\\n\\x04goat\\n\\x14\\n\\x08feature3\\x12\\x08\\x12\\x06\\n\\x04[\\xd3|?'\n"
        "b'goat'\n")


# ---------------------------------------------------------------------------------------------
# TFRecord files using tf.data (the tutorial's earlier edition)


def test_features_dataset_from_tensor_slices(capsys):
    feature0, feature1, feature2, feature3 = _observations()
    print(repr(tf.data.Dataset.from_tensor_slices(feature1)))
    features_dataset = tf.data.Dataset.from_tensor_slices((feature0, feature1, feature2, feature3))
    print(repr(features_dataset))
    # Use `take(1)` to only pull one example from the dataset.
    for f0, f1, f2, f3 in features_dataset.take(1):
        print(f0)
        print(f1)
        print(f2)
        print(f3)
    assert capsys.readouterr().out == (
        "<_TensorSliceDataset element_spec=TensorSpec(shape=(), dtype=tf.int64, name=None)>\n"
        "<_TensorSliceDataset element_spec=(TensorSpec(shape=(), dtype=tf.int64, name=None), TensorSpec(shape=(), dtype=tf.int64, name=None), TensorSpec(shape=(), dtype=tf.string, name=None), TensorSpec(shape=(), dtype=tf.float64, name=None))>\n"
        "tf.Tensor(0, shape=(), dtype=int64)\n"
        "tf.Tensor(2, shape=(), dtype=int64)\n"
        "tf.Tensor(b'chicken', shape=(), dtype=string)\n"
        "tf.Tensor(0.783988565703023, shape=(), dtype=float64)\n")


def _tf_serialize_example(f0, f1, f2, f3):
    tf_string = tf.py_function(
        serialize_example,
        (f0, f1, f2, f3),  # Pass these args to the above function.
        tf.string)      # The return type is `tf.string`.
    return tf.reshape(tf_string, ())  # The result is a scalar.


def test_map_with_py_function_serializes_each_element(capsys):
    feature0, feature1, feature2, feature3 = _observations()
    features_dataset = tf.data.Dataset.from_tensor_slices((feature0, feature1, feature2, feature3))
    for f0, f1, f2, f3 in features_dataset.take(1):
        print(repr(_tf_serialize_example(f0, f1, f2, f3)))
    serialized_features_dataset = features_dataset.map(_tf_serialize_example)
    print(repr(serialized_features_dataset))
    for record in serialized_features_dataset.take(2):
        print(repr(record.numpy()))
    assert capsys.readouterr().out == (
        "<tf.Tensor: shape=(), dtype=string, numpy=b'\\nU\\n\\x11\\n\\x08feature0\\x12\\x05\\x1a\\x03\\n\\x01\\x00\\n\\x11\\n\\x08feature1\\x12\\x05\\x1a\\x03\\n\\x01\\x02\\n\\x17\\n\\x08feature2\\x12\\x0b\\n\\t\\n\\x07chicken\\n\\x14\\n\\x08feature3\\x12\\x08\\x12\\x06\\n\\x04z\\xb3H?'>\n"
        "<_MapDataset element_spec=TensorSpec(shape=(), dtype=tf.string, name=None)>\n"
        "b'\\nU\\n\\x11\\n\\x08feature0\\x12\\x05\\x1a\\x03\\n\\x01\\x00\\n\\x11\\n\\x08feature1\\x12\\x05\\x1a\\x03\\n\\x01\\x02\\n\\x17\\n\\x08feature2\\x12\\x0b\\n\\t\\n\\x07chicken\\n\\x14\\n\\x08feature3\\x12\\x08\\x12\\x06\\n\\x04z\\xb3H?'\n"
        "b'\\nS\\n\\x11\\n\\x08feature0\\x12\\x05\\x1a\\x03\\n\\x01\\x01\\n\\x11\\n\\x08feature1\\x12\\x05\\x1a\\x03\\n\\x01\\x03\\n\\x15\\n\\x08feature2\\x12\\t\\n\\x07\\n\\x05horse\\n\\x14\\n\\x08feature3\\x12\\x08\\x12\\x06\\n\\x048\\x12\\x8a\\xbf'\n")


def test_from_generator_and_experimental_tfrecord_writer(capsys, tmp_path):
    feature0, feature1, feature2, feature3 = _observations(20)
    features_dataset = tf.data.Dataset.from_tensor_slices((feature0, feature1, feature2, feature3))

    def generator():
        for features in features_dataset:
            yield serialize_example(*features)

    serialized_features_dataset = tf.data.Dataset.from_generator(
        generator, output_types=tf.string, output_shapes=())
    print(repr(serialized_features_dataset))
    filename = str(tmp_path / 'test.tfrecord')
    writer = tf.data.experimental.TFRecordWriter(filename)
    writer.write(serialized_features_dataset)
    print(os.path.getsize(filename))
    filenames = [filename]
    raw_dataset = tf.data.TFRecordDataset(filenames)
    print(repr(raw_dataset))
    for raw_record in raw_dataset.take(3):
        print(repr(raw_record))
    assert capsys.readouterr().out == (
        "<_FlatMapDataset element_spec=TensorSpec(shape=(), dtype=tf.string, name=None)>\n"
        "1997\n"
        "<TFRecordDatasetV2 element_spec=TensorSpec(shape=(), dtype=tf.string, name=None)>\n"
        "<tf.Tensor: shape=(), dtype=string, numpy=b'\\nQ\\n\\x11\\n\\x08feature0\\x12\\x05\\x1a\\x03\\n\\x01\\x00\\n\\x11\\n\\x08feature1\\x12\\x05\\x1a\\x03\\n\\x01\\x00\\n\\x13\\n\\x08feature2\\x12\\x07\\n\\x05\\n\\x03cat\\n\\x14\\n\\x08feature3\\x12\\x08\\x12\\x06\\n\\x04\\x8f\\x1a\\xcc?'>\n"
        "<tf.Tensor: shape=(), dtype=string, numpy=b'\\nQ\\n\\x11\\n\\x08feature0\\x12\\x05\\x1a\\x03\\n\\x01\\x01\\n\\x11\\n\\x08feature1\\x12\\x05\\x1a\\x03\\n\\x01\\x01\\n\\x13\\n\\x08feature2\\x12\\x07\\n\\x05\\n\\x03dog\\n\\x14\\n\\x08feature3\\x12\\x08\\x12\\x06\\n\\x04\\xef\\xf6k>'>\n"
        "<tf.Tensor: shape=(), dtype=string, numpy=b'\\nQ\\n\\x11\\n\\x08feature0\\x12\\x05\\x1a\\x03\\n\\x01\\x01\\n\\x11\\n\\x08feature1\\x12\\x05\\x1a\\x03\\n\\x01\\x01\\n\\x13\\n\\x08feature2\\x12\\x07\\n\\x05\\n\\x03dog\\n\\x14\\n\\x08feature3\\x12\\x08\\x12\\x06\\n\\x04\\xb7\\xef\\x84\\xbd'>\n")


# ---------------------------------------------------------------------------------------------
# Reading and writing TFRecord files


def test_write_tfrecord_file(capsys, tmp_path):
    filename = str(tmp_path / 'test.tfrecord')
    # Write the `tf.train.Example` observations to the file.
    _write_test_tfrecord(filename)
    print(os.path.getsize(filename))  # the tutorial runs `du -sh`
    with open(filename, 'rb') as f:
        print(repr(f.read(64)))
    assert capsys.readouterr().out == (
        "100398\n"
        "b'W\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\xe6\\xba\\x94\\x8c\\nU\\n\\x11\\n\\x08feature0\\x12\\x05\\x1a\\x03\\n\\x01\\x00\\n\\x11\\n\\x08feature1\\x12\\x05\\x1a\\x03\\n\\x01\\x02\\n\\x17\\n\\x08feature2'\n")


def test_read_tfrecord_in_python(capsys, tmp_path):
    filename = str(tmp_path / 'test.tfrecord')
    _write_test_tfrecord(filename)
    filenames = [filename]
    raw_dataset = tf.data.TFRecordDataset(filenames)
    print(repr(raw_dataset))
    for raw_record in raw_dataset.take(1):
        example = tf.train.Example()
        example.ParseFromString(raw_record.numpy())
        print(example)

    result = {}
    # example.features.feature is the dictionary
    for key, feature in example.features.feature.items():
        # The values are the Feature objects which contain a `kind` which contains:
        # one of three fields: bytes_list, float_list, int64_list

        kind = feature.WhichOneof('kind')
        result[key] = np.array(getattr(feature, kind).value)

    print(repr(dict(sorted(result.items()))))
    assert capsys.readouterr().out == (
        "<TFRecordDatasetV2 element_spec=TensorSpec(shape=(), dtype=tf.string, name=None)>\n"
        "features {\n"
        "  feature {\n"
        '    key: "feature3"\n'
        "    value {\n"
        "      float_list {\n"
        "        value: 0.783988595\n"
        "      }\n"
        "    }\n"
        "  }\n"
        "  feature {\n"
        '    key: "feature2"\n'
        "    value {\n"
        "      bytes_list {\n"
        '        value: "chicken"\n'
        "      }\n"
        "    }\n"
        "  }\n"
        "  feature {\n"
        '    key: "feature1"\n'
        "    value {\n"
        "      int64_list {\n"
        "        value: 2\n"
        "      }\n"
        "    }\n"
        "  }\n"
        "  feature {\n"
        '    key: "feature0"\n'
        "    value {\n"
        "      int64_list {\n"
        "        value: 0\n"
        "      }\n"
        "    }\n"
        "  }\n"
        "}\n"
        "\n"
        "{'feature0': array([0]), 'feature1': array([2]), 'feature2': array([b'chicken'], dtype='|S7'), 'feature3': array([0.7839886], dtype=float32)}\n")


def test_read_raw_records_with_tf_data(capsys, tmp_path):
    filename = str(tmp_path / 'test.tfrecord')
    _write_test_tfrecord(filename)
    raw_dataset = tf.data.TFRecordDataset([filename])
    for raw_record in raw_dataset.take(10):
        print(repr(raw_record))
    assert capsys.readouterr().out == (
        "<tf.Tensor: shape=(), dtype=string, numpy=b'\\nU\\n\\x11\\n\\x08feature0\\x12\\x05\\x1a\\x03\\n\\x01\\x00\\n\\x11\\n\\x08feature1\\x12\\x05\\x1a\\x03\\n\\x01\\x02\\n\\x17\\n\\x08feature2\\x12\\x0b\\n\\t\\n\\x07chicken\\n\\x14\\n\\x08feature3\\x12\\x08\\x12\\x06\\n\\x04z\\xb3H?'>\n"
        "<tf.Tensor: shape=(), dtype=string, numpy=b'\\nS\\n\\x11\\n\\x08feature0\\x12\\x05\\x1a\\x03\\n\\x01\\x01\\n\\x11\\n\\x08feature1\\x12\\x05\\x1a\\x03\\n\\x01\\x03\\n\\x15\\n\\x08feature2\\x12\\t\\n\\x07\\n\\x05horse\\n\\x14\\n\\x08feature3\\x12\\x08\\x12\\x06\\n\\x048\\x12\\x8a\\xbf'>\n"
        "<tf.Tensor: shape=(), dtype=string, numpy=b'\\nR\\n\\x11\\n\\x08feature0\\x12\\x05\\x1a\\x03\\n\\x01\\x01\\n\\x11\\n\\x08feature1\\x12\\x05\\x1a\\x03\\n\\x01\\x04\\n\\x14\\n\\x08feature2\\x12\\x08\\n\\x06\\n\\x04goat\\n\\x14\\n\\x08feature3\\x12\\x08\\x12\\x06\\n\\x04*\\xf4V\\xbf'>\n"
        "<tf.Tensor: shape=(), dtype=string, numpy=b'\\nQ\\n\\x11\\n\\x08feature0\\x12\\x05\\x1a\\x03\\n\\x01\\x00\\n\\x11\\n\\x08feature1\\x12\\x05\\x1a\\x03\\n\\x01\\x00\\n\\x13\\n\\x08feature2\\x12\\x07\\n\\x05\\n\\x03cat\\n\\x14\\n\\x08feature3\\x12\\x08\\x12\\x06\\n\\x04\\x0c\\xf4M?'>\n"
        "<tf.Tensor: shape=(), dtype=string, numpy=b'\\nU\\n\\x11\\n\\x08feature0\\x12\\x05\\x1a\\x03\\n\\x01\\x01\\n\\x11\\n\\x08feature1\\x12\\x05\\x1a\\x03\\n\\x01\\x02\\n\\x17\\n\\x08feature2\\x12\\x0b\\n\\t\\n\\x07chicken\\n\\x14\\n\\x08feature3\\x12\\x08\\x12\\x06\\n\\x04C[\\xd6\\xbf'>\n"
        "<tf.Tensor: shape=(), dtype=string, numpy=b'\\nS\\n\\x11\\n\\x08feature0\\x12\\x05\\x1a\\x03\\n\\x01\\x01\\n\\x11\\n\\x08feature1\\x12\\x05\\x1a\\x03\\n\\x01\\x03\\n\\x15\\n\\x08feature2\\x12\\t\\n\\x07\\n\\x05horse\\n\\x14\\n\\x08feature3\\x12\\x08\\x12\\x06\\n\\x04\\xbb\\xd6\\x8a='>\n"
        "<tf.Tensor: shape=(), dtype=string, numpy=b'\\nR\\n\\x11\\n\\x08feature0\\x12\\x05\\x1a\\x03\\n\\x01\\x01\\n\\x11\\n\\x08feature1\\x12\\x05\\x1a\\x03\\n\\x01\\x04\\n\\x14\\n\\x08feature2\\x12\\x08\\n\\x06\\n\\x04goat\\n\\x14\\n\\x08feature3\\x12\\x08\\x12\\x06\\n\\x04K\\xed\\xab?'>\n"
        "<tf.Tensor: shape=(), dtype=string, numpy=b'\\nS\\n\\x11\\n\\x08feature0\\x12\\x05\\x1a\\x03\\n\\x01\\x01\\n\\x11\\n\\x08feature1\\x12\\x05\\x1a\\x03\\n\\x01\\x03\\n\\x15\\n\\x08feature2\\x12\\t\\n\\x07\\n\\x05horse\\n\\x14\\n\\x08feature3\\x12\\x08\\x12\\x06\\n\\x04\\xa9\\x96\\x88?'>\n"
        "<tf.Tensor: shape=(), dtype=string, numpy=b'\\nQ\\n\\x11\\n\\x08feature0\\x12\\x05\\x1a\\x03\\n\\x01\\x01\\n\\x11\\n\\x08feature1\\x12\\x05\\x1a\\x03\\n\\x01\\x00\\n\\x13\\n\\x08feature2\\x12\\x07\\n\\x05\\n\\x03cat\\n\\x14\\n\\x08feature3\\x12\\x08\\x12\\x06\\n\\x04\\x91\\x18}='>\n"
        "<tf.Tensor: shape=(), dtype=string, numpy=b'\\nU\\n\\x11\\n\\x08feature0\\x12\\x05\\x1a\\x03\\n\\x01\\x01\\n\\x11\\n\\x08feature1\\x12\\x05\\x1a\\x03\\n\\x01\\x02\\n\\x17\\n\\x08feature2\\x12\\x0b\\n\\t\\n\\x07chicken\\n\\x14\\n\\x08feature3\\x12\\x08\\x12\\x06\\n\\x04\\xb6\\xf1\\x12\\xbf'>\n")


def test_parse_records_with_parse_single_example(capsys, tmp_path):
    filename = str(tmp_path / 'test.tfrecord')
    _write_test_tfrecord(filename)
    raw_dataset = tf.data.TFRecordDataset([filename])
    parsed_dataset = raw_dataset.map(_parse_function)
    print(repr(parsed_dataset))
    for parsed_record in parsed_dataset.take(10):
        print(repr(parsed_record))
    assert capsys.readouterr().out == (
        "<_MapDataset element_spec={'feature0': TensorSpec(shape=(), dtype=tf.int64, name=None), 'feature1': TensorSpec(shape=(), dtype=tf.int64, name=None), 'feature2': TensorSpec(shape=(), dtype=tf.string, name=None), 'feature3': TensorSpec(shape=(), dtype=tf.float32, name=None)}>\n"
        "{'feature0': <tf.Tensor: shape=(), dtype=int64, numpy=0>, 'feature1': <tf.Tensor: shape=(), dtype=int64, numpy=2>, 'feature2': <tf.Tensor: shape=(), dtype=string, numpy=b'chicken'>, 'feature3': <tf.Tensor: shape=(), dtype=float32, numpy=0.7839885950088501>}\n"
        "{'feature0': <tf.Tensor: shape=(), dtype=int64, numpy=1>, 'feature1': <tf.Tensor: shape=(), dtype=int64, numpy=3>, 'feature2': <tf.Tensor: shape=(), dtype=string, numpy=b'horse'>, 'feature3': <tf.Tensor: shape=(), dtype=float32, numpy=-1.0786809921264648>}\n"
        "{'feature0': <tf.Tensor: shape=(), dtype=int64, numpy=1>, 'feature1': <tf.Tensor: shape=(), dtype=int64, numpy=4>, 'feature2': <tf.Tensor: shape=(), dtype=string, numpy=b'goat'>, 'feature3': <tf.Tensor: shape=(), dtype=float32, numpy=-0.8396631479263306>}\n"
        "{'feature0': <tf.Tensor: shape=(), dtype=int64, numpy=0>, 'feature1': <tf.Tensor: shape=(), dtype=int64, numpy=0>, 'feature2': <tf.Tensor: shape=(), dtype=string, numpy=b'cat'>, 'feature3': <tf.Tensor: shape=(), dtype=float32, numpy=0.8045051097869873>}\n"
        "{'feature0': <tf.Tensor: shape=(), dtype=int64, numpy=1>, 'feature1': <tf.Tensor: shape=(), dtype=int64, numpy=2>, 'feature2': <tf.Tensor: shape=(), dtype=string, numpy=b'chicken'>, 'feature3': <tf.Tensor: shape=(), dtype=float32, numpy=-1.674660086631775>}\n"
        "{'feature0': <tf.Tensor: shape=(), dtype=int64, numpy=1>, 'feature1': <tf.Tensor: shape=(), dtype=int64, numpy=3>, 'feature2': <tf.Tensor: shape=(), dtype=string, numpy=b'horse'>, 'feature3': <tf.Tensor: shape=(), dtype=float32, numpy=0.0677923783659935>}\n"
        "{'feature0': <tf.Tensor: shape=(), dtype=int64, numpy=1>, 'feature1': <tf.Tensor: shape=(), dtype=int64, numpy=4>, 'feature2': <tf.Tensor: shape=(), dtype=string, numpy=b'goat'>, 'feature3': <tf.Tensor: shape=(), dtype=float32, numpy=1.3431791067123413>}\n"
        "{'feature0': <tf.Tensor: shape=(), dtype=int64, numpy=1>, 'feature1': <tf.Tensor: shape=(), dtype=int64, numpy=3>, 'feature2': <tf.Tensor: shape=(), dtype=string, numpy=b'horse'>, 'feature3': <tf.Tensor: shape=(), dtype=float32, numpy=1.067097783088684>}\n"
        "{'feature0': <tf.Tensor: shape=(), dtype=int64, numpy=1>, 'feature1': <tf.Tensor: shape=(), dtype=int64, numpy=0>, 'feature2': <tf.Tensor: shape=(), dtype=string, numpy=b'cat'>, 'feature3': <tf.Tensor: shape=(), dtype=float32, numpy=0.06179100647568703>}\n"
        "{'feature0': <tf.Tensor: shape=(), dtype=int64, numpy=1>, 'feature1': <tf.Tensor: shape=(), dtype=int64, numpy=2>, 'feature2': <tf.Tensor: shape=(), dtype=string, numpy=b'chicken'>, 'feature3': <tf.Tensor: shape=(), dtype=float32, numpy=-0.5740007162094116>}\n")


def test_parse_batches_with_parse_example(capsys, tmp_path):
    filename = str(tmp_path / 'test.tfrecord')
    _write_test_tfrecord(filename)
    parsed = tf.data.TFRecordDataset([filename]).batch(4).map(
        lambda records: tf.io.parse_example(records, feature_description))
    print(repr(parsed))
    for batch in parsed.take(2):
        print(repr(batch))
    counts = tf.data.TFRecordDataset([filename]).map(_parse_function).reduce(
        np.int64(0), lambda total, record: total + record['feature1'])
    print(counts)
    assert capsys.readouterr().out == (
        "<_MapDataset element_spec={'feature0': TensorSpec(shape=(None,), dtype=tf.int64, name=None), 'feature1': TensorSpec(shape=(None,), dtype=tf.int64, name=None), 'feature2': TensorSpec(shape=(None,), dtype=tf.string, name=None), 'feature3': TensorSpec(shape=(None,), dtype=tf.float32, name=None)}>\n"
        "{'feature0': <tf.Tensor: shape=(4,), dtype=int64, numpy=array([0, 1, 1, 0])>, 'feature1': <tf.Tensor: shape=(4,), dtype=int64, numpy=array([2, 3, 4, 0])>, 'feature2': <tf.Tensor: shape=(4,), dtype=string, numpy=array([b'chicken', b'horse', b'goat', b'cat'], dtype=object)>, 'feature3': <tf.Tensor: shape=(4,), dtype=float32, numpy=array([ 0.7839886 , -1.078681  , -0.83966315,  0.8045051 ], dtype=float32)>}\n"
        "{'feature0': <tf.Tensor: shape=(4,), dtype=int64, numpy=array([1, 1, 1, 1])>, 'feature1': <tf.Tensor: shape=(4,), dtype=int64, numpy=array([2, 3, 4, 3])>, 'feature2': <tf.Tensor: shape=(4,), dtype=string, numpy=array([b'chicken', b'horse', b'goat', b'horse'], dtype=object)>, 'feature3': <tf.Tensor: shape=(4,), dtype=float32, numpy=array([-1.6746601 ,  0.06779238,  1.3431791 ,  1.0670978 ], dtype=float32)>}\n"
        "tf.Tensor(2001, shape=(), dtype=int64)\n")


# ---------------------------------------------------------------------------------------------
# Walkthrough: reading and writing image data (a synthetic raw image)


def image_example(image_string, label, image_shape):
    feature = {
        'height': _int64_feature(image_shape[0]),
        'width': _int64_feature(image_shape[1]),
        'depth': _int64_feature(image_shape[2]),
        'label': _int64_feature(label),
        'image_raw': _bytes_feature(image_string),
    }

    return tf.train.Example(features=tf.train.Features(feature=feature))


def _images():
    rng = np.random.RandomState(3)
    cat = rng.randint(0, 256, size=(6, 8, 3)).astype(np.uint8)
    bridge = rng.randint(0, 256, size=(4, 5, 3)).astype(np.uint8)
    return {'cat_in_snow': (cat, 0), 'williamsburg_bridge': (bridge, 1)}


def test_image_example_text_format(capsys):
    image, label = _images()['cat_in_snow']
    image_string = image.tobytes()
    for line in str(image_example(image_string, label, image.shape)).split('\n')[:15]:
        print(line)
    print('...')
    assert capsys.readouterr().out == (
        "features {\n"
        "  feature {\n"
        '    key: "width"\n'
        "    value {\n"
        "      int64_list {\n"
        "        value: 8\n"
        "      }\n"
        "    }\n"
        "  }\n"
        "  feature {\n"
        '    key: "label"\n'
        "    value {\n"
        "      int64_list {\n"
        "        value: 0\n"
        "      }\n"
        "...\n")


def test_write_and_read_image_records(capsys, tmp_path):
    record_file = str(tmp_path / 'images.tfrecords')
    with tf.io.TFRecordWriter(record_file) as writer:
        for name, (image, label) in _images().items():
            tf_example = image_example(image.tobytes(), label, image.shape)
            writer.write(tf_example.SerializeToString(deterministic=True))
    print(os.path.getsize(record_file))

    raw_image_dataset = tf.data.TFRecordDataset(record_file)

    # Create a dictionary describing the features.
    image_feature_description = {
        'height': tf.io.FixedLenFeature([], tf.int64),
        'width': tf.io.FixedLenFeature([], tf.int64),
        'depth': tf.io.FixedLenFeature([], tf.int64),
        'label': tf.io.FixedLenFeature([], tf.int64),
        'image_raw': tf.io.FixedLenFeature([], tf.string),
    }

    def _parse_image_function(example_proto):
        # Parse the input tf.train.Example proto using the dictionary above.
        return tf.io.parse_single_example(example_proto, image_feature_description)

    parsed_image_dataset = raw_image_dataset.map(_parse_image_function)
    print(repr(parsed_image_dataset))
    for image_features in parsed_image_dataset:
        image_raw = image_features['image_raw'].numpy()
        shape = [int(image_features[k]) for k in ('height', 'width', 'depth')]
        image = tf.reshape(tf.io.decode_raw(image_features['image_raw'], tf.uint8), shape)
        print(len(image_raw), shape, image_features['label'].numpy(), image[0, 0])
    assert capsys.readouterr().out == (
        "414\n"
        "<_MapDataset element_spec={'depth': TensorSpec(shape=(), dtype=tf.int64, name=None), 'height': TensorSpec(shape=(), dtype=tf.int64, name=None), 'image_raw': TensorSpec(shape=(), dtype=tf.string, name=None), 'label': TensorSpec(shape=(), dtype=tf.int64, name=None), 'width': TensorSpec(shape=(), dtype=tf.int64, name=None)}>\n"
        "144 [6, 8, 3] 0 tf.Tensor([106 152 249], shape=(3,), dtype=uint8)\n"
        "60 [4, 5, 3] 1 tf.Tensor([68 44 44], shape=(3,), dtype=uint8)\n")


# ---------------------------------------------------------------------------------------------
# Non-scalar features: tf.io.serialize_tensor / tf.io.parse_tensor (the tutorial's note)


def test_serialize_tensor_for_non_scalar_features(capsys):
    t = tf.constant([[1.5, 2.0], [3.0, -4.25]])
    serialized = tf.io.serialize_tensor(t)
    print(repr(serialized))
    feature = _bytes_feature(serialized)
    print(feature)
    back = tf.io.parse_tensor(feature.bytes_list.value[0], out_type=tf.float32)
    print(back)
    print(repr(tf.io.serialize_tensor(tf.constant([b'a', b'bc']))))
    print(repr(tf.io.serialize_tensor(tf.constant(7, tf.int64))))
    assert capsys.readouterr().out == (
        '<tf.Tensor: shape=(), dtype=string, numpy=b\'\\x08\\x01\\x12\\x08\\x12\\x02\\x08\\x02\\x12\\x02\\x08\\x02"\\x10\\x00\\x00\\xc0?\\x00\\x00\\x00@\\x00\\x00@@\\x00\\x00\\x88\\xc0\'>\n'
        "bytes_list {\n"
        '  value: "\\010\\001\\022\\010\\022\\002\\010\\002\\022\\002\\010\\002\\"\\020\\000\\000\\300?\\000\\000\\000@\\000\\000@@\\000\\000\\210\\300"\n'
        "}\n"
        "\n"
        "tf.Tensor(\n"
        "[[ 1.5   2.  ]\n"
        " [ 3.   -4.25]], shape=(2, 2), dtype=float32)\n"
        "<tf.Tensor: shape=(), dtype=string, numpy=b'\\x08\\x07\\x12\\x04\\x12\\x02\\x08\\x02B\\x01aB\\x02bc'>\n"
        '<tf.Tensor: shape=(), dtype=string, numpy=b\'\\x08\\t\\x12\\x00"\\x08\\x07\\x00\\x00\\x00\\x00\\x00\\x00\\x00\'>\n')
