"""The repository itself: its licence and citation agree with pyproject.toml, and the code
passes `ruff check` everywhere and `ruff format --check` on the formatted roots (CI runs
only `make test`, so these are tests)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Formatted with `ruff format`, and kept so (the files named in UNFORMATTED excepted).
FORMATTED = (
    "benchmarks",
    "cadre_sim",
    "dashboards",
    "experiments",
    "model",
    "tests/__init__.py",
    "tests/conftest.py",
    "tests/benchmarks",
    "tests/cli",
    "tests/dashboards",
    "tests/experiments",
    "tests/model",
    "tests/figures.py",
    "tests/test_figures_check.py",
    "tests/test_layers.py",
    "tests/test_repo.py",
)
UNFORMATTED = ("experiments/findings.py",)  # pre-registered criteria: not reformatted here


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _ruff() -> list[str]:
    exe = Path(sys.executable).with_name("ruff")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("ruff")
    if found is None:
        pytest.fail("ruff is not installed: `make install` installs the dev tools")
    return [found]


def test_licence_file_is_the_licence_pyproject_names() -> None:
    assert _project()["license"] == {"text": "MIT"}
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n") and "cadre-sim contributors" in text
    assert 'THE SOFTWARE IS PROVIDED "AS IS"' in text


def test_citation_agrees_with_the_package() -> None:
    import yaml

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "software"
    assert cff["version"] == _project()["version"] and cff["license"] == "MIT"
    assert cff["title"].startswith(_project()["name"]) and cff["authors"]


def test_ruff_check_passes() -> None:
    r = subprocess.run(
        [*_ruff(), "check", "."], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_ruff_format_check_passes_on_the_formatted_roots() -> None:
    excluded = [a for f in UNFORMATTED for a in ("--exclude", f)]
    r = subprocess.run(
        [*_ruff(), "format", "--check", *excluded, *FORMATTED],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stdout + r.stderr
