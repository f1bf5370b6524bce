"""Database faults: each gives one clear line and exit 2 (never a traceback), or a recovery.

Faults injected, all on real notmuch databases: a --db that does not exist, a plain
directory, a regular file, a damaged Xapian database, an emptied Xapian directory, a
database written by a newer notmuch (format version 99), one that requires a feature
this notmuch lacks, one of an old format that needs an upgrade (version 1, no feature
list), a database held open by a writer in another process, a writer committing in a
loop while the loader reads, message files deleted after indexing (with and without a
second copy of the message), and the TUI started on each bad database (it must stay up
and say what happened) or on a store whose message files were deleted.

The format faults are made for real: notmuch keeps its format version and feature list
in Xapian metadata, which neither libnotmuch nor the notmuch CLI can write, and Xapian's
Python bindings are not installed; so a child process calls libxapian's C++
``WritableDatabase::set_metadata`` through ctypes (the libstdc++ std::string layout is
built by hand). Those tests skip when libxapian.so.30 or its symbols are not there.

Xapian's DatabaseModifiedError is met for real by the concurrent-writer test, but only as
a race (about one run in three): a reader paused mid-iteration while another process
commits retags does not hit it. When it hits, libnotmuch 0.37 does not turn it into a
status: the C++ exception escapes message iteration and the process aborts. The loader
therefore walks a query in a child process (``store.list_isolated``) and retries when it
dies; the loads here still run in a child, so a regression fails this test with the
child's last words instead of taking the whole pytest run down.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import REPO
from vfio_workbench_demo.maintainers_text import MAINTAINERS
from vfio_workbench_demo.mailwriter import deliver, index_files
from workbench.config import Settings
from workbench.errors import StoreError
from workbench.mail.loader import load_records

AUTHOR = "Yishai Hadas <yishaih@nvidia.com>"


def patch_mail(msgid: str, title: str, n: int = 1, total: int = 1, irt: str | None = None) -> bytes:
    path = "drivers/vfio/pci/mlx5/main.c"
    refs = f"In-Reply-To: <{irt}>\nReferences: <{irt}>\n" if irt else ""
    return (f"From: {AUTHOR}\nTo: kvm@vger.kernel.org\nSubject: [PATCH {n}/{total}] {title}\n"
            f"Date: Mon, 3 Feb 2025 10:0{n}:00 +0000\nMessage-Id: <{msgid}>\n{refs}\n"
            f"Change {n}.\n\nSigned-off-by: {AUTHOR}\n---\n"
            f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n@@ -1,1 +1,2 @@\n int a;\n+int b{n};\n"
            ).encode()


@pytest.fixture
def maintainers(tmp_path: Path) -> Path:
    path = tmp_path / "MAINTAINERS"
    path.write_text(MAINTAINERS)
    return path


def report(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "workbench", "--report", *args], capture_output=True, text=True,
                          env=env, timeout=timeout)


def assert_clear_failure(proc: subprocess.CompletedProcess, *needles: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stdout[-500:], proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("vfio-workbench: "), proc.stderr
    for needle in needles:
        assert needle in proc.stderr, proc.stderr


# --- wrong places ------------------------------------------------------------------------


def test_missing_database(tmp_path: Path, maintainers: Path) -> None:
    proc = report("--db", str(tmp_path / "nowhere"), "--maintainers", str(maintainers))
    assert_clear_failure(proc, "does not exist", "--db")


def test_plain_directory(tmp_path: Path, maintainers: Path) -> None:
    (tmp_path / "maildir" / "cur").mkdir(parents=True)
    proc = report("--db", str(tmp_path / "maildir"), "--maintainers", str(maintainers))
    assert_clear_failure(proc, "not a notmuch database", "notmuch new")


def test_regular_file(tmp_path: Path, maintainers: Path) -> None:
    (tmp_path / "file").write_text("not a database")
    proc = report("--db", str(tmp_path / "file"), "--maintainers", str(maintainers))
    assert_clear_failure(proc, "not a directory")


def test_no_db_and_no_notmuch_config(tmp_path: Path, maintainers: Path) -> None:
    """No --db and no notmuch configuration anywhere ($HOME is an empty tmp dir here)."""
    proc = report("--maintainers", str(maintainers))
    assert_clear_failure(proc, "--db")


def test_damaged_xapian_database(make_store, tmp_path: Path, maintainers: Path) -> None:
    root = make_store([patch_mail("a@x", "vfio/mlx5: one")])
    for f in (root / ".notmuch" / "xapian").glob("*.glass"):
        f.write_bytes(b"\x00garbage" * 64)
    proc = report("--db", str(root), "--maintainers", str(maintainers), "--cache-dir", str(tmp_path / "c"))
    assert_clear_failure(proc, str(root))


def test_empty_xapian_directory(make_store, tmp_path: Path, maintainers: Path) -> None:
    root = make_store([patch_mail("a@x", "vfio/mlx5: one")])
    for f in (root / ".notmuch" / "xapian").iterdir():
        f.unlink()
    proc = report("--db", str(root), "--maintainers", str(maintainers), "--cache-dir", str(tmp_path / "c"))
    assert_clear_failure(proc, str(root))


# --- format faults (a newer notmuch, a missing feature, an old format) ---------------------

SET_METADATA = textwrap.dedent(r"""
    import ctypes, os, sys
    lib = ctypes.CDLL("libxapian.so.30")
    STR = "NSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE"
    try:
        ctor = getattr(lib, "_ZN6Xapian16WritableDatabaseC1ERK" + STR + "ii")
        setm = getattr(lib, "_ZN6Xapian16WritableDatabase12set_metadataERK" + STR + "S8_")
        commit = getattr(lib, "_ZN6Xapian16WritableDatabase6commitEv")
        close = getattr(lib, "_ZN6Xapian8Database5closeEv")
    except AttributeError as err:
        print("nosymbol", err, flush=True)
        os._exit(5)
    keep = []

    def cxx_string(value):
        # libstdc++ std::string: {char *p; size_t length; union {char buf[16]; size_t capacity}}
        data = ctypes.create_string_buffer(value, len(value) + 1)
        s = (ctypes.c_size_t * 4)(ctypes.addressof(data), len(value), len(value), 0)
        keep.append((data, s))
        return s

    db = (ctypes.c_char * 1024)()  # room for a Xapian::WritableDatabase (32 bytes in 1.4)
    ctor(db, cxx_string(os.fsencode(sys.argv[1])), 3, 0)  # Xapian::DB_OPEN
    for pair in sys.argv[2:]:
        key, _, value = pair.partition("=")
        setm(db, cxx_string(key.encode()), cxx_string(value.encode().decode("unicode_escape").encode()))
    commit(db)
    close(db)
    print("ok", flush=True)
    os._exit(0)  # no C++ destructors: the objects were built by hand
