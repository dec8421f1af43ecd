"""`tf.test`: TestCase (unittest-based, TF's assertions), device queries, gradient checking.

`TestCase` runs eagerly: `evaluate` turns tensors (and nested structures of them) into NumPy
values; `session()`/`cached_session()` give a minimal session whose `run` does the same.
`setUp` seeds Python's, NumPy's and eagerflow's global generators as TF's does.
"""
from __future__ import annotations

import contextlib
import math
import os
import random
import re
import shutil
import tempfile
import unittest
from typing import Any, Callable, Iterator

import numpy as np

from eagerflow._src.framework import devices, errors
from eagerflow._src.framework.convert import convert_to_tensor
from eagerflow._src.framework.tensor import Tensor

DEFAULT_GRAPH_SEED = 87654321  # TF's random_seed.DEFAULT_GRAPH_SEED


def _to_numpy(value: Any) -> Any:
    """Tensors, variables and nested lists/tuples/dicts of them as NumPy values."""
    if isinstance(value, Tensor):
        return value.numpy()
    if hasattr(value, "numpy") and hasattr(value, "dtype") and hasattr(value, "assign"):
        return value.numpy()  # a variable
    if isinstance(value, dict):
        return type(value)((k, _to_numpy(v)) for k, v in value.items())
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return type(value)(*(_to_numpy(v) for v in value))
    if isinstance(value, (list, tuple)):
        return type(value)(_to_numpy(v) for v in value)
    return value


def _nd(value: Any) -> np.ndarray:
    value = _to_numpy(value)
    return value if isinstance(value, np.ndarray) else np.array(value)


class _EagerSession:
    """What `cached_session()` gives in eager mode: `run` evaluates its fetches."""

    def run(self, fetches: Any, feed_dict: Any = None, options: Any = None, run_metadata: Any = None) -> Any:
        if feed_dict:
            raise ValueError("feed_dict is not supported: eagerflow has no placeholders")
        return _to_numpy(fetches)

    def __enter__(self) -> "_EagerSession":
        return self

    def __exit__(self, *exc: Any) -> None:
        pass


class _TempPath(os.PathLike):
    """absl's temp dir/file handle: `full_path`, usable as a path."""

    def __init__(self, path: str) -> None:
        self.full_path = path

    def __fspath__(self) -> str:
        return self.full_path

    def __str__(self) -> str:
        return self.full_path


