"""TF's guide "tf.data: Build TensorFlow input pipelines" (tensorflow.org/guide/data), cell by cell,
with the output TF 2.21 prints (checked against TF).

Downloaded data (Iliad texts, Titanic CSV, flower photos, FSNS TFRecords, credit-card CSV) is
replaced by small synthetic files written to tmp_path with the same layout; the expected strings
are what TF prints for those files. Plots become printed lists; timing and Keras cells are left out.
"""
import os

import numpy as np
import pytest

import eagerflow as tf

# ---------------------------------------------------------------------------------------------
# Synthetic stand-ins for the guide's downloads.

_TITANIC_HEADER = "survived,sex,age,n_siblings_spouses,parch,fare,class,deck,embark_town,alone"
_TITANIC_ROWS = [
    (0, "male", 22.0, 1, 0, "7.25", "Third", "unknown", "Southampton", "n"),
    (1, "female", 38.0, 1, 0, "71.2833", "First", "C", "Cherbourg", "n"),
    (1, "female", 26.0, 0, 0, "7.925", "Third", "unknown", "Southampton", "y"),
    (1, "female", 35.0, 1, 0, "53.1", "First", "C", "Southampton", "n"),
    (0, "male", 28.0, 0, 0, "8.4583", "Third", "unknown", "Queenstown", "y"),
    (0, "male", 2.0, 3, 1, "21.075", "Third", "unknown", "Southampton", "n"),
    (1, "female", 27.0, 0, 2, "11.1333", "Third", "unknown", "Southampton", "n"),
    (1, "female", 14.0, 1, 0, "30.0708", "Second", "unknown", "Cherbourg", "n"),
    (1, "female", 4.0, 1, 1, "16.7", "Third", "G", "Southampton", "n"),
    (0, "male", 20.0, 0, 0, "8.05", "Third", "unknown", "Southampton", "y"),
]


def _titanic_file(tmp_path, rows=627):
    """A train.csv with the Titanic columns and 627 rows, as the guide's file."""
    lines = [_TITANIC_HEADER]
    for i in range(rows):
        s, sex, age, sib, parch, fare, cls, deck, town, alone = _TITANIC_ROWS[i % 10]
        lines.append(f"{s},{sex},{age + i // 10},{sib},{parch},{fare},{cls},{deck},{town},{alone}")
    path = tmp_path / "train.csv"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


_ILIAD = {
    "cowper.txt": ["\ufeffAchilles sing, O Goddess! Peleus' son;",
                   "His wrath pernicious, who ten thousand woes",
                   "Caused to Achaia's host, sent many a soul",
                   "Illustrious into Ades premature,",
                   "And Heroes gave (so stood the will of Jove)",
                   "To dogs and to all ravening fowls a prey,"],
    "derby.txt": ["\ufeffOf Peleus' son, Achilles, sing, O Muse,",
                  "The vengeance, deep and deadly; whence to Greece",
                  "Unnumbered ills arose; which many a soul",
                  "Of mighty warriors to the viewless shades"],
    "butler.txt": ["\ufeffSing, O goddess, the anger of Achilles son of Peleus, that brought",
                   "countless ills upon the Achaeans. Many a brave soul did it send",
                   "hurrying down to Hades, and many a hero did it yield a prey to dogs and",
                   'vultures, for so were the counsels of Jove fulfilled from the day on'],
}


def _iliad_files(tmp_path):
    paths = []
    for name, lines in _ILIAD.items():
        path = tmp_path / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(str(path))
    return paths


def _flowers_root(tmp_path):
    """flower_photos/<class>/<n>.jpg with made-up bytes, and a LICENSE.txt, as the guide's archive."""
    root = tmp_path / "flower_photos"
    for k, name in enumerate(["daisy", "dandelion", "roses", "sunflowers", "tulips"]):
        (root / name).mkdir(parents=True)
        for j in range(3):
            (root / name / f"{1000 + 37 * j + k}_photo.jpg").write_bytes(
                b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
                + bytes(range(k * 10 + j, k * 10 + j + 120)))
    (root / "LICENSE.txt").write_text("All images are licensed under the Creative Commons license.\n")
    return root


def _fsns_file(tmp_path):
    """A TFRecord file of tf.train.Examples with 'image/encoded' and 'image/text' features."""
    path = str(tmp_path / "fsns.tfrec")
    with tf.io.TFRecordWriter(path) as writer:
        for i, text in enumerate([b"Rue Perreyon", b"Avenue Pasteur", b"Rue de la Paix"]):
            png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x02X" + bytes([i]) * 40
            feature = {
                "image/encoded": tf.train.Feature(bytes_list=tf.train.BytesList(value=[png])),
                "image/text": tf.train.Feature(bytes_list=tf.train.BytesList(value=[text])),
                "image/class": tf.train.Feature(int64_list=tf.train.Int64List(value=[21, 8, 3 + i])),
            }
            example = tf.train.Example(features=tf.train.Features(feature=feature))
            writer.write(example.SerializeToString())
    return path


def _creditcard_file(tmp_path, rows=1000):
    """A creditcard.csv: Time, V1..V28, Amount (30 floats) and Class (int), about 8% positives
    (the real file has 0.17%: fewer rows to read for the same point)."""
    rng = np.random.RandomState(0)
    header = ",".join(["Time"] + [f"V{i}" for i in range(1, 29)] + ["Amount", "Class"])
    lines = [header]
    for i in range(rows):
        values = [f"{i}.0"] + [f"{v:.4f}" for v in rng.normal(size=28)] + [f"{rng.uniform(0, 300):.2f}"]
        lines.append(",".join(values + [str(int(rng.uniform() < 0.08))]))
    path = tmp_path / "creditcard.csv"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


# ---------------------------------------------------------------------------------------------
# Basic mechanics


def test_basic_mechanics_for_loop(capsys):
    dataset = tf.data.Dataset.from_tensor_slices([8, 3, 0, 8, 2, 1])
    print(repr(dataset))
    for elem in dataset:
        print(elem.numpy())
    assert capsys.readouterr().out == (
        "<_TensorSliceDataset element_spec=TensorSpec(shape=(), dtype=tf.int32, name=None)>\n"
        "8\n"
        "3\n"
        "0\n"
        "8\n"
        "2\n"
        "1\n")


def test_basic_mechanics_iter_next_and_reduce(capsys):
    dataset = tf.data.Dataset.from_tensor_slices([8, 3, 0, 8, 2, 1])
    it = iter(dataset)
    print(next(it).numpy())
    print(dataset.reduce(0, lambda state, value: state + value).numpy())
    assert capsys.readouterr().out == (
        "8\n"
        "22\n")


def test_dataset_structure_element_specs(capsys):
    dataset1 = tf.data.Dataset.from_tensor_slices(tf.random.uniform([4, 10]))
    print(repr(dataset1.element_spec))
    dataset2 = tf.data.Dataset.from_tensor_slices(
        (tf.random.uniform([4]),
         tf.random.uniform([4, 100], maxval=100, dtype=tf.int32)))
    print(repr(dataset2.element_spec))
    dataset3 = tf.data.Dataset.zip((dataset1, dataset2))
    print(repr(dataset3.element_spec))
    assert capsys.readouterr().out == (
        "TensorSpec(shape=(10,), dtype=tf.float32, name=None)\n"
        "(TensorSpec(shape=(), dtype=tf.float32, name=None), TensorSpec(shape=(100,), dtype=tf.int32, name=None))\n"
        "(TensorSpec(shape=(10,), dtype=tf.float32, name=None), (TensorSpec(shape=(), dtype=tf.float32, name=None), TensorSpec(shape=(100,), dtype=tf.int32, name=None)))\n")


