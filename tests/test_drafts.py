"""Saving drafts into a real notmuch database: threading, tags, atomicity, locks."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import notmuch2
import pytest

from vfio_workbench_demo import demo_messages
from workbench.config import Settings
from workbench.errors import DraftError
from workbench.mail import drafts as D
from workbench.pipeline import build_workbench
from workbench.replies.compose import compose

# the module-scoped fixtures are built once: under pytest-xdist its tests share one worker
pytestmark = pytest.mark.xdist_group(__name__)

QAT = "20250923103004.5123-1-xin.zeng@intel.com"
MLX5_V1 = "20250304120512.1742-1-yishaih@nvidia.com"


def thread_of(root: Path, msgid: str) -> tuple[str, set[str]]:
    db = notmuch2.Database(str(root), mode=notmuch2.Database.MODE.READ_ONLY,
                           config=notmuch2.Database.CONFIG.EMPTY)
    try:
        msg = db.find(msgid)
        return msg.threadid, set(msg.tags)
    finally:
        db.close()


@pytest.fixture(scope="module")
def demo_copy(tmp_path_factory, demo_store):
    """A writable store of the demo mail (the shared demo store is read-only)."""
    from vfio_workbench_demo.mailwriter import build_store

    root = build_store(tmp_path_factory.mktemp("demo-writable") / "mail", demo_messages())
    return Settings(db_path=root, maintainers=demo_store.maintainers, mailmap=demo_store.mailmap,
                    me=demo_store.me, cache_dir=tmp_path_factory.mktemp("cache"))


@pytest.mark.parametrize("kind,series,section", [
    ("parent-ack", MLX5_V1, "MELLANOX MLX5 IB driver"), ("review", MLX5_V1, None), ("docs", QAT, None),
    ("incomplete", QAT, None), ("thanks", QAT, None), ("reply", QAT, None)])
def test_saved_draft_threads_with_the_series(demo_copy, kind, series, section):
    wb = build_workbench(demo_copy)
    judged = wb.find(series)
    draft = compose(kind, judged, wb.context, section=section, settings=demo_copy)
    saved = D.save_draft(draft.as_bytes(), demo_copy)
    root = Path(demo_copy.db_path)
    assert saved.indexed and saved.warning is None
    assert saved.msgid == draft.message_id
    assert saved.path.parent == root / "Drafts" / "cur" and saved.path.name.endswith(":2,DS")
    assert saved.path.read_bytes() == draft.as_bytes()
    thread, tags = thread_of(root, draft.message_id)
    target_thread, _ = thread_of(root, draft.in_reply_to)
    assert thread == target_thread == saved.thread
    assert "draft" in tags and "inbox" not in tags and "unread" not in tags
    assert not any((root / "Drafts" / "tmp").iterdir())


def test_interrupted_save_leaves_nothing(tmp_path, monkeypatch):
    root = tmp_path / "mail"
    from vfio_workbench_demo.mailwriter import create_database

    create_database(root)

    def fail(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(D.os, "rename", fail)
    data = b"Message-ID: <x@example.org>\nSubject: Re: y\n\nbody\n"
    with pytest.raises(DraftError, match="No space left on device"):
        D.save_draft(data, root)
    for sub in ("cur", "new", "tmp"):
        assert list((root / "Drafts" / sub).iterdir()) == [], sub


_KILLED_SAVE = """
import os, signal, sys
from pathlib import Path
from workbench.mail import drafts as D

def die(src, dst):
    print("written", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)  # the machine dies between write and rename

