"""Crash safety of the record cache: a run killed at any moment (kill -9, no cleanup) and
a cache file damaged on disk must never turn into a wrong report.

The reference is always the same store read with ``--no-cache``. Faults injected:
SIGKILL to the whole process group at several delays into a cold run (while parsing in
the worker pool, while saving, after); SIGKILL from inside the SQLite transaction, after
half the rows were written and before COMMIT (deterministic, on the real cache code);
SIGKILL during an incremental update after new mail arrived; a truncated cache file, a
file of garbage, a row whose record blob is garbage, and rows deleted behind the cache's
back. After each, the next run must print exactly the reference report, and a run after
that (warm) as well.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import REPO, shared_path
from vfio_workbench_demo.mailwriter import deliver, index_files

# the module-scoped fixtures are built once: under pytest-xdist its tests share one worker
pytestmark = pytest.mark.xdist_group(__name__)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from vfio_workbench_demo.mailwriter import build_store

    files = sorted(shared_path("corpus", "lore-vfio", "variant").glob("*.eml"))[:400]
    return build_store(tmp_path_factory.mktemp("cachecrash") / "mail", [f.read_bytes() for f in files])


@pytest.fixture(scope="module")
def data() -> Path:
    return shared_path("data")


def argv(store: Path, data: Path, cache: Path | None) -> list[str]:
    args = [sys.executable, "-m", "workbench", "--report", "--format", "json", "--all", "--db", str(store),
            "--query", "*", "--maintainers", str(data / "MAINTAINERS"), "--mailmap", str(data / "mailmap")]
    return args + (["--cache-dir", str(cache)] if cache else ["--no-cache"])


def env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(REPO))


def run(args: list[str]) -> str:
    proc = subprocess.run(args, capture_output=True, text=True, env=env(), timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def reference(store: Path, data: Path) -> tuple[str, float]:
    t0 = time.perf_counter()
    out = run(argv(store, data, None))
    assert len(json.loads(out)["series"]) > 10
    return out, time.perf_counter() - t0


def kill_after(args: list[str], delay: float) -> int | None:
    """Start a run in its own process group, SIGKILL the group after ``delay`` seconds.
    Returns the exit status when the run finished first."""
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env(),
                            start_new_session=True)
    try:
        proc.wait(timeout=delay)
        return proc.returncode
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return None


def cache_files(cache: Path) -> list[Path]:
    return sorted((cache / "mail").glob("*.sqlite")) if (cache / "mail").exists() else []


def test_kill_9_at_several_delays_never_gives_a_wrong_report(store: Path, data: Path, tmp_path: Path,
                                                             reference: tuple[str, float]) -> None:
    expected, cold = reference
    outcomes = []
    for i, fraction in enumerate((0.3, 0.6, 0.85, 1.0)):
        cache = tmp_path / f"cache{i}"
        status = kill_after(argv(store, data, cache), cold * fraction)
        outcomes.append((fraction, "finished" if status is not None else "killed", len(cache_files(cache))))
        assert run(argv(store, data, cache)) == expected, f"wrong report after a kill at {fraction:.2f} x cold"
        assert run(argv(store, data, cache)) == expected, "wrong warm report"
    assert any(o[1] == "killed" for o in outcomes), outcomes


DYING_SAVE = textwrap.dedent("""
    import os, signal
    from workbench.mail import cache as C
    original = C.MailCache.save

    def save(self, state, rows, keep=None):
        rows = list(rows)
        def dying():
            for i, row in enumerate(rows):
                if i == len(rows) // 2:
                    os.kill(os.getpid(), signal.SIGKILL)  # half written, no COMMIT
                yield row
        return original(self, state, dying(), keep)

    C.MailCache.save = save
""")

KILL_IN_TRANSACTION = DYING_SAVE + textwrap.dedent("""
    import sys
    from workbench import cli
    from workbench.mail import cache_writer, loader
    if sys.argv[1] == "writer":  # the cache writer process dies; the run goes on
        cache_writer._BOOT = ("import sys; sys.path[:0] = __import__('json').loads(sys.argv[1])\\n"
                              + DYING_SAVE + "\\nfrom workbench.mail.cache_writer import main; sys.exit(main(sys.argv[2:]))")
    else:  # no writer can be started: the run saves itself, and dies
        loader.start_writer = lambda job, spool: None
    sys.exit(cli.main(sys.argv[2:]))
