"""`tf.sysconfig`: re-exports only."""
from eagerflow._src.sysconfig import (
    CXX11_ABI_FLAG, CXX_VERSION, MONOLITHIC_BUILD, get_build_info, get_include, get_lib,
)

__all__ = ["CXX11_ABI_FLAG", "CXX_VERSION", "MONOLITHIC_BUILD", "get_build_info", "get_include",
           "get_lib"]
