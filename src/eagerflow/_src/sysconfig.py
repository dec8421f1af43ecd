"""`tf.sysconfig`: where eagerflow is installed and how it was built (a pure-Python package).

There are no C++ headers or libraries to build custom ops against (TF's `get_compile_flags`
and `get_link_flags` are deliberately absent); the ABI constants keep TF 2.21's values.
"""
from __future__ import annotations

import collections
import importlib.util
import os

CXX11_ABI_FLAG = 1  # TF 2.21's value
CXX_VERSION = 201703  # TF 2.21's value (C++17)
MONOLITHIC_BUILD = 0  # TF 2.21's value

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def get_include() -> str:
    """The include directory TF keeps headers in (eagerflow ships none: it may not exist)."""
    return os.path.join(_PACKAGE_DIR, "include")


def get_lib() -> str:
    """The directory of the installed package (TF's: where libtensorflow_framework lives)."""
    return _PACKAGE_DIR


def get_build_info() -> collections.OrderedDict:
    """Build facts as TF's dict: CUDA support means eagerflow's CuPy backend is installed."""
    return collections.OrderedDict([
        ("is_cuda_build", importlib.util.find_spec("cupy") is not None),
        ("is_rocm_build", False),
        ("is_tensorrt_build", False),
    ])
