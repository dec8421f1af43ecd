"""Every ```python snippet of the README runs as written, each in a fresh interpreter."""
import pathlib
import re
import subprocess
import sys

import pytest

README = pathlib.Path(__file__).resolve().parent.parent / "README.md"
SNIPPETS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_has_snippets():
    assert len(SNIPPETS) >= 4


@pytest.mark.parametrize("code", SNIPPETS, ids=[s.splitlines()[0][:50] for s in SNIPPETS])
def test_readme_snippet_runs(code, tmp_path):
    # Snippets assume `import eagerflow as tf` unless they import it themselves.
    prelude = "" if "import eagerflow as tf" in code or "import tensorflow as tf" in code else "import eagerflow as tf\n"
    if "import tensorflow" in code:
        prelude = "from eagerflow._src import tensorflow_alias; tensorflow_alias.install()\n" + prelude
    done = subprocess.run([sys.executable, "-c", prelude + code], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
