"""Lookup tables and vocabulary files (TrackableResources, assets) in SavedModels, eagerflow on both sides."""
import os

import numpy as np
import pytest

import eagerflow as tf
from tests.saved_model.modules import tables_module

WORDS = ["apple", "banana", "cherry"]


@pytest.fixture
def vocab_file(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("".join(w + "\n" for w in WORDS))
    return str(path)


WORDS_IN = tf.constant(["banana", "x", "apple", "zz", "y"])
IDS_IN = tf.constant([3, 4, 9], tf.int64)


def _results(obj):
    return {k: v.numpy().tolist() for k, v in obj.find(WORDS_IN, IDS_IN).items()}


@pytest.fixture
def saved_tables(tmp_path, vocab_file):
    module = tables_module(tf, vocab_file)
    path = str(tmp_path / "tables")
    tf.saved_model.save(module, path, signatures={"serving_default": module.find})
    return module, path


def test_loaded_tables_look_up_as_the_saved_ones(saved_tables):
    module, path = saved_tables
    assert _results(tf.saved_model.load(path)) == _results(module)


def test_vocabulary_file_is_copied_into_assets(saved_tables):
    _, path = saved_tables
    assert os.listdir(os.path.join(path, "assets")) == ["vocab.txt"]
    with open(os.path.join(path, "assets", "vocab.txt")) as f:
        assert f.read().split() == WORDS


def test_loaded_text_table_reads_the_copied_asset(saved_tables, vocab_file):
    _, path = saved_tables
    os.remove(vocab_file)
    loaded = tf.saved_model.load(path)
    assert loaded.find(WORDS_IN, IDS_IN)["text"].numpy().tolist() == [1, -1, 0, -1, -1]


def test_signature_runs_the_table_lookups(saved_tables):
    module, path = saved_tables
    out = tf.saved_model.load(path).signatures["serving_default"](words=WORDS_IN, ids=IDS_IN)
    assert out["vocab"].numpy().tolist() == module.vocab.lookup(WORDS_IN).numpy().tolist()


def test_mutable_table_contents_are_restored_and_stay_mutable(saved_tables):
    _, path = saved_tables
    loaded = tf.saved_model.load(path)
    assert loaded.find(WORDS_IN, IDS_IN)["counts"].numpy().tolist() == [0, 0, 5, 0, 7]
    assert int(loaded.add(tf.constant(["zz"]), tf.constant([2], tf.int64))) == 3
    assert loaded.find(WORDS_IN, IDS_IN)["counts"].numpy().tolist() == [0, 0, 5, 2, 7]


def test_loaded_tables_are_trackable_resources(saved_tables):
    _, path = saved_tables
    loaded = tf.saved_model.load(path)
    assert isinstance(loaded.text, tf.saved_model.experimental.TrackableResource)


def test_tables_are_trackable_resources():
    table = tf.lookup.StaticHashTable(tf.lookup.KeyValueTensorInitializer(["a"], [1]), -1)
    assert isinstance(table, tf.saved_model.experimental.TrackableResource)


def _rewrite_asset_name(path, name):
    from eagerflow._src.saved_model import protos

    pb = os.path.join(path, "saved_model.pb")
    with open(pb, "rb") as f:
        model = protos.parse("SavedModel", f.read(), "SavedModel")
    model.meta_graphs[0].asset_file_def[0].filename = name
    with open(pb, "wb") as f:
        f.write(model.SerializeToString())


@pytest.mark.parametrize("name", ["../vocab.txt", "/etc/passwd", "", "sub/../../x"])
def test_asset_outside_the_assets_directory_is_refused(saved_tables, name):
    _, path = saved_tables
    _rewrite_asset_name(path, name)
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.saved_model.load(path)


def test_missing_asset_file_raises_not_found(saved_tables):
    _, path = saved_tables
    os.remove(os.path.join(path, "assets", "vocab.txt"))
    with pytest.raises(tf.errors.NotFoundError):
        tf.saved_model.load(path)


def test_table_op_on_a_non_table_handle_is_refused():
    from eagerflow._src.saved_model import resources

    with pytest.raises(tf.errors.InvalidArgumentError):
        resources.run_table_op("LookupTableSizeV2", [tf.constant(1)], {})


def test_lookup_table_used_in_function_is_saved_without_module_attribute(tmp_path):
    table = tf.lookup.StaticHashTable(tf.lookup.KeyValueTensorInitializer(["a"], [1]), -1)
    module = tf.Module()
    module.f = tf.function(lambda x: table.lookup(x), input_signature=[tf.TensorSpec([None], tf.string)])
    with pytest.raises(ValueError, match="untracked"):
        tf.saved_model.save(module, str(tmp_path / "m"))


def test_static_table_values_of_every_key_dtype_round_trip(tmp_path):
    module = tf.Module()
    module.table = tf.lookup.StaticHashTable(tf.lookup.KeyValueTensorInitializer(
        tf.constant([1, 2, 3], tf.int64), tf.constant(["one", "two", "three"])), "?")
    module.f = tf.function(lambda x: module.table.lookup(x), input_signature=[tf.TensorSpec([None], tf.int64)])
    tf.saved_model.save(module, str(tmp_path / "m"))
    loaded = tf.saved_model.load(str(tmp_path / "m"))
    got = loaded.f(tf.constant([3, 9, 1], tf.int64)).numpy().tolist()
    assert got == [b"three", b"?", b"one"]
    np.testing.assert_array_equal(loaded.f(tf.constant([], tf.int64)).numpy(), np.array([], object))


def _asset_module(vocab_file):
    module = tf.Module()
    module.vocab = tf.saved_model.Asset(vocab_file)
    module.read = tf.function(lambda: tf.io.read_file(module.vocab.asset_path), input_signature=[])
    module.name_of = tf.function(lambda x: tf.strings.join([x, tf.strings.regex_replace(
        module.vocab.asset_path, ".*/", "")]), input_signature=[tf.TensorSpec([], tf.string)])
    return module


def test_asset_functions_read_the_saved_copy(tmp_path, vocab_file):
    path = str(tmp_path / "assets_model")
    tf.saved_model.save(_asset_module(vocab_file), path)
    os.remove(vocab_file)
    loaded = tf.saved_model.load(path)
    assert loaded.read().numpy() == "".join(w + "\n" for w in WORDS).encode()
    assert loaded.name_of(tf.constant("file:")).numpy() == b"file:vocab.txt"


def test_loaded_asset_path_points_into_the_saved_model(tmp_path, vocab_file):
    path = str(tmp_path / "assets_model")
    tf.saved_model.save(_asset_module(vocab_file), path)
    loaded = tf.saved_model.load(path)
    assert isinstance(loaded.vocab, tf.saved_model.Asset)
    assert loaded.vocab.asset_path.numpy().decode() == os.path.realpath(os.path.join(path, "assets", "vocab.txt"))


def test_two_assets_with_one_file_name_are_both_kept(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "v.txt").write_text("first")
    (tmp_path / "b" / "v.txt").write_text("second")
    module = tf.Module()
    module.one = tf.saved_model.Asset(str(tmp_path / "a" / "v.txt"))
    module.two = tf.saved_model.Asset(str(tmp_path / "b" / "v.txt"))
    module.read = tf.function(lambda: [tf.io.read_file(module.one.asset_path), tf.io.read_file(module.two.asset_path)],
                              input_signature=[])
    tf.saved_model.save(module, str(tmp_path / "m"))
    assert [t.numpy() for t in tf.saved_model.load(str(tmp_path / "m")).read()] == [b"first", b"second"]


def test_dense_table_bucket_count_must_be_a_power_of_two():
    with pytest.raises(tf.errors.InvalidArgumentError, match="at least 4 and a power of 2, got: 10"):
        tf.lookup.experimental.DenseHashTable(tf.int64, tf.int64, -1, empty_key=0, deleted_key=-1,
                                              initial_num_buckets=10)


def test_saved_dense_table_asking_for_huge_bucket_count_is_refused():
    from eagerflow._src.saved_model import resources

    keys = [tf.constant(-5, tf.int64), tf.constant(-6, tf.int64)]
    attrs = {"key_dtype": np.dtype(np.int64), "value_dtype": np.dtype(np.int64), "initial_num_buckets": 1 << 40}
    with pytest.raises(tf.errors.InvalidArgumentError):
        resources.make_table("MutableDenseHashTableV2", keys, attrs)
