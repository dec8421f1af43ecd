"""tools/api_coverage.py in its no-TensorFlow mode: the committed baseline still resolves."""
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tools" / "api_coverage.py"


@pytest.fixture(scope="module")
def coverage_tool():
    spec = importlib.util.spec_from_file_location("api_coverage", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def tf_names(coverage_tool):
    return coverage_tool.read_names(coverage_tool.TF_LIST)


def test_committed_tf_list_is_tf_2_21_core_api(tf_names, coverage_tool):
    assert len(tf_names) > 1500
    assert "tf.math.add" in tf_names and "tf.experimental.numpy.array" in tf_names
    assert not [name for name in tf_names if coverage_tool.is_excluded(name)]


def test_covered_baseline_names_still_resolve(coverage_tool):
    baseline = coverage_tool.read_names(coverage_tool.COVERED)
    assert baseline
    assert [name for name in baseline if not coverage_tool.resolves(name)] == []


def test_unsupported_names_do_not_resolve(coverage_tool):
    unsupported = coverage_tool.read_names(coverage_tool.UNSUPPORTED)
    assert unsupported
    assert [name for name in unsupported if coverage_tool.resolves(name)] == []


def test_every_unsupported_name_has_a_reason(coverage_tool):
    lines = [line for line in coverage_tool.UNSUPPORTED.read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert [line for line in lines if "#" not in line or not line.split("#", 1)[1].strip()] == []


def test_listed_names_are_tf_names(coverage_tool, tf_names):
    assert coverage_tool.check(tf_names, set(coverage_tool.read_names(coverage_tool.COVERED))) == []


def test_resolving_reports_a_raising_getattr_as_missing(coverage_tool):
    assert not coverage_tool.resolves("tf.math.no_such_function_anywhere")
    assert coverage_tool.resolves("tf.math.add")


def test_script_without_tensorflow_prints_totals_and_passes():
    result = subprocess.run([sys.executable, str(SCRIPT), "--no-tf"], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "TOTAL" in result.stdout and "tf.math " in result.stdout


def test_check_flags_unsupported_name_that_resolves(coverage_tool, tmp_path, monkeypatch):
    unsupported = tmp_path / "unsupported.txt"
    unsupported.write_text("tf.math.add  # pretend it is unsupported\n")
    monkeypatch.setattr(coverage_tool, "UNSUPPORTED", unsupported)
    monkeypatch.setattr(coverage_tool, "COVERED", tmp_path / "none.txt")
    failures = coverage_tool.check(["tf.math.add"], {"tf.math.add"})
    assert len(failures) == 1 and "now resolves" in failures[0]


def test_check_flags_baseline_name_that_stops_resolving(coverage_tool, tmp_path, monkeypatch):
    covered = tmp_path / "covered.txt"
    covered.write_text("tf.math.add\n")
    monkeypatch.setattr(coverage_tool, "COVERED", covered)
    monkeypatch.setattr(coverage_tool, "UNSUPPORTED", tmp_path / "none.txt")
    failures = coverage_tool.check(["tf.math.add"], set())
    assert len(failures) == 1 and "no longer resolves" in failures[0]


def test_update_writes_the_names_that_resolve(coverage_tool, tmp_path, monkeypatch):
    covered = tmp_path / "covered.txt"
    monkeypatch.setattr(coverage_tool, "COVERED", covered)
    monkeypatch.setattr(coverage_tool, "TF_LIST", tmp_path / "tf.txt")
    monkeypatch.setattr(coverage_tool, "UNSUPPORTED", tmp_path / "none.txt")
    (tmp_path / "tf.txt").write_text("tf.math.add\ntf.math.no_such_function_anywhere\n")
    assert coverage_tool.main(["--no-tf", "--update", "--quiet"]) == 0
    assert coverage_tool.read_names(covered) == ["tf.math.add"]
