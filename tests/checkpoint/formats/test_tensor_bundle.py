"""The tensor bundle: TF-made fixtures read, TF's bytes reproduced, bad entries refused."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import ml_dtypes
import numpy as np
import pytest

from eagerflow._src.checkpoint.formats import protos, table
from eagerflow._src.checkpoint.formats.tensor_bundle import BundleReader, data_filename, write_bundle
from eagerflow._src.framework import errors, proto_pool
from tf_bundle_fixtures import copy_fixture, fixture_prefix, fixtures

VALUE = "/.ATTRIBUTES/VARIABLE_VALUE"


def _assert_same(got: np.ndarray, expected: np.ndarray) -> None:
    assert got.dtype == expected.dtype
    assert got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)


def _files(prefix: str) -> dict[str, bytes]:
    directory, base = os.path.split(prefix)
    out = {}
    for name in sorted(os.listdir(directory)):
        if name.startswith(base + "."):
            with open(os.path.join(directory, name), "rb") as f:
                out[name[len(base):]] = f.read()
    return out


# -- reading what TF wrote

def test_tf_module_checkpoint_values_dtypes_and_shapes():
    reader = BundleReader(fixture_prefix("module"))
    for name, expected in fixtures.module_variables().items():
        _assert_same(reader.get_tensor(f"model/{name}{VALUE}"), expected)


def test_tf_module_checkpoint_dtype_and_shape_maps():
    reader = BundleReader(fixture_prefix("module"))
    dtypes, shapes = reader.dtype_map(), reader.shape_map()
    for name, expected in fixtures.module_variables().items():
        assert dtypes[f"model/{name}{VALUE}"] == expected.dtype
        assert shapes[f"model/{name}{VALUE}"] == expected.shape
    assert dtypes[protos.OBJECT_GRAPH_PROTO_KEY] == np.dtype(object)


def test_tf_object_graph_names_every_variable():
    graph = BundleReader(fixture_prefix("module")).object_graph()
    root, model = graph.nodes[0], graph.nodes[graph.nodes[0].children[0].node_id]
    assert root.children[0].local_name == "model"
    children = {c.local_name: c.node_id for c in model.children}
    assert set(children) == set(fixtures.module_variables())
    attribute = graph.nodes[children["f32"]].attributes[0]
    assert attribute.name == "VARIABLE_VALUE"
    assert attribute.checkpoint_key == f"model/f32{VALUE}"


def test_tf_multi_variable_checkpoint():
    reader = BundleReader(fixture_prefix("multi"))
    for path, expected in fixtures.multi_variables().items():
        _assert_same(reader.get_tensor(f"model/{path}{VALUE}"), expected)
    keys = {a.checkpoint_key for n in reader.object_graph().nodes for a in n.attributes}
    assert keys == {f"model/{path}{VALUE}" for path in fixtures.multi_variables()}


def test_tf_two_shard_checkpoint():
    reader = BundleReader(fixture_prefix("sharded"))
    assert reader.num_shards == 2
    assert {reader.entry(k).shard_id for k in reader.keys()} == {0, 1}
    tensors = reader.get_tensors()
    for path, expected in fixtures.multi_variables().items():
        _assert_same(tensors[f"model/{path}{VALUE}"], expected)


def test_tf_savev2_every_dtype():
    reader = BundleReader(fixture_prefix("savev2"))
    expected = fixtures.savev2_tensors()
    assert sorted(reader.keys()) == sorted(expected)
    for key, value in expected.items():
        _assert_same(reader.get_tensor(key), value)


def test_missing_key_is_not_found_with_tf_message():
    with pytest.raises(errors.NotFoundError, match="^Key nope not found in checkpoint$"):
        BundleReader(fixture_prefix("savev2")).get_tensor("nope")


def test_missing_index_is_not_found(tmp_path):
    with pytest.raises(errors.NotFoundError):
        BundleReader(str(tmp_path / "absent"))


# -- writing TF's bytes

def _tf_order(reader: BundleReader) -> dict[str, np.ndarray]:
    """The reader's tensors in the order TF wrote them (by offset)."""
    return {k: reader.get_tensor(k) for k in sorted(reader.keys(), key=lambda k: reader.entry(k).offset)}