def test_dataset_structure_sparse_element_spec_and_value_type(capsys):
    # Dataset containing a sparse tensor.
    dataset4 = tf.data.Dataset.from_tensors(
        tf.SparseTensor(indices=[[0, 0], [1, 2]], values=[1, 2], dense_shape=[3, 4]))
    print(repr(dataset4.element_spec))
    # Use value_type to see the type of value represented by the element spec (the guide shows
    # its repr, which names TF's module: here its name and identity)
    print(dataset4.element_spec.value_type.__name__, dataset4.element_spec.value_type is tf.SparseTensor)
    assert capsys.readouterr().out == (
        "SparseTensorSpec(TensorShape([3, 4]), tf.int32)\n"
        "SparseTensor True\n")


def test_dataset_structure_dict_and_ragged_element_specs(capsys):
    features = tf.data.Dataset.from_tensor_slices(
        {"a": tf.constant([[1.0, 2.0], [3.0, 4.0]]), "b": tf.constant([b"x", b"y"])})
    print(repr(features))
    print(repr(features.element_spec))
    ragged = tf.data.Dataset.from_tensor_slices(tf.ragged.constant([[1, 2], [3], [4, 5, 6]]))
    print(repr(ragged.element_spec))
    for row in ragged:
        print(row)
    nested = tf.data.Dataset.from_tensors(
        ({"x": tf.constant([1, 2])}, (tf.constant(1.5), tf.ragged.constant([[1], [2, 3]]))))
    print(repr(nested.element_spec))
    assert capsys.readouterr().out == (
        "<_TensorSliceDataset element_spec={'a': TensorSpec(shape=(2,), dtype=tf.float32, name=None), 'b': TensorSpec(shape=(), dtype=tf.string, name=None)}>\n"
        "{'a': TensorSpec(shape=(2,), dtype=tf.float32, name=None), 'b': TensorSpec(shape=(), dtype=tf.string, name=None)}\n"
        "RaggedTensorSpec(TensorShape([None]), tf.int32, 0, tf.int64)\n"
        "tf.Tensor([1 2], shape=(2,), dtype=int32)\n"
        "tf.Tensor([3], shape=(1,), dtype=int32)\n"
        "tf.Tensor([4 5 6], shape=(3,), dtype=int32)\n"
        "({'x': TensorSpec(shape=(2,), dtype=tf.int32, name=None)}, (TensorSpec(shape=(), dtype=tf.float32, name=None), RaggedTensorSpec(TensorShape([2, None]), tf.int32, 1, tf.int64)))\n")


def test_dataset_structure_random_int_rows(capsys):
    tf.random.set_seed(0)
    dataset1 = tf.data.Dataset.from_tensor_slices(
        tf.random.uniform([4, 10], minval=1, maxval=10, dtype=tf.int32))
    print(repr(dataset1))
    for z in dataset1:
        print(z.numpy())
    assert capsys.readouterr().out == (
        "<_TensorSliceDataset element_spec=TensorSpec(shape=(10,), dtype=tf.int32, name=None)>\n"
        "[4 9 1 9 7 3 1 9 7 9]\n"
        "[9 4 7 5 5 1 8 6 8 3]\n"
        "[7 9 1 6 3 1 8 6 4 6]\n"
        "[6 3 3 6 9 9 2 8 8 3]\n")


def test_dataset_structure_zip_and_unpacking(capsys):
    dataset1 = tf.data.Dataset.from_tensor_slices(
        tf.random.uniform([4, 10], minval=1, maxval=10, dtype=tf.int32))
    dataset2 = tf.data.Dataset.from_tensor_slices(
        (tf.random.uniform([4]),
         tf.random.uniform([4, 100], maxval=100, dtype=tf.int32)))
    print(repr(dataset2))
    dataset3 = tf.data.Dataset.zip((dataset1, dataset2))
    print(repr(dataset3))
    for a, (b, c) in dataset3:
        print('shapes: {a.shape}, {b.shape}, {c.shape}'.format(a=a, b=b, c=c))
    assert capsys.readouterr().out == (
        "<_TensorSliceDataset element_spec=(TensorSpec(shape=(), dtype=tf.float32, name=None), TensorSpec(shape=(100,), dtype=tf.int32, name=None))>\n"
        "<_ZipDataset element_spec=(TensorSpec(shape=(10,), dtype=tf.int32, name=None), (TensorSpec(shape=(), dtype=tf.float32, name=None), TensorSpec(shape=(100,), dtype=tf.int32, name=None)))>\n"
        "shapes: (10,), (), (100,)\n"
        "shapes: (10,), (), (100,)\n"
        "shapes: (10,), (), (100,)\n"
        "shapes: (10,), (), (100,)\n")


# ---------------------------------------------------------------------------------------------
# Reading input data


def test_consuming_numpy_arrays(capsys):
    rng = np.random.RandomState(0)
    images = rng.randint(0, 256, size=(60, 28, 28)).astype(np.uint8)
    labels = rng.randint(0, 10, size=(60,)).astype(np.uint8)
    images = images / 255
    dataset = tf.data.Dataset.from_tensor_slices((images, labels))
    print(repr(dataset))
    for image, label in dataset.take(2):
        print(image.dtype, image.shape, label)
    assert capsys.readouterr().out == (
        "<_TensorSliceDataset element_spec=(TensorSpec(shape=(28, 28), dtype=tf.float64, name=None), TensorSpec(shape=(), dtype=tf.uint8, name=None))>\n"
        "<dtype: 'float64'> (28, 28) tf.Tensor(8, shape=(), dtype=uint8)\n"
        "<dtype: 'float64'> (28, 28) tf.Tensor(1, shape=(), dtype=uint8)\n")


def count(stop):
    i = 0
    while i < stop:
        yield i
        i += 1


def test_generator_counter_repeat_batch(capsys):
    for n in count(5):
        print(n)
    ds_counter = tf.data.Dataset.from_generator(count, args=[25], output_types=tf.int32, output_shapes=(), )
    for count_batch in ds_counter.repeat().batch(10).take(10):
        print(count_batch.numpy())
    assert capsys.readouterr().out == (
        "0\n"
        "1\n"
        "2\n"
        "3\n"
        "4\n"
        "[0 1 2 3 4 5 6 7 8 9]\n"
        "[10 11 12 13 14 15 16 17 18 19]\n"
        "[20 21 22 23 24  0  1  2  3  4]\n"
        "[ 5  6  7  8  9 10 11 12 13 14]\n"
        "[15 16 17 18 19 20 21 22 23 24]\n"
        "[0 1 2 3 4 5 6 7 8 9]\n"
        "[10 11 12 13 14 15 16 17 18 19]\n"
        "[20 21 22 23 24  0  1  2  3  4]\n"
        "[ 5  6  7  8  9 10 11 12 13 14]\n"
        "[15 16 17 18 19 20 21 22 23 24]\n")


def gen_series():
    i = 0
    while True:
        size = np.random.randint(0, 10)
        yield i, np.random.normal(size=(size,))
        i += 1


def test_generator_series_with_output_types(capsys):
    np.random.seed(0)
    with np.printoptions(precision=4):
        for i, series in gen_series():
            print(i, ":", str(series))
            if i > 5:
                break
    ds_series = tf.data.Dataset.from_generator(
        gen_series,
        output_types=(tf.int32, tf.float32),
        output_shapes=((), (None,)))
    print(repr(ds_series))
    assert capsys.readouterr().out == (
        "0 : [ 0.1185  0.114   0.3703  1.0405 -1.517 ]\n"
        "1 : [-0.8663 -0.1032  0.4106  0.144   1.4543  0.761   0.1217  0.4439]\n"
        "2 : [0.3337 1.4144]\n"
        "3 : [-0.1241  1.1683  0.9472]\n"
        "4 : [-2.553]\n"
        "5 : [ 0.6536  0.5912 -0.7828]\n"
        "6 : [-0.3988 -0.8272]\n"
        "<_FlatMapDataset element_spec=(TensorSpec(shape=(), dtype=tf.int32, name=None), TensorSpec(shape=(None,), dtype=tf.float32, name=None))>\n")


