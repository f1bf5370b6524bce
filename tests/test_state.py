"""Triage state: the SQLite file (schema, bad files, symlinks), the shown state (snooze,
new version while waiting) and the report's state column and filter, on a real chain
from ../shared (hisi "update live migration configuration region" v10, v11, v12)."""

from __future__ import annotations

import email
import email.policy
import json
import os
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import lore_thread, shared_path
from workbench.cli import main
from workbench.config import Settings
from vfio_workbench_demo.mailwriter import build_store
from workbench.model import Person
from workbench.pipeline import build_workbench
from workbench.state.chains import ChainIndex, mark_looked, set_chain_state
from workbench.state.model import StateRecord, TriageState, effective_state, parse_state
from workbench.state.store import Comment, StateError, StateStore

ME = Person("Alex Williamson", "alex.williamson@redhat.com")
V10 = "20251017091057.3770403-1-liulongfang@huawei.com"
V11 = "20251029122441.3063127-1-liulongfang@huawei.com"
V12 = "20251030015744.131771-1-liulongfang@huawei.com"


def settings_for(tmp_path: Path, roots: list[str], name: str = "mail") -> Settings:
    data = shared_path("data")
    files = lore_thread(roots=roots)
    root = build_store(tmp_path / name, [f.read_bytes() for f in files])
    return Settings(db_path=root, maintainers=data / "MAINTAINERS", mailmap=data / "mailmap", me=ME,
                    cache_dir=tmp_path / f"cache-{name}", query="*", state_file=tmp_path / "state" / "s.sqlite3")


# --- the shown state --------------------------------------------------------------------

def test_snooze_returns_to_the_previous_state_on_its_date():
    rec = StateRecord("k", TriageState.SNOOZED, snooze_until=date(2026, 3, 1), previous=TriageState.REVIEWING,
                      version_id="v1")
    assert effective_state(rec, newest_id="v1", today=date(2026, 2, 28)).state is TriageState.SNOOZED
    woke = effective_state(rec, newest_id="v1", today=date(2026, 3, 1))
    assert woke.state is TriageState.REVIEWING and woke.woke


def test_waiting_becomes_new_version_only_with_a_new_posting():
    rec = StateRecord("k", TriageState.WAITING, version_id="v1")
    assert effective_state(rec, newest_id="v1", today=date.today()).state is TriageState.WAITING
    assert effective_state(rec, newest_id="v2", today=date.today()).state is TriageState.NEW_VERSION
    assert effective_state(None, newest_id="v2", today=date.today()).state is TriageState.NEW
    queued = StateRecord("k", TriageState.QUEUED, version_id="v1")
    assert effective_state(queued, newest_id="v2", today=date.today()).state is TriageState.QUEUED


def test_state_words():
    assert parse_state("waiting on author") is TriageState.WAITING
    assert parse_state(" Snoozed ") is TriageState.SNOOZED
    with pytest.raises(ValueError, match="known: new, reviewing"):
        parse_state("maybe")


# --- the file ---------------------------------------------------------------------------

def test_store_round_trip_and_snooze_rules(tmp_path):
    path = tmp_path / "a" / "state.sqlite3"
    with StateStore.open(path) as store:
        store.set_state("k", TriageState.REVIEWING, postings=["p1", "p2"], newest_id="p2", note="look at 3/9")
        rec = store.set_state("k", TriageState.SNOOZED, postings=["p1", "p2"], newest_id="p2",
                              snooze_until=date(2030, 1, 1))
        assert rec.previous is TriageState.REVIEWING and rec.note == "look at 3/9"  # the note stays
        assert rec.reviewed_id == "p2"
        with pytest.raises(StateError, match="needs a date"):
            store.set_state("k", TriageState.SNOOZED, postings=[], newest_id="p2")
        with pytest.raises(StateError, match="shown, not set"):
            store.set_state("k", TriageState.NEW_VERSION, postings=[], newest_id="p2")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    with StateStore.open(path) as store:  # survives a restart
        got = store.get("k")
        assert got.state is TriageState.SNOOZED and got.snooze_until == date(2030, 1, 1)
        assert store.key_for(["p9", "p2"], "p9") == "k"
        assert store.key_for(["p9"], "p9") == "p9"


def test_comments_persist_until_cleared(tmp_path):
    path = tmp_path / "state.sqlite3"
    with StateStore.open(path) as store:
        a = store.add_comment(Comment("m@x", "drivers/a.c", 0, 4, "+\tfoo();", "Why?"))
        store.add_comment(Comment("m@x", "drivers/a.c", 1, 2, " bar", "And this"))
        store.add_comment(Comment("other@x", "b.c", 0, 0, "+x", "elsewhere"))
    with StateStore.open(path) as store:
        assert [c.text for c in store.comments("m@x")] == ["Why?", "And this"]
        store.clear_comments("m@x", [a.id])
        assert [c.text for c in store.comments("m@x")] == ["And this"]
        store.clear_comments("m@x")
        assert store.comments("m@x") == [] and store.commented_patches() == {"other@x": 1}