def test_write_matches_tf_savev2_bytes(tmp_path):
    prefix = str(tmp_path / "ckpt")
    write_bundle(prefix, fixtures.savev2_tensors())
    assert _files(prefix) == _files(fixture_prefix("savev2"))


@pytest.mark.parametrize("name", ["module", "multi"])
def test_write_matches_tf_checkpoint_bytes(tmp_path, name):
    prefix = str(tmp_path / "ckpt")
    write_bundle(prefix, _tf_order(BundleReader(fixture_prefix(name))))
    assert _files(prefix) == _files(fixture_prefix(name))


# -- round trips

ROUND_TRIP = {
    "f16": np.array([1.5, -2], np.float16),
    "bf16": np.array([[1, 2]], ml_dtypes.bfloat16),
    "f8": np.array([0.5, 2], ml_dtypes.float8_e4m3fn),
    "f8b": np.array([0.5], ml_dtypes.float8_e5m2),
    "u64": np.array([2**64 - 1], np.uint64),
    "c128": np.array(1 + 2j, np.complex128),
    "bool": np.zeros((2, 0, 3), bool),
    "strs": np.array([b"a", b"", b"\x00" * 300], dtype=object),
}


def test_round_trip_every_dtype(tmp_path):
    prefix = str(tmp_path / "ckpt")
    write_bundle(prefix, ROUND_TRIP)
    reader = BundleReader(prefix)
    for key, value in ROUND_TRIP.items():
        _assert_same(reader.get_tensor(key), value)


def test_write_accepts_strided_big_endian_and_str_values(tmp_path):
    prefix = str(tmp_path / "ckpt")
    base = np.arange(12, dtype=np.float32).reshape(3, 4)
    write_bundle(prefix, {"t": base.T, "be": base.astype(">i4"), "s": "héllo", "u": np.array(["ab", "c"])})
    reader = BundleReader(prefix)
    _assert_same(reader.get_tensor("t"), np.ascontiguousarray(base.T))
    _assert_same(reader.get_tensor("be"), base.astype(np.int32))
    assert reader.get_tensor("s").item() == "héllo".encode()
    assert reader.get_tensor("u").tolist() == [b"ab", b"c"]


@pytest.mark.parametrize("tensors", [{"": np.zeros(1)}, {"x": np.zeros(1, "datetime64[s]")},
                                     {"x": np.array([1, "a"], dtype=object)}])
def test_write_refuses_what_tf_cannot_hold(tmp_path, tensors):
    with pytest.raises(errors.InvalidArgumentError):
        write_bundle(str(tmp_path / "ckpt"), tensors)


def test_write_reports_progress_up_to_total(tmp_path):
    calls = []
    write_bundle(str(tmp_path / "ckpt"), ROUND_TRIP, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1][0] == calls[-1][1] == sum(len(v) for k, v in _files(str(tmp_path / "ckpt")).items()
                                               if k.startswith(".data"))
    reads = []
    reader = BundleReader(str(tmp_path / "ckpt"), progress=lambda done, total: reads.append((done, total)))
    reader.get_tensors()
    assert reads[-1][0] == reads[-1][1] == calls[-1][1]


def test_write_overwrites_and_leaves_no_temporary_files(tmp_path):
    prefix = str(tmp_path / "ckpt")
    write_bundle(prefix, {"a": np.zeros(3)})
    write_bundle(prefix, {"b": np.ones(2)})
    assert sorted(os.listdir(tmp_path)) == ["ckpt.data-00000-of-00001", "ckpt.index"]
    assert BundleReader(prefix).keys() == ["b"]


# -- corrupt entries

def _rewrite_entry(prefix: str, key: str, **fields) -> None:
    """Rewrites one entry of the index (with valid table checksums)."""
    with open(prefix + ".index", "rb") as f:
        items = list(table.TableReader(f.read()).items())
    out = []
    for k, value in items:
        if k == key.encode():
            entry = protos.BundleEntryProto.FromString(value)
            for name, new in fields.items():
                if name == "shape":
                    del entry.shape.dim[:]
                    for size in new:
                        entry.shape.dim.add(size=size)
                else:
                    setattr(entry, name, new)
            value = entry.SerializeToString()
        out.append((k, value))
    with open(prefix + ".index", "wb") as f:
        f.write(table.build_table(out))