class TestCase(unittest.TestCase):
    """Base class for tests of TensorFlow code: TF's assertion helpers on `unittest.TestCase`."""

    def __init__(self, methodName: str = "runTest") -> None:  # noqa: N803 - unittest's name
        super().__init__(methodName)
        self._tempdir: str | None = None

    def setUp(self) -> None:  # noqa: N802 - unittest's name
        """Seeds Python's, NumPy's and eagerflow's global generators (TF's fixed test seed)."""
        from eagerflow._src.ops.random import random_ops

        super().setUp()
        random.seed(DEFAULT_GRAPH_SEED)
        np.random.seed(DEFAULT_GRAPH_SEED)
        random_ops.set_seed(DEFAULT_GRAPH_SEED)

    def tearDown(self) -> None:  # noqa: N802 - unittest's name
        if self._tempdir is not None:
            shutil.rmtree(self._tempdir, ignore_errors=True)
            self._tempdir = None
        super().tearDown()

    # --- running -------------------------------------------------------------------------------
    def evaluate(self, tensors: Any) -> Any:
        """The NumPy values of `tensors` (a tensor, variable, or nested structure of them)."""
        return _to_numpy(tensors)

    def evaluate_if_both_tensors(self, a: Any, b: Any) -> tuple:
        if isinstance(a, Tensor) and isinstance(b, Tensor):
            return self.evaluate((a, b))
        return a, b

    @contextlib.contextmanager
    def session(self, graph: Any = None, config: Any = None, use_gpu: bool = True,
                force_gpu: bool = False) -> Iterator[_EagerSession]:
        """A session whose `run` evaluates tensors (eagerflow runs eagerly)."""
        yield _EagerSession()

    def cached_session(self, graph: Any = None, config: Any = None, use_gpu: bool = True,
                       force_gpu: bool = False) -> Any:
        return self.session(graph, config, use_gpu, force_gpu)

    def test_session(self, graph: Any = None, config: Any = None, use_gpu: bool = True,
                     force_gpu: bool = False) -> Any:
        """TF's deprecated alias of `session()`; run by a test loader, it skips as TF's does."""
        if self.id().endswith(".test_session"):
            self.skipTest("Not a test.")
        return self.session(graph, config, use_gpu, force_gpu)

    def get_temp_dir(self) -> str:
        """A temporary directory for this test, removed after it."""
        if self._tempdir is None:
            self._tempdir = tempfile.mkdtemp(prefix=f"{type(self).__name__}_")
        return self._tempdir

    def create_tempdir(self, name: str | None = None) -> _TempPath:
        path = os.path.join(self.get_temp_dir(), name) if name else tempfile.mkdtemp(dir=self.get_temp_dir())
        os.makedirs(path, exist_ok=True)
        return _TempPath(path)

    def create_tempfile(self, file_path: str | None = None, content: Any = None,
                        mode: str = "w") -> _TempPath:
        path = os.path.join(self.get_temp_dir(), file_path) if file_path else \
            tempfile.mkstemp(dir=self.get_temp_dir())[1]
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, mode) as handle:
            if content is not None:
                handle.write(content)
        return _TempPath(path)

    # --- closeness -----------------------------------------------------------------------------
    def _assert_close(self, a: Any, b: Any, rtol: float, atol: float, msg: str | None,
                      path: str = "") -> None:
        a, b = _to_numpy(a), _to_numpy(b)
        if isinstance(a, dict) or isinstance(b, dict):
            self.assertIsInstance(a, dict, msg)
            self.assertIsInstance(b, dict, msg)
            self.assertEqual(set(a), set(b), f"mismatched keys{path}: {msg or ''}")
            for key in a:
                self._assert_close(a[key], b[key], rtol, atol, msg, f"{path}[{key!r}]")
            return
        if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)) and not (
                _is_numeric_sequence(a) and _is_numeric_sequence(b)):
            self.assertEqual(len(a), len(b), f"Length mismatch{path}: {msg or ''}")
            for i, (x, y) in enumerate(zip(a, b)):
                self._assert_close(x, y, rtol, atol, msg, f"{path}[{i}]")
            return
        x, y = _nd(a), _nd(b)
        self.assertEqual(x.shape, y.shape, f"Shape mismatch{path}: expected {x.shape}, got "
                                           f"{y.shape}. {msg or ''}")
        if x.dtype.kind in "OSU" or y.dtype.kind in "OSU":
            np.testing.assert_array_equal(x, y, err_msg=msg or "")
            return
        np.testing.assert_allclose(x, y, rtol=rtol, atol=atol, equal_nan=True,
                                   err_msg=f"Mismatch{path}. {msg or ''}")

    def assertAllClose(self, a: Any, b: Any, rtol: float = 1e-6, atol: float = 1e-6,  # noqa: N802
                       msg: str | None = None) -> None:
        """Asserts two structures of tensors/arrays are close (|a - b| <= atol + rtol * |b|)."""
        self._assert_close(a, b, rtol, atol, msg)

    def assertAllCloseAccordingToType(self, a: Any, b: Any, rtol: float = 1e-6,  # noqa: N802
                                      atol: float = 1e-6, float_rtol: float = 1e-6,
                                      float_atol: float = 1e-6, half_rtol: float = 1e-3,
                                      half_atol: float = 1e-3, bfloat16_rtol: float = 1e-2,
                                      bfloat16_atol: float = 1e-2, msg: str | None = None) -> None:
        """As assertAllClose, loosening the tolerances for float32, float16 and bfloat16."""
        x, y = _nd(a), _nd(b)
        kinds = {x.dtype.name, y.dtype.name}
        if kinds & {"float32", "complex64"}:
            rtol, atol = max(rtol, float_rtol), max(atol, float_atol)
        if "float16" in kinds:
            rtol, atol = max(rtol, half_rtol), max(atol, half_atol)
        if "bfloat16" in kinds:
            rtol, atol = max(rtol, bfloat16_rtol), max(atol, bfloat16_atol)
        self.assertAllClose(x.astype(np.float64) if "bfloat16" in kinds else x, y.astype(np.float64)
                            if "bfloat16" in kinds else y, rtol=rtol, atol=atol, msg=msg)

    def assertNotAllClose(self, a: Any, b: Any, rtol: float = 1e-6, atol: float = 1e-6,  # noqa: N802
                          msg: str | None = None) -> None:
        try:
            self.assertAllClose(a, b, rtol=rtol, atol=atol)
        except AssertionError:
            return
        raise self.failureException(msg or "The two values are close at all elements.")

    def assertAllEqual(self, a: Any, b: Any, msg: str | None = None) -> None:  # noqa: N802
        """Asserts two array-likes have the same shape and elements."""
        x, y = _nd(a), _nd(b)
        self.assertEqual(x.shape, y.shape, f"Shape mismatch: expected {x.shape}, got {y.shape}. {msg or ''}")
        np.testing.assert_array_equal(x, y, err_msg=msg or "")

    def assertNotAllEqual(self, a: Any, b: Any, msg: str | None = None) -> None:  # noqa: N802
        try:
            self.assertAllEqual(a, b)
        except AssertionError:
            return
        raise self.failureException(msg or "The two values are equal at all elements.")

    def _assert_all(self, a: Any, test: Callable, text: str) -> None:
        x = _nd(a)
        if not np.all(test(x)):
            raise self.failureException(f"{x} is not {text}")

    def assertAllGreater(self, a: Any, comparison_target: Any) -> None:  # noqa: N802
        self._assert_all(a, lambda x: x > comparison_target, f"all greater than {comparison_target}")

    def assertAllGreaterEqual(self, a: Any, comparison_target: Any) -> None:  # noqa: N802
        self._assert_all(a, lambda x: x >= comparison_target, f"all >= {comparison_target}")

    def assertAllLess(self, a: Any, comparison_target: Any) -> None:  # noqa: N802
        self._assert_all(a, lambda x: x < comparison_target, f"all less than {comparison_target}")

    def assertAllLessEqual(self, a: Any, comparison_target: Any) -> None:  # noqa: N802
        self._assert_all(a, lambda x: x <= comparison_target, f"all <= {comparison_target}")

    def assertAllInRange(self, target: Any, lower_bound: Any, upper_bound: Any,  # noqa: N802
                         open_lower_bound: bool = False, open_upper_bound: bool = False) -> None:
        x = _nd(target)
        low = x > lower_bound if open_lower_bound else x >= lower_bound
        high = x < upper_bound if open_upper_bound else x <= upper_bound
        if not np.all(low & high):
            bounds = f"{'(' if open_lower_bound else '['}{lower_bound}, {upper_bound}{')' if open_upper_bound else ']'}"
            raise self.failureException(f"{x} is not all in the range {bounds}")

    def assertAllInSet(self, target: Any, expected_set: Any) -> None:  # noqa: N802
        values = set(_nd(target).ravel().tolist())
        extra = values - set(expected_set)
        if extra:
            raise self.failureException(f"{sorted(extra)} not in {set(expected_set)}")

    def assertNear(self, f1: float, f2: float, err: float, msg: str | None = None) -> None:  # noqa: N802
        """Asserts |f1 - f2| <= err."""
        self.assertTrue(f1 == f2 or math.fabs(f1 - f2) <= err,
                        "%f != %f +/- %f%s" % (f1, f2, err, " (%s)" % msg if msg is not None else ""))

    def assertArrayNear(self, farray1: Any, farray2: Any, err: float, msg: str | None = None) -> None:  # noqa: N802
        self.assertEqual(len(farray1), len(farray2), msg=msg)
        for f1, f2 in zip(farray1, farray2):
            self.assertNear(float(f1), float(f2), err, msg=msg)

    def assertNDArrayNear(self, ndarray1: Any, ndarray2: Any, err: float, msg: str | None = None) -> None:  # noqa: N802
        self.assertTrue(np.linalg.norm(_nd(ndarray1) - _nd(ndarray2)) <= err, msg=msg)

    # --- shapes, dtypes, devices, errors -------------------------------------------------------
    def assertShapeEqual(self, input_a: Any, input_b: Any, msg: str | None = None) -> None:  # noqa: N802
        """Asserts a NumPy array and a tensor have the same shape."""
        self.assertAllEqual(_nd(input_a).shape, input_b.shape.as_list(), msg=msg)

    def assertDTypeEqual(self, target: Any, expected_dtype: Any) -> None:  # noqa: N802
        arrays = target if isinstance(target, list) else [target]
        for array in arrays:
            self.assertEqual(_nd(array).dtype, np.dtype(getattr(expected_dtype, "as_numpy_dtype", expected_dtype)))

    def assertDeviceEqual(self, device1: Any, device2: Any, msg: str | None = None) -> None:  # noqa: N802
        from eagerflow._src.framework.device_spec import DeviceSpec

        one = DeviceSpec.from_string(device1 or "").to_string()
        two = DeviceSpec.from_string(device2 or "").to_string()
        self.assertEqual(one, two, f"Devices {device1} and {device2} are not equal. {msg or ''}")

    @contextlib.contextmanager
    def assertRaisesWithPredicateMatch(self, exception_type: Any,  # noqa: N802
                                       expected_err_re_or_predicate: Any) -> Iterator[None]:
        """The block must raise `exception_type` whose message matches the regex (or predicate)."""
        if callable(expected_err_re_or_predicate):
            predicate = expected_err_re_or_predicate
        else:
            def predicate(e: Exception) -> bool:
                text = e.message if isinstance(e, errors.OpError) else str(e)
                return re.search(expected_err_re_or_predicate, text) is not None
        try:
            yield
        except exception_type as e:
            if not predicate(e):
                raise AssertionError(f"Exception of type {type(e)}: {e}") from e
        else:
            self.fail(f"{exception_type} not raised")

    def assertRaisesOpError(self, expected_err_re_or_predicate: Any) -> Any:  # noqa: N802
        return self.assertRaisesWithPredicateMatch(errors.OpError, expected_err_re_or_predicate)

    def assertRaisesIncompatibleShapesError(self, exception_type: Any = errors.InvalidArgumentError) -> Any:  # noqa: N802
        return self.assertRaisesWithPredicateMatch(
            exception_type, r"Incompatible shapes|Dimensions must be equal|required broadcastable shapes")

    # --- absl's helpers TF's TestCase inherits ---------------------------------------------------
    def assertLen(self, container: Any, expected_len: int, msg: str | None = None) -> None:  # noqa: N802
        self.assertEqual(len(container), expected_len, msg)

    def assertEmpty(self, container: Any, msg: str | None = None) -> None:  # noqa: N802
        self.assertEqual(len(container), 0, msg)

    def assertNotEmpty(self, container: Any, msg: str | None = None) -> None:  # noqa: N802
        self.assertNotEqual(len(container), 0, msg)

    def assertStartsWith(self, actual: str, expected_start: str, msg: str | None = None) -> None:  # noqa: N802
        self.assertTrue(actual.startswith(expected_start), msg or f"{actual!r} does not start with {expected_start!r}")

    def assertEndsWith(self, actual: str, expected_end: str, msg: str | None = None) -> None:  # noqa: N802
        self.assertTrue(actual.endswith(expected_end), msg or f"{actual!r} does not end with {expected_end!r}")

    def assertItemsEqual(self, first: Any, second: Any, msg: str | None = None) -> None:  # noqa: N802
        self.assertCountEqual(first, second, msg)

    def assertSameElements(self, expected_seq: Any, actual_seq: Any, msg: str | None = None) -> None:  # noqa: N802
        self.assertEqual(set(expected_seq), set(actual_seq), msg)

    def assertContainsSubset(self, expected_subset: Any, actual_set: Any, msg: str | None = None) -> None:  # noqa: N802
        missing = set(expected_subset) - set(actual_set)
        self.assertFalse(missing, msg or f"Missing elements {missing}")

    def assertBetween(self, value: Any, minv: Any, maxv: Any, msg: str | None = None) -> None:  # noqa: N802
        self.assertTrue(minv <= value <= maxv, msg or f"{value} is not between {minv} and {maxv}")


