"""The on-disk record cache: warm == cold, invalidation through notmuch's revision,
and a damaged or half-written cache file is detected and rebuilt, never believed."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import textwrap
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import notmuch2
import pytest
from conftest import shared_path

from vfio_workbench_demo.mailwriter import deliver, index_files
from workbench.config import Settings
from workbench.mail.cache import Decoder, MailCache, cache_file, encode_record
from workbench.mail.loader import load_records
from workbench.mail.session import StoreSession
from workbench.model import FileChange, MailRecord, Person, RawTrailer, Signal, SignalKind

# the module-scoped fixtures are built once: under pytest-xdist its tests share one worker
pytestmark = pytest.mark.xdist_group(__name__)

QUERY = "*"


@pytest.fixture(scope="module")
def _lore_root_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """120 real messages indexed once for the module (indexing is the slow part)."""
    from vfio_workbench_demo.mailwriter import build_store

    lore = shared_path("corpus", "lore-vfio")
    rows = list(csv.DictReader((lore / "INDEX.tsv").open(encoding="utf-8"), delimiter="\t"))
    return build_store(tmp_path_factory.mktemp("lore120") / "mail", [(lore / r["file"]).read_bytes()
                                                                     for r in rows[:120]])


@pytest.fixture
def lore_root(_lore_root_built: Path, tmp_path: Path) -> Path:
    """A private copy of the 120-message store (tests add, remove and retag messages): the
    same files and database as indexing them again, in a fraction of the time."""
    root = tmp_path / "store"
    shutil.copytree(_lore_root_built, root, symlinks=True)
    return root


@pytest.fixture
def settings(lore_root: Path, tmp_path: Path) -> Settings:
    return Settings(db_path=lore_root, query=QUERY, cache_dir=tmp_path / "cache")


def the_file(settings: Settings) -> Path:
    with StoreSession(settings) as session:
        key = session.facts().cache_key(settings.effective_query())
    return cache_file(settings.cache_dir, str(settings.db_path), key)


def test_warm_equals_cold_and_reads_no_message_file(settings: Settings, lore_root: Path):
    cold = load_records(settings)
    assert (cold.parsed, cold.cached) == (120, 0)
    assert the_file(settings).is_file()
    assert not str(the_file(settings)).startswith(str(lore_root))  # never inside the maildir
    # Prove the warm run does not read message files: make them all unreadable garbage.
    for record in cold.records:
        os.chmod(record.path, 0o644)
        Path(record.path).write_bytes(b"")
    warm = load_records(settings)
    assert (warm.parsed, warm.cached) == (0, 120)
    assert warm.records == cold.records and warm.problems == []
    assert warm.revision == cold.revision


def test_record_encoding_roundtrip():
    when = datetime(2024, 3, 5, 10, 0, 7, tzinfo=timezone(timedelta(hours=-7, minutes=-30)))
    record = MailRecord(
        msgid="a@b", path="/m/cur/1", subject="[PATCH] ü", author=Person("Jörg", "j@x.org"),
        sender=Person("", "list@x.org"), date=when, in_reply_to="p@b", references=("r@b", "p@b"),
        to=(Person("A", "a@x.org"),), cc=(Person("B", "b@x.org"), Person("A", "a@x.org")),
        trailers=(RawTrailer("Acked-by", Person("B", "b@x.org")),),
        files=(FileChange("new/x.c", "old/x.c", "renamed", 3, 1),),
        signals=(Signal(SignalKind.USERSPACE, "new/x.c", "__user", "+void __user *p;", "@@ -1 +1 @@"),),
        cover_text="prose", change_id="20240101-x-1", problems=("odd",),
    )
    decoder = Decoder()
    back = decoder.decode(encode_record(record))
    assert back == record and back.date.utcoffset() == when.utcoffset()
    again = decoder.decode(encode_record(record))
    assert again.cc[1] is back.to[0]  # people are shared, not copied per record
    bare = replace(record, date=None, in_reply_to=None, references=(), change_id=None)
    assert decoder.decode(encode_record(bare)) == bare


def test_new_message_invalidates_and_only_it_is_parsed(settings: Settings, lore_root: Path):
    cold = load_records(settings)
    new = deliver(lore_root / "INBOX", b"From: N <n@example.com>\nSubject: [PATCH] vfio: new\n"
                                       b"Message-Id: <brand-new@x>\n\nhi\n")
    index_files(lore_root, [new])
    warm = load_records(settings)
    assert (warm.parsed, warm.cached) == (1, 120)
    assert warm.revision > cold.revision
    assert {r.msgid for r in warm.records} == {r.msgid for r in cold.records} | {"brand-new@x"}
    again = load_records(settings)
    assert (again.parsed, again.cached) == (0, 121) and again.records == warm.records


def test_change_outside_the_query_keeps_the_cache(lore_root: Path, tmp_path: Path):
    settings = Settings(db_path=lore_root, query="subject:vfio", cache_dir=tmp_path / "c")
    cold = load_records(settings)
    new = deliver(lore_root / "INBOX", b"From: N <n@example.com>\nSubject: net: unrelated\n"
                                       b"Message-Id: <other@x>\n\nhi\n")
    index_files(lore_root, [new])
    warm = load_records(settings)
    assert warm.revision > cold.revision
    assert (warm.parsed, warm.cached) == (0, len(cold.records)) and warm.records == cold.records


def test_removed_message_disappears(settings: Settings, lore_root: Path):
    cold = load_records(settings)
    victim = cold.records[5]
    with notmuch2.Database(str(lore_root), mode=notmuch2.Database.MODE.READ_WRITE,
                           config=notmuch2.Database.CONFIG.EMPTY) as db:
        db.remove(victim.path)
    os.unlink(victim.path)
    warm = load_records(settings)
    assert victim.msgid not in {r.msgid for r in warm.records}
    assert len(warm.records) == 119 and warm.problems == []


def test_tag_change_inside_the_query_rechecks_without_reparsing(settings: Settings, lore_root: Path):
    cold = load_records(settings)
    with notmuch2.Database(str(lore_root), mode=notmuch2.Database.MODE.READ_WRITE,
                           config=notmuch2.Database.CONFIG.EMPTY) as db:
        db.find(cold.records[0].msgid).tags.add("seen-by-test")
    warm = load_records(settings)
    assert warm.parsed == 0 and warm.records == cold.records


@pytest.mark.parametrize("damage", ["garbage", "truncate", "empty", "zero-page"])
def test_damaged_cache_file_is_rebuilt(settings: Settings, damage: str):
    cold = load_records(settings)
    path = the_file(settings)
    size = path.stat().st_size
    assert size > 8192
    if damage == "garbage":
        path.write_bytes(os.urandom(size))
    elif damage == "truncate":
        with open(path, "r+b") as fh:
            fh.truncate(size // 2)
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        with open(path, "r+b") as fh:  # wipe the page holding records
            fh.seek(size - 8192)
            fh.write(b"\0" * 4096)
    result = load_records(settings)
    assert result.records == cold.records
    assert result.parsed == 120  # rebuilt, not believed
    warm = load_records(settings)
    assert (warm.parsed, warm.records) == (0, cold.records)


def test_foreign_code_or_schema_is_rebuilt(settings: Settings):
    cold = load_records(settings)
    import sqlite3

    conn = sqlite3.connect(the_file(settings))
    conn.execute("UPDATE meta SET value='older-parser' WHERE key='code'")
    conn.commit()
    conn.close()
    result = load_records(settings)
    assert result.parsed == 120 and result.records == cold.records


def test_writer_killed_mid_transaction_leaves_a_sound_cache(settings: Settings, tmp_path: Path):
    """A separate process starts rewriting the cache and is SIGKILLed halfway through the
    rows: the next run must give exactly the right answer."""
    cold = load_records(settings)
    script = textwrap.dedent(f"""
        import os, signal
        from pathlib import Path
        from workbench.mail.cache import MailCache, CacheState
        cache = MailCache.open(Path({str(settings.cache_dir)!r}), {str(settings.db_path)!r}, {QUERY!r})
        def rows():
            for i in range(100000):
                if i == 500:
                    os.kill(os.getpid(), signal.SIGKILL)
                yield (f"junk-{{i}}@x", "/nowhere", b"not a record")
        cache.save(CacheState("other-uuid", 999999, 3), rows())
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    assert proc.returncode == -9, proc.stderr.decode()
    result = load_records(settings)
    assert result.records == cold.records and result.problems == []
    assert result.parsed == 0  # the half-written transaction was rolled back, cache intact