def test_a_corrupt_state_file_is_an_error_and_is_kept(tmp_path):
    path = tmp_path / "state.sqlite3"
    garbage = b"SQLite format 3\x00" + os.urandom(3000)
    path.write_bytes(garbage)
    with pytest.raises(StateError, match="state.sqlite3.*(damaged|not a state file)"):
        StateStore.open(path)
    assert path.read_bytes() == garbage  # never deleted, never rewritten


def test_foreign_and_newer_files_are_refused(tmp_path):
    foreign = tmp_path / "foreign.sqlite3"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE x (a)")
    conn.commit()
    conn.close()
    with pytest.raises(StateError, match="not a vfio-workbench state file"):
        StateStore.open(foreign)
    newer = tmp_path / "newer.sqlite3"
    StateStore.open(newer).close()
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version=99")
    conn.commit()
    conn.close()
    with pytest.raises(StateError, match="schema 99, newer"):
        StateStore.open(newer)


def test_a_symlink_is_refused_not_followed(tmp_path):
    target = tmp_path / "elsewhere"
    target.write_text("precious")
    link = tmp_path / "state.sqlite3"
    link.symlink_to(target)
    with pytest.raises(StateError, match="symbolic link"):
        StateStore.open(link)
    assert target.read_text() == "precious" and link.is_symlink()


def test_a_locked_file_is_a_clear_error(tmp_path, monkeypatch):
    import workbench.state.store as S

    monkeypatch.setattr(S, "BUSY_TIMEOUT", 0.1)
    path = tmp_path / "state.sqlite3"
    StateStore.open(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StateError, match="locked"):
            store = StateStore(path)
            store._open(True)
            store.set_state("k", TriageState.QUEUED, postings=[], newest_id="x")
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_report_does_not_create_the_file(tmp_path):
    path = tmp_path / "none" / "state.sqlite3"
    store = StateStore.open(path, create=False)
    assert store.all_states() == {} and not path.exists()


# --- on a real chain --------------------------------------------------------------------

def test_state_follows_the_chain_to_its_next_version(tmp_path):
    """Waiting on the author at v11; v12 arrives (a second store with the next
    thread, the same state file): the chain shows "new version", under the same key."""
    before = settings_for(tmp_path, [V10, V11], "before")
    wb = build_workbench(before)
    v11 = wb.find(V11)
    assert v11.series.revisions == [V10, V11]
    with StateStore.open(before.state_file) as store:
        set_chain_state(store, wb, v11, TriageState.WAITING, note="asked for a doc comment")
        index = ChainIndex(wb, store)
        assert index.status(wb.find(V10)).state is TriageState.WAITING  # one chain, one state
        assert index.status(v11).key == V10

    after = settings_for(tmp_path, [V10, V11, V12], "after")
    wb2 = build_workbench(after)
    v12 = wb2.find(V12)
    assert v12.series.revisions == [V10, V11, V12]
    with StateStore.open(after.state_file) as store:
        status = ChainIndex(wb2, store).status(v12)
        assert status.key == V10
        assert status.state is TriageState.NEW_VERSION and status.effective.note == "asked for a doc comment"
        # the key survives losing v10 from the store too: v11 remembers it
        only = settings_for(tmp_path, [V11, V12], "later")
        wb3 = build_workbench(only)
        assert ChainIndex(wb3, store).status(wb3.find(V12)).key == V10


def test_new_since_my_last_look(tmp_path):
    settings = settings_for(tmp_path, [V12])
    wb = build_workbench(settings)
    v12 = wb.find(V12)
    dates = sorted(m.date for m in [v12.series.cover, *v12.series.replies])
    total = 1 + len(v12.series.patches) + len(v12.series.replies) + len(v12.series.extras)
    other = Person("Somebody Else", "else@example.org")
    with StateStore.open(settings.state_file) as store:
        # Alex's "applied" is the thread's last mail: nothing new after my last message
        assert ChainIndex(wb, store).status(v12).new == 0
        assert ChainIndex(wb, store, me=other).status(v12).new == total  # never looked: everything
        mark_looked(store, wb, v12, when=dates[-2])
        assert ChainIndex(wb, store, me=other).status(v12).new == 1
        mark_looked(store, wb, v12)
        assert ChainIndex(wb, store, me=other).status(v12).new == 0
        unread = ChainIndex(wb, store, unread={v12.series.id, "not-here@x"}).status(v12).unread
        assert unread == 1


