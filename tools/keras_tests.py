"""Keras 3's own test suite as the judge of tf.keras on eagerflow.

The keras wheel ships its `*_test.py` files (`keras/src/**`). This runs chosen directories or
files of them with the TensorFlow backend on eagerflow (the `tensorflow` alias installed before
Keras imports) and, with `--tf`, the same tests under real TensorFlow 2.21 (.venv-compat), and
prints pass counts per directory side by side.

    python tools/keras_tests.py layers/core losses            # eagerflow only
    python tools/keras_tests.py --tf layers/core losses       # eagerflow next to TF
    python tools/keras_tests.py --all --tf                    # every test directory (long)

Each run is `pytest` in a subprocess; as a pytest plugin (`-p keras_tests`, with this folder on
PYTHONPATH and EAGERFLOW_KERAS_TESTS=1) this module installs the alias.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EAGERFLOW_PYTHON = os.path.join(ROOT, ".venv", "bin", "python")
TF_PYTHON = os.path.join(ROOT, ".venv-compat", "bin", "python")

if os.environ.get("EAGERFLOW_KERAS_TESTS") == "1" and "keras" not in sys.modules:
    # Loaded by pytest as a plugin, before any test module imports keras.
    os.environ["KERAS_BACKEND"] = "tensorflow"
    from eagerflow._src import tensorflow_alias

    tensorflow_alias.install()


def keras_src(python: str) -> str:
    """The `keras/src` directory of the keras installed for `python`."""
    code = "import importlib.util, os; print(os.path.dirname(importlib.util.find_spec('keras').origin))"
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True).stdout
    return os.path.join(out.strip(), "src")


def test_directories(src: str) -> list[str]:
    """Every directory of keras/src holding test files, relative to keras/src."""
    found = set()
    for dirpath, _, files in os.walk(src):
        if any(f.endswith("_test.py") for f in files):
            found.add(os.path.relpath(dirpath, src))
    return sorted(found)


_COUNT = re.compile(r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed)")


def run(python: str, target: str | list[str], on_eagerflow: bool, timeout: int, extra: list[str]) -> dict:
    """pytest over keras/src/<target> (a directory's test files, not its subdirectories, or
    one file, or a list of files) in one process; the summary counts, and the failing test ids."""
    src = keras_src(python)
    files = []
    for item in [target] if isinstance(target, str) else target:
        path = os.path.join(src, item)
        if os.path.isdir(path):
            files += sorted(os.path.join(path, f) for f in os.listdir(path) if f.endswith("_test.py"))
        else:
            files.append(path)
    env = {**os.environ, "KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3",
           "CUDA_VISIBLE_DEVICES": os.environ.get("CUDA_VISIBLE_DEVICES", "")}
    # Keras's test files import `conftest` from the root of Keras's repository, which the wheel
    # lacks: tools/keras_conftest stands in for it, on both sides.
    shim = os.path.join(ROOT, "tools", "keras_conftest")
    env["PYTHONPATH"] = shim + os.pathsep + env.get("PYTHONPATH", "")
    command = [python, "-m", "pytest", "-q", "-rfE", "-p", "no:cacheprovider", "--no-header",
               "-o", "addopts=", "--rootdir", src, "--continue-on-collection-errors",
               "-p", "conftest", *extra]
    if on_eagerflow:
        env["EAGERFLOW_KERAS_TESTS"] = "1"
        env["PYTHONPATH"] = os.path.join(ROOT, "tools") + os.pathsep + env.get("PYTHONPATH", "")
        command += ["-p", "keras_tests"]
    start = time.time()
    try:
        result = subprocess.run(command + files, capture_output=True, text=True, env=env,
                                timeout=timeout, cwd=ROOT)
        output = result.stdout + result.stderr
    except subprocess.TimeoutExpired as e:
        output = (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        output += "\nTIMEOUT"
    counts = {"passed": 0, "failed": 0, "errors": 0, "skipped": 0}
    tail = output.strip().splitlines()[-1] if output.strip() else ""
    for number, kind in _COUNT.findall(tail):
        kind = "errors" if kind.startswith("error") else kind
        if kind in counts:
            counts[kind] += int(number)
    counts["seconds"] = round(time.time() - start)
    counts["timeout"] = "TIMEOUT" in output
    counts["failures"] = [line.split(" ", 1)[1].split(" - ")[0] for line in output.splitlines()
                          if line.startswith(("FAILED ", "ERROR "))]
    counts["output"] = output
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("targets", nargs="*", help="directories or files under keras/src")
    parser.add_argument("--all", action="store_true", help="every directory holding tests")
    parser.add_argument("--tf", action="store_true", help="also run under TF 2.21 (.venv-compat)")
    parser.add_argument("--timeout", type=int, default=1800, help="seconds per target and runtime")
    parser.add_argument("--failures", action="store_true", help="list the tests failing on eagerflow")
    parser.add_argument("--python", default=EAGERFLOW_PYTHON if os.path.exists(EAGERFLOW_PYTHON) else sys.executable)
    parser.add_argument("-k", dest="keyword", help="pytest -k expression")
    parser.add_argument("--save", metavar="DIR", help="write each target's counts, failing ids and "
                        "output tail to DIR/<target>.json (runs already saved there are skipped)")
    options = parser.parse_args(argv)
    targets = test_directories(keras_src(options.python)) if options.all else options.targets
    if not targets:
        parser.error("name test directories or files under keras/src, or --all")
    extra = ["-k", options.keyword] if options.keyword else []
    header = f"{'keras/src/...':40s} {'eagerflow':>16s}" + (f" {'TF 2.21':>16s} {'ratio':>6s}" if options.tf else "")
    print(header)
    totals = {"ef": [0, 0], "tf": [0, 0]}
    for target in targets:
        saved = os.path.join(options.save, target.replace("/", "__") + ".json") if options.save else None
        if saved and os.path.exists(saved):
            continue
        ef = run(options.python, target, True, options.timeout, extra)
        ran = ef["passed"] + ef["failed"] + ef["errors"]
        totals["ef"][0] += ef["passed"]
        totals["ef"][1] += ran
        line = f"{target:40s} {ef['passed']:>6d}/{ran:<5d}{'T' if ef['timeout'] else ' '}{ef['seconds']:>4d}s"
        if options.tf:
            tf = run(TF_PYTHON, target, False, options.timeout, extra)
            tf_ran = tf["passed"] + tf["failed"] + tf["errors"]
            totals["tf"][0] += tf["passed"]
            totals["tf"][1] += tf_ran
            ratio = f"{ef['passed'] / tf['passed']:.2f}" if tf["passed"] else "-"
            line += f" {tf['passed']:>6d}/{tf_ran:<5d}{'T' if tf['timeout'] else ' '}{tf['seconds']:>4d}s {ratio:>6s}"
        print(line, flush=True)
        if saved:
            os.makedirs(options.save, exist_ok=True)
            record = {"target": target, "keyword": options.keyword}
            for side, counts in [("eagerflow", ef)] + ([("tf", tf)] if options.tf else []):
                record[side] = {**counts, "output": counts["output"][-20000:]}
            with open(saved, "w") as f:
                json.dump(record, f, indent=1)
        if options.failures:
            for failure in ef["failures"]:
                print(f"    {failure}")
    line = f"{'total':40s} {totals['ef'][0]:>6d}/{totals['ef'][1]:<5d}      "
    if options.tf:
        line += f" {totals['tf'][0]:>6d}/{totals['tf'][1]:<5d}"
        if totals["tf"][0]:
            line += f"       {totals['ef'][0] / totals['tf'][0]:.2f}"
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