def test_generator_series_shuffle_padded_batch(capsys):
    np.random.seed(0)
    tf.random.set_seed(0)
    ds_series = tf.data.Dataset.from_generator(
        gen_series,
        output_types=(tf.int32, tf.float32),
        output_shapes=((), (None,)))
    ds_series_batch = ds_series.shuffle(20).padded_batch(10)
    ids, sequence_batch = next(iter(ds_series_batch))
    with np.printoptions(precision=4):
        print(ids.numpy())
        print()
        print(sequence_batch.numpy())
    assert capsys.readouterr().out == (
        "[ 3 15 11  9  1  7 12 18  2 13]\n"
        "\n"
        "[[-0.1241  1.1683  0.9472  0.      0.      0.      0.      0.      0.    ]\n"
        " [ 0.4283  0.9963 -0.4911  0.7127  1.1133 -2.1537 -0.4161 -1.0709  0.2211]\n"
        " [ 1.4191 -1.735   1.6584  2.2998  0.      0.      0.      0.      0.    ]\n"
        " [ 0.1754 -0.4625 -1.0858  0.6397 -0.3859 -0.7758  0.9957  0.      0.    ]\n"
        " [-0.8663 -0.1032  0.4106  0.144   1.4543  0.761   0.1217  0.4439  0.    ]\n"
        " [ 1.5328  1.4694  0.1549  0.3782 -0.8878  0.      0.      0.      0.    ]\n"
        " [-0.4711 -0.8955  0.3869 -0.5108 -1.1806  0.      0.      0.      0.    ]\n"
        " [ 0.8199 -0.4032  1.2224  0.2083  0.9766  0.3564  0.      0.      0.    ]\n"
        " [ 0.3337  1.4144  0.      0.      0.      0.      0.      0.      0.    ]\n"
        " [ 0.0269  1.0558 -0.0732 -0.6657 -0.0441  0.      0.      0.      0.    ]]\n")


def test_generator_with_output_signature(capsys):
    np.random.seed(1)
    ds_series = tf.data.Dataset.from_generator(
        gen_series,
        output_signature=(
            tf.TensorSpec(shape=(), dtype=tf.int32),
            tf.TensorSpec(shape=(None,), dtype=tf.float32)))
    print(repr(ds_series))
    print(ds_series.cardinality().numpy() == tf.data.UNKNOWN_CARDINALITY)
    with np.printoptions(precision=4):
        for i, series in ds_series.take(3):
            print(i.numpy(), series.dtype, series.numpy())
    assert capsys.readouterr().out == (
        "<_FlatMapDataset element_spec=(TensorSpec(shape=(), dtype=tf.int32, name=None), TensorSpec(shape=(None,), dtype=tf.float32, name=None))>\n"
        "True\n"
        "0 <dtype: 'float32'> [-0.5497 -1.4029  1.5828 -1.0451  0.2576]\n"
        "1 <dtype: 'float32'> [-1.9594 -0.0881]\n"
        "2 <dtype: 'float32'> [0.8522]\n")


def test_consuming_tfrecord_data(capsys, tmp_path):
    fsns_test_file = _fsns_file(tmp_path)
    dataset = tf.data.TFRecordDataset(filenames=[fsns_test_file])
    print(repr(dataset))
    raw_example = next(iter(dataset))
    parsed = tf.train.Example.FromString(raw_example.numpy())
    print(repr(parsed.features.feature['image/text']))
    assert capsys.readouterr().out == (
        "<TFRecordDatasetV2 element_spec=TensorSpec(shape=(), dtype=tf.string, name=None)>\n"
        "bytes_list {\n"
        '  value: "Rue Perreyon"\n'
        "}\n"
        "\n")


def test_text_line_dataset_take(capsys, tmp_path):
    file_paths = _iliad_files(tmp_path)
    dataset = tf.data.TextLineDataset(file_paths)
    print(repr(dataset))
    for line in dataset.take(5):
        print(line.numpy())
    assert capsys.readouterr().out == (
        "<TextLineDatasetV2 element_spec=TensorSpec(shape=(), dtype=tf.string, name=None)>\n"
        'b"\\xef\\xbb\\xbfAchilles sing, O Goddess! Peleus\' son;"\n'
        "b'His wrath pernicious, who ten thousand woes'\n"
        'b"Caused to Achaia\'s host, sent many a soul"\n'
        "b'Illustrious into Ades premature,'\n"
        "b'And Heroes gave (so stood the will of Jove)'\n")


def test_text_files_interleaved(capsys, tmp_path):
    file_paths = _iliad_files(tmp_path)
    files_ds = tf.data.Dataset.from_tensor_slices(file_paths)
    lines_ds = files_ds.interleave(tf.data.TextLineDataset, cycle_length=3)
    for i, line in enumerate(lines_ds.take(9)):
        if i % 3 == 0:
            print()
        print(line.numpy())
    assert capsys.readouterr().out == (
        "\n"
        'b"\\xef\\xbb\\xbfAchilles sing, O Goddess! Peleus\' son;"\n'
        'b"\\xef\\xbb\\xbfOf Peleus\' son, Achilles, sing, O Muse,"\n'
        "b'\\xef\\xbb\\xbfSing, O goddess, the anger of Achilles son of Peleus, that brought'\n"
        "\n"
        "b'His wrath pernicious, who ten thousand woes'\n"
        "b'The vengeance, deep and deadly; whence to Greece'\n"
        "b'countless ills upon the Achaeans. Many a brave soul did it send'\n"
        "\n"
        'b"Caused to Achaia\'s host, sent many a soul"\n'
        "b'Unnumbered ills arose; which many a soul'\n"
        "b'hurrying down to Hades, and many a hero did it yield a prey to dogs and'\n")


def test_text_lines_skip_header_and_filter(capsys, tmp_path):
    titanic_file = _titanic_file(tmp_path)
    titanic_lines = tf.data.TextLineDataset(titanic_file)
    for line in titanic_lines.take(10):
        print(line.numpy())

    def survived(line):
        return tf.not_equal(tf.strings.substr(line, 0, 1), "0")

    survivors = titanic_lines.skip(1).filter(survived)
    for line in survivors.take(10):
        print(line.numpy())
    assert capsys.readouterr().out == (
        "b'survived,sex,age,n_siblings_spouses,parch,fare,class,deck,embark_town,alone'\n"
        "b'0,male,22.0,1,0,7.25,Third,unknown,Southampton,n'\n"
        "b'1,female,38.0,1,0,71.2833,First,C,Cherbourg,n'\n"
        "b'1,female,26.0,0,0,7.925,Third,unknown,Southampton,y'\n"
        "b'1,female,35.0,1,0,53.1,First,C,Southampton,n'\n"
        "b'0,male,28.0,0,0,8.4583,Third,unknown,Queenstown,y'\n"
        "b'0,male,2.0,3,1,21.075,Third,unknown,Southampton,n'\n"
        "b'1,female,27.0,0,2,11.1333,Third,unknown,Southampton,n'\n"
        "b'1,female,14.0,1,0,30.0708,Second,unknown,Cherbourg,n'\n"
        "b'1,female,4.0,1,1,16.7,Third,G,Southampton,n'\n"
        "b'1,female,38.0,1,0,71.2833,First,C,Cherbourg,n'\n"
        "b'1,female,26.0,0,0,7.925,Third,unknown,Southampton,y'\n"
        "b'1,female,35.0,1,0,53.1,First,C,Southampton,n'\n"
        "b'1,female,27.0,0,2,11.1333,Third,unknown,Southampton,n'\n"
        "b'1,female,14.0,1,0,30.0708,Second,unknown,Cherbourg,n'\n"
        "b'1,female,4.0,1,1,16.7,Third,G,Southampton,n'\n"
        "b'1,female,39.0,1,0,71.2833,First,C,Cherbourg,n'\n"
        "b'1,female,27.0,0,0,7.925,Third,unknown,Southampton,y'\n"
        "b'1,female,36.0,1,0,53.1,First,C,Southampton,n'\n"
        "b'1,female,28.0,0,2,11.1333,Third,unknown,Southampton,n'\n")


