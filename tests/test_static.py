"""Lint and types are part of the test command: ``./dev test`` fails on either.

ruff (rules and exceptions in pyproject.toml, ``[tool.ruff]``) reads the product, the
demo corpus, the tests and the benchmarks; mypy (``[tool.mypy]``, untyped functions
checked too) reads the product and the demo corpus. Both run as the installed commands
of this venv, the way a contributor runs them by hand, with their caches (.ruff_cache,
.mypy_cache): a run after a small change rechecks only what changed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _tool(name: str) -> Path:
    path = BIN / name
    if not path.exists():
        pytest.skip(f"{name} is not installed (pip install -e '.[test]')")
    return path


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_is_clean() -> None:
    run = _run(str(_tool("ruff")), "check", "workbench", "vfio_workbench_demo", "tests",
               "benchmarks", "screenshots")
    assert run.returncode == 0, run.stdout + run.stderr


def test_mypy_is_clean() -> None:
    run = _run(str(_tool("mypy")), "workbench", "vfio_workbench_demo")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Success" in run.stdout
