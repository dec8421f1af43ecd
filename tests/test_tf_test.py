"""tf.test (TestCase and helpers), tf.types, tf.sysconfig, tf.version."""
import os
import random
import unittest

import numpy as np
import pytest

import eagerflow as tf


class _Case(tf.test.TestCase):
    def runTest(self):  # noqa: N802 - unittest's name
        pass


@pytest.fixture
def case():
    c = _Case()
    c.setUp()
    yield c
    c.tearDown()


def test_testcase_is_a_unittest_testcase():
    assert issubclass(tf.test.TestCase, unittest.TestCase)


def test_evaluate_turns_structures_of_tensors_into_numpy(case):
    v = tf.Variable([1.0, 2.0])
    out = case.evaluate({"a": tf.constant(3), "b": [v, (tf.constant([1, 2]), 5)]})
    assert out["a"] == 3 and isinstance(out["b"][0], np.ndarray)
    np.testing.assert_array_equal(out["b"][1][0], [1, 2])
    assert out["b"][1][1] == 5


def test_assert_all_close_accepts_close_and_rejects_far(case):
    case.assertAllClose(tf.constant([1.0, 2.0]), [1.0, 2.0 + 1e-7])
    case.assertAllClose({"x": tf.constant(1.0)}, {"x": 1.0})
    with pytest.raises(AssertionError):
        case.assertAllClose(tf.constant([1.0, 2.0]), [1.0, 2.1])


def test_assert_all_close_reports_shape_mismatch(case):
    with pytest.raises(AssertionError, match="Shape mismatch"):
        case.assertAllClose(tf.constant([1.0, 2.0]), [[1.0, 2.0]])


def test_assert_all_close_according_to_type_loosens_half(case):
    case.assertAllCloseAccordingToType(tf.constant([1.0], tf.float16), np.array([1.0005]))
    with pytest.raises(AssertionError):
        case.assertAllCloseAccordingToType(np.array([1.0]), np.array([1.0005]))


def test_assert_all_equal_and_not_all_equal(case):
    case.assertAllEqual(tf.constant([[1, 2]]), [[1, 2]])
    case.assertAllEqual(tf.constant(["a", "b"]), [b"a", b"b"])
    with pytest.raises(AssertionError):
        case.assertAllEqual(tf.constant([1, 2]), [1, 3])
    case.assertNotAllEqual(tf.constant([1, 2]), [1, 3])
    with pytest.raises(AssertionError):
        case.assertNotAllClose([1.0], [1.0])


def test_ordering_assertions(case):
    x = tf.constant([1, 2, 3])
    case.assertAllGreater(x, 0)
    case.assertAllGreaterEqual(x, 1)
    case.assertAllLess(x, 4)
    case.assertAllLessEqual(x, 3)
    case.assertAllInRange(x, 1, 3)
    case.assertAllInSet(x, {1, 2, 3, 4})
    with pytest.raises(AssertionError):
        case.assertAllGreater(x, 1)
    with pytest.raises(AssertionError):
        case.assertAllInRange(x, 1, 3, open_upper_bound=True)


def test_near_assertions(case):
    case.assertNear(1.0, 1.05, 0.1)
    with pytest.raises(AssertionError, match=r"1.000000 != 2.000000 \+/- 0.100000"):
        case.assertNear(1.0, 2.0, 0.1)
    case.assertArrayNear([1.0, 2.0], [1.01, 2.0], 0.1)
    case.assertNDArrayNear(np.ones(3), np.ones(3) + 1e-3, 0.01)


def test_shape_and_dtype_assertions(case):
    case.assertShapeEqual(np.zeros((2, 3)), tf.zeros([2, 3]))
    case.assertDTypeEqual(tf.constant([1.0]), np.float32)
    case.assertDTypeEqual(np.array([1], np.int64), tf.int64)
    with pytest.raises(AssertionError):
        case.assertDTypeEqual(tf.constant([1.0]), np.float64)
    case.assertDeviceEqual("/cpu:0", "/device:CPU:0")


def test_assert_raises_op_error_matches_message(case):
    with case.assertRaisesOpError("Incompatible shapes"):
        tf.add(tf.constant([1, 2]), tf.constant([1, 2, 3]))
    with pytest.raises(AssertionError):
        with case.assertRaisesOpError("something else"):
            tf.add(tf.constant([1, 2]), tf.constant([1, 2, 3]))
    with pytest.raises(AssertionError):
        with case.assertRaisesOpError("anything"):
            pass


def test_cached_session_runs_fetches(case):
    with case.cached_session() as sess:
        assert sess.run(tf.constant(2) * 3) == 6
    with case.session() as sess:
        np.testing.assert_array_equal(sess.run([tf.constant([1])])[0], [1])


def test_temp_dir_exists_and_is_removed_after_the_test():
    c = _Case()
    c.setUp()
    path = c.get_temp_dir()
    assert os.path.isdir(path) and c.get_temp_dir() == path
    c.tearDown()
    assert not os.path.exists(path)


def test_setup_seeds_the_global_generators():
    c = _Case()
    c.setUp()
    first = (random.random(), np.random.rand(), tf.random.uniform([]).numpy())
    c.setUp()
    assert (random.random(), np.random.rand(), tf.random.uniform([]).numpy()) == first


