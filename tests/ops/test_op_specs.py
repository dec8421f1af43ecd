"""Every op in the spec table against NumPy, per dtype (CPU), and on GPU:0 where present."""
import numpy as np
import pytest

import eagerflow as tf
from tests.ops.specs import ALL_SPECS

CASES = [(spec, dt) for spec in ALL_SPECS for dt in spec.dtypes]


def _ids(case):
    spec, dt = case
    return f"{spec.name}-{dt}"


def _as_args(args):
    return [tf.constant(a) if isinstance(a, np.ndarray) else a for a in args]


def _check(spec, dt, device_name):
    rng = np.random.default_rng(0)
    args = spec.make_args(rng, np.dtype(dt) if dt != "bfloat16" else tf.bfloat16.as_numpy_dtype)
    expected = spec.reference(*args, **spec.kwargs)
    with tf.device(device_name):
        result = spec.fn(*_as_args(args), **spec.kwargs)
    outputs = result if isinstance(result, (list, tuple)) else [result]
    wanted = expected if isinstance(expected, (list, tuple)) else [expected]
    assert len(outputs) == len(wanted)
    for out, want in zip(outputs, wanted):
        want = np.asarray(want)
        got = out.numpy()
        assert got.shape == want.shape, f"{spec.name}: shape {got.shape} != {want.shape}"
        if spec.exact_dtype:
            assert np.asarray(got).dtype == want.dtype, f"{spec.name}: dtype {np.asarray(got).dtype} != {want.dtype}"
        if want.dtype.kind in "fc":
            tol = 1e-2 if want.dtype.itemsize <= 2 else spec.rtol
            np.testing.assert_allclose(np.asarray(got, dtype=np.float64 if want.dtype.kind == "f" else None),
                                       np.asarray(want, dtype=np.float64 if want.dtype.kind == "f" else None),
                                       rtol=tol, atol=max(spec.atol, tol if want.dtype.itemsize <= 2 else 0))
        else:
            np.testing.assert_array_equal(got, want)
        assert out.device.endswith(device_name.split(":")[0] + ":0")


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_op_matches_numpy_on_cpu(case):
    _check(*case, "CPU:0")


@pytest.mark.gpu
@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_op_matches_numpy_on_gpu(case):
    _check(*case, "GPU:0")