@pytest.mark.parametrize("fields, error, message", [
    ({"size": 5}, errors.DataLossError, "Invalid size"),
    ({"offset": 10**6}, errors.DataLossError, "lies outside"),
    ({"offset": 600}, errors.DataLossError, "lies outside"),
    ({"shape": [-1, 7]}, errors.DataLossError, "Invalid tensor shape"),
    ({"shape": [2**40, 2**40]}, errors.DataLossError, "Invalid tensor shape"),
    ({"shape": [2**30, 2**30]}, errors.DataLossError, "Invalid size"),
    ({"shape": [0, 2**62], "size": 0}, errors.DataLossError, "Invalid tensor shape"),
    ({"shape": [1] * 70}, errors.UnimplementedError, "dimensions"),
    ({"shard_id": 3}, errors.DataLossError, "Invalid shard id"),
    ({"crc32c": 1}, errors.DataLossError, "Checksum does not match"),
    ({"dtype": proto_pool.DT_VARIANT}, errors.UnimplementedError, "DT_VARIANT"),
    ({"dtype": proto_pool.DT_INT64}, errors.DataLossError, "Invalid size"),
])
def test_corrupt_entry_is_refused(tmp_path, fields, error, message):
    prefix = copy_fixture("savev2", str(tmp_path))
    _rewrite_entry(prefix, "a/float32", **fields)
    with pytest.raises(error, match=message):
        BundleReader(prefix).get_tensor("a/float32")


@pytest.mark.parametrize("fields", [{"shape": [10**9]}, {"shape": [0]}, {"size": 3}, {"crc32c": 7}])
def test_corrupt_string_entry_is_data_loss(tmp_path, fields):
    prefix = copy_fixture("savev2", str(tmp_path))
    _rewrite_entry(prefix, "e/strings", **fields)
    with pytest.raises(errors.DataLossError):
        BundleReader(prefix).get_tensor("e/strings")


def test_flipped_data_byte_is_caught_by_the_checksum(tmp_path):
    prefix = copy_fixture("savev2", str(tmp_path))
    path = data_filename(prefix, 0, 1)
    offset = BundleReader(prefix).entry("a/float32").offset
    with open(path, "r+b") as f:
        f.seek(offset + 3)
        byte = f.read(1)[0]
        f.seek(offset + 3)
        f.write(bytes([byte ^ 0x10]))
    with pytest.raises(errors.DataLossError, match="Checksum does not match"):
        BundleReader(prefix).get_tensor("a/float32")


def test_truncated_data_file_is_data_loss(tmp_path):
    prefix = copy_fixture("savev2", str(tmp_path))
    os.truncate(data_filename(prefix, 0, 1), 100)
    reader = BundleReader(prefix)
    with pytest.raises(errors.DataLossError):
        reader.get_tensors()


def test_missing_header_is_data_loss(tmp_path):
    prefix = str(tmp_path / "ckpt")
    with open(prefix + ".index", "wb") as f:
        f.write(table.build_table([(b"a", b"")]))
    with pytest.raises(errors.DataLossError, match="no header"):
        BundleReader(prefix)


@pytest.mark.parametrize("header, error", [
    (protos.BundleHeaderProto(num_shards=0), errors.DataLossError),
    (protos.BundleHeaderProto(num_shards=1, endianness=1), errors.UnimplementedError),
    (protos.BundleHeaderProto(num_shards=1, version=protos.VersionDef(min_consumer=5)), errors.InvalidArgumentError),
    (protos.BundleHeaderProto(num_shards=1, version=protos.VersionDef(bad_consumers=[1])), errors.InvalidArgumentError),
])
def test_unreadable_header_is_refused(tmp_path, header, error):
    prefix = str(tmp_path / "ckpt")
    with open(prefix + ".index", "wb") as f:
        f.write(table.build_table([(b"", header.SerializeToString())]))
    with pytest.raises(error):
        BundleReader(prefix)


