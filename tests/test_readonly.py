"""Read-only by proof: a report run and a scripted TUI session over a real notmuch store
leave every file under the maildir (and the Xapian database inside it) byte-for-byte,
name-for-name and mtime-for-mtime as they were, and the database revision where it was.
The only thing a run may write is its own cache, under the cache directory.

Why a proof and not a promise: the maintainer points this at a decade of mail; a stray
``db.add`` or a maildir flag rename would be silent data loss. Hashing the whole tree
catches anything a code review could miss (an opened-for-write file, a renamed message,
a touched directory).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import notmuch2
import pytest

from conftest import REPO, shared_path
from workbench.config import Settings

# the module-scoped fixtures are built once: under pytest-xdist its tests share one worker
pytestmark = pytest.mark.xdist_group(__name__)

Snapshot = dict[str, tuple[str, int, int]]


def snapshot(root: Path) -> Snapshot:
    """Every file and directory under ``root``: content hash, size, mtime (ns)."""
    out: Snapshot = {}
    for dirpath, _dirnames, filenames in os.walk(root):
        d = Path(dirpath)
        st = d.stat()
        out[str(d.relative_to(root)) + "/"] = ("dir", 0, st.st_mtime_ns)
        for name in filenames:
            p = d / name
            st = p.stat()
            out[str(p.relative_to(root))] = (hashlib.sha256(p.read_bytes()).hexdigest(), st.st_size, st.st_mtime_ns)
    return out


def files_under(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def db_revision(root: Path) -> tuple[int, str]:
    db = notmuch2.Database(str(root), mode=notmuch2.Database.MODE.READ_ONLY,
                           config=notmuch2.Database.CONFIG.EMPTY)
    try:
        rev = db.revision()
        return int(rev.rev), str(rev.uuid)
    finally:
        db.close()


def diff(before: Snapshot, after: Snapshot) -> list[str]:
    changed = [k for k in before if k in after and before[k] != after[k]]
    return ([f"changed {k}" for k in changed] + [f"removed {k}" for k in before if k not in after]
            + [f"added {k}" for k in after if k not in before])


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """400 real list mails (more than the loader's process-pool threshold, so the
    parallel path is exercised too) in a real notmuch store of this module's own."""
    from vfio_workbench_demo.mailwriter import build_store

    corpus = shared_path("corpus", "lore-vfio", "variant")
    files = sorted(corpus.glob("*.eml"))[:400]
    return build_store(tmp_path_factory.mktemp("ro") / "mail", [f.read_bytes() for f in files])


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"), XDG_CONFIG_HOME=str(home / ".config"),
               PYTHONPATH=str(REPO))
    return env