""")


def set_notmuch_metadata(root: Path, **values: str) -> None:
    """Rewrite notmuch's own Xapian metadata (``version``, ``features``) of a real store."""
    try:
        import ctypes

        ctypes.CDLL("libxapian.so.30")
    except OSError as err:
        pytest.skip(f"libxapian.so.30 is not loadable, cannot write Xapian metadata: {err}")
    proc = subprocess.run([sys.executable, "-c", SET_METADATA, str(root / ".notmuch" / "xapian"),
                           *(f"{k}={v}" for k, v in values.items())], capture_output=True, text=True, timeout=60)
    if proc.returncode == 5:
        pytest.skip(f"this libxapian lacks the symbols used: {proc.stdout.strip()}")
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", (proc.returncode, proc.stdout, proc.stderr)


def open_error(root: Path, mode: str = "READ_ONLY") -> str | None:
    """What libnotmuch itself says when opening ``root`` (None: it opens), so a test proves
    the fault is real before judging the workbench's message."""
    import notmuch2

    try:
        db = notmuch2.Database(str(root), mode=getattr(notmuch2.Database.MODE, mode),
                               config=notmuch2.Database.CONFIG.EMPTY)
    except notmuch2.NotmuchError as err:
        return f"{type(err).__name__}: {err}"
    db.close()
    return None


