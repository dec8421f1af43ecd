"""How much of TensorFlow 2.21's public API eagerflow resolves, per namespace.

    python tools/api_coverage.py             # counts + checks (TF's live API if importable)
    python tools/api_coverage.py --no-tf     # counts + checks against tools/tf_2_21_api.txt
    python tools/api_coverage.py --update    # rewrite tools/api_covered.txt (the baseline)
    python tools/api_coverage.py --write-tf-list   # rewrite tools/tf_2_21_api.txt (needs TF)
    python tools/api_coverage.py --missing tf.math  # list the names still missing there

A TF symbol `tf.a.b.c` is covered when `eagerflow.a.b.c` resolves through a chain of
`getattr` calls (lazy namespaces load on the way) without raising.

Which TF names count: every public (non-underscore) name of `tensorflow` and of each public
sub-namespace in TF's generated API (`tensorflow._api.v2`, listed by its `api_packages.txt`),
namespaces themselves not counted (only the names in them). Excluded, with why:

    keras                 upstream Keras 3 runs on eagerflow; it is not reimplemented here
    losses, metrics, optimizers, initializers
                          TF's lazy aliases of keras.losses etc. (Keras, as above)
    compat                v1 API and versioned aliases of the v2 API
    raw_ops               one entry per C++ kernel (thousands), not a Python API
    tpu, xla, mlir        TPU hardware, the XLA compiler and MLIR passes
    estimator             removed from TF 2.16+; a lazy stub in TF's namespace
    dtensor, experimental.dtensor
                          distributed tensors over device meshes (a separate runtime)
    __internal__, __operators__, _private
                          TF's own internals, not public API

Checks (the exit status is 1 when one fails; `make compat` and tests/test_api_coverage.py
run them):
  * a name in tools/api_unsupported.txt (deliberately unsupported, with a reason) resolves:
    remove it from that list (and rerun --update);
  * a name in tools/api_covered.txt (the baseline) no longer resolves: a regression;
  * a name in either list is not a TF 2.21 name.
Names that resolve but are not yet in the baseline are reported, not failed: run `--update`
to take them in.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections import defaultdict
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
TF_LIST = TOOLS / "tf_2_21_api.txt"
COVERED = TOOLS / "api_covered.txt"
UNSUPPORTED = TOOLS / "api_unsupported.txt"

# Sub-namespaces of `tf` (dotted, without the `tf.` prefix) left out of the count; see above.
EXCLUDED_NAMESPACES = (
    "keras", "losses", "metrics", "optimizers", "initializers", "compat", "raw_ops", "tpu", "xla", "mlir", "estimator", "dtensor",
    "experimental.dtensor", "__internal__", "__operators__",
)


def is_excluded(dotted: str) -> bool:
    """True for a `tf.`-prefixed name inside an excluded namespace (or that namespace)."""
    rest = dotted[len("tf."):] if dotted.startswith("tf.") else dotted
    return any(rest == ns or rest.startswith(ns + ".") for ns in EXCLUDED_NAMESPACES)


# ----------------------------------------------------------------------------- lists on disk

def read_names(path: Path) -> list[str]:
    """Dotted names, one a line; `#` starts a comment (the reason, in the unsupported list)."""
    if not path.exists():
        return []
    names = []
    for line in path.read_text().splitlines():
        name = line.split("#", 1)[0].strip()
        if name:
            names.append(name)
    return names


def write_names(path: Path, names: list[str], header: str) -> None:
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    path.write_text("\n".join(lines + sorted(set(names))) + "\n")


# ----------------------------------------------------------------------------- TF's API walk

def walk_tensorflow() -> list[str]:
    """TF's public names as `tf.`-prefixed dotted paths (needs TensorFlow importable)."""
    import types

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    api_root = "tensorflow._api.v2"
    packages_txt = Path(tf.__file__).parent / "_api" / "v2" / "api_packages.txt"
    packages = [line.strip() for line in packages_txt.read_text().splitlines() if line.strip()]
    namespaces = {p[len(api_root) + 1:] for p in packages if p.startswith(api_root + ".")}

    names: set[str] = set()

    def add_members(prefix: str, module: types.ModuleType, members: list[str]) -> None:
        for name in members:
            if name.startswith("_"):
                continue
            sub = f"{prefix}.{name}" if prefix else name
            if sub in namespaces or is_excluded("tf." + sub):
                continue  # walked as its own namespace (or left out)
            try:
                value = getattr(module, name)
            except Exception:  # TF's lazy loaders for absent extras (e.g. estimator)
                continue
            if isinstance(value, types.ModuleType):
                continue  # an implementation module leaking into a namespace, not API
            names.add("tf." + sub)

    add_members("", tf, list(tf.__all__))
    for ns in sorted(namespaces):
        if is_excluded("tf." + ns):
            continue
        module = importlib.import_module(f"{api_root}.{ns}")
        add_members(ns, module, dir(module))
    return sorted(names)


# ----------------------------------------------------------------------------- eagerflow side

_MISSING = object()


def resolve(dotted: str) -> object:
    """The eagerflow object at a `tf.`-prefixed path, or _MISSING (never raises)."""
    try:
        obj: object = importlib.import_module("eagerflow")
        for part in dotted.split(".")[1:]:
            obj = getattr(obj, part)
        return obj
    except Exception:
        return _MISSING


