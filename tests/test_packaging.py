"""The workbench as a user installs it: sdist and wheel built from a copy of the checkout,
the wheel pip-installed (not editable) into a fresh venv, and the installed command run.

An editable install finds ``keymaps/`` beside the package, so the rest of the suite could
never notice a wheel without its keymaps (the release blocker of issue 10: "unknown
keymap 'default' (named keymaps: none installed)"). Here nothing of the checkout is
importable: the venv has no system site-packages, the commands run from a scratch
directory, and a test checks that ``workbench`` is imported from the venv.

The wheel is built from the sdist (what ``python -m build`` does), so a file the sdist
forgets is missing from the wheel too. The wheel's dependencies come from the package
index through pip's own cache (a few seconds once cached).

What this costs is kept small without changing what is tested: the build runs in the
test venv (``--no-isolation``: its setuptools is the build-system requirement, pinned in
constraints.txt, and ``build`` checks it), the user's venv is made without a pip of its
own and filled by the test venv's pip (``--python``), without byte-compiling what is
installed (the installed command compiles what it imports on its first run). Each of
the three had made its own venv or compiled all of textual and pygments: 24 s of CPU
before, 5 s after.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import REPO

# the module-scoped fixtures are built once: under pytest-xdist its tests share one worker
pytestmark = pytest.mark.xdist_group(__name__)

# pip's cache makes the install take seconds: taken from the environment as it was when
# the suite started (the autouse fixture gives each test a scratch HOME).
_PIP_ENV = {k: v for k, v in os.environ.items() if not k.startswith("VFIO_WORKBENCH")}
_PIP_ENV.setdefault("PIP_CACHE_DIR", str(Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pip"))

_SKIP_COPY = shutil.ignore_patterns(".venv", ".git", "build", "dist", "*.egg-info", "__pycache__",
                                    ".pytest_cache", ".hypothesis", ".mypy_cache", ".ruff_cache", "tmp", "out")

NAMED_KEYMAPS = sorted(p.stem for p in (REPO / "keymaps").glob("*.toml"))


def _run(args: list[str], *, env: dict[str, str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return result


@dataclass(frozen=True)
class Built:
    sdist: Path
    wheel: Path
    venv: Path
    scratch: Path

    @property
    def command(self) -> Path:
        return self.venv / "bin" / "vfio-workbench"

    def env(self) -> dict[str, str]:
        """A user's environment with nothing of ours in it: own HOME, caches and config."""
        home = self.scratch / "home"
        home.mkdir(exist_ok=True)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("VFIO_WORKBENCH", "NOTMUCH", "PYTHON", "VIRTUAL_ENV"))}
        env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), XDG_CACHE_HOME=str(home / ".cache"),
                   PATH=f"{self.venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
        return env


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    scratch = tmp_path_factory.mktemp("packaging")
    source = scratch / "src"
    shutil.copytree(REPO, source, ignore=_SKIP_COPY)
    dist = scratch / "dist"
    _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(source)],
         env=_PIP_ENV, cwd=scratch)
    sdists, wheels = sorted(dist.glob("*.tar.gz")), sorted(dist.glob("*.whl"))
    assert len(sdists) == 1 and len(wheels) == 1, sorted(p.name for p in dist.iterdir())
    venv = scratch / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], env=_PIP_ENV, cwd=scratch)
    _run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "-q", "--no-compile",
          "-c", str(REPO / "constraints.txt"), str(wheels[0])], env=_PIP_ENV, cwd=scratch)
    return Built(sdists[0], wheels[0], venv, scratch)


def test_sdist_carries_the_keymaps_and_the_build_files(built: Built) -> None:
    with tarfile.open(built.sdist) as tar:
        names = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
    assert NAMED_KEYMAPS, "the checkout has no keymaps/*.toml"
    for name in NAMED_KEYMAPS:
        assert f"keymaps/{name}.toml" in names
    assert {"keymaps/README.md", "setup.py", "MANIFEST.in", "pyproject.toml", "constraints.txt", "dev",
            "workbench/tui/app.tcss"} <= names


def test_wheel_has_the_keymaps_inside_the_package(built: Built) -> None:
    with zipfile.ZipFile(built.wheel) as whl:
        names = set(whl.namelist())
    for name in NAMED_KEYMAPS:
        assert f"workbench/keymaps/{name}.toml" in names
    assert "workbench/tui/app.tcss" in names
    assert any(n.startswith("workbench/replies/templates/") and n.endswith(".txt") for n in names)
    assert not any(n.startswith("keymaps/") for n in names), "keymaps/ must not become a top-level package"
    # the demo corpus: a package of its own beside workbench, none of it inside
    assert {"vfio_workbench_demo/__init__.py", "vfio_workbench_demo/mailwriter.py",
            "vfio_workbench_demo/code/mlx5.py"} <= names
    assert not any(n.startswith("workbench/demo/") for n in names)


def test_installed_package_is_the_wheel_not_the_checkout(built: Built) -> None:
    result = _run([str(built.venv / "bin" / "python"), "-c",
                   "import workbench, workbench.tui.keymap as k; print(workbench.__file__); "
                   "print(k.KEYMAP_DIR); print(','.join(k.named_keymaps()))"],
                  env=built.env(), cwd=built.scratch)
    module, keymap_dir, names = result.stdout.splitlines()
    assert Path(module).is_relative_to(built.venv), module
    assert Path(keymap_dir).is_relative_to(built.venv), keymap_dir
    assert names.split(",") == NAMED_KEYMAPS


def test_installed_version(built: Built) -> None:
    import workbench

    result = _run([str(built.command), "--version"], env=built.env(), cwd=built.scratch)
    assert result.stdout.strip() == f"vfio-workbench {workbench.__version__}"


def test_installed_demo_report(built: Built) -> None:
    result = _run([str(built.command), "--demo", "--report"], env=built.env(), cwd=built.scratch)
    first = result.stdout.splitlines()[0]
    assert first.startswith("vfio-workbench report: ") and " series" in first
    assert str(built.scratch / "home") in result.stdout  # the demo store was built for this user
    # the record cache was stored by the writer process the installed package starts
    (cache,) = (built.scratch / "home" / ".cache" / "vfio-workbench" / "mail").glob("*.sqlite")
    conn = sqlite3.connect(cache)
    try:
        records = conn.execute("SELECT count(*) FROM records").fetchone()[0]
        rev = conn.execute("SELECT value FROM meta WHERE key = 'rev'").fetchone()
    finally:
        conn.close()
    assert records > 20 and rev is not None


@pytest.mark.parametrize("keymap", NAMED_KEYMAPS)
def test_installed_screenshot_with_each_named_keymap(built: Built, keymap: str) -> None:
    svg = built.scratch / f"{keymap}.svg"
    _run([str(built.command), "--demo", "--keymap", keymap, "--screenshot", str(svg), "--size", "120x30"],
         env=built.env(), cwd=built.scratch)
    text = svg.read_text(encoding="utf-8")
    assert text.startswith("<svg") and "vfio-workbench" in text