def _is_numeric_sequence(value: Any) -> bool:
    try:
        return np.asarray(value).dtype.kind in "biufc"
    except (ValueError, TypeError):
        return False


# --- module functions -----------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    """Runs the tests of `__main__` (unittest's runner)."""
    unittest.main(module="__main__", argv=argv)


def _gpus() -> list:
    return devices.list_physical_devices("GPU")


def is_gpu_available(cuda_only: bool = False, min_cuda_compute_capability: Any = None) -> bool:
    """Whether a GPU is present (deprecated in TF: use `tf.config.list_physical_devices`)."""
    return bool(_gpus())


def gpu_device_name() -> str:
    """'/device:GPU:0' when a GPU is present, else ''."""
    return "/device:GPU:0" if _gpus() else ""


def is_built_with_cuda() -> bool:
    """Whether eagerflow can run on CUDA GPUs (CuPy, its CUDA backend, is installed)."""
    import importlib.util

    return importlib.util.find_spec("cupy") is not None


def is_built_with_gpu_support() -> bool:
    return is_built_with_cuda()


def is_built_with_rocm() -> bool:
    return False


def is_built_with_xla() -> bool:
    return False  # eagerflow compiles nothing through XLA


def is_cpu_target_available(cpu: str) -> bool:
    return True  # NumPy kernels run on any host CPU