def resolves(dotted: str) -> bool:
    return resolve(dotted) is not _MISSING


def namespace_of(dotted: str) -> str:
    return dotted.rsplit(".", 1)[0]


def coverage(tf_names: list[str]) -> dict[str, tuple[list[str], list[str]]]:
    """namespace -> (covered names, missing names)."""
    table: dict[str, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for name in tf_names:
        covered, missing = table[namespace_of(name)]
        (covered if resolves(name) else missing).append(name)
    return dict(table)


# ----------------------------------------------------------------------------- checks

def check(tf_names: list[str], covered_now: set[str]) -> list[str]:
    """Failures of the committed lists against what resolves now."""
    known = set(tf_names)
    failures = []
    for name in read_names(UNSUPPORTED):
        if name not in known:
            failures.append(f"{name}: in api_unsupported.txt but not a TF 2.21 name")
        elif name in covered_now:
            failures.append(f"{name}: on the unsupported list but now resolves "
                            "(remove it from tools/api_unsupported.txt, then run --update)")
    for name in read_names(COVERED):
        if name not in known:
            failures.append(f"{name}: in api_covered.txt but not a TF 2.21 name")
        elif name not in covered_now:
            failures.append(f"{name}: in the covered baseline but no longer resolves")
    return failures


def report(table: dict[str, tuple[list[str], list[str]]], unsupported: set[str]) -> str:
    rows = [f"{'namespace':<42} {'covered':>7} {'total':>6} {'pct':>6} {'unsup':>6}"]
    total_cov = total = total_unsup = 0
    for ns in sorted(table):
        covered, missing = table[ns]
        n = len(covered) + len(missing)
        unsup = sum(1 for name in missing if name in unsupported)
        rows.append(f"{ns:<42} {len(covered):>7} {n:>6} {100 * len(covered) / n:>5.1f}% "
                    f"{unsup:>6}")
        total_cov, total, total_unsup = total_cov + len(covered), total + n, total_unsup + unsup
    rows.append(f"{'TOTAL':<42} {total_cov:>7} {total:>6} {100 * total_cov / total:>5.1f}% "
                f"{total_unsup:>6}")
    supported = total - total_unsup
    rows.append(f"TOTAL without the deliberately unsupported names: {total_cov}/{supported} "
                f"({100 * total_cov / supported:.1f}%)")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-tf", action="store_true",
                        help="use the committed tools/tf_2_21_api.txt even if TF is importable")
    parser.add_argument("--update", action="store_true",
                        help="rewrite tools/api_covered.txt with the names that resolve now")
    parser.add_argument("--write-tf-list", action="store_true",
                        help="rewrite tools/tf_2_21_api.txt from TensorFlow's live API")
    parser.add_argument("--missing", metavar="NAMESPACE", action="append", default=[],
                        help="list the missing names of a namespace (e.g. tf.math); repeatable")
    parser.add_argument("--quiet", action="store_true", help="print the totals line only")
    args = parser.parse_args(argv)

    committed = read_names(TF_LIST)
    tf_names = committed
    if not args.no_tf:
        try:
            tf_names = walk_tensorflow()
            source = "TensorFlow's live API"
        except ImportError:
            source = f"{TF_LIST.name} (TensorFlow not importable)"
    else:
        source = TF_LIST.name
    if tf_names is not committed and set(tf_names) != set(committed) and not args.write_tf_list:
        extra, gone = set(tf_names) - set(committed), set(committed) - set(tf_names)
        print(f"warning: {TF_LIST.name} differs from TF's live API ({len(extra)} new, "
              f"{len(gone)} gone); rerun with --write-tf-list", file=sys.stderr)
    if args.write_tf_list:
        if tf_names is committed:
            print("--write-tf-list needs TensorFlow importable", file=sys.stderr)
            return 2
        write_names(TF_LIST, tf_names, "TensorFlow 2.21's public API, generated by "
                    "`tools/api_coverage.py --write-tf-list`\n(excluded namespaces: "
                    + ", ".join(EXCLUDED_NAMESPACES) + ")")
    if not tf_names:
        print(f"no TF names: {TF_LIST} missing and TensorFlow not importable", file=sys.stderr)
        return 2

    table = coverage(tf_names)
    covered_now = {name for covered, _ in table.values() for name in covered}
    unsupported = set(read_names(UNSUPPORTED))
    text = report(table, unsupported)
    print(f"TF 2.21 public names from {source}: {len(tf_names)}")
    print(text if not args.quiet else text.splitlines()[-2])
    for ns in args.missing:
        print(f"\nmissing in {ns}:")
        for name in table.get(ns, ([], []))[1]:
            print(f"  {name}{'  (unsupported)' if name in unsupported else ''}")

    if args.update:
        write_names(COVERED, sorted(covered_now), "TF 2.21 names eagerflow resolves: the "
                    "regression baseline.\nRegenerate with `python tools/api_coverage.py "
                    "--update` after adding names.")
        print(f"wrote {COVERED} ({len(covered_now)} names)")
    failures = check(tf_names, covered_now)
    new = covered_now - set(read_names(COVERED))
    if new:
        print(f"{len(new)} names resolve but are not in the baseline "
              "(run `python tools/api_coverage.py --update`)")
    for failure in failures:
        print("FAIL " + failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