""").replace("DYING_SAVE", repr(DYING_SAVE), 1)


def kill_in_transaction(where: str, args: list[str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-c", KILL_IN_TRANSACTION, where, *args], capture_output=True,
                          env=env(), timeout=300)


def stored(cache: Path) -> tuple[int, str | None]:
    """(records, revision) the cache file holds."""
    (path,) = cache_files(cache)
    conn = sqlite3.connect(path)
    try:
        rev = conn.execute("SELECT value FROM meta WHERE key = 'rev'").fetchone()
        return conn.execute("SELECT count(*) FROM records").fetchone()[0], rev[0] if rev else None
    finally:
        conn.close()


def test_kill_inside_the_cache_writers_transaction(store: Path, data: Path, tmp_path: Path,
                                                   reference: tuple[str, float]) -> None:
    """The save runs in a writer process of its own: killed half-way, it leaves the file
    as it was (empty, no state), the run's report is right, and the next runs too."""
    expected, _cold = reference
    cache = tmp_path / "cache"
    proc = kill_in_transaction("writer", argv(store, data, cache)[3:])
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.decode() == expected
    assert stored(cache) == (0, None), "the writer died inside its transaction: nothing of it is kept"
    shutil.rmtree(cache / "reports")  # the run's kept report is sound; the next run loads records
    assert run(argv(store, data, cache)) == expected
    records, rev = stored(cache)
    assert records == 400 and rev is not None, "the next run's writer stored the result set"
    shutil.rmtree(cache / "reports")
    assert run(argv(store, data, cache)) == expected


def test_kill_inside_the_cache_transaction_without_a_writer(store: Path, data: Path, tmp_path: Path,
                                                            reference: tuple[str, float]) -> None:
    expected, _cold = reference
    cache = tmp_path / "cache"
    proc = kill_in_transaction("inline", argv(store, data, cache)[3:])
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]
    assert cache_files(cache), "the cache file existed when the run died"
    assert run(argv(store, data, cache)) == expected
    assert run(argv(store, data, cache)) == expected


@pytest.mark.parametrize("where", ["writer", "inline"])
def test_kill_during_incremental_update(where: str, tmp_path: Path, data: Path) -> None:
    """Warm cache, then new mail arrives; the run that updates the cache is killed inside
    its transaction. The next run must show the new mail (not the stale cached set)."""
    from vfio_workbench_demo.mailwriter import build_store

    files = sorted(shared_path("corpus", "lore-vfio", "variant").glob("*.eml"))
    root = build_store(tmp_path / "mail", [f.read_bytes() for f in files[:150]])
    cache = tmp_path / "cache"
    run(argv(root, data, cache))
    index_files(root, [deliver(root / "INBOX", f.read_bytes()) for f in files[150:220]])
    expected = run(argv(root, data, None))
    proc = kill_in_transaction(where, argv(root, data, cache)[3:])
    assert proc.returncode == (0 if where == "writer" else -signal.SIGKILL)
    assert stored(cache)[0] == 150, "the killed transaction added nothing"
    assert run(argv(root, data, cache)) == expected
    assert run(argv(root, data, cache)) == expected


def _damage_truncate(path: Path) -> None:
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        fh.truncate(size // 2)


def _damage_garbage(path: Path) -> None:
    path.write_bytes(os.urandom(4096) * 8)


def _damage_blob(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("UPDATE records SET blob = x'00ff00ff' WHERE rowid IN (SELECT rowid FROM records LIMIT 3)")
    conn.commit()
    conn.close()


def _damage_rows(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM records WHERE rowid IN (SELECT rowid FROM records LIMIT 5)")
    conn.commit()
    conn.close()


def _damage_meta(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = 'not a number' WHERE key = 'rev'")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("damage", [_damage_truncate, _damage_garbage, _damage_blob, _damage_rows, _damage_meta],
                         ids=["truncated", "garbage", "bad-blob", "rows-deleted", "bad-meta"])
def test_damaged_cache_file_is_detected_and_rebuilt(damage, store: Path, data: Path, tmp_path: Path,
                                                    reference: tuple[str, float]) -> None:
    expected, _cold = reference
    cache = tmp_path / "cache"
    assert run(argv(store, data, cache)) == expected
    (path,) = cache_files(cache)
    # fold the WAL into the main file first, so the damage hits the real data
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    damage(path)
    # without the kept report, so that the runs read the damaged record cache
    shutil.rmtree(cache / "reports")
    assert run(argv(store, data, cache)) == expected
    shutil.rmtree(cache / "reports")
    assert run(argv(store, data, cache)) == expected
    # rebuilt: a sound SQLite file holding every message of the query again
    conn = sqlite3.connect(cache_files(cache)[0])
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM records").fetchone()[0] == 400
    conn.close()