def test_report_leaves_maildir_and_database_untouched(store: Path, data_dir: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    cache = tmp_path / "cache"
    before, rev_before, home_before = snapshot(store), db_revision(store), files_under(home)
    assert any(k.startswith(".notmuch/") for k in before), "the Xapian files are part of the proof"
    for fmt in ("json", "text", "markdown", "json"):  # the last run is answered from the warm cache
        proc = subprocess.run(
            [sys.executable, "-m", "workbench", "--report", "--format", fmt, "--all", "--db", str(store),
             "--query", "*", "--maintainers", str(data_dir / "MAINTAINERS"),
             "--mailmap", str(data_dir / "mailmap"), "--cache-dir", str(cache)],
            capture_output=True, text=True, env=_env(home), timeout=300,
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert "Traceback" not in proc.stderr
        assert proc.stdout.strip()
    assert diff(before, snapshot(store)) == []
    assert db_revision(store) == rev_before
    # the run's own writes: the cache, and only under the cache dir
    written = files_under(cache)
    assert any(name.endswith(".sqlite") for name in written), written
    assert files_under(home) == home_before, "nothing written to $HOME / XDG places"


def test_tui_session_leaves_maildir_and_database_untouched(store: Path, data_dir: Path, tmp_path: Path) -> None:
    try:
        from textual.widgets import DataTable

        from workbench.tui.app import WorkbenchApp
        from workbench.tui.launch import settle
    except ImportError as err:  # pragma: no cover - the TUI is part of the package
        pytest.skip(f"the TUI is not importable yet: {err}")
    cache = tmp_path / "cache"
    settings = Settings(db_path=store, query="*", maintainers=data_dir / "MAINTAINERS",
                        mailmap=data_dir / "mailmap", cache_dir=cache, show_all=True)
    before, rev_before = snapshot(store), db_revision(store)
    app = WorkbenchApp(settings)
    visited: list[str] = []

    async def main() -> None:
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot, timeout=120)
            assert app.load_error is None
            table = app.list_screen.query_one("#series", DataTable)
            assert table.row_count > 5
            for row in (0, 3):
                table.move_cursor(row=row)
                await pilot.press("enter")
                await settle(pilot)
                visited.append(type(app.screen).__name__)
                for key in ("d", "escape", "t", "escape", "v", "escape"):
                    await pilot.press(key)
                    await settle(pilot)
                    visited.append(type(app.screen).__name__)
                await pilot.press("escape")
                await settle(pilot)
            await pilot.press("question_mark")
            await pilot.pause()
            await pilot.press("escape")
            await pilot.press("r")  # reload: the warm-cache path
            await settle(pilot)
            assert app.load_error is None
            await pilot.press("q")
            await pilot.pause()

    asyncio.run(main())
    assert {"SeriesScreen", "HunkScreen", "ThreadScreen", "VersionsScreen"} <= set(visited), visited
    assert diff(before, snapshot(store)) == []
    assert db_revision(store) == rev_before
    assert any(name.endswith(".sqlite") for name in files_under(cache))


def test_the_only_write_is_the_draft_the_user_saves(store: Path, data_dir: Path, tmp_path: Path) -> None:
    """A TUI session that drafts and saves one reply (ctrl+s) on a copy of the store:
    the diff is exactly one new file in Drafts/cur (plus the Drafts folders and the Xapian
    files that index it); every message file is as it was, and the revision moves."""
    import shutil

    from textual.widgets import DataTable

    from workbench.model import Person
    from workbench.tui.app import WorkbenchApp
    from workbench.tui.launch import settle
    from workbench.tui.screens.draft import DraftScreen

    root = tmp_path / "mail"
    shutil.copytree(store, root)
    settings = Settings(db_path=root, query="*", maintainers=data_dir / "MAINTAINERS", mailmap=data_dir / "mailmap",
                        cache_dir=tmp_path / "cache", show_all=True,
                        me=Person("Alex Williamson", "alex.williamson@redhat.com"))
    before, rev_before = snapshot(root), db_revision(root)
    app = WorkbenchApp(settings)

    async def main() -> None:
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot, timeout=120)
            table = app.list_screen.query_one("#series", DataTable)
            for row in range(min(table.row_count, 8)):
                table.move_cursor(row=row)
                await pilot.press("enter")
                await settle(pilot)
                for key in ("T", "R", "D", "I", "A"):
                    await pilot.press(key)
                    await settle(pilot)
                    if type(app.screen).__name__ == "ChoiceScreen":
                        await pilot.press("enter")
                        await settle(pilot)
                    if isinstance(app.screen, DraftScreen):
                        break
                if isinstance(app.screen, DraftScreen):
                    break
                await pilot.press("escape")
                await settle(pilot)
            assert isinstance(app.screen, DraftScreen), "no series offered a draft"
            await pilot.press("ctrl+s")
            for _ in range(300):
                if app.last_saved_draft is not None:
                    break
                await pilot.pause(0.1)
            await pilot.press("q")

    asyncio.run(main())
    saved = app.last_saved_draft
    assert saved is not None and saved.indexed, saved
    after = snapshot(root)
    changes = diff(before, after)
    draft_file = str(saved.path.relative_to(root))
    assert draft_file.startswith("Drafts/cur/") and f"added {draft_file}" in changes
    outside_db = [c for c in changes if not c.split(" ", 1)[1].startswith((".notmuch/", "Drafts/", "./"))]
    assert outside_db == [], outside_db
    assert [c for c in changes if c.startswith("added Drafts/") and not c.endswith("/")] == [f"added {draft_file}"]
    messages = {k: v for k, v in before.items() if not k.startswith((".notmuch/", "./", ".notmuch"))}
    assert all(after.get(k) == v for k, v in messages.items() if not k.endswith("/")), "a message file changed"
    assert db_revision(root)[0] > rev_before[0]