def test_use_cache_false_bypasses(settings: Settings):
    result = load_records(replace(settings, use_cache=False))
    assert result.cached == 0 and not the_file(settings).exists()


def test_cache_file_per_query_and_database(tmp_path: Path):
    a = cache_file(tmp_path, "/db1", "q")
    assert a != cache_file(tmp_path, "/db2", "q") != cache_file(tmp_path, "/db1", "q2")
    with MailCache.open(tmp_path, "/db1", "q") as cache:
        assert cache.state() is None


def test_a_new_cache_file_has_16_kb_pages(settings: Settings):
    """Records are blobs of a few KB: with SQLite's default 4 KB pages most spill into
    overflow pages. A new file is made with 16 KB pages (and still in WAL mode)."""
    import sqlite3

    load_records(settings)
    path = the_file(settings)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA page_size").fetchone()[0] == 16384
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT count(*) FROM records").fetchone()[0] == 120


def test_unusable_cache_dir_still_loads(settings: Settings, tmp_path: Path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    result = load_records(replace(settings, cache_dir=blocker))
    assert len(result.records) == 120 and result.cached == 0


def test_excluded_tags_are_part_of_the_cached_answer(make_store, tmp_path: Path):
    """The same query under another search.exclude_tags is another result set: a warm
    cache from before must not bring the excluded messages back."""
    import notmuch2

    root = make_store([b"From: a@x\nSubject: vfio one\nMessage-Id: <1@x>\n\nhi\n",
                       b"From: b@x\nSubject: vfio two\nMessage-Id: <2@x>\n\nhi\n"])
    config = tmp_path / "notmuch-config"
    config.write_text(f"[database]\npath={root}\n")
    settings = Settings(db_path=root, notmuch_config=config, query="subject:vfio", cache_dir=tmp_path / "c")
    with notmuch2.Database(root, mode=notmuch2.Database.MODE.READ_WRITE, config=str(config)) as db:
        db.find("2@x").tags.add("spam")
    assert sorted(r.msgid for r in load_records(settings).records) == ["1@x", "2@x"]
    # the revision does not move: only the configuration changes
    config.write_text(f"[database]\npath={root}\n[search]\nexclude_tags=spam\n")
    assert [r.msgid for r in load_records(settings).records] == ["1@x"]