def test_unparseable_entry_is_data_loss(tmp_path):
    prefix = str(tmp_path / "ckpt")
    header = protos.BundleHeaderProto(num_shards=1).SerializeToString()
    with open(prefix + ".index", "wb") as f:
        f.write(table.build_table([(b"", header), (b"k", b"\xff\xff")]))
    with pytest.raises(errors.DataLossError, match="Entry for key k not parseable"):
        BundleReader(prefix)


# -- crashes

_WRITER = textwrap.dedent("""
    import os, sys, time
    import numpy as np
    from eagerflow._src.checkpoint.formats.tensor_bundle import write_bundle

    prefix, mode = sys.argv[1], sys.argv[2]
    tensors = {f"v{i}": np.full(4 << 20, i, np.float32) for i in range(8)}  # 128 MiB

    def progress(done, total):
        if mode == "mid-write" and done >= total // 3:
            print("writing", flush=True)
            time.sleep(60)

    if mode == "between-renames":
        real_replace = os.replace
        def replace(src, dst):
            real_replace(src, dst)
            print("renamed", flush=True)
            time.sleep(60)
        os.replace = replace
    write_bundle(prefix, tensors, progress=progress)
""")


def _kill_writer_at(tmp_path, prefix: str, mode: str) -> None:
    process = subprocess.Popen([sys.executable, "-c", _WRITER, prefix, mode], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() in ("writing", "renamed")
        process.send_signal(signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
        process.stdout.close()


def test_sigkill_mid_write_leaves_previous_bundle_readable(tmp_path):
    prefix = str(tmp_path / "ckpt")
    previous = {"w": np.arange(10, dtype=np.float32), "s": np.array(b"old", dtype=object)}
    write_bundle(prefix, previous)
    _kill_writer_at(tmp_path, prefix, "mid-write")
    reader = BundleReader(prefix)
    for key, value in previous.items():
        _assert_same(reader.get_tensor(key), value)


def test_sigkill_between_renames_leaves_no_mismatched_bundle(tmp_path):
    prefix = str(tmp_path / "ckpt")
    write_bundle(prefix, {"w": np.arange(10, dtype=np.float32)})
    _kill_writer_at(tmp_path, prefix, "between-renames")
    # New data is in place but its index is not: the old index must not describe it.
    with pytest.raises(errors.NotFoundError):
        BundleReader(prefix)


# -- differential against TensorFlow (run in a TF Python, in-process or not)

_TF_SCRIPT = textwrap.dedent("""
    import importlib.util, os, sys
    import numpy as np
    import tensorflow as tf

    spec = importlib.util.spec_from_file_location("fixtures", sys.argv[1])
    fixtures = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fixtures)
    mode, prefix = sys.argv[2], sys.argv[3]

    def tf_dtype(value):
        return tf.string if value.dtype == object else tf.as_dtype(value.dtype)

    def many_keys():
        return {f"model/layer_{i:04d}/" + "kernel_with_a_long_name" * 3 + VALUE: np.full((2,), i, np.int64)
                for i in range(6000)}

    VALUE = "/.ATTRIBUTES/VARIABLE_VALUE"
    tensors = {**fixtures.savev2_tensors(), **fixtures.float8_tensors()}
    if mode == "restore":
        names = list(tensors)
        restored = tf.raw_ops.RestoreV2(prefix=prefix, tensor_names=names, shape_and_slices=[""] * len(names),
                                        dtypes=[tf_dtype(tensors[n]) for n in names])
        for name, tensor in zip(names, restored):
            got, want = np.asarray(tensor.numpy()), tensors[name]
            assert got.dtype == want.dtype or want.dtype == object, (name, got.dtype, want.dtype)
            assert got.shape == want.shape and np.array_equal(got, want), name
        print("OK")
    elif mode == "save-many":
        tensors = many_keys()
        names = list(tensors)
        tf.raw_ops.SaveV2(prefix=prefix, tensor_names=names, shape_and_slices=[""] * len(names),
                          tensors=[tf.constant(tensors[n]) for n in names])
    else:
        names = list(tensors)
        tf.raw_ops.SaveV2(prefix=prefix, tensor_names=names, shape_and_slices=[""] * len(names),
                          tensors=[tf.constant(tensors[n], dtype=tf_dtype(tensors[n])) for n in names])
""")


def _run_tf(tf_python: str, mode: str, prefix: str) -> str:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    script = os.path.join(os.path.dirname(fixture_prefix("x")), os.pardir, os.pardir, "make_tf_checkpoints.py")
    result = subprocess.run([tf_python, "-c", _TF_SCRIPT, os.path.abspath(script), mode, prefix],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _all_tensors() -> dict[str, np.ndarray]:
    return {**fixtures.savev2_tensors(), **fixtures.float8_tensors()}


@pytest.mark.tensorflow
def test_tf_restores_what_we_write(tmp_path, tf_python):
    prefix = str(tmp_path / "ckpt")
    write_bundle(prefix, _all_tensors())
    assert _run_tf(tf_python, "restore", prefix).strip() == "OK"


@pytest.mark.tensorflow
def test_we_read_and_rewrite_byte_for_byte_what_tf_writes(tmp_path, tf_python):
    tf_prefix, our_prefix = str(tmp_path / "tf" / "ckpt"), str(tmp_path / "ours" / "ckpt")
    _run_tf(tf_python, "save", tf_prefix)
    reader = BundleReader(tf_prefix)
    for key, value in _all_tensors().items():
        _assert_same(reader.get_tensor(key), value)
    write_bundle(our_prefix, _all_tensors())
    assert _files(our_prefix) == _files(tf_prefix)


@pytest.mark.tensorflow
def test_index_of_several_blocks_matches_tf_bytes(tmp_path, tf_python):
    tf_prefix, our_prefix = str(tmp_path / "tf" / "ckpt"), str(tmp_path / "ours" / "ckpt")
    _run_tf(tf_python, "save-many", tf_prefix)
    with open(tf_prefix + ".index", "rb") as f:
        assert len(f.read()) > 2 * table.DEFAULT_BLOCK_SIZE  # Several data blocks, several index entries.
    write_bundle(our_prefix, _tf_order(BundleReader(tf_prefix)))
    assert _files(our_prefix) == _files(tf_prefix)


def test_garbage_object_graph_is_data_loss():
    with pytest.raises(errors.DataLossError, match="Object graph"):
        protos.parse_object_graph(b"\x0a\xff\xff\xff")


_DESCRIBE = textwrap.dedent("""
    import json
    from tensorflow.core.protobuf import tensor_bundle_pb2, trackable_object_graph_pb2

    def describe(message):
        out = {message.full_name: sorted((f.name, f.number, f.type, f.is_repeated) for f in message.fields)}
        for nested in message.nested_types:
            out.update(describe(nested))
        return out

    result = {}
    for module in (tensor_bundle_pb2, trackable_object_graph_pb2):
        for message in module.DESCRIPTOR.message_types_by_name.values():
            result.update(describe(message))
    result["DataType"] = sorted((v.name, v.number) for v in
                                tensor_bundle_pb2.BundleEntryProto.DESCRIPTOR.fields_by_name["dtype"].enum_type.values)
    print(json.dumps(result))
""")


@pytest.mark.tensorflow
def test_our_protos_match_tensorflows_field_numbers(tf_python):
    import json

    result = subprocess.run([tf_python, "-c", _DESCRIBE], capture_output=True, text=True, timeout=300,
                            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
    assert result.returncode == 0, result.stderr[-3000:]
    theirs = json.loads(result.stdout.strip().splitlines()[-1])
    for full_name, fields in theirs.items():
        if full_name == "DataType":
            ours = sorted((name, number) for number, name in proto_pool.DATA_TYPE_NAMES.items())
            assert ours == [tuple(v) for v in fields if v[1] < 100]  # Not the *_REF types (101+).
            continue
        descriptor = proto_pool.pool().FindMessageTypeByName(full_name)
        ours = sorted((f.name, f.number, f.type, f.is_repeated) for f in descriptor.fields)
        assert ours == [tuple(f) for f in fields], full_name