def test_csv_columns_from_tensor_slices_of_a_dict(capsys):
    # The guide's pandas DataFrame, as a dict of NumPy columns (dict(df) gives the same).
    df = {
        "survived": np.array([0, 1, 1], dtype=np.int64),
        "sex": np.array(["male", "female", "female"], dtype=object),
        "age": np.array([22.0, 38.0, 26.0]),
        "n_siblings_spouses": np.array([1, 1, 0], dtype=np.int64),
        "fare": np.array([7.25, 71.2833, 7.925]),
        "class": np.array(["Third", "First", "Third"], dtype=object),
    }
    titanic_slices = tf.data.Dataset.from_tensor_slices(dict(df))
    for feature_batch in titanic_slices.take(1):
        for key, value in feature_batch.items():
            print("  {!r:20s}: {}".format(key, value))
    assert capsys.readouterr().out == (
        "  'survived'          : 0\n"
        "  'sex'               : b'male'\n"
        "  'age'               : 22.0\n"
        "  'n_siblings_spouses': 1\n"
        "  'fare'              : 7.25\n"
        "  'class'             : b'Third'\n")


def test_make_csv_dataset_with_label(capsys, tmp_path):
    titanic_file = _titanic_file(tmp_path)
    tf.random.set_seed(7)
    titanic_batches = tf.data.experimental.make_csv_dataset(
        titanic_file, batch_size=4,
        label_name="survived")
    for feature_batch, label_batch in titanic_batches.take(1):
        print("'survived': {}".format(label_batch))
        print("features:")
        for key, value in feature_batch.items():
            print("  {!r:20s}: {}".format(key, value))
    assert capsys.readouterr().out == (
        "'survived': [1 1 0 0]\n"
        "features:\n"
        "  'sex'               : [b'female' b'female' b'male' b'male']\n"
        "  'age'               : [47. 50. 42. 23.]\n"
        "  'n_siblings_spouses': [0 1 0 1]\n"
        "  'parch'             : [0 0 0 0]\n"
        "  'fare'              : [ 7.925  71.2833  8.05    7.25  ]\n"
        "  'class'             : [b'Third' b'First' b'Third' b'Third']\n"
        "  'deck'              : [b'unknown' b'C' b'unknown' b'unknown']\n"
        "  'embark_town'       : [b'Southampton' b'Cherbourg' b'Southampton' b'Southampton']\n"
        "  'alone'             : [b'y' b'n' b'y' b'n']\n")


def test_make_csv_dataset_select_columns(capsys, tmp_path):
    titanic_file = _titanic_file(tmp_path)
    tf.random.set_seed(8)
    titanic_batches = tf.data.experimental.make_csv_dataset(
        titanic_file, batch_size=4,
        label_name="survived", select_columns=['class', 'fare', 'survived'])
    print(repr(titanic_batches.element_spec))
    for feature_batch, label_batch in titanic_batches.take(1):
        print("'survived': {}".format(label_batch))
        for key, value in feature_batch.items():
            print("  {!r:20s}: {}".format(key, value))
    assert capsys.readouterr().out == (
        "(OrderedDict([('fare', TensorSpec(shape=(4,), dtype=tf.float32, name=None)), ('class', TensorSpec(shape=(4,), dtype=tf.string, name=None))]), TensorSpec(shape=(4,), dtype=tf.int32, name=None))\n"
        "'survived': [1 0 0 0]\n"
        "  'fare'              : [ 7.925  7.25  21.075  8.05 ]\n"
        "  'class'             : [b'Third' b'Third' b'Third' b'Third']\n")


def test_csv_dataset_with_types_and_header(capsys, tmp_path):
    titanic_file = _titanic_file(tmp_path)
    titanic_types = [tf.int32, tf.string, tf.float32, tf.int32, tf.int32, tf.float32, tf.string, tf.string,
                     tf.string, tf.string]
    dataset = tf.data.experimental.CsvDataset(titanic_file, titanic_types, header=True)
    for line in dataset.take(10):
        print([item.numpy() for item in line])
    assert capsys.readouterr().out == (
        "[np.int32(0), b'male', np.float32(22.0), np.int32(1), np.int32(0), np.float32(7.25), b'Third', b'unknown', b'Southampton', b'n']\n"
        "[np.int32(1), b'female', np.float32(38.0), np.int32(1), np.int32(0), np.float32(71.2833), b'First', b'C', b'Cherbourg', b'n']\n"
        "[np.int32(1), b'female', np.float32(26.0), np.int32(0), np.int32(0), np.float32(7.925), b'Third', b'unknown', b'Southampton', b'y']\n"
        "[np.int32(1), b'female', np.float32(35.0), np.int32(1), np.int32(0), np.float32(53.1), b'First', b'C', b'Southampton', b'n']\n"
        "[np.int32(0), b'male', np.float32(28.0), np.int32(0), np.int32(0), np.float32(8.4583), b'Third', b'unknown', b'Queenstown', b'y']\n"
        "[np.int32(0), b'male', np.float32(2.0), np.int32(3), np.int32(1), np.float32(21.075), b'Third', b'unknown', b'Southampton', b'n']\n"
        "[np.int32(1), b'female', np.float32(27.0), np.int32(0), np.int32(2), np.float32(11.1333), b'Third', b'unknown', b'Southampton', b'n']\n"
        "[np.int32(1), b'female', np.float32(14.0), np.int32(1), np.int32(0), np.float32(30.0708), b'Second', b'unknown', b'Cherbourg', b'n']\n"
        "[np.int32(1), b'female', np.float32(4.0), np.int32(1), np.int32(1), np.float32(16.7), b'Third', b'G', b'Southampton', b'n']\n"
        "[np.int32(0), b'male', np.float32(20.0), np.int32(0), np.int32(0), np.float32(8.05), b'Third', b'unknown', b'Southampton', b'y']\n")


