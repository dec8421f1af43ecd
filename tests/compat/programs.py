"""Runs a differential test's program text under one library (eagerflow or TensorFlow)."""
import contextlib
import io

import numpy as np


def run(module, code, path, name="program"):
    """Runs `code` from a file (autograph reads the functions' source) with `tf` = `module`, as a
    user module named `name` (autograph converts it), and returns what it printed, or the error."""
    path.write_text(code)
    out = io.StringIO()
    namespace = {"tf": module, "np": np, "__name__": name}
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, str(path), "exec"), namespace)  # noqa: S102 - fixed programs from the tests
    except Exception as error:  # noqa: BLE001 - the error itself is compared
        out.write(f"!! {type(error).__name__}: {error}")
    return out.getvalue()


def transcript(module, code, **names):
    """What the snippet `code` prints with `tf` = `module` (and `np`, and `names`) bound, then
    `!! <error class>: <message>` if it raised."""
    out = io.StringIO()
    namespace = {"tf": module, "np": np, **names}
    try:
        with contextlib.redirect_stdout(out):
            exec(code, namespace)  # noqa: S102 - fixed snippets from the tests
    except Exception as error:  # noqa: BLE001 - the error itself is compared
        out.write(f"!! {type(error).__name__}: {error}")
    return out.getvalue()


def assert_prints_like(ours_module, theirs_module, code, tmp_path):
    """`code` runs without error under `ours_module` and prints what it prints under `theirs_module`."""
    ours = run(ours_module, code, tmp_path / "ours.py")
    assert "!!" not in ours
    assert ours == run(theirs_module, code, tmp_path / "theirs.py")
