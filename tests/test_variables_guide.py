"""TensorFlow's variables guide runs unmodified on eagerflow and prints what TF 2.21 printed."""
import json
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
GUIDE = json.loads((ROOT / "tests/data/variables_guide.json").read_text())
ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def _normalise(text: str) -> str:
    return ADDRESS.sub(" at 0x?", text).strip()


def test_guide_script_prints_exactly_what_tensorflow_printed():
    run = subprocess.run([sys.executable, "-m", "eagerflow", "run", "examples/variables_guide.py"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    expected = "".join(cell["tensorflow_2_21_stdout"] for cell in GUIDE)
    assert _normalise(run.stdout) == _normalise(expected)


def test_guide_cells_match_one_by_one():
    code = (
        "import contextlib, io, json, sys\n"
        "from eagerflow.__main__ import alias_tensorflow\n"
        "alias_tensorflow()\n"
        "ns = {'__name__': '__main__'}\n"
        "out = []\n"
        "for cell in json.load(open(sys.argv[1])):\n"
        "    buf = io.StringIO()\n"
        "    with contextlib.redirect_stdout(buf):\n"
        "        exec(compile(cell['code'], f\"<cell {cell['cell']}>\", 'exec'), ns)\n"
        "    out.append(buf.getvalue())\n"
        "print(json.dumps(out))\n"
    )
    run = subprocess.run([sys.executable, "-c", code, str(ROOT / "tests/data/variables_guide.json")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    outputs = json.loads(run.stdout.strip().splitlines()[-1])
    for cell, got in zip(GUIDE, outputs):
        assert _normalise(got) == _normalise(cell["tensorflow_2_21_stdout"]), f"cell {cell['cell']}"


def test_guide_cells_print_nothing_to_stderr():
    run = subprocess.run([sys.executable, "-m", "eagerflow", "run", "examples/variables_guide.py"],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.stderr == ""