def with_eager_op_as_function(cls: Any = None, only_as_function: bool = False) -> Any:
    """TF's test decorator; ops always run eagerly here, so the class is returned unchanged."""
    if cls is None:
        return lambda c: c
    return cls


def disable_with_predicate(pred: Callable[[], bool], skip_message: str) -> Callable:
    """Skips the decorated test when `pred()` is true."""
    def decorator(func: Callable) -> Callable:
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            if pred():
                self.skipTest(skip_message)
            return func(self, *args, **kwargs)
        wrapper.__name__, wrapper.__doc__ = func.__name__, func.__doc__
        return wrapper
    return decorator


def sync_devices() -> None:
    """Waits for every GPU's queued work (no-op without GPUs)."""
    gpus = _gpus()
    if gpus:
        import cupy  # present whenever eagerflow sees a GPU

        for i in range(len(gpus)):
            cupy.cuda.Device(i).synchronize()


class Benchmark:
    """Base class for benchmarks: `report_benchmark` prints one result line."""

    def report_benchmark(self, iters: int | None = None, cpu_time: float | None = None,
                         wall_time: float | None = None, throughput: float | None = None,
                         extras: dict | None = None, name: str | None = None,
                         metrics: Any = None) -> None:
        parts = [f"{k}={v}" for k, v in (("iters", iters), ("wall_time", wall_time),
                                         ("cpu_time", cpu_time), ("throughput", throughput))
                 if v is not None]
        print(f"benchmark {name or type(self).__name__}: {' '.join(parts)} {extras or ''}".rstrip())

    def evaluate(self, tensors: Any) -> Any:
        return _to_numpy(tensors)