D.os.rename = die
D.save_draft(b"Message-ID: <killed@example.org>\\nSubject: Re: y\\n\\nbody\\n", Path(sys.argv[1]))
"""


def test_save_killed_between_write_and_rename_leaves_no_draft(tmp_path):
    """A real crash (SIGKILL, no cleanup code runs): the half-saved draft may stay in
    tmp/, where maildir readers never look, but nothing reaches cur/ or new/ and notmuch
    does not know the message."""
    from conftest import REPO
    from vfio_workbench_demo.mailwriter import create_database

    root = tmp_path / "mail"
    create_database(root)
    proc = subprocess.run([sys.executable, "-c", _KILLED_SAVE, str(root)], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(REPO)), timeout=60)
    assert proc.returncode == -9 and proc.stdout == "written\n", proc.stderr
    assert [p.read_bytes() for p in (root / "Drafts" / "tmp").iterdir()] == [
        b"Message-ID: <killed@example.org>\nSubject: Re: y\n\nbody\n"]  # it did get that far
    assert list((root / "Drafts" / "cur").iterdir()) == [] and list((root / "Drafts" / "new").iterdir()) == []
    db = notmuch2.Database(str(root), mode=notmuch2.Database.MODE.READ_ONLY, config=notmuch2.Database.CONFIG.EMPTY)
    try:
        assert db.count_messages("*") == 0
    finally:
        db.close()


_HOLDER = """
import sys, time, notmuch2
db = notmuch2.Database(sys.argv[1], mode=notmuch2.Database.MODE.READ_WRITE, config=notmuch2.Database.CONFIG.EMPTY)
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
db.close()
"""


def test_locked_database_keeps_the_file(tmp_path):
    root = tmp_path / "mail"
    from vfio_workbench_demo.mailwriter import create_database

    create_database(root)
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(root), "20"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        started = time.monotonic()
        saved = D.save_draft(b"Message-ID: <locked@example.org>\nSubject: Re: y\n\nbody\n", root,
                             lock_timeout=0.5)
        assert time.monotonic() - started < 10
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert not saved.indexed
    assert "locked" in saved.warning and str(saved.path) in saved.warning
    assert "id:locked@example.org" in saved.warning
    assert saved.path.exists() and saved.path.parent == root / "Drafts" / "cur"


def test_drafts_folder_cannot_escape(tmp_path):
    root = tmp_path / "mail"
    root.mkdir()
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", root / "Link")
    for bad in ("../Drafts", "/tmp/Drafts", "a/../../b", "", "~/Drafts", "Link"):
        with pytest.raises(DraftError):
            D.drafts_dir(root, bad)
    assert D.drafts_dir(root, "Drafts") == root / "Drafts"
    assert D.drafts_dir(root, "work/Drafts") == root / "work" / "Drafts"


def test_write_eml_never_overwrites_or_escapes(tmp_path):
    first = D.write_eml(tmp_path / "out", "thanks-x.eml", b"one")
    second = D.write_eml(tmp_path / "out", "thanks-x.eml", b"two")
    assert (first.name, second.name) == ("thanks-x.eml", "thanks-x-2.eml")
    assert first.read_bytes() == b"one"
    with pytest.raises(DraftError):
        D.write_eml(tmp_path / "out", "../evil.eml", b"x")


def test_draft_without_message_id_is_refused(tmp_path):
    with pytest.raises(DraftError, match="no Message-ID"):
        D.save_draft(b"Subject: x\n\nbody\n", tmp_path)
    assert not (tmp_path / "Drafts").exists()


def test_run_draft_save(demo_copy, capsys):
    from workbench.replies.command import run_draft

    assert run_draft(demo_copy, kind="incomplete", series_id=QAT, save=True) == 0
    out = capsys.readouterr().out
    assert out.startswith("saved draft ") and "Drafts/cur/" in out


def test_run_draft_save_on_a_locked_database_says_so_and_keeps_the_file(demo_copy, capsys):
    from workbench.replies.command import EXIT_NOT_INDEXED, run_draft

    root = Path(demo_copy.db_path)
    before = set((root / "Drafts" / "cur").glob("*")) if (root / "Drafts" / "cur").exists() else set()
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(root), "20"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        code = run_draft(demo_copy, kind="docs", series_id=QAT, save=True, lock_timeout=0.5)
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    err = capsys.readouterr().err
    assert code == EXIT_NOT_INDEXED
    (kept,) = set((root / "Drafts" / "cur").glob("*")) - before
    assert err.startswith("vfio-workbench: the notmuch database is locked by another writer")
    assert str(kept) in err and "notmuch new" in err
    msgid = err.split("-- id:")[1].split("'")[0]
    assert f"Message-ID: <{msgid}>".encode() in kept.read_bytes()
    db = notmuch2.Database(str(root), mode=notmuch2.Database.MODE.READ_ONLY, config=notmuch2.Database.CONFIG.EMPTY)
    try:
        assert db.count_messages(f"id:{msgid}") == 0  # not indexed: the lock was never had
    finally:
        db.close()