def test_csv_dataset_missing_values_take_defaults(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with open("missing.csv", "w") as f:
        f.write("1,2,3,4\n,2,3,4\n1,,3,4\n1,2,,4\n1,2,3,\n,,,\n")
    record_defaults = [999, 999, 999, 999]
    dataset = tf.data.experimental.CsvDataset("missing.csv", record_defaults)
    dataset = dataset.map(lambda *items: tf.stack(items))
    print(repr(dataset))
    for line in dataset:
        print(line.numpy())
    assert capsys.readouterr().out == (
        "<_MapDataset element_spec=TensorSpec(shape=(4,), dtype=tf.int32, name=None)>\n"
        "[1 2 3 4]\n"
        "[999   2   3   4]\n"
        "[  1 999   3   4]\n"
        "[  1   2 999   4]\n"
        "[  1   2   3 999]\n"
        "[999 999 999 999]\n")


def test_csv_dataset_select_cols(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with open("missing.csv", "w") as f:
        f.write("1,2,3,4\n,2,3,4\n1,,3,4\n1,2,,4\n1,2,3,\n,,,\n")
    record_defaults = [999, 999]  # Only provide defaults for the selected columns
    dataset = tf.data.experimental.CsvDataset("missing.csv", record_defaults, select_cols=[1, 3])
    dataset = dataset.map(lambda *items: tf.stack(items))
    print(repr(dataset))
    for line in dataset:
        print(line.numpy())
    assert capsys.readouterr().out == (
        "<_MapDataset element_spec=TensorSpec(shape=(2,), dtype=tf.int32, name=None)>\n"
        "[2 4]\n"
        "[2 4]\n"
        "[999   4]\n"
        "[2 4]\n"
        "[  2 999]\n"
        "[999 999]\n")


def test_consuming_sets_of_files(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    flowers_root = _flowers_root(tmp_path)
    for item in sorted(flowers_root.glob("*")):
        print(item.name)
    tf.random.set_seed(3)
    list_ds = tf.data.Dataset.list_files('flower_photos/*/*')
    for f in list_ds.take(5):
        print(f.numpy())

    def process_path(file_path):
        label = tf.strings.split(file_path, os.sep)[-2]
        return tf.io.read_file(file_path), label

    labeled_ds = list_ds.map(process_path)
    for image_raw, label_text in labeled_ds.take(1):
        print(repr(image_raw.numpy()[:100]))
        print()
        print(label_text.numpy())
    assert capsys.readouterr().out == (
        "LICENSE.txt\n"
        "daisy\n"
        "dandelion\n"
        "roses\n"
        "sunflowers\n"
        "tulips\n"
        "b'flower_photos/tulips/1004_photo.jpg'\n"
        "b'flower_photos/sunflowers/1077_photo.jpg'\n"
        "b'flower_photos/daisy/1074_photo.jpg'\n"
        "b'flower_photos/roses/1076_photo.jpg'\n"
        "b'flower_photos/tulips/1078_photo.jpg'\n"
        'b\'\\xff\\xd8\\xff\\xe0\\x00\\x10JFIF\\x00\\x01\\x01\\x00\\x00\\x01\\x00\\x01\\x00\\x00\\x01\\x02\\x03\\x04\\x05\\x06\\x07\\x08\\t\\n\\x0b\\x0c\\r\\x0e\\x0f\\x10\\x11\\x12\\x13\\x14\\x15\\x16\\x17\\x18\\x19\\x1a\\x1b\\x1c\\x1d\\x1e\\x1f !"#$%&\\\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOP\'\n'
        "\n"
        "b'daisy'\n")


# ---------------------------------------------------------------------------------------------
# Batching dataset elements


def test_simple_batching(capsys):
    inc_dataset = tf.data.Dataset.range(100)
    dec_dataset = tf.data.Dataset.range(0, -100, -1)
    dataset = tf.data.Dataset.zip((inc_dataset, dec_dataset))
    batched_dataset = dataset.batch(4)
    for batch in batched_dataset.take(4):
        print([arr.numpy() for arr in batch])
    print(repr(batched_dataset))
    batched_dataset = dataset.batch(7, drop_remainder=True)
    print(repr(batched_dataset))
    assert capsys.readouterr().out == (
        "[array([0, 1, 2, 3]), array([ 0, -1, -2, -3])]\n"
        "[array([4, 5, 6, 7]), array([-4, -5, -6, -7])]\n"
        "[array([ 8,  9, 10, 11]), array([ -8,  -9, -10, -11])]\n"
        "[array([12, 13, 14, 15]), array([-12, -13, -14, -15])]\n"
        "<_BatchDataset element_spec=(TensorSpec(shape=(None,), dtype=tf.int64, name=None), TensorSpec(shape=(None,), dtype=tf.int64, name=None))>\n"
        "<_BatchDataset element_spec=(TensorSpec(shape=(7,), dtype=tf.int64, name=None), TensorSpec(shape=(7,), dtype=tf.int64, name=None))>\n")


def test_padded_batch(capsys):
    dataset = tf.data.Dataset.range(100)
    dataset = dataset.map(lambda x: tf.fill([tf.cast(x, tf.int32)], x))
    dataset = dataset.padded_batch(4, padded_shapes=(None,))
    for batch in dataset.take(2):
        print(batch.numpy())
        print()
    print(repr(dataset))
    assert capsys.readouterr().out == (
        "[[0 0 0]\n"
        " [1 0 0]\n"
        " [2 2 0]\n"
        " [3 3 3]]\n"
        "\n"
        "[[4 4 4 4 0 0 0]\n"
        " [5 5 5 5 5 0 0]\n"
        " [6 6 6 6 6 6 0]\n"
        " [7 7 7 7 7 7 7]]\n"
        "\n"
        "<_PaddedBatchDataset element_spec=TensorSpec(shape=(None, None), dtype=tf.int64, name=None)>\n")


# ---------------------------------------------------------------------------------------------
# Training workflows


def test_repeat_then_batch_and_batch_then_repeat(capsys, tmp_path):
    titanic_lines = tf.data.TextLineDataset(_titanic_file(tmp_path))

    def batch_sizes(ds):  # the guide plots these
        return [batch.shape[0] for batch in ds]

    print(batch_sizes(titanic_lines.repeat(3).batch(128)))
    print(batch_sizes(titanic_lines.batch(128).repeat(3)))
    assert capsys.readouterr().out == (
        "[128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 92]\n"
        "[128, 128, 128, 128, 116, 128, 128, 128, 128, 116, 128, 128, 128, 128, 116]\n")


def test_epochs_by_python_loop(capsys, tmp_path):
    titanic_lines = tf.data.TextLineDataset(_titanic_file(tmp_path))
    epochs = 3
    dataset = titanic_lines.batch(128)
    for epoch in range(epochs):
        for batch in dataset:
            print(batch.shape)
        print("End of epoch: ", epoch)
    assert capsys.readouterr().out == (
        "(128,)\n"
        "(128,)\n"
        "(128,)\n"
        "(128,)\n"
        "(116,)\n"
        "End of epoch:  0\n"
        "(128,)\n"
        "(128,)\n"
        "(128,)\n"
        "(128,)\n"
        "(116,)\n"
        "End of epoch:  1\n"
        "(128,)\n"
        "(128,)\n"
        "(128,)\n"
        "(128,)\n"
        "(116,)\n"
        "End of epoch:  2\n")


def test_shuffle_with_counter(capsys, tmp_path):
    tf.random.set_seed(10)
    lines = tf.data.TextLineDataset(_titanic_file(tmp_path))
    counter = tf.data.experimental.Counter()
    dataset = tf.data.Dataset.zip((counter, lines))
    dataset = dataset.shuffle(buffer_size=100)
    dataset = dataset.batch(20)
    print(repr(dataset))
    n, line_batch = next(iter(dataset))
    print(n.numpy())
    assert capsys.readouterr().out == (
        "<_BatchDataset element_spec=(TensorSpec(shape=(None,), dtype=tf.int64, name=None), TensorSpec(shape=(None,), dtype=tf.string, name=None))>\n"
        "[ 36  63  52  30  79  59  54  35  96   4  15  97  22  94   8 101  40  77\n"
        "  44  93]\n")


def test_shuffle_then_repeat_epoch_boundary(capsys, tmp_path):
    tf.random.set_seed(11)
    lines = tf.data.TextLineDataset(_titanic_file(tmp_path))
    counter = tf.data.experimental.Counter()
    dataset = tf.data.Dataset.zip((counter, lines))
    shuffled = dataset.shuffle(buffer_size=100).batch(10).repeat(2)
    print("Here are the item ID's near the epoch boundary:\n")
    for n, line_batch in shuffled.skip(60).take(5):
        print(n.numpy())
    shuffle_repeat = [n.numpy().mean() for n, line_batch in shuffled]
    print(len(shuffle_repeat), np.round(shuffle_repeat[60:66], 1))
    assert capsys.readouterr().out == (
        "Here are the item ID's near the epoch boundary:\n"
        "\n"
        "[622 555 560 616 380 592 528 581 619 453]\n"
        "[615 426 473 470 579 605 608 596 611 525]\n"
        "[626 575 598 601 159 589 532 547]\n"
        "[ 68  95  64  22  29  83   7  53  71 105]\n"
        "[57 43 55 74  3 62 80 46 23 44]\n"
        "126 [549.7 562.1 560.1  53.7  67.4  68.5]\n")


def test_repeat_then_shuffle_epoch_boundary(capsys, tmp_path):
    tf.random.set_seed(12)
    lines = tf.data.TextLineDataset(_titanic_file(tmp_path))
    counter = tf.data.experimental.Counter()
    dataset = tf.data.Dataset.zip((counter, lines))
    shuffled = dataset.repeat(2).shuffle(buffer_size=100).batch(10)
    print("Here are the item ID's near the epoch boundary:\n")
    for n, line_batch in shuffled.skip(55).take(15):
        print(n.numpy())
    repeat_shuffle = [n.numpy().mean() for n, line_batch in shuffled]
    print(len(repeat_shuffle), np.round(repeat_shuffle[55:70], 1))
    assert capsys.readouterr().out == (
        "Here are the item ID's near the epoch boundary:\n"
        "\n"
        "[  5 543 450 573 605  13  24 574 474 472]\n"
        "[501 407 479  19 424 565 585 473 465  39]\n"
        "[ 12 553 621  44 414  34  21 460 564  28]\n"
        "[ 27 602 522   0 538 486 626  26 597  43]\n"
        "[614 581   6 513 368  22 562 482  38  36]\n"
        "[ 33  65  63 570 617 592  53 608 475  78]\n"
        "[ 60 599  68  70  35 627  84   9  25  81]\n"
        "[ 79  16 563 442 600 586  32 561  49  72]\n"
        "[ 95 485 579  73 567  85   3 620 103 611]\n"
        "[ 11 109 622 101  10 111  56  45 588  67]\n"
        "[527 108 607 204 104 126  88 388  47 584]\n"
        "[123 509 430  41  71  86 135 102  75  94]\n"
        "[ 93 127  52 118 124  61 589  77 117 133]\n"
        "[ 17 578 116 319 557  66  99 136 156 129]\n"
        "[ 62 141 122  15 151 138 114 155 105 115]\n"
        "126 [422.5 398.3 303.8 199.4 328.5 194.5 191.8 279.9 208.5 323.8 282.5 330.8\n"
        " 185.5 214.3 170.8]\n")


def test_shuffle_with_seed_reshuffles_each_iteration(capsys):
    dataset = tf.data.Dataset.range(10).shuffle(buffer_size=4, seed=42)
    print(list(dataset.as_numpy_iterator()))
    print(list(dataset.as_numpy_iterator()))
    fixed = tf.data.Dataset.range(10).shuffle(buffer_size=4, seed=42, reshuffle_each_iteration=False)
    print(list(fixed.as_numpy_iterator()))
    print(list(fixed.as_numpy_iterator()))
    assert capsys.readouterr().out == (
        "[np.int64(1), np.int64(0), np.int64(4), np.int64(3), np.int64(5), np.int64(2), np.int64(9), np.int64(6), np.int64(7), np.int64(8)]\n"
        "[np.int64(1), np.int64(3), np.int64(4), np.int64(0), np.int64(2), np.int64(7), np.int64(6), np.int64(5), np.int64(9), np.int64(8)]\n"
        "[np.int64(3), np.int64(1), np.int64(5), np.int64(6), np.int64(4), np.int64(0), np.int64(7), np.int64(8), np.int64(9), np.int64(2)]\n"
        "[np.int64(3), np.int64(1), np.int64(5), np.int64(6), np.int64(4), np.int64(0), np.int64(7), np.int64(8), np.int64(9), np.int64(2)]\n")


# ---------------------------------------------------------------------------------------------
# Preprocessing data


def test_map_traces_once_with_symbolic_tensors(capsys):
    def add_one(x):
        print("Tracing with", x)
        return x + 1

    dataset = tf.data.Dataset.range(3).map(add_one)
    print(repr(dataset))
    print(list(dataset.as_numpy_iterator()))
    pairs = tf.data.Dataset.from_tensor_slices(([1.0, 2.0], ["a", "b"])).map(lambda x, s: (s, x * 2))
    print(repr(pairs))
    assert capsys.readouterr().out == (
        'Tracing with Tensor("args_0:0", shape=(), dtype=int64)\n'
        "<_MapDataset element_spec=TensorSpec(shape=(), dtype=tf.int64, name=None)>\n"
        "[np.int64(1), np.int64(2), np.int64(3)]\n"
        "<_MapDataset element_spec=(TensorSpec(shape=(), dtype=tf.string, name=None), TensorSpec(shape=(), dtype=tf.float32, name=None))>\n")


def test_map_with_tf_function(capsys):
    @tf.function
    def scale(x):
        print("Tracing scale with", x)
        return tf.cast(x, tf.float32) * 0.5

    dataset = tf.data.Dataset.range(4).map(scale)
    for x in dataset:
        print(x)
    assert capsys.readouterr().out == (
        'Tracing scale with Tensor("x:0", shape=(), dtype=int64)\n'
        "tf.Tensor(0.0, shape=(), dtype=float32)\n"
        "tf.Tensor(0.5, shape=(), dtype=float32)\n"
        "tf.Tensor(1.0, shape=(), dtype=float32)\n"
        "tf.Tensor(1.5, shape=(), dtype=float32)\n")


def test_py_function_rotation_and_set_shape(capsys):
    import scipy.ndimage as ndimage

    @tf.py_function(Tout=tf.float32)
    def random_rotate_image(image):
        image = ndimage.rotate(image, np.random.uniform(-30, 30), reshape=False)
        return image

    rng = np.random.RandomState(0)
    images = rng.uniform(size=(2, 16, 16, 3)).astype(np.float32)
    images_ds = tf.data.Dataset.from_tensor_slices((images, [b"daisy", b"roses"]))

    np.random.seed(5)
    image, label = next(iter(images_ds))
    image = random_rotate_image(image)
    print(image.shape, label.numpy(), np.round(float(tf.reduce_sum(image)), 2))

    def tf_random_rotate_image(image, label):
        im_shape = image.shape
        image = random_rotate_image(image)
        print("inside map:", image.shape)
        image.set_shape(im_shape)
        return image, label

    rot_ds = images_ds.map(tf_random_rotate_image)
    print(repr(rot_ds.element_spec))
    for image, label in rot_ds.take(2):
        print(image.shape, label.numpy(), np.round(float(tf.reduce_sum(image)), 2))
    assert capsys.readouterr().out == (
        "(16, 16, 3) b'daisy' 309.41\n"
        "inside map: <unknown>\n"
        "(TensorSpec(shape=(16, 16, 3), dtype=tf.float32, name=None), TensorSpec(shape=(), dtype=tf.string, name=None))\n"
        "(16, 16, 3) b'daisy' 298.68\n"
        "(16, 16, 3) b'roses' 318.0\n")


def test_numpy_function_in_map(capsys):
    def add_and_square(x):
        return np.square(x + 1)

    dataset = tf.data.Dataset.range(4).map(
        lambda x: tf.numpy_function(func=add_and_square, inp=[x], Tout=tf.int64))
    print(repr(dataset))
    print(list(dataset.as_numpy_iterator()))
    assert capsys.readouterr().out == (
        "<_MapDataset element_spec=TensorSpec(shape=<unknown>, dtype=tf.int64, name=None)>\n"
        "[np.int64(1), np.int64(4), np.int64(9), np.int64(16)]\n")


def test_parsing_tf_example_messages(capsys, tmp_path):
    dataset = tf.data.TFRecordDataset(filenames=[_fsns_file(tmp_path)])
    print(repr(dataset))
    raw_example = next(iter(dataset))
    parsed = tf.train.Example.FromString(raw_example.numpy())
    feature = parsed.features.feature
    print(feature["image/text"].bytes_list.value[0])
    print(list(feature["image/class"].int64_list.value))

    def tf_parse(eg):
        example = tf.io.parse_example(
            eg[tf.newaxis], {
                'image/encoded': tf.io.FixedLenFeature(shape=(), dtype=tf.string),
                'image/text': tf.io.FixedLenFeature(shape=(), dtype=tf.string)
            })
        return example['image/encoded'][0], example['image/text'][0]

    img, txt = tf_parse(raw_example)
    print(txt.numpy())
    print(repr(img.numpy()[:20]), "...")
    decoded = dataset.map(tf_parse)
    print(repr(decoded))
    image_batch, text_batch = next(iter(decoded.batch(10)))
    print(image_batch.shape)
    print(text_batch)
    assert capsys.readouterr().out == (
        "<TFRecordDatasetV2 element_spec=TensorSpec(shape=(), dtype=tf.string, name=None)>\n"
        "b'Rue Perreyon'\n"
        "[21, 8, 3]\n"
        "b'Rue Perreyon'\n"
        "b'\\x89PNG\\r\\n\\x1a\\n\\x00\\x00\\x00\\rIHDR\\x00\\x00\\x02X' ...\n"
        "<_MapDataset element_spec=(TensorSpec(shape=(), dtype=tf.string, name=None), TensorSpec(shape=(), dtype=tf.string, name=None))>\n"
        "(3,)\n"
        "tf.Tensor([b'Rue Perreyon' b'Avenue Pasteur' b'Rue de la Paix'], shape=(3,), dtype=string)\n")


# ---------------------------------------------------------------------------------------------
# Time series windowing


def test_time_series_batch_and_dense_1_step(capsys):
    range_ds = tf.data.Dataset.range(100000)
    batches = range_ds.batch(10, drop_remainder=True)
    for batch in batches.take(5):
        print(batch.numpy())

    def dense_1_step(batch):
        # Shift features and labels one step relative to each other.
        return batch[:-1], batch[1:]

    predict_dense_1_step = batches.map(dense_1_step)
    for features, label in predict_dense_1_step.take(3):
        print(features.numpy(), " => ", label.numpy())
    assert capsys.readouterr().out == (
        "[0 1 2 3 4 5 6 7 8 9]\n"
        "[10 11 12 13 14 15 16 17 18 19]\n"
        "[20 21 22 23 24 25 26 27 28 29]\n"
        "[30 31 32 33 34 35 36 37 38 39]\n"
        "[40 41 42 43 44 45 46 47 48 49]\n"
        "[0 1 2 3 4 5 6 7 8]  =>  [1 2 3 4 5 6 7 8 9]\n"
        "[10 11 12 13 14 15 16 17 18]  =>  [11 12 13 14 15 16 17 18 19]\n"
        "[20 21 22 23 24 25 26 27 28]  =>  [21 22 23 24 25 26 27 28 29]\n")


def test_time_series_label_next_5_steps(capsys):
    range_ds = tf.data.Dataset.range(100000)
    batches = range_ds.batch(15, drop_remainder=True)

    def label_next_5_steps(batch):
        return (batch[:-5],   # Inputs: All except the last 5 steps
                batch[-5:])   # Labels: The last 5 steps

    predict_5_steps = batches.map(label_next_5_steps)
    for features, label in predict_5_steps.take(3):
        print(features.numpy(), " => ", label.numpy())
    assert capsys.readouterr().out == (
        "[0 1 2 3 4 5 6 7 8 9]  =>  [10 11 12 13 14]\n"
        "[15 16 17 18 19 20 21 22 23 24]  =>  [25 26 27 28 29]\n"
        "[30 31 32 33 34 35 36 37 38 39]  =>  [40 41 42 43 44]\n")


def test_time_series_zip_features_with_skipped_labels(capsys):
    range_ds = tf.data.Dataset.range(100000)
    feature_length = 10
    label_length = 3
    features = range_ds.batch(feature_length, drop_remainder=True)
    labels = range_ds.batch(feature_length).skip(1).map(lambda labels: labels[:label_length])
    predicted_steps = tf.data.Dataset.zip((features, labels))
    for features, label in predicted_steps.take(5):
        print(features.numpy(), " => ", label.numpy())
    assert capsys.readouterr().out == (
        "[0 1 2 3 4 5 6 7 8 9]  =>  [10 11 12]\n"
        "[10 11 12 13 14 15 16 17 18 19]  =>  [20 21 22]\n"
        "[20 21 22 23 24 25 26 27 28 29]  =>  [30 31 32]\n"
        "[30 31 32 33 34 35 36 37 38 39]  =>  [40 41 42]\n"
        "[40 41 42 43 44 45 46 47 48 49]  =>  [50 51 52]\n")


def test_time_series_window_sub_datasets_and_flat_map(capsys):
    range_ds = tf.data.Dataset.range(100000)
    window_size = 5
    windows = range_ds.window(window_size, shift=1)
    for sub_ds in windows.take(5):
        print(sub_ds)
    for x in windows.flat_map(lambda x: x).take(30):
        print(x.numpy(), end=' ')
    print()

    def sub_to_batch(sub):
        return sub.batch(window_size, drop_remainder=True)

    for example in windows.flat_map(sub_to_batch).take(5):
        print(example.numpy())
    assert capsys.readouterr().out == (
        "<_VariantDataset element_spec=TensorSpec(shape=(), dtype=tf.int64, name=None)>\n"
        "<_VariantDataset element_spec=TensorSpec(shape=(), dtype=tf.int64, name=None)>\n"
        "<_VariantDataset element_spec=TensorSpec(shape=(), dtype=tf.int64, name=None)>\n"
        "<_VariantDataset element_spec=TensorSpec(shape=(), dtype=tf.int64, name=None)>\n"
        "<_VariantDataset element_spec=TensorSpec(shape=(), dtype=tf.int64, name=None)>\n"
        "0 1 2 3 4 1 2 3 4 5 2 3 4 5 6 3 4 5 6 7 4 5 6 7 8 5 6 7 8 9 \n"
        "[0 1 2 3 4]\n"
        "[1 2 3 4 5]\n"
        "[2 3 4 5 6]\n"
        "[3 4 5 6 7]\n"
        "[4 5 6 7 8]\n")


def test_time_series_make_window_dataset(capsys):
    range_ds = tf.data.Dataset.range(100000)

    def make_window_dataset(ds, window_size=5, shift=1, stride=1):
        windows = ds.window(window_size, shift=shift, stride=stride)

        def sub_to_batch(sub):
            return sub.batch(window_size, drop_remainder=True)

        windows = windows.flat_map(sub_to_batch)
        return windows

    ds = make_window_dataset(range_ds, window_size=10, shift=5, stride=3)
    for example in ds.take(10):
        print(example.numpy())

    def dense_1_step(batch):
        return batch[:-1], batch[1:]

    dense_labels_ds = ds.map(dense_1_step)
    for inputs, labels in dense_labels_ds.take(3):
        print(inputs.numpy(), "=>", labels.numpy())
    assert capsys.readouterr().out == (
        "[ 0  3  6  9 12 15 18 21 24 27]\n"
        "[ 5  8 11 14 17 20 23 26 29 32]\n"
        "[10 13 16 19 22 25 28 31 34 37]\n"
        "[15 18 21 24 27 30 33 36 39 42]\n"
        "[20 23 26 29 32 35 38 41 44 47]\n"
        "[25 28 31 34 37 40 43 46 49 52]\n"
        "[30 33 36 39 42 45 48 51 54 57]\n"
        "[35 38 41 44 47 50 53 56 59 62]\n"
        "[40 43 46 49 52 55 58 61 64 67]\n"
        "[45 48 51 54 57 60 63 66 69 72]\n"
        "[ 0  3  6  9 12 15 18 21 24] => [ 3  6  9 12 15 18 21 24 27]\n"
        "[ 5  8 11 14 17 20 23 26 29] => [ 8 11 14 17 20 23 26 29 32]\n"
        "[10 13 16 19 22 25 28 31 34] => [13 16 19 22 25 28 31 34 37]\n")


def test_time_series_scan_running_sum(capsys):
    dataset = tf.data.Dataset.range(10)
    initial_state = tf.constant(0, dtype=tf.int64)
    scan_func = lambda state, i: (state + i, state + i)  # noqa: E731
    dataset = dataset.scan(initial_state=initial_state, scan_func=scan_func)
    print(repr(dataset))
    print(list(dataset.as_numpy_iterator()))
    assert capsys.readouterr().out == (
        "<_ScanDataset element_spec=TensorSpec(shape=(), dtype=tf.int64, name=None)>\n"
        "[np.int64(0), np.int64(1), np.int64(3), np.int64(6), np.int64(10), np.int64(15), np.int64(21), np.int64(28), np.int64(36), np.int64(45)]\n")


# ---------------------------------------------------------------------------------------------
# Resampling


def _creditcard_ds(tmp_path):
    return tf.data.experimental.make_csv_dataset(
        _creditcard_file(tmp_path), batch_size=128, label_name="Class",
        # Set the column types: 30 floats and an int.
        column_defaults=[float()] * 30 + [int()])


def _count(counts, batch):
    features, labels = batch
    class_1 = labels == 1
    class_1 = tf.cast(class_1, tf.int32)

    class_0 = labels == 0
    class_0 = tf.cast(class_0, tf.int32)

    counts['class_0'] += tf.reduce_sum(class_0)
    counts['class_1'] += tf.reduce_sum(class_1)

    return counts


def test_resampling_class_counts(capsys, tmp_path):
    tf.random.set_seed(20)
    creditcard_ds = _creditcard_ds(tmp_path)
    counts = creditcard_ds.take(10).reduce(
        initial_state={'class_0': 0, 'class_1': 0},
        reduce_func=_count)
    counts = np.array([counts['class_0'].numpy(),
                       counts['class_1'].numpy()]).astype(np.float32)
    fractions = counts / counts.sum()
    print(fractions)
    assert capsys.readouterr().out == "[0.934375 0.065625]\n"


def test_resampling_sample_from_datasets(capsys, tmp_path):
    tf.random.set_seed(21)
    creditcard_ds = _creditcard_ds(tmp_path)
    negative_ds = (
        creditcard_ds
        .unbatch()
        .filter(lambda features, label: label == 0)
        .repeat())
    positive_ds = (
        creditcard_ds
        .unbatch()
        .filter(lambda features, label: label == 1)
        .repeat())
    for features, label in positive_ds.batch(10).take(1):
        print(label.numpy())
    balanced_ds = tf.data.Dataset.sample_from_datasets(
        [negative_ds, positive_ds], [0.5, 0.5]).batch(10)
    for features, labels in balanced_ds.take(10):
        print(labels.numpy())
    assert capsys.readouterr().out == (
        "[1 1 1 1 1 1 1 1 1 1]\n"
        "[1 1 0 0 1 1 0 0 1 0]\n"
        "[0 1 0 0 0 0 1 0 0 0]\n"
        "[0 1 0 0 0 1 0 1 0 1]\n"
        "[0 1 1 0 1 1 0 0 1 0]\n"
        "[1 0 1 1 0 1 0 0 0 0]\n"
        "[1 1 1 1 0 0 1 1 1 1]\n"
        "[1 1 0 1 0 1 1 0 1 0]\n"
        "[1 1 0 1 0 1 1 0 1 1]\n"
        "[0 1 0 1 1 0 1 0 0 1]\n"
        "[1 1 0 1 0 1 0 1 0 1]\n")


def test_resampling_rejection_resample(capsys, tmp_path):
    tf.random.set_seed(22)
    creditcard_ds = _creditcard_ds(tmp_path)
    counts = creditcard_ds.take(10).reduce(
        initial_state={'class_0': 0, 'class_1': 0},
        reduce_func=_count)
    counts = np.array([counts['class_0'].numpy(),
                       counts['class_1'].numpy()]).astype(np.float32)
    fractions = counts / counts.sum()

    def class_func(features, label):
        return label

    resample_ds = (
        creditcard_ds
        .unbatch()
        .rejection_resample(class_func, target_dist=[0.5, 0.5],
                            initial_dist=fractions)
        .batch(10))
    print(repr(resample_ds.element_spec[0]))
    balanced_ds = resample_ds.map(lambda extra_label, features_and_label: features_and_label)
    for features, labels in balanced_ds.take(10):
        print(labels.numpy())
    assert capsys.readouterr().out == (
        "TensorSpec(shape=(None,), dtype=tf.int32, name=None)\n"
        "[0 1 1 1 1 0 1 1 1 0]\n"
        "[1 1 0 0 1 1 0 0 0 1]\n"
        "[0 1 1 1 1 0 1 0 1 0]\n"
        "[1 0 0 1 0 0 0 0 0 1]\n"
        "[0 0 1 1 1 0 0 0 1 1]\n"
        "[1 0 1 1 1 1 0 0 1 0]\n"
        "[1 0 0 1 1 0 0 1 1 0]\n"
        "[0 0 1 0 0 1 1 1 0 1]\n"
        "[1 1 1 1 1 1 0 0 0 1]\n"
        "[1 1 1 1 0 0 0 0 1 1]\n")


def test_resampling_rejection_resample_estimating_the_initial_dist(capsys):
    # Without initial_dist the class distribution is estimated while reading (not a guide cell).
    tf.random.set_seed(4)
    labels = np.array([0] * 45 + [1] * 5)
    np.random.RandomState(0).shuffle(labels)
    ds = tf.data.Dataset.from_tensor_slices((np.arange(50.0).astype(np.float32), labels))
    resampled = ds.repeat().rejection_resample(lambda f, l: l, target_dist=[0.5, 0.5])
    print(repr(resampled.element_spec))
    print([int(c) for c, _ in resampled.take(16)])
    assert capsys.readouterr().out == (
        "(TensorSpec(shape=(), dtype=tf.int64, name=None), (TensorSpec(shape=(), dtype=tf.float32, name=None), TensorSpec(shape=(), dtype=tf.int64, name=None)))\n"
        "[1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]\n")


# ---------------------------------------------------------------------------------------------
# Iterator checkpointing


def test_iterator_checkpointing(capsys, tmp_path):
    range_ds = tf.data.Dataset.range(20)
    iterator = iter(range_ds)
    ckpt = tf.train.Checkpoint(step=tf.Variable(0), iterator=iterator)
    manager = tf.train.CheckpointManager(ckpt, str(tmp_path / 'my_ckpt'), max_to_keep=3)
    print([next(iterator).numpy() for _ in range(5)])
    save_path = manager.save()
    print(os.path.basename(save_path))
    print([next(iterator).numpy() for _ in range(5)])
    ckpt.restore(manager.latest_checkpoint)
    print([next(iterator).numpy() for _ in range(5)])
    assert capsys.readouterr().out == (
        "[np.int64(0), np.int64(1), np.int64(2), np.int64(3), np.int64(4)]\n"
        "ckpt-1\n"
        "[np.int64(5), np.int64(6), np.int64(7), np.int64(8), np.int64(9)]\n"
        "[np.int64(5), np.int64(6), np.int64(7), np.int64(8), np.int64(9)]\n")