def newer_format_store(make_store) -> Path:
    root = make_store([patch_mail("a@x", "vfio/mlx5: one")])
    set_notmuch_metadata(root, version="99")
    assert "newer database format version (99)" in (open_error(root) or ""), "the fault was not made"
    return root


def test_database_from_a_newer_notmuch(make_store, tmp_path: Path, maintainers: Path) -> None:
    root = newer_format_store(make_store)
    proc = report("--db", str(root), "--maintainers", str(maintainers), "--cache-dir", str(tmp_path / "c"))
    assert_clear_failure(proc, str(root), "newer database format version (99)")


def test_database_from_a_newer_notmuch_gives_the_right_advice(make_store, tmp_path: Path,
                                                              maintainers: Path) -> None:
    root = newer_format_store(make_store)
    proc = report("--db", str(root), "--maintainers", str(maintainers), "--cache-dir", str(tmp_path / "c"))
    assert_clear_failure(proc, str(root))
    assert "check --db" not in proc.stderr and "upgrade notmuch" in proc.stderr, proc.stderr


def test_database_requiring_an_unknown_feature(make_store, tmp_path: Path, maintainers: Path) -> None:
    root = make_store([patch_mail("a@x", "vfio/mlx5: one")])
    set_notmuch_metadata(root, features="time travel\\trw\\n")
    assert "requires features (time travel)" in (open_error(root) or "")
    proc = report("--db", str(root), "--maintainers", str(maintainers), "--cache-dir", str(tmp_path / "c"))
    assert_clear_failure(proc, str(root), "requires features (time travel)")


def test_database_needing_an_upgrade_is_still_read(make_store, tmp_path: Path, maintainers: Path) -> None:
    """An old-format database (version 1, no feature list: what notmuch before 0.17 wrote).
    notmuch says it needs an upgrade (only a writer is told, and only a writer may do it);
    a reader can read it, and the workbench never upgrades it behind the user's back: the
    report is produced, the database files stay as they were."""
    import hashlib

    import notmuch2

    root = make_store([patch_mail("old@x", "vfio/mlx5: old")])
    set_notmuch_metadata(root, version="1", features="")
    db = notmuch2.Database(str(root), mode=notmuch2.Database.MODE.READ_WRITE, config=notmuch2.Database.CONFIG.EMPTY)
    try:
        assert db.needs_upgrade, "the fault was not made: notmuch does not ask for an upgrade"
    finally:
        db.close()

    def digest() -> dict[str, str]:
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (root / ".notmuch" / "xapian").iterdir()}

    before = digest()
    proc = report("--db", str(root), "--maintainers", str(maintainers), "--cache-dir", str(tmp_path / "c"),
                  "--format", "json", "--query", "*")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    (series,) = json.loads(proc.stdout)["series"]
    assert (series["title"], series["present"]) == ("vfio/mlx5: old", [1])
    assert digest() == before, "the read-only run changed (upgraded?) the old database"


# --- concurrent writers -------------------------------------------------------------------

HOLD_WRITER = textwrap.dedent("""
    import sys, time, notmuch2
    db = notmuch2.Database(sys.argv[1], mode=notmuch2.Database.MODE.READ_WRITE,
                           config=notmuch2.Database.CONFIG.EMPTY)
    with db.atomic():
        print("locked", flush=True)
        time.sleep(float(sys.argv[2]))
    db.close()
""")


TRY_WRITE = textwrap.dedent("""
    import sys, notmuch2
    try:
        db = notmuch2.Database(sys.argv[1], mode=notmuch2.Database.MODE.READ_WRITE,
                               config=notmuch2.Database.CONFIG.EMPTY)
    except notmuch2.NotmuchError as err:
        print("refused", type(err).__name__, str(err).replace("\\n", " "))
    else:
        print("opened")
""")


