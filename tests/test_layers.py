"""The house plan holds: the import-linter contracts in pyproject.toml are kept.

The contracts say which layer may import which (no textual below tui/, only mail/ opens
notmuch and only its session and store modules do, what lies above mail/ reaches the
store through the session, the domain core never reaches the store). The second test
plants a violation in a copy of the package, so a contract that stopped checking
anything would be noticed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed (pip install -e '.[test]')")


def _lint(package_parent: Path, config: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(package_parent))
    return subprocess.run([str(LINT), "--config", str(config), "--no-cache"], cwd=package_parent,
                          env=env, capture_output=True, text=True, timeout=300)


def test_contracts_are_kept() -> None:
    run = _lint(ROOT, ROOT / "pyproject.toml")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("model.py", "import textual\n", "imports textual"),
    ("policy/_planted.py", "import notmuch2\n", "one door"),
    ("patchmail/_planted.py", "from workbench.series import grouping\n", "Layers"),
    ("report/_planted.py", "from vfio_workbench_demo import demo_messages\n", "demo corpus"),
    ("report/_planted.py", "from workbench.mail.loader import load_records\n", "session door"),
    ("mail/loader.py", "import notmuch2\n", "Inside mail/"),
    ("tui/screens/_planted.py", "from workbench.tui import app\n", "never import it"),
    ("views/_planted.py", "import rich\n", "imports textual"),
])
def test_a_planted_violation_is_caught(tmp_path: Path, module: str, line: str, contract: str) -> None:
    shutil.copytree(ROOT / "workbench", tmp_path / "workbench", ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp_path / "workbench" / module
    target.write_text((target.read_text() if target.exists() else "") + line)
    run = _lint(tmp_path, ROOT / "pyproject.toml")
    assert run.returncode != 0
    broken = [ln for ln in run.stdout.splitlines() if ln.endswith("BROKEN")]
    assert any(contract in ln for ln in broken), run.stdout
