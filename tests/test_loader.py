"""Loading records from a real notmuch store: the same records parse_message gives."""

from __future__ import annotations

import csv
import os
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

from vfio_workbench_demo.mailwriter import deliver, index_files
from workbench.config import Settings
from workbench.mail import loader
from workbench.mail.loader import load_records, parse_entries
from workbench.mail.parse import parse_message
from workbench.mail.store import snapshot


def lore_sample(lore: Path, n: int = 60) -> list[Path]:
    """A thread-complete slice of the corpus: the first ``n`` files of the index."""
    rows = list(csv.DictReader((lore / "INDEX.tsv").open(encoding="utf-8"), delimiter="\t"))
    return [lore / r["file"] for r in rows[:n]]


def by_id(records):
    return {r.msgid: r for r in records}


def test_records_match_parse_message(make_store, lore: Path, tmp_path: Path):
    files = lore_sample(lore)
    root = make_store(files)
    result = load_records(Settings(db_path=root, query="*", use_cache=False, cache_dir=tmp_path / "c"))
    assert result.problems == [] and result.db_path == str(root)
    assert len(result.records) == len(files) and result.parsed == len(files)
    assert not (tmp_path / "c").exists()  # use_cache=False writes nothing
    direct = {r.msgid: r for r in (parse_message(str(f)) for f in files)}
    for msgid, record in by_id(result.records).items():
        assert record.path.startswith(str(root))
        assert record == replace(direct[msgid], path=record.path)


def test_default_query_and_since(make_store, tmp_path: Path):
    def m(i: int, subject: str, date: str, irt: str = "") -> bytes:
        extra = f"In-Reply-To: <{irt}>\n" if irt else ""
        return (f"From: a@x\nSubject: {subject}\nMessage-Id: <{i}@x>\nDate: {date}\n{extra}\nhi\n").encode()

    root = make_store([
        m(1, "[PATCH] vfio/mlx5: fix", "Tue, 5 Mar 2024 10:00:00 +0000"),
        m(2, "Re: [PATCH] hmm", "Wed, 6 Mar 2024 10:00:00 +0000", irt="1@x"),  # same thread
        m(3, "[PATCH] net: other", "Wed, 6 Mar 2024 10:00:00 +0000"),
        m(4, "[PATCH] vfio: old", "Mon, 1 Jan 2018 10:00:00 +0000"),
    ])
    settings = Settings(db_path=root, cache_dir=tmp_path / "c")
    assert sorted(r.msgid for r in load_records(settings).records) == ["1@x", "2@x", "4@x"]
    since = replace(settings, since="2024-01-01")
    assert sorted(r.msgid for r in load_records(since).records) == ["1@x", "2@x"]
    assert sorted(r.msgid for r in load_records(since).records) == ["1@x", "2@x"]  # warm


def test_deleted_file_is_a_problem_not_a_crash(make_store, tmp_path: Path):
    root = make_store([b"From: a@x\nSubject: vfio one\nMessage-Id: <1@x>\n\nhi\n",
                       b"From: a@x\nSubject: vfio two\nMessage-Id: <2@x>\n\nhi\n"])
    settings = Settings(db_path=root, cache_dir=tmp_path / "c")
    victim = next(r for r in load_records(settings).records if r.msgid == "2@x")
    os.unlink(victim.path)
    for _ in range(2):  # cold-after-change and again: the problem is not cached away
        result = load_records(replace(settings, query="*"))
        assert [r.msgid for r in result.records] == ["1@x"]
        assert len(result.problems) == 1
        problem = result.problems[0]
        assert problem.msgid == "2@x" and problem.path == victim.path
        assert "no longer exists" in problem.reason


def test_unparseable_file_is_reported(make_store, tmp_path: Path):
    root = make_store([b"From: a@x\nSubject: vfio one\nMessage-Id: <1@x>\n\nhi\n"])
    # notmuch indexes almost anything; make a file unusable after indexing
    path = load_records(Settings(db_path=root, query="*", use_cache=False)).records[0].path
    Path(path).write_bytes(b"")
    result = load_records(Settings(db_path=root, query="*", cache_dir=tmp_path / "c"))
    assert result.records == []
    assert [(p.msgid, p.reason) for p in result.problems] == [("1@x", "empty file")]


def test_progress_is_reported(make_store, lore: Path, tmp_path: Path):
    root = make_store(lore_sample(lore, 150))
    calls: list[tuple[int, int]] = []
    load_records(Settings(db_path=root, query="*", cache_dir=tmp_path / "c"),
                 lambda done, total: calls.append((done, total)))
    assert calls[0] == (0, 150) and calls[-1] == (150, 150)
    assert 2 < len(calls) < 150  # often, but not per message
    assert all(a[0] <= b[0] for a, b in pairwise(calls))


