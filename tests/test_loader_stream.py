"""Listing and parsing overlap (issue 13): the listing child sends its entries in batches,
workers start on the first ones, and a listing that starts over voids what it sent before.

On real notmuch stores of real lore mail: the streamed listing equals the one-shot
snapshot, a load whose workers start mid-listing gives the records a serial parse gives,
and results for messages a restarted listing no longer lists are dropped.
"""

from __future__ import annotations

import csv
from itertools import pairwise
from dataclasses import replace
from pathlib import Path

import pytest

from workbench.config import Settings
from workbench.errors import StoreError
from workbench.mail import loader, store
from workbench.mail.loader import _Work, load_records, parse_entries
from workbench.mail.parse import parse_message
from workbench.mail.store import Listed, list_isolated, listing_events, snapshot


def lore_files(lore: Path, n: int) -> list[Path]:
    rows = list(csv.DictReader((lore / "INDEX.tsv").open(encoding="utf-8"), delimiter="\t"))
    return [lore / r["file"] for r in rows[:n]]


def test_listing_comes_in_batches_and_equals_the_snapshot(make_store, lore: Path, monkeypatch):
    root = make_store(lore_files(lore, 90))
    settings = Settings(db_path=root, query="*")
    monkeypatch.setattr(store, "BATCH", 25)
    events = list(listing_events(settings, "*"))
    kinds = [kind for kind, _payload in events]
    assert kinds[0] is Listed.RESTART and kinds[-1] is Listed.DONE
    batches = [payload for kind, payload in events if kind is Listed.ENTRIES]
    assert [len(b) for b in batches] == [25, 25, 25, 15]
    streamed = [entry for b in batches for entry in b]
    assert sorted(streamed) == sorted(snapshot(settings, "*").entries)
    assert list_isolated(settings, "*") == (streamed, [])


def test_a_failing_query_is_a_store_error(make_store, lore: Path):
    root = make_store(lore_files(lore, 3))
    with pytest.raises(StoreError, match="could not run the query"):
        list(listing_events(Settings(db_path=root), "thread:{"))


def test_workers_started_mid_listing_give_the_serial_records(make_store, lore: Path, tmp_path: Path,
                                                             monkeypatch):
    files = lore_files(lore, 120)
    root = make_store(files)
    monkeypatch.setattr(store, "BATCH", 16)
    monkeypatch.setattr(loader, "POOL_MIN", 20)
    monkeypatch.setattr(loader, "POOL_CHUNK", 8)
    started: list[int] = []
    real_pool = loader.ProcessPoolExecutor

    def pool(*args, **kwargs):
        started.append(1)
        return real_pool(*args, **kwargs)

    monkeypatch.setattr(loader, "ProcessPoolExecutor", pool)
    monkeypatch.setattr(loader, "_cpus", lambda: 2)
    calls: list[tuple[int, int]] = []
    result = load_records(Settings(db_path=root, query="*", cache_dir=tmp_path / "c"),
                          lambda done, total: calls.append((done, total)))
    assert started == [1]  # one pool, started while the listing went on
    assert result.problems == [] and result.parsed == 120 and result.settled
    direct = {r.msgid: r for r in (parse_message(str(f)) for f in files)}
    assert len(result.records) == 120
    for record in result.records:
        assert record == replace(direct[record.msgid], path=record.path)
    assert calls[0] == (0, 120) and calls[-1] == (120, 120)
    assert all(a[0] <= b[0] for a, b in pairwise(calls))
    warm = load_records(Settings(db_path=root, query="*", cache_dir=tmp_path / "c"))
    assert (warm.parsed, warm.cached) == (0, 120) and warm.records == result.records


def test_a_restarted_listing_voids_what_it_sent_before(lore: Path, monkeypatch):
    files = [str(f) for f in lore_files(lore, 60)]
    entries = [(parse_message(f).msgid, f) for f in files]
    monkeypatch.setattr(loader, "POOL_MIN", 10)
    monkeypatch.setattr(loader, "POOL_CHUNK", 8)
    work = _Work({}, None, workers=2)
    try:
        work.add(entries[:40])  # handed to the workers
        assert work.pool is not None and work.sent
        work.restart()  # the database moved: the walk starts again and lists fewer
        work.add(entries[20:30])
        work.add(entries[45:60])
        records, problems, parsed, cached = work.finish(None)
    finally:
        work.close()
    want = entries[20:30] + entries[45:60]
    assert work.entries == want and problems == [] and cached == 0
    assert sorted((r.msgid, r.path) for r in records) == sorted(want)
    assert sorted((m, p) for m, p, _size, _c in parsed.rows) == sorted(want)


def test_stored_records_of_unchanged_files_are_reused_mid_listing(lore: Path):
    files = [str(f) for f in lore_files(lore, 30)]
    rows = parse_entries([(parse_message(f).msgid, f) for f in files], workers=1)
    stored = {m: (p, blob) for m, p, blob, _c in rows[:20]}
    stored[rows[20][0]] = ("/elsewhere/moved", rows[20][2])  # a file that moved: parsed anew
    work = _Work(stored, None, workers=1)
    work.add([(m, p) for m, p, _b, _c in rows])
    records, problems, parsed, cached = work.finish(None)
    assert cached == 20 and len(parsed) == 10 and problems == []
    assert sorted(r.msgid for r in records) == sorted(m for m, *_ in rows)


def test_a_stored_blob_that_does_not_decode_makes_the_reused_ones_parsed(lore: Path):
    files = [str(f) for f in lore_files(lore, 30)]
    rows = parse_entries([(parse_message(f).msgid, f) for f in files], workers=1)
    stored = {m: (p, blob) for m, p, blob, _c in rows}
    stored[rows[7][0]] = (rows[7][1], b"\x00not marshal")  # torn
    work = _Work(stored, None, workers=1)
    work.add([(m, p) for m, p, _b, _c in rows[:15]])
    work.add([(m, p) for m, p, _b, _c in rows[15:]])
    records, problems, parsed, cached = work.finish(None)
    assert cached == 0 and len(parsed) == 30 and problems == []
    assert sorted(r.msgid for r in records) == sorted(m for m, *_ in rows)  # each once, none lost


def test_parsed_rows_wait_in_a_file_and_come_back_in_order(lore: Path):
    files = [str(f) for f in lore_files(lore, 12)]
    rows = parse_entries([(parse_message(f).msgid, f) for f in files], workers=1)
    rows[3] = (*rows[3][:3], False)  # not cacheable: not written to the cache
    spool = loader._Spool(keep_blobs=True)
    spool.add(rows[:5])
    spool.add(rows[5:])
    assert spool.file is not None and len(spool) == 12 and not spool.settled() and spool.uncacheable() == 1
    assert list(spool.cacheable()) == [(m, p, b) for m, p, b, c in rows if c]
    spool.close()