def test_database_held_by_a_writer_still_reads(make_store, tmp_path: Path, maintainers: Path) -> None:
    """A READ_WRITE handle inside an open transaction in another process (what `notmuch new`
    holds): the read-only report still works, since Xapian readers never take the lock."""
    root = make_store([patch_mail("a@x", "vfio/mlx5: one")])
    holder = subprocess.Popen([sys.executable, "-c", HOLD_WRITER, str(root), "60"], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        # a second writer really is locked out (so the fault is real): it waits for the lock
        with pytest.raises(subprocess.TimeoutExpired):
            subprocess.run([sys.executable, "-c", TRY_WRITE, str(root)], capture_output=True, timeout=4)
        proc = report("--db", str(root), "--maintainers", str(maintainers), "--cache-dir", str(tmp_path / "c"),
                      "--format", "json", "--query", "*")
        assert proc.returncode == 0, proc.stderr
        assert [s["id"] for s in json.loads(proc.stdout)["series"]] == ["a@x"]
    finally:
        holder.kill()
        holder.wait()


WRITER_LOOP = textwrap.dedent("""
    import sys, time, notmuch2
    from pathlib import Path
    sys.path.insert(0, sys.argv[3])
    from vfio_workbench_demo.mailwriter import deliver
    root = Path(sys.argv[1]); n = int(sys.argv[2])
    for i in range(n):
        path = deliver(root / "INBOX", (
            f"From: W <w@x.org>\\nSubject: Re: [PATCH 1/1] vfio/mlx5: one\\nMessage-Id: <w{i}@x>\\n"
            f"In-Reply-To: <a@x>\\nReferences: <a@x>\\nDate: Mon, 3 Feb 2025 11:00:00 +0000\\n\\nreply {i}\\n").encode())
        db = notmuch2.Database(str(root), mode=notmuch2.Database.MODE.READ_WRITE,
                               config=notmuch2.Database.CONFIG.EMPTY)
        with db.atomic():
            db.add(str(path), sync_flags=False)
        db.close()
        if i == 0:
            print("started", flush=True)
    print("done", flush=True)
""")


LOADER_LOOP = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[3])
    from workbench.config import Settings
    from workbench.errors import StoreError
    from workbench.mail.loader import load_records
    settings = Settings(db_path=Path(sys.argv[1]), query="*", maintainers=Path(sys.argv[2]), use_cache=False)
    for line in sys.stdin:  # one load per line the test sends, while the writer writes
        try:
            loaded = load_records(settings)
        except StoreError as err:
            print(json.dumps({"error": str(err)}), flush=True)
            continue
        print(json.dumps({"ids": sorted(r.msgid for r in loaded.records),
                          "problems": [p.reason for p in loaded.problems]}), flush=True)
