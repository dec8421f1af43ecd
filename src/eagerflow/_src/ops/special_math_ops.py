"""Special functions (`tf.math.lgamma`, `igamma`, `betainc`, `bessel_*`, `tf.math.special.*`, ...)
and the elementwise helpers TF defines beside them (`xlogy`, `xlog1py`, `xdivy`).

Kernels call SciPy's `scipy.special` (CuPy's `cupyx.scipy.special` on GPUs), imported on first
use so `import eagerflow` stays light. 16-bit floats are computed in float32 and rounded once.
Gradients are TF's, written with eagerflow ops beside each op.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from eagerflow._src.backends import host_threads
from eagerflow._src.framework import dtypes as _dtypes
from eagerflow._src.framework.execute import execute
from eagerflow._src.framework.op import Op
from eagerflow._src.framework.tensor import Tensor
from eagerflow._src.ops import conversion
from eagerflow._src.ops.dtype_sets import FLOAT, INEXACT
from eagerflow._src.ops.math_ops import (
    add, broadcast_error, cast, conj, cos, equal, exp, log, multiply, negative, not_equal, realdiv,
    reciprocal, select, sign, sin, square, subtract,
)

F32_64 = (_dtypes.float32, _dtypes.float64)


def special_module(xp: Any) -> Any:
    """`scipy.special` for NumPy arrays, `cupyx.scipy.special` for CuPy ones (first use only)."""
    if xp is np:
        import scipy.special

        return scipy.special
    import cupyx.scipy.special  # GPU only

    return cupyx.scipy.special


def _scipy_kernel(fn_name: str, pick: int | None = None) -> Any:
    """A kernel calling `scipy.special.<fn_name>` (element `pick` of a tuple result)."""
    def forward(xp: Any, *arrays: Any) -> Any:
        dtype = arrays[0].dtype
        narrow = dtype.itemsize == 2
        args = [a.astype(np.float32) if narrow else a for a in arrays]
        out = getattr(special_module(xp), fn_name)(*args)
        if pick is not None:
            out = out[pick]
        return xp.asarray(out).astype(dtype, copy=False)
    return forward


def _op(name: str, fn_name: str, grad: Any, dtypes: Any = FLOAT, pick: int | None = None) -> Op:
    return Op(name, host_threads.elementwise(_scipy_kernel(fn_name, pick)), grad=grad, dtypes=dtypes,
              error=broadcast_error)


def _like(value: float, x: Tensor) -> Tensor:
    return conversion.like(value, x)


def _where_zero(x: Tensor, at_zero: float, elsewhere_fn: Any) -> Tensor:
    """`elsewhere_fn(x)` with x = 0 replaced (TF's where_v2 guard for the removable singularity)."""
    is_zero = equal(x, _like(0.0, x))
    safe = select(is_zero, _like(1.0, x), x)
    return select(is_zero, _like(at_zero, x), elsewhere_fn(safe))


# --- gradients (TF's, math_grad.py) ----------------------------------------------------------------
def _lgamma_grad(ctx: Any, dy: Tensor) -> tuple:
    return (multiply(dy, digamma(conj(ctx.inputs[0]))),)


def _digamma_grad(ctx: Any, dy: Tensor) -> tuple:
    x = conj(ctx.inputs[0])
    return (multiply(dy, polygamma(_like(1.0, x), x)),)


def _erfinv_grad(ctx: Any, dy: Tensor) -> tuple:
    return (multiply(dy, multiply(_like(np.sqrt(np.pi) / 2, dy), exp(square(ctx.output)))),)


def _ndtri_grad(ctx: Any, dy: Tensor) -> tuple:
    return (multiply(dy, multiply(_like(np.sqrt(2 * np.pi), dy), exp(multiply(square(ctx.output), _like(0.5, dy))))),)


def _erfc_grad(ctx: Any, dy: Tensor) -> tuple:
    x = conj(ctx.inputs[0])
    return (multiply(dy, multiply(_like(-2 / np.sqrt(np.pi), dy), exp(negative(square(x))))),)


def _i0_grad(ctx: Any, dy: Tensor) -> tuple:
    return (multiply(dy, bessel_i1(ctx.inputs[0])),)


def _i0e_grad(ctx: Any, dy: Tensor) -> tuple:
    x = ctx.inputs[0]
    return (multiply(dy, subtract(bessel_i1e(x), multiply(sign(x), ctx.output))),)


def _i1_grad(ctx: Any, dy: Tensor) -> tuple:
    x, y = ctx.inputs[0], ctx.output
    return (multiply(dy, _where_zero(x, 0.5, lambda s: subtract(bessel_i0(s), realdiv(bessel_i1(s), s)))),)


def _i1e_grad(ctx: Any, dy: Tensor) -> tuple:
    x = ctx.inputs[0]
    return (multiply(dy, _where_zero(x, 0.5, lambda s: subtract(
        bessel_i0e(s), multiply(bessel_i1e(s), add(sign(s), reciprocal(s)))))),)


def _k0_grad(ctx: Any, dy: Tensor) -> tuple:
    return (multiply(dy, negative(bessel_k1(ctx.inputs[0]))),)


def _k0e_grad(ctx: Any, dy: Tensor) -> tuple:
    return (multiply(dy, subtract(ctx.output, bessel_k1e(ctx.inputs[0]))),)


def _k1_grad(ctx: Any, dy: Tensor) -> tuple:
    x = ctx.inputs[0]
    return (multiply(dy, subtract(negative(bessel_k0(x)), realdiv(ctx.output, x))),)


def _k1e_grad(ctx: Any, dy: Tensor) -> tuple:
    x, y = ctx.inputs[0], ctx.output
    return (multiply(dy, subtract(multiply(y, subtract(_like(1.0, x), reciprocal(x))), bessel_k0e(x))),)


def _j0_grad(ctx: Any, dy: Tensor) -> tuple:
    return (multiply(dy, negative(bessel_j1(ctx.inputs[0]))),)


def _j1_grad(ctx: Any, dy: Tensor) -> tuple:
    x = ctx.inputs[0]
    return (multiply(dy, _where_zero(x, 0.5, lambda s: subtract(bessel_j0(s), realdiv(bessel_j1(s), s)))),)


def _y0_grad(ctx: Any, dy: Tensor) -> tuple:
    return (multiply(dy, negative(bessel_y1(ctx.inputs[0]))),)


def _y1_grad(ctx: Any, dy: Tensor) -> tuple:
    x = ctx.inputs[0]
    return (multiply(dy, subtract(bessel_y0(x), realdiv(ctx.output, x))),)


def _dawsn_grad(ctx: Any, dy: Tensor) -> tuple:
    x = ctx.inputs[0]
    return (multiply(dy, subtract(_like(1.0, x), multiply(multiply(_like(2.0, x), x), ctx.output))),)


def _expint_grad(ctx: Any, dy: Tensor) -> tuple:
    x = ctx.inputs[0]
    return (multiply(dy, realdiv(exp(x), x)),)


def _fresnel_cos_grad(ctx: Any, dy: Tensor) -> tuple:
    x = ctx.inputs[0]
    return (multiply(dy, cos(multiply(_like(np.pi / 2, x), square(x)))),)


def _fresnel_sin_grad(ctx: Any, dy: Tensor) -> tuple:
    x = ctx.inputs[0]
    return (multiply(dy, sin(multiply(_like(np.pi / 2, x), square(x)))),)


def _spence_grad(ctx: Any, dy: Tensor) -> tuple:
    x = ctx.inputs[0]
    one = equal(x, _like(1.0, x))
    safe = select(one, _like(2.0, x), x)
    partial = select(one, _like(-1.0, x), realdiv(log(safe), subtract(_like(1.0, x), safe)))
    return (multiply(dy, partial),)


def _igamma_partials(ctx: Any, dy: Tensor) -> tuple:
    a, x = ctx.inputs
    partial_a = execute(IGAMMA_GRAD_A, (a, x))
    partial_x = exp(subtract(add(negative(x), multiply(subtract(a, _like(1.0, a)), log(x))), lgamma(a)))
    return multiply(dy, partial_a), multiply(dy, partial_x)


def _igammac_grad(ctx: Any, dy: Tensor) -> tuple:
    ga, gx = _igamma_partials(ctx, dy)
    return negative(ga), negative(gx)


def _betainc_grad(ctx: Any, dy: Tensor) -> tuple:
    # TF differentiates betainc in x only (a and b get None).
    a, b, x = ctx.inputs
    log_beta = subtract(add(lgamma(a), lgamma(b)), lgamma(add(a, b)))
    partial_x = exp(subtract(add(xlog1py(subtract(b, _like(1.0, b)), negative(x)),
                                 xlogy(subtract(a, _like(1.0, a)), x)), log_beta))
    return None, None, multiply(dy, partial_x)


def _zeta_grad(ctx: Any, dy: Tensor) -> tuple:
    x, q = conj(ctx.inputs[0]), conj(ctx.inputs[1])
    return None, multiply(dy, multiply(negative(x), zeta(add(x, _like(1.0, x)), q)))


def _polygamma_grad(ctx: Any, dy: Tensor) -> tuple:
    n, x = conj(ctx.inputs[0]), conj(ctx.inputs[1])
    return None, multiply(dy, polygamma(add(n, _like(1.0, n)), x))


def _not_zero(x: Tensor) -> Tensor:
    return cast(not_equal(x, _like(0.0, x)), x.dtype)


def _xlogy_grad(ctx: Any, dy: Tensor) -> tuple:
    x, y = ctx.inputs
    return multiply(xlogy(_not_zero(x), y), dy), multiply(xdivy(x, y), dy)


def _xlog1py_grad(ctx: Any, dy: Tensor) -> tuple:
    x, y = ctx.inputs
    return multiply(xlog1py(_not_zero(x), y), dy), multiply(xdivy(x, add(y, _like(1.0, y))), dy)


def _xdivy_grad(ctx: Any, dy: Tensor) -> tuple:
    x, y = ctx.inputs
    return multiply(xdivy(_not_zero(x), y), dy), multiply(xdivy(negative(x), square(y)), dy)


def _igamma_grad_a_kernel(xp: Any, a: Any, x: Any) -> Any:
    # d/da of the regularized lower incomplete gamma: a central difference of SciPy's gammainc
    # in float64 (TF's IgammaGradA has its own series; this agrees to ~1e-8 relative).
    special = special_module(xp)
    a64, x64 = a.astype(np.float64), x.astype(np.float64)
    h = 1e-5 * xp.maximum(1.0, xp.abs(a64))
    out = (special.gammainc(a64 + h, x64) - special.gammainc(a64 - h, x64)) / (2 * h)
    return out.astype(a.dtype)


def _safe_xlogy(fn_name: str) -> Any:
    def forward(xp: Any, x: Any, y: Any) -> Any:
        dtype = x.dtype
        wide = dtype.itemsize == 2 and dtype.kind != "c"
        xs, ys = (x.astype(np.float32), y.astype(np.float32)) if wide else (x, y)
        if fn_name == "xdivy":
            out = xp.where(xs == 0, xp.zeros_like(xs), xs / xp.where(xs == 0, 1, ys))
        elif dtype.kind == "c":
            inner = ys if fn_name == "xlogy" else 1 + ys
            out = xp.where(xs == 0, 0, xs * xp.log(xp.where(xs == 0, 1, inner)))
        else:
            out = getattr(special_module(xp), fn_name)(xs, ys)
            out = xp.where(xs == 0, xp.zeros_like(out), out)  # 0 * log(0) and 0 * log(nan) are 0
        return xp.asarray(out).astype(dtype, copy=False)
    return forward


LGAMMA = _op("Lgamma", "gammaln", _lgamma_grad)
DIGAMMA = _op("Digamma", "psi", _digamma_grad)
ERFINV = _op("Erfinv", "erfinv", _erfinv_grad)
NDTRI = _op("Ndtri", "ndtri", _ndtri_grad)
ERFC = _op("Erfc", "erfc", _erfc_grad)
BESSEL_I0 = _op("BesselI0", "i0", _i0_grad)
BESSEL_I0E = _op("BesselI0e", "i0e", _i0e_grad)
BESSEL_I1 = _op("BesselI1", "i1", _i1_grad)
BESSEL_I1E = _op("BesselI1e", "i1e", _i1e_grad)
BESSEL_K0 = _op("BesselK0", "k0", _k0_grad)
BESSEL_K0E = _op("BesselK0e", "k0e", _k0e_grad)
BESSEL_K1 = _op("BesselK1", "k1", _k1_grad)
BESSEL_K1E = _op("BesselK1e", "k1e", _k1e_grad)
BESSEL_J0 = _op("BesselJ0", "j0", _j0_grad)
BESSEL_J1 = _op("BesselJ1", "j1", _j1_grad)
BESSEL_Y0 = _op("BesselY0", "y0", _y0_grad)
BESSEL_Y1 = _op("BesselY1", "y1", _y1_grad)
DAWSN = _op("Dawsn", "dawsn", _dawsn_grad)
EXPINT = _op("Expint", "expi", _expint_grad)
FRESNEL_COS = _op("FresnelCos", "fresnel", _fresnel_cos_grad, pick=1)
FRESNEL_SIN = _op("FresnelSin", "fresnel", _fresnel_sin_grad, pick=0)
SPENCE = _op("Spence", "spence", _spence_grad)
IGAMMA = _op("Igamma", "gammainc", _igamma_partials)
IGAMMAC = _op("Igammac", "gammaincc", _igammac_grad)
IGAMMA_GRAD_A = Op("IgammaGradA", _igamma_grad_a_kernel, dtypes=F32_64, error=broadcast_error)
BETAINC = _op("Betainc", "betainc", _betainc_grad, dtypes=F32_64)
ZETA = _op("Zeta", "zeta", _zeta_grad, dtypes=F32_64)
POLYGAMMA = _op("Polygamma", "polygamma", _polygamma_grad, dtypes=F32_64)
XLOGY = Op("Xlogy", _safe_xlogy("xlogy"), grad=_xlogy_grad, dtypes=INEXACT, error=broadcast_error)
XLOG1PY = Op("Xlog1py", _safe_xlogy("xlog1py"), grad=_xlog1py_grad, dtypes=INEXACT, error=broadcast_error)
XDIVY = Op("Xdivy", _safe_xlogy("xdivy"), grad=_xdivy_grad, dtypes=INEXACT, error=broadcast_error)


# --- public functions ------------------------------------------------------------------------------
def _binary(op: Op, x: Any, y: Any) -> Tensor:
    return execute(op, conversion.binary(op, x, y))


def lgamma(x: Any, name: str | None = None) -> Tensor:
    """log|Γ(x)| elementwise (`tf.math.lgamma`)."""
    return conversion.run_unary(LGAMMA, x)


def digamma(x: Any, name: str | None = None) -> Tensor:
    """ψ(x) = d/dx log Γ(x) (`tf.math.digamma`)."""
    return conversion.run_unary(DIGAMMA, x)


def erfinv(x: Any, name: str | None = None) -> Tensor:
    """Inverse error function (`tf.math.erfinv`)."""
    return conversion.run_unary(ERFINV, x)


def ndtri(x: Any, name: str | None = None) -> Tensor:
    """Inverse of the standard normal CDF (`tf.math.ndtri`)."""
    return conversion.run_unary(NDTRI, x)


def erfc(x: Any, name: str | None = None) -> Tensor:
    """Complementary error function 1 - erf(x) (`tf.math.erfc`)."""
    return conversion.run_unary(ERFC, x)


def erfcinv(x: Any, name: str | None = None) -> Tensor:
    """Inverse of erfc (`tf.math.erfcinv`): -ndtri(x / 2) / sqrt(2), as TF composes it."""
    x = conversion.tensor(x)
    return multiply(ndtri(multiply(x, _like(0.5, x))), _like(-np.sqrt(0.5), x))


def bessel_i0(x: Any, name: str | None = None) -> Tensor:
    """Modified Bessel function of order 0 (`tf.math.bessel_i0`)."""
    return conversion.run_unary(BESSEL_I0, x)


def bessel_i0e(x: Any, name: str | None = None) -> Tensor:
    """Exponentially scaled modified Bessel function of order 0 (`tf.math.bessel_i0e`)."""
    return conversion.run_unary(BESSEL_I0E, x)


def bessel_i1(x: Any, name: str | None = None) -> Tensor:
    """Modified Bessel function of order 1 (`tf.math.bessel_i1`)."""
    return conversion.run_unary(BESSEL_I1, x)


def bessel_i1e(x: Any, name: str | None = None) -> Tensor:
    """Exponentially scaled modified Bessel function of order 1 (`tf.math.bessel_i1e`)."""
    return conversion.run_unary(BESSEL_I1E, x)


def bessel_k0(x: Any, name: str | None = None) -> Tensor:
    return conversion.run_unary(BESSEL_K0, x)


def bessel_k0e(x: Any, name: str | None = None) -> Tensor:
    return conversion.run_unary(BESSEL_K0E, x)


def bessel_k1(x: Any, name: str | None = None) -> Tensor:
    return conversion.run_unary(BESSEL_K1, x)


def bessel_k1e(x: Any, name: str | None = None) -> Tensor:
    return conversion.run_unary(BESSEL_K1E, x)


def bessel_j0(x: Any, name: str | None = None) -> Tensor:
    return conversion.run_unary(BESSEL_J0, x)


def bessel_j1(x: Any, name: str | None = None) -> Tensor:
    return conversion.run_unary(BESSEL_J1, x)


def bessel_y0(x: Any, name: str | None = None) -> Tensor:
    return conversion.run_unary(BESSEL_Y0, x)


def bessel_y1(x: Any, name: str | None = None) -> Tensor:
    return conversion.run_unary(BESSEL_Y1, x)


def dawsn(x: Any, name: str | None = None) -> Tensor:
    """Dawson's integral (`tf.math.special.dawsn`)."""
    return conversion.run_unary(DAWSN, x)


def expint(x: Any, name: str | None = None) -> Tensor:
    """Exponential integral Ei(x) (`tf.math.special.expint`)."""
    return conversion.run_unary(EXPINT, x)


def fresnel_cos(x: Any, name: str | None = None) -> Tensor:
    return conversion.run_unary(FRESNEL_COS, x)


def fresnel_sin(x: Any, name: str | None = None) -> Tensor:
    return conversion.run_unary(FRESNEL_SIN, x)


def spence(x: Any, name: str | None = None) -> Tensor:
    """Spence's integral (dilogarithm of 1 - x) (`tf.math.special.spence`)."""
    return conversion.run_unary(SPENCE, x)


def igamma(a: Any, x: Any, name: str | None = None) -> Tensor:
    """Regularized lower incomplete gamma P(a, x) (`tf.math.igamma`)."""
    return _binary(IGAMMA, a, x)


def igammac(a: Any, x: Any, name: str | None = None) -> Tensor:
    """Regularized upper incomplete gamma Q(a, x) (`tf.math.igammac`)."""
    return _binary(IGAMMAC, a, x)


def betainc(a: Any, b: Any, x: Any, name: str | None = None) -> Tensor:
    """Regularized incomplete beta I_x(a, b) (`tf.math.betainc`)."""
    a = conversion.tensor(a)
    b, x = conversion.like(b, a), conversion.like(x, a)
    return execute(BETAINC, (a, b, x))


def zeta(x: Any, q: Any, name: str | None = None) -> Tensor:
    """Hurwitz zeta ζ(x, q) (`tf.math.zeta`)."""
    return _binary(ZETA, x, q)


def polygamma(a: Any, x: Any, name: str | None = None) -> Tensor:
    """ψ^(a)(x), the a-th derivative of digamma (`tf.math.polygamma`)."""
    return _binary(POLYGAMMA, a, x)


def lbeta(x: Any, name: str | None = None) -> Tensor:
    """log|B(x)| over the last axis: sum(lgamma(x)) - lgamma(sum(x)) (`tf.math.lbeta`)."""
    from eagerflow._src.ops import reduce_ops  # a sibling family: only when called

    x = conversion.tensor(x)
    return subtract(reduce_ops.reduce_sum(lgamma(x), axis=-1), lgamma(reduce_ops.reduce_sum(x, axis=-1)))


def xlogy(x: Any, y: Any, name: str | None = None) -> Tensor:
    """x * log(y), 0 where x is 0 (`tf.math.xlogy`)."""
    return _binary(XLOGY, x, y)


def xlog1py(x: Any, y: Any, name: str | None = None) -> Tensor:
    """x * log1p(y), 0 where x is 0 (`tf.math.xlog1py`)."""
    return _binary(XLOG1PY, x, y)


def xdivy(x: Any, y: Any, name: str | None = None) -> Tensor:
    """x / y, 0 where x is 0 (`tf.math.xdivy`)."""
    return _binary(XDIVY, x, y)