def compute_gradient(f: Callable, x: Any, delta: float | None = None) -> tuple:
    """Theoretical and numerical Jacobians of `f` at `x` (a list of arguments), as TF's.

    Returns:
      (theoretical, numerical): tuples with one 2-D array per argument, of shape
      (size of f(x), size of the argument).
    """
    from eagerflow._src.autodiff.tape import GradientTape

    if not isinstance(x, (list, tuple)):
        raise ValueError("`x` must be a list or tuple of values convertible to a Tensor "
                         "(arguments to `f`), not a %s" % type(x))
    delta = 1.0 / 1024 if delta is None else delta
    xs = [convert_to_tensor(v) for v in x]
    y = convert_to_tensor(f(*xs))
    y_size = int(np.prod(y.shape.as_list()))
    theoretical, numerical = [], []
    for i, xi in enumerate(xs):
        x_size = int(np.prod(xi.shape.as_list()))
        jacobian = np.zeros((y_size, x_size), dtype=y.dtype.as_numpy_dtype)
        for row in range(y_size):
            seed = np.zeros(y_size, dtype=y.dtype.as_numpy_dtype)
            seed[row] = 1
            with GradientTape() as tape:
                tape.watch(xi)
                out = convert_to_tensor(f(*xs[:i], xi, *xs[i + 1:]))
            grad = tape.gradient(out, xi, output_gradients=convert_to_tensor(seed.reshape(out.shape.as_list())))
            if grad is not None:
                jacobian[row] = np.asarray(grad.numpy()).reshape(-1)
        theoretical.append(jacobian)
        base = xi.numpy().astype(xi.dtype.as_numpy_dtype).copy()
        numeric = np.zeros((y_size, x_size), dtype=y.dtype.as_numpy_dtype)
        for col in range(x_size):
            plus, minus = base.copy(), base.copy()
            plus.reshape(-1)[col] += delta
            minus.reshape(-1)[col] -= delta
            y_plus = convert_to_tensor(f(*xs[:i], convert_to_tensor(plus), *xs[i + 1:])).numpy()
            y_minus = convert_to_tensor(f(*xs[:i], convert_to_tensor(minus), *xs[i + 1:])).numpy()
            numeric[:, col] = (np.asarray(y_plus) - np.asarray(y_minus)).reshape(-1) / (2 * delta)
        numerical.append(numeric)
    return tuple(theoretical), tuple(numerical)