""")


def test_database_modified_while_loading(make_store, tmp_path: Path, maintainers: Path) -> None:
    """A writer commits reply after reply while the loader reads again and again: every
    load succeeds (Xapian's DatabaseModifiedError is met by reopening) with a consistent
    view: the patch and between 0 and all of the replies, never fewer than a load before.

    The loads run in a child process: when libnotmuch aborts on the fault (a C++
    exception Python cannot catch) this test fails with the child's last words instead
    of taking the whole pytest run down with it."""
    base = [patch_mail("a@x", "vfio/mlx5: one")] + [
        patch_mail(f"old{i}@x", "vfio/mlx5: one", irt="a@x").replace(b"[PATCH 1/1]", b"Re: [PATCH 1/1]")
        for i in range(300)]
    root = make_store(base)
    total = 150
    loader = subprocess.Popen([sys.executable, "-c", LOADER_LOOP, str(root), str(maintainers), str(REPO)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    writer = subprocess.Popen([sys.executable, "-c", WRITER_LOOP, str(root), str(total), str(REPO)],
                              stdout=subprocess.PIPE, text=True)
    counts: list[int] = []
    errors: list[str] = []
    died: str | None = None
    try:
        assert writer.stdout.readline().strip() == "started"
        deadline = time.monotonic() + 90
        while writer.poll() is None and time.monotonic() < deadline:
            loader.stdin.write("load\n")
            loader.stdin.flush()
            line = loader.stdout.readline()
            if not line:
                loader.wait(timeout=30)
                died = f"loader died with status {loader.returncode}: {loader.stderr.read()[-600:]}"
                break
            result = json.loads(line)
            if "error" in result:  # allowed only as a clear message; counted below
                errors.append(result["error"])
                continue
            assert not [p for p in result["problems"] if "no longer exists" not in p], result["problems"]
            assert "a@x" in result["ids"]
            counts.append(len(result["ids"]))
    finally:
        writer.wait(timeout=120)
        if loader.poll() is None:
            loader.stdin.close()
            loader.wait(timeout=30)
    assert died is None, died
    assert writer.returncode == 0
    assert len(counts) >= 2, "the loader should have run several times while the writer wrote"
    assert counts == sorted(counts) and 301 <= counts[0] and counts[-1] <= 301 + total
    assert not errors, errors
    final = load_records(Settings(db_path=root, query="*", maintainers=maintainers, use_cache=False))
    assert len(final.records) == 301 + total


# --- files gone --------------------------------------------------------------------------


def test_message_files_deleted_after_indexing(make_store, tmp_path: Path, maintainers: Path) -> None:
    root = make_store([patch_mail("c@x", "vfio/mlx5: two", 0, 2).replace(b"[PATCH 0/2]", b"[PATCH 0/2]"),
                       patch_mail("p1@x", "vfio/mlx5: two", 1, 2, irt="c@x"),
                       patch_mail("p2@x", "vfio/mlx5: two", 2, 2, irt="c@x"),
                       patch_mail("other@x", "vfio/mlx5: other")])
    victim = next(p for p in (root / "INBOX" / "cur").iterdir() if b"<p2@x>" in p.read_bytes())
    saved = victim.read_bytes()
    victim.unlink()
    cache = tmp_path / "cache"
    args = ("--db", str(root), "--maintainers", str(maintainers), "--cache-dir", str(cache), "--format", "json",
            "--query", "*", "--all")
    for _ in range(2):  # the second run goes through the cache: the missing file is not forgotten
        proc = report(*args)
        assert proc.returncode == 0, proc.stderr
        assert "Traceback" not in proc.stderr
        assert f"skipped {victim}" in proc.stderr and "no longer exists" in proc.stderr
        series = {s["title"]: s for s in json.loads(proc.stdout)["series"]}
        assert series["vfio/mlx5: two"]["present"] == [1] and series["vfio/mlx5: two"]["complete"] is False
        assert "vfio/mlx5: other" in series
    victim.write_bytes(saved)  # the file is back (a restore from backup): the next run sees it
    proc = report(*args)
    assert proc.returncode == 0 and "no longer exists" not in proc.stderr, proc.stderr
    series = {s["title"]: s for s in json.loads(proc.stdout)["series"]}
    assert series["vfio/mlx5: two"]["present"] == [1, 2]


def test_deleted_file_with_a_second_copy_recovers(make_store, tmp_path: Path, maintainers: Path) -> None:
    """The same message filed in two folders; the copy notmuch names first is deleted:
    the record comes from the other copy and nothing is reported missing."""
    blob = patch_mail("twice@x", "vfio/mlx5: filed twice")
    root = make_store([blob])
    second = deliver(root / "Archive", blob)
    index_files(root, [second])
    first = next((root / "INBOX" / "cur").iterdir())
    first.unlink()
    settings = Settings(db_path=root, query="*", maintainers=maintainers, cache_dir=tmp_path / "c")
    loaded = load_records(settings)
    assert [r.msgid for r in loaded.records] == ["twice@x"], loaded.problems
    assert loaded.problems == []


# --- the TUI on a bad store ---------------------------------------------------------------


@pytest.mark.parametrize("kind", ["missing", "plain-dir", "damaged", "newer-format"])
def test_tui_stays_up_and_says_what_happened(kind: str, make_store, tmp_path: Path, maintainers: Path) -> None:
    try:
        from workbench.tui.app import WorkbenchApp
        from workbench.tui.launch import settle
    except ImportError as err:  # pragma: no cover
        pytest.skip(f"the TUI is not importable yet: {err}")
    if kind == "missing":
        db = tmp_path / "nowhere"
    elif kind == "plain-dir":
        db = tmp_path / "plain"
        db.mkdir()
    elif kind == "newer-format":
        db = newer_format_store(make_store)
    else:
        db = make_store([patch_mail("a@x", "vfio/mlx5: one")])
        for f in (db / ".notmuch" / "xapian").glob("*.glass"):
            f.write_bytes(b"\x00garbage" * 64)
    app = WorkbenchApp(Settings(db_path=db, maintainers=maintainers, cache_dir=tmp_path / "c"))
    shown: list[str] = []

    async def main() -> None:
        async with app.run_test(size=(160, 40)) as pilot:
            await settle(pilot, timeout=60)
            assert app.load_error and str(db) in app.load_error
            assert app.is_running
            shown.append(app.export_screenshot())
            await pilot.press("r")  # retrying does not crash either
            await settle(pilot, timeout=60)
            assert app.is_running and app.load_error

    asyncio.run(main())
    words = app.load_error.split()[:3]
    svg = shown[0].replace("&#160;", " ")
    assert all(w in svg for w in words), (app.load_error, "is not on the screen")
    assert "Traceback" not in svg


def test_tui_on_a_store_with_deleted_files_loads_and_says_so(make_store, tmp_path: Path,
                                                            maintainers: Path) -> None:
    """Files deleted after indexing: the TUI loads what is left, shows the series as
    incomplete and names the count of unreadable messages in its status line."""
    from textual.widgets import DataTable, Static

    from workbench.tui.app import WorkbenchApp
    from workbench.tui.launch import settle

    root = make_store([patch_mail("p1@x", "vfio/mlx5: two", 1, 2), patch_mail("p2@x", "vfio/mlx5: two", 2, 2,
                                                                              irt="p1@x")])
    next(p for p in (root / "INBOX" / "cur").iterdir() if b"<p2@x>" in p.read_bytes()).unlink()
    app = WorkbenchApp(Settings(db_path=root, query="*", maintainers=maintainers, cache_dir=tmp_path / "c"))
    status: list[str] = []

    async def main() -> None:
        async with app.run_test(size=(200, 40)) as pilot:
            await settle(pilot, timeout=60)
            assert app.load_error is None and app.is_running
            assert app.list_screen.query_one("#series", DataTable).row_count == 1
            rendered = app.list_screen.query_one("#list-status", Static).render()
            status.append(getattr(rendered, "plain", str(rendered)))

    asyncio.run(main())
    assert "1 unreadable messages" in status[0], status
    (judged,) = app.workbench.judged
    assert judged.series.present == [1] and judged.series.missing_numbers == [2]
    (problem,) = app.workbench.problems
    assert "no longer exists" in problem.reason


@pytest.mark.skipif(not os.environ.get("VFIO_STRESS"), reason="long stress run (~1-2 min): set VFIO_STRESS=1")
def test_database_modified_while_loading_stress(tmp_path: Path, maintainers: Path) -> None:
    """The same fault at a size where Xapian really frees the blocks a reader is on:
    3,000 messages, 2,000 commits. Every load must succeed or fail with a StoreError."""
    from vfio_workbench_demo.mailwriter import build_store

    base = [patch_mail("a@x", "vfio/mlx5: one")] + [patch_mail(f"old{i}@x", "vfio/mlx5: one", irt="a@x")
                                                     for i in range(3000)]
    root = build_store(tmp_path / "mail", base)
    writer = subprocess.Popen([sys.executable, "-c", WRITER_LOOP, str(root), "2000", str(REPO)],
                              stdout=subprocess.PIPE, text=True)
    settings = Settings(db_path=root, query="*", maintainers=maintainers, use_cache=False)
    loads = 0
    try:
        assert writer.stdout.readline().strip() == "started"
        while writer.poll() is None:
            try:
                load_records(settings)
            except StoreError:
                pass
            loads += 1
    finally:
        writer.kill()
        writer.wait()
    assert loads > 0
