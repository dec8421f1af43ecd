"""The op table that drives the op tests: one spec per public op.

Each family lists its specs in its own module (`math_specs.py`, `array_specs.py`, ...);
`ALL_SPECS` gathers them. From one spec the suite derives the NumPy comparison on CPU
(tests/ops/test_op_specs.py), the same comparison on GPU:0 (marked `gpu`), and the
numerical gradient check of first and second order (tests/autodiff/test_gradcheck.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np


@dataclass
class OpSpec:
    """How to call one op and what NumPy says it must return.

    make_args(rng, np_dtype) returns the positional arguments as NumPy arrays (or Python
    values); arrays become eagerflow constants before `fn` is called, and `reference` receives
    them unchanged. `differentiable` opts into the gradient check (float64), for the argument
    positions in `grad_args`.
    """

    name: str
    fn: Callable[..., Any]
    reference: Callable[..., Any]
    make_args: Callable[[np.random.Generator, Any], tuple]
    dtypes: tuple = ("float32",)
    kwargs: dict = field(default_factory=dict)
    differentiable: bool = False
    grad_args: tuple = (0,)
    rtol: float = 1e-5
    atol: float = 1e-6
    exact_dtype: bool = True

    def __str__(self) -> str:
        return self.name


def _load() -> list[OpSpec]:
    import importlib
    import pkgutil

    specs: list[OpSpec] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.endswith("_specs"):
            specs.extend(importlib.import_module(f"{__name__}.{info.name}").SPECS)
    return specs


ALL_SPECS: list[OpSpec] = _load()