def _attr_text(value: Any) -> str:
    return " ".join(str(value).split())  # the AttrValue's text format on one line


def _node_summary(node: Any) -> str:
    attrs = ", ".join(f"{key}={_attr_text(node.attr[key])}" for key in sorted(node.attr))
    return f"{{{{node {node.name}}}}} = {node.op}[{attrs}]({', '.join(node.input)})"


def assert_equal_graph_def(expected: Any, actual: Any) -> None:
    """Asserts two GraphDefs hold the same nodes (by name; order and versions ignored).

    Raises:
      TypeError: if either is not a GraphDef.
      AssertionError: naming the first node, op, input or attr that differs (TF's wording for
        missing/unexpected nodes and attrs; attr values in protobuf text form).
    """
    for value, label in ((expected, "expected"), (actual, "actual")):
        if type(value).__name__ != "GraphDef":
            raise TypeError(f"Expected tf.GraphDef for {label}, got {type(value).__name__}")
    wanted = {node.name: node for node in expected.node}
    got = {node.name: node for node in actual.node}
    for name, node in wanted.items():
        if name not in got:
            raise AssertionError(f"Did not find expected node '{_node_summary(node)}'")
    for name, node in got.items():
        if name not in wanted:
            raise AssertionError(f"Found unexpected node '{_node_summary(node)}'")
    for name, node in wanted.items():
        other = got[name]
        if node.op != other.op:
            raise AssertionError(f"Node named '{name}' has op {other.op} that does not match "
                                 f"expected {node.op}")
        if list(node.input) != list(other.input):
            raise AssertionError(f"Node named '{name}' has inputs {list(other.input)} that do not "
                                 f"match expected {list(node.input)}")
        for key in sorted(set(node.attr) | set(other.attr)):
            if key not in other.attr:
                raise AssertionError(f"Node named '{name}' missing expected attr '{key}'")
            if key not in node.attr:
                raise AssertionError(f"Node named '{name}' has unexpected attr '{key}'")
            if node.attr[key] != other.attr[key]:
                raise AssertionError(
                    f"Node named '{name}' has attr '{key}' with value: "
                    f"{_attr_text(other.attr[key])} that does not match expected: "
                    f"{_attr_text(node.attr[key])}")