def _report(settings: Settings, *extra: str, capsys) -> str:
    args = ["--db", str(settings.db_path), "--maintainers", str(settings.maintainers),
            "--mailmap", str(settings.mailmap), "--me", f"{ME.name} <{ME.email}>", "--query", "*",
            "--cache-dir", str(settings.cache_dir), "--state-file", str(settings.state_file), "--all"]
    code = main(args + list(extra))
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def test_report_state_column_filter_and_set_state(tmp_path, capsys):
    settings = settings_for(tmp_path, [V10, V11, V12])
    text = _report(settings, "--report", capsys=capsys)
    assert "STATE" in text and not settings.state_file.exists()  # a report never creates it
    out = _report(settings, "--set-state", f"{V11}=waiting", "--note", "doc please", capsys=capsys)
    assert "waiting on author" in out
    text = _report(settings, "--report", capsys=capsys)  # not the kept report of before
    assert text.count("waiting on author") == 3  # every posting of the chain, --all
    data = json.loads(_report(settings, "--report", "--format", "json", capsys=capsys))
    states = {s["id"]: s for s in data["series"]}
    assert states[V12]["state"] == "waiting" and states[V12]["state_note"] == "doc please"
    assert states[V12]["chain_key"] == V10 and isinstance(states[V12]["unread"], int)
    md = _report(settings, "--report", "--format", "markdown", "--state", "reviewing,queued", capsys=capsys)
    assert "0 series" in md
    md = _report(settings, "--report", "--format", "markdown", "--state", "waiting", capsys=capsys)
    assert "3 series" in md and "| waiting on author |" in md
    until = (date.today() + timedelta(days=3)).isoformat()
    _report(settings, "--set-state", f"{V12}=snoozed", "--until", until, capsys=capsys)
    text = _report(settings, "--report", "--state", "snoozed", capsys=capsys)
    assert f"snoozed {until} " in text and "3 series" in text


def test_set_state_errors(tmp_path, capsys):
    settings = settings_for(tmp_path, [V12])
    base = ["--db", str(settings.db_path), "--maintainers", str(settings.maintainers), "--query", "*",
            "--state-file", str(settings.state_file)]
    assert main(base + ["--set-state", f"{V12}=snoozed"]) == 2
    assert "needs --until" in capsys.readouterr().err
    assert main(base + ["--set-state", f"{V12}=maybe"]) == 2
    assert "unknown state" in capsys.readouterr().err
    assert main(base + ["--set-state", "nope@x=queued"]) == 2
    assert "no series" in capsys.readouterr().err
    assert main(base + ["--report", "--state", "later"]) == 2


def test_what_changed_since_i_reviewed(tmp_path):
    """Alex answered v11 of the hisi chain; v12 arrives (here without Alex's own replies
    to it): the version I reviewed is v11. Setting "reviewing" while looking at v10 makes
    it v10 (the last thing I did); once I answered v12 too, or set "reviewing" on it,
    there is nothing newer to compare."""
    from workbench.state.chains import reviewed_posting

    data = shared_path("data")
    def by_alex(path: Path) -> bool:
        head = email.message_from_bytes(path.read_bytes(), policy=email.policy.compat32)
        return ME.name in str(head["From"])  # at redhat.com or, since 2025, shazbot.org

    files = lore_thread(roots=[V10, V11]) + [f for f in lore_thread(roots=[V12]) if not by_alex(f)]
    root = build_store(tmp_path / "mail", [f.read_bytes() for f in files])
    settings = Settings(db_path=root, maintainers=data / "MAINTAINERS", mailmap=data / "mailmap", me=ME,
                        cache_dir=tmp_path / "cache", query="*", state_file=tmp_path / "s.sqlite3")
    wb = build_workbench(settings)
    v12 = wb.find(V12)
    assert v12.series.revisions == [V10, V11, V12]
    assert any(wb.context.mailmap.same(r.author, ME) for r in wb.find(V11).series.replies)
    nobody = Person("Nobody", "no@example.org")
    with StateStore.open(settings.state_file) as store:
        assert reviewed_posting(ChainIndex(wb, store), v12).series.id == V11
        assert reviewed_posting(ChainIndex(wb, store, me=nobody), v12) is None
        set_chain_state(store, wb, wb.find(V10), TriageState.REVIEWING)  # set while looking at v10
        assert store.get(V10).reviewed_id == V10
        # by time, the last thing I did: setting "reviewing" (now) is later than my v11 reply
        assert reviewed_posting(ChainIndex(wb, store), v12).series.id == V10
        set_chain_state(store, wb, v12, TriageState.REVIEWING)
        assert store.get(V10).reviewed_id == V12
        assert reviewed_posting(ChainIndex(wb, store), v12) is None

    full = settings_for(tmp_path, [V10, V11, V12], "full")  # with Alex's "applied" on v12
    wb = build_workbench(full)
    with StateStore.open(full.state_file) as store:
        assert reviewed_posting(ChainIndex(wb, store), wb.find(V12)) is None
