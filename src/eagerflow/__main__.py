"""Command line: `python -m eagerflow run SCRIPT [ARGS...]` and `python -m eagerflow devices`.

`run` executes an unmodified TensorFlow script with `import tensorflow` resolving to eagerflow.
"""
from __future__ import annotations

import argparse
import runpy
import sys


def alias_tensorflow() -> None:
    """Makes `import tensorflow` (and `tensorflow.xyz` submodules) resolve to eagerflow."""
    from eagerflow._src import tensorflow_alias

    tensorflow_alias.install()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="eagerflow", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run a TensorFlow script on eagerflow")
    run.add_argument("script")
    run.add_argument("args", nargs=argparse.REMAINDER)
    commands.add_parser("devices", help="list the devices eagerflow sees")
    options = parser.parse_args(argv)
    if options.command == "run":
        alias_tensorflow()
        sys.argv = [options.script, *options.args]
        runpy.run_path(options.script, run_name="__main__")
        return 0
    import eagerflow

    for d in eagerflow.config.list_logical_devices():
        print(d)
    return 0


if __name__ == "__main__":
    sys.exit(main())