def test_testcase_runs_under_unittest():
    class Sample(tf.test.TestCase):
        def test_adds(self):
            self.assertAllEqual(tf.add(1, 2), 3)

    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(Sample).run(result)
    # TF's TestCase has a `test_session` method that a loader collects and that skips itself
    assert result.wasSuccessful() and result.testsRun == 2
    assert [reason for _, reason in result.skipped] == ["Not a test."]


def test_device_queries_match_the_device_list():
    gpus = tf.config.list_physical_devices("GPU")
    assert tf.test.is_gpu_available() == bool(gpus)
    assert tf.test.gpu_device_name() == ("/device:GPU:0" if gpus else "")
    assert tf.test.is_built_with_rocm() is False
    assert isinstance(tf.test.is_built_with_cuda(), bool)
    tf.test.experimental.sync_devices()


def test_compute_gradient_theoretical_matches_numerical():
    theoretical, numerical = tf.test.compute_gradient(lambda x: x * x, [tf.constant([1.0, 3.0])])
    np.testing.assert_allclose(theoretical[0], [[2.0, 0.0], [0.0, 6.0]])
    np.testing.assert_allclose(numerical[0], theoretical[0], rtol=1e-3)


def test_compute_gradient_rejects_a_bare_value():
    with pytest.raises(ValueError, match="must be a list or tuple"):
        tf.test.compute_gradient(lambda x: x, 1.0)


def test_disable_with_predicate_skips():
    class Sample(tf.test.TestCase):
        @tf.test.disable_with_predicate(lambda: True, "not here")
        def test_never(self):
            raise AssertionError("ran")

    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(Sample).run(result)
    assert result.wasSuccessful() and [r for _, r in result.skipped] == ["not here", "Not a test."]


def test_types_tensor_like_and_function_types():
    import typing

    assert tf.Tensor in typing.get_args(tf.types.experimental.TensorLike)
    assert issubclass(tf.types.experimental.PolymorphicFunction, tf.types.experimental.Callable)
    assert tf.types.experimental.GenericFunction is tf.types.experimental.PolymorphicFunction

    class Traced:
        def get_concrete_function(self, *args):
            return None

    assert isinstance(Traced(), tf.types.experimental.GenericFunction)
    assert not isinstance(object(), tf.types.experimental.GenericFunction)


def test_types_distributed_are_the_strategy_values():
    from eagerflow._src.distribute import values

    assert tf.types.experimental.distributed.Mirrored is values.Mirrored
    assert tf.types.experimental.distributed.PerReplica is values.PerReplica


def test_sysconfig_shapes_like_tf():
    info = tf.sysconfig.get_build_info()
    assert list(info)[:3] == ["is_cuda_build", "is_rocm_build", "is_tensorrt_build"]
    assert os.path.isdir(tf.sysconfig.get_lib())
    assert tf.sysconfig.get_include().endswith("include")
    assert (tf.sysconfig.CXX11_ABI_FLAG, tf.sysconfig.CXX_VERSION, tf.sysconfig.MONOLITHIC_BUILD) == (1, 201703, 0)


def test_version_names_tf_2_21():
    assert tf.version.VERSION == "2.21.0" == tf.__version__
    assert tf.version.GRAPH_DEF_VERSION >= tf.version.GRAPH_DEF_VERSION_MIN_CONSUMER
    assert isinstance(tf.version.GIT_VERSION, str) and isinstance(tf.version.COMPILER_VERSION, str)


@pytest.mark.tensorflow
def test_sysconfig_and_version_constants_match_tensorflow():
    tf_real = pytest.importorskip("tensorflow")
    assert list(tf.sysconfig.get_build_info())[:3] == list(tf_real.sysconfig.get_build_info())[:3]
    for name in ("CXX11_ABI_FLAG", "CXX_VERSION", "MONOLITHIC_BUILD"):
        assert getattr(tf.sysconfig, name) == getattr(tf_real.sysconfig, name)
    for name in ("VERSION", "GRAPH_DEF_VERSION", "GRAPH_DEF_VERSION_MIN_CONSUMER",
                 "GRAPH_DEF_VERSION_MIN_PRODUCER"):
        assert getattr(tf.version, name) == getattr(tf_real.version, name)


def _graph_def(fn):
    return tf.function(fn).get_concrete_function(tf.TensorSpec([], tf.float32)).graph.as_graph_def()


def test_assert_equal_graph_def_accepts_equal_graphs():
    tf.test.assert_equal_graph_def(_graph_def(lambda x: x * 2.0), _graph_def(lambda x: x * 2.0))


def test_assert_equal_graph_def_names_the_differing_attr():
    with pytest.raises(AssertionError, match="has attr 'value' with value: .* that does not match expected"):
        tf.test.assert_equal_graph_def(_graph_def(lambda x: x * 2.0), _graph_def(lambda x: x * 3.0))


def test_assert_equal_graph_def_names_a_missing_node_and_rejects_non_graphs():
    with pytest.raises(AssertionError, match="Did not find expected node"):
        tf.test.assert_equal_graph_def(_graph_def(lambda x: x * 2.0), _graph_def(lambda x: x))
    with pytest.raises(TypeError, match="Expected tf.GraphDef for expected, got int"):
        tf.test.assert_equal_graph_def(1, _graph_def(lambda x: x))