def test_process_pool_gives_the_same_records(lore: Path, monkeypatch):
    files = lore_sample(lore, 80)
    entries = [(f.name, str(f)) for f in files]
    serial = parse_entries(entries, workers=1)
    monkeypatch.setattr(loader, "POOL_MIN", 10)
    pooled = parse_entries(entries, workers=2)
    assert sorted(serial) == sorted(pooled)
    assert len(pooled) == 80 and all(cacheable for *_, cacheable in pooled)


def test_whole_lore_store(lore_store: Path, lore: Path, tmp_path: Path):
    """All 2,031 real messages through notmuch: notmuch and the parser agree on every id."""
    settings = Settings(db_path=lore_store, query="*", cache_dir=tmp_path / "c")
    cold = load_records(settings)
    assert cold.problems == [] and len(cold.records) == 2031
    index_ids = {r["message_id"].strip("<>") for r in
                 csv.DictReader((lore / "INDEX.tsv").open(encoding="utf-8"), delimiter="\t")}
    assert {r.msgid for r in cold.records} == index_ids
    warm = load_records(settings)
    assert (warm.parsed, warm.cached) == (0, 2031)
    assert warm.records == cold.records


def test_default_query_on_lore(lore_store: Path, lore: Path, tmp_path: Path):
    """The default query keeps every thread of a variant-driver series, including the hisi
    v10–v12 threads whose subjects only say ``hisi_acc_vfio_pci:`` (one Xapian term, which
    ``subject:vfio`` misses), and leaves out the two qat threads that touch only
    drivers/crypto/intel/qat/ and never say vfio in a subject."""
    settings = Settings(db_path=lore_store, cache_dir=tmp_path / "c")
    matched = {m for m, _p in snapshot(settings, settings.effective_query()).entries}
    roots: dict[str, str] = {}
    for row in csv.DictReader((lore / "INDEX.tsv").open(encoding="utf-8"), delimiter="\t"):
        roots[row["message_id"].strip("<>")] = row["thread_root_subject"]
    left_out = {roots[m] for m in set(roots) - matched}
    assert left_out == {"[PATCH 0/2] crypto: qat - bound the live migration import parser",
                        "[PATCH 0/5] crypto: qat - refactor and add live migration enablers for GEN6 devices"}
    hisi = [m for m, root in roots.items() if "update live migration configuration region" in root]
    assert len(hisi) >= 20 and all(m in matched for m in hisi)


def test_new_message_in_store_shows_up(make_store, tmp_path: Path):
    root = make_store([b"From: a@x\nSubject: vfio one\nMessage-Id: <1@x>\n\nhi\n"])
    settings = Settings(db_path=root, cache_dir=tmp_path / "c")
    assert [r.msgid for r in load_records(settings).records] == ["1@x"]
    path = deliver(root / "INBOX", b"From: b@x\nSubject: Re: vfio one\nMessage-Id: <2@x>\n"
                                   b"In-Reply-To: <1@x>\n\nAcked-by: B <b@example.com>\n")
    index_files(root, [path])
    result = load_records(settings)
    assert [r.msgid for r in result.records] == ["1@x", "2@x"]
    assert (result.parsed, result.cached) == (1, 1)  # only the new file is read
    assert result.records[1].trailers[0].person.email == "b@example.com"


def test_saved_drafts_are_not_mail(make_store, tmp_path: Path):
    """A draft reply of mine, saved and indexed (tag:draft), is not loaded as a reply;
    a query that names tag:draft still finds it, as notmuch's excluded tags work."""
    from workbench.mail.drafts import save_draft

    root = make_store([b"From: a@x\nSubject: [PATCH] vfio: one\nMessage-Id: <1@x>\n\nhi\n"])
    draft = (b"From: Me <me@x>\nTo: a@x\nSubject: Re: [PATCH] vfio: one\nMessage-Id: <draft-1@x>\n"
             b"In-Reply-To: <1@x>\nReferences: <1@x>\nDate: Mon, 3 Mar 2025 10:00:00 +0000\n\nAcked-by: Me <me@x>\n")
    saved = save_draft(draft, Settings(db_path=root, cache_dir=tmp_path / "c"))
    assert saved.indexed, saved.warning
    everything = load_records(Settings(db_path=root, query="*", cache_dir=tmp_path / "c"))
    assert [r.msgid for r in everything.records] == ["1@x"]
    drafts = load_records(Settings(db_path=root, query="tag:draft", cache_dir=tmp_path / "c"))
    assert [r.msgid for r in drafts.records] == ["draft-1@x"]
