"""Query → MailRecords, through the cache.

The order of work is chosen so that a warm run touches as little as possible:

1. the run's ``StoreSession`` looks at notmuch (read-only, once): revision, excluded
   tags; the cache file for (database, query) is opened;
2. the session decides whether the cached result set still holds (same database and
   revision; or a newer revision with the same count and none of the query's messages
   changed since, ``lastmod:N..``: mail arrived elsewhere, tags moved). Then the cache
   alone answers, not one message file is opened;
3. otherwise the query's (message-id, file) pairs are listed, every cached record whose
   file is the same is reused, the rest parsed (in a process pool when there are many),
   and the new result set stored in one transaction. Listing and parsing overlap: the
   listing child sends its entries in batches and the workers start on the first ones
   while notmuch walks the rest (on a cold 10k-message load the walk is ~10% of the time).

The load is those steps as functions: plan (``_plan``), list, reuse and parse
(``_list_and_parse``, ``_Work``), save (``_save``); a cache file found damaged at any step
is reset in one place (``_CacheSlot.reset``) and the records parsed from the mail instead.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from workbench import heap
from workbench.config import Settings
from workbench.mail.cache import (
    CacheBusy,
    CacheCorrupt,
    CacheState,
    Decoder,
    MailCache,
    encode_failure,
    encode_record,
    no_gc,
    remove_cache_file,
)
from workbench.mail.cache_writer import SaveJob
from workbench.mail.cache_writer import start as start_writer
from workbench.mail.parse import ParseFailure, parse_message
from workbench.mail.processes import process_context
from workbench.mail.session import StoreSession
from workbench.mail.store import Listed, Revision, listing_events
from workbench.model import LoadProblem, MailRecord

Progress = Callable[[int, int], None]

POOL_MIN = 300
"""Below this many files to parse, starting worker processes costs more than it saves."""
CHUNK = 64
POOL_CHUNK = 128
"""Messages per task handed to a parse worker while the listing arrives (~0.3 s of work:
small enough that the two workers finish together, large enough that the hand-over is
cheap next to the parsing)."""


@dataclass(slots=True)
class LoadResult:
    records: list[MailRecord]
    problems: list[LoadProblem] = field(default_factory=list)
    db_path: str = ""
    revision: int | None = None
    parsed: int = 0  # files parsed in this run
    cached: int = 0  # records answered by the cache
    uuid: str = ""  # the database's uuid: revisions compare only within one uuid
    matched: int = 0  # messages the query listed (what a later count is compared with)
    settled: bool = False  # every listed file was read: the result may be kept as it is


# --- parsing (in this process or in workers) ---------------------------------------------

Parsed = tuple[str, str, bytes, bool]  # (listed msgid, path, encoded record or failure, cacheable)


def parse_one(msgid: str, path: str) -> Parsed:
    """Parse one listed file into an encoded record or an encoded failure. A file that is
    missing or unreadable is not cacheable: it may be back (or fixed) next time."""
    try:
        record = parse_message(path)
    except FileNotFoundError:
        reason = "file no longer exists (deleted after indexing: run 'notmuch new')"
        return msgid, path, encode_failure(LoadProblem(path, reason, msgid)), False
    except OSError as err:
        reason = f"cannot read file: {err.strerror or err}"
        return msgid, path, encode_failure(LoadProblem(path, reason, msgid)), False
    except ParseFailure as err:
        return msgid, path, encode_failure(LoadProblem(path, err.reason, msgid)), True
    except Exception as err:  # noqa: BLE001 — one bad mail must never stop a load
        reason = f"parser error ({type(err).__name__}: {str(err)[:120]})"
        return msgid, path, encode_failure(LoadProblem(path, reason, msgid)), False
    return msgid, path, encode_record(record), True


def _parse_chunk(chunk: list[tuple[str, str]]) -> list[Parsed]:
    # Parsing makes many short-lived objects and no cycles: without the cyclic collector a
    # chunk parses faster, and a forked worker does not touch (and so copy) the parent's
    # heap in a full collection.
    with no_gc():
        return [parse_one(m, p) for m, p in chunk]


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def parse_entries(entries: list[tuple[str, str]], progress: Progress | None = None,
                  done: int = 0, total: int | None = None, workers: int | None = None) -> list[Parsed]:
    """Parse (msgid, path) pairs, in parallel when it pays. ``done``/``total`` place
    these files within the whole load for progress reports."""
    total = len(entries) + done if total is None else total
    workers = _cpus() if workers is None else workers
    if workers > 1 and len(entries) >= POOL_MIN:
        try:
            return _parse_pool(entries, progress, done, total, workers)
        except (OSError, RuntimeError, ImportError) as _err:  # no pool here: do it serially
            pass
    out: list[Parsed] = []
    for i in range(0, len(entries), CHUNK):
        out.extend(_parse_chunk(entries[i:i + CHUNK]))
        if progress:
            progress(done + len(out), total)
    return out


def _parse_pool(entries: list[tuple[str, str]], progress: Progress | None, done: int,
                total: int, workers: int) -> list[Parsed]:
    ctx = process_context()
    size = max(16, min(CHUNK * 4, len(entries) // (workers * 8) or 1))
    chunks = [entries[i:i + size] for i in range(0, len(entries), size)]
    out: list[Parsed] = []
    with ProcessPoolExecutor(max_workers=min(workers, len(chunks)), mp_context=ctx) as pool:
        futures = [pool.submit(_parse_chunk, c) for c in chunks]
        for fut in as_completed(futures):
            out.extend(fut.result())
            if progress:
                progress(done + len(out), total)
    return out


# --- the load ----------------------------------------------------------------------------
#
# plan (the session decides whether the cache still answers, else the query is listed),
# reuse (cached records of unchanged files), parse (the rest), save (one transaction).
# A damaged cache file met at any step takes the one way out, ``_CacheSlot.reset``.


@dataclass(slots=True)
class _Plan:
    """What the session's look at notmuch decided: the cache answers as it is
    (``from_cache``), or these are the query's messages now."""

    db_path: str
    revision: Revision
    from_cache: bool = False
    entries: list[tuple[str, str]] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)


def _plan(session: StoreSession, state: CacheState | None) -> _Plan:
    fresh = state is not None and session.unchanged(state.uuid, state.rev, state.count)
    facts = session.facts()  # after deciding: a database that moved meanwhile was looked at anew
    # listing and parsing happen in other processes, and take long; the tags the session
    # wants are read by the listing child when there is a listing
    session.release(read_wanted=fresh)
    # the revision is read before the listing: mail committed in between is listed now
    # and seen as changed next time, never missed
    return _Plan(db_path=facts.db_path, revision=facts.revision, from_cache=fresh)


def _build(items: Iterable[bytes], decoder: Decoder) -> tuple[list[MailRecord], list[LoadProblem]]:
    records: list[MailRecord] = []
    problems: list[LoadProblem] = []
    with no_gc():
        for blob in items:
            item = decoder.decode(blob)
            if isinstance(item, LoadProblem):
                problems.append(item)
            else:
                records.append(item)
    heap.freeze()  # each chunk's records live as long as the run (a report's: workbench.heap)
    return records, problems


def _finish(records: list[MailRecord], problems: list[LoadProblem], plan: _Plan,
            parsed: int, cached: int, progress: Progress | None, *, matched: int = 0,
            settled: bool = False) -> LoadResult:
    records.sort(key=lambda r: r.msgid)
    problems = plan.problems + problems
    if progress:
        n = len(records) + len(problems)
        progress(n, n)
    return LoadResult(records=records, problems=problems, db_path=plan.db_path,
                      revision=plan.revision.rev, parsed=parsed, cached=cached,
                      uuid=plan.revision.uuid, matched=matched, settled=settled)


def _open_cache(cache_dir: Path, db_path: str, key: str) -> MailCache | None:
    try:
        return MailCache.open(cache_dir, db_path, key)
    except (OSError, CacheBusy, CacheCorrupt, Exception):  # noqa: BLE001 — no cache: still load
        return None


class _CacheSlot:
    """The record cache file of one load, or none when no cache can be made here (the
    load goes on without). Every damaged-file path ends in ``reset``: the file is deleted
    and an empty one started, so nothing a bad file holds is trusted, and nothing of the
    store is lost (the records are parsed again from the mail)."""

    def __init__(self, cache_dir: Path, db_path: str, key: str) -> None:
        self.where = (cache_dir, db_path, key)
        self.cache = _open_cache(*self.where)

    def state(self) -> CacheState | None:
        if self.cache is None:
            return None
        try:
            return self.cache.state()
        except CacheCorrupt:
            self.reset()
            return None

    def stored(self) -> dict[str, tuple[str, bytes]]:
        if self.cache is None:
            return {}
        try:
            return self.cache.stored()
        except CacheCorrupt:
            self.reset()
            return {}

    def reset(self) -> None:
        if self.cache is not None:
            self.cache.close()
            remove_cache_file(self.cache.path)
        self.cache = _open_cache(*self.where)

    def suspend(self) -> bool:
        """Closed while forked workers parse: no SQLite connection is carried into them.
        Whether there was a cache to reopen."""
        had = self.cache is not None
        self.close()
        return had

    def resume(self) -> None:
        self.cache = _open_cache(*self.where)

    def close(self) -> None:
        if self.cache is not None:
            self.cache.close()
            self.cache = None


def load_records(settings: Settings, progress: Progress | None = None,
                 session: StoreSession | None = None) -> LoadResult:
    """The records of every message matching the settings' query. Raises StoreError for
    database problems; unusable messages are returned as problems, never raised.
    ``session``: the run's look at the store (one is opened for this load when None)."""
    if session is None:
        with StoreSession(settings) as own:
            return load_records(settings, progress, own)
    if not settings.use_cache:
        return _parse_all(_plan(session, None), session, progress)
    facts = session.facts()
    slot = _CacheSlot(Path(settings.cache_dir), facts.db_path, facts.cache_key(session.query))
    try:
        return _load_with_cache(slot, session, progress)
    finally:
        slot.close()


def _parse_all(plan: _Plan, session: StoreSession, progress: Progress | None) -> LoadResult:
    records, problems, parsed, _cached = _list_and_parse(plan, session, {}, None, progress)
    parsed.close()
    return _finish(records, problems, plan, len(parsed), 0, progress)


def _load_with_cache(slot: _CacheSlot, session: StoreSession, progress: Progress | None) -> LoadResult:
    state = slot.state()
    plan = _plan(session, state)
    if plan.from_cache:
        assert state is not None
        answer = _answer_from_cache(slot, state, plan, progress)
        if answer is not None:
            return answer
        slot.reset()
        plan.from_cache = False
    records, problems, parsed, cached = _list_and_parse(plan, session, slot.stored(), slot, progress)
    try:
        _save(slot, plan, parsed, session)
    finally:
        parsed.close()
    settled = parsed.settled()
    return _finish(records, problems, plan, len(parsed), cached, progress,
                   matched=len(plan.entries), settled=settled)


def _list_and_parse(plan: _Plan, session: StoreSession, stored: dict[str, tuple[str, bytes]],
                    slot: _CacheSlot | None, progress: Progress | None,
                    ) -> tuple[list[MailRecord], list[LoadProblem], _Spool, int]:
    """List the query (``plan.entries``, ``plan.problems``) and make its records: stored
    blobs of unchanged files are reused, the rest parsed — in workers that start on the
    first listed batches while notmuch still walks the rest. (records, problems, the
    parsed rows, how many records the cache gave)."""
    work = _Work(stored, slot)
    try:
        for kind, payload in listing_events(session.settings, session.query, session.wanted_tags()):
            if kind is Listed.RESTART:
                work.restart()
            elif kind is Listed.ENTRIES:
                work.add(payload)
            elif kind is Listed.TAGS:
                session.tags_listed(payload)
            else:
                plan.problems = list(payload)
        plan.entries = work.entries
        return work.finish(progress)
    finally:
        work.close()


class _Work:
    """One load's parsing as the listing arrives: each listed message is either reused
    (its stored blob, same file) or to be parsed; once enough are to be parsed, a worker
    pool starts and gets them in chunks while the listing goes on. Records are decoded
    in this process as the workers' chunks come back."""

    def __init__(self, stored: dict[str, tuple[str, bytes]], slot: _CacheSlot | None,
                 workers: int | None = None) -> None:
        self.stored = stored
        self.slot = slot
        self.workers = _cpus() if workers is None else workers
        self.entries: list[tuple[str, str]] = []  # the listing (of its last attempt)
        self.reuse: list[tuple[str, str]] = []  # answered by the cache (decoded as listed)
        self.decoder = Decoder()
        self.reused: list[MailRecord] = []
        self.reused_problems: list[LoadProblem] = []
        self.reuse_bad = False  # a stored blob did not decode: the cache file is suspect
        self.todo: list[tuple[str, str]] = []  # to parse, not handed to a worker yet
        self.sent: set[tuple[str, str]] = set()  # handed to a worker (by any attempt)
        self.restarted = False
        self.pool: ProcessPoolExecutor | None = None
        self.futures: dict[Future[list[Parsed]], list[tuple[str, str]]] = {}
        self.no_pool = self.workers < 2
        self.reopen = False

    def restart(self) -> None:
        """The listing starts over: what it listed before is void (workers' results for
        messages it does not list again are dropped at the end)."""
        self.restarted = self.restarted or bool(self.entries)
        self.entries, self.reuse, self.todo = [], [], []
        self.reused, self.reused_problems = [], []

    def add(self, batch: list[tuple[str, str]]) -> None:
        stored, sent = self.stored, self.sent
        hits: list[bytes] = []
        for msgid, path in batch:
            self.entries.append((msgid, path))
            hit = stored.get(msgid)
            if hit is not None and hit[0] == path:
                self.reuse.append((msgid, path))
                hits.append(stored.pop(msgid)[1])  # decoded now: its bytes need not stay
            elif (msgid, path) not in sent:
                self.todo.append((msgid, path))
        self._send(final=False)
        if hits and not self.reuse_bad:
            try:
                records, problems = _build(hits, self.decoder)
            except (ValueError, EOFError, TypeError, IndexError):
                self.reuse_bad = True  # parsed from the mail at the end, the file reset
                self.reused, self.reused_problems = [], []
            else:
                self.reused.extend(records)
                self.reused_problems.extend(problems)

    def _send(self, *, final: bool) -> None:
        if self.pool is None:
            if self.no_pool or len(self.todo) < POOL_MIN:
                return
            if self.slot is not None:
                self.reopen = self.slot.suspend()  # no SQLite connection is carried into workers
            try:
                self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=process_context())
            except (OSError, RuntimeError, ImportError, ValueError):  # no pool here: parse serially
                self.no_pool = True
                return
        while len(self.todo) >= POOL_CHUNK or (final and self.todo):
            chunk = self.todo[:POOL_CHUNK]
            try:
                future = self.pool.submit(_parse_chunk, chunk)
            except (OSError, RuntimeError):  # a broken pool: the rest is parsed here
                self.no_pool = True
                return
            del self.todo[:POOL_CHUNK]
            self.futures[future] = chunk
            self.sent.update(chunk)

    def finish(self, progress: Progress | None) -> tuple[list[MailRecord], list[LoadProblem], _Spool, int]:
        total = len(self.entries)
        if progress:
            progress(0, total)
        if self.reuse and progress:
            progress(len(self.reuse), total)
        if not self.no_pool:
            self._send(final=True)
        keep = set(self.entries) if self.restarted else None
        decoder = self.decoder
        records: list[MailRecord] = []
        problems: list[LoadProblem] = []
        parsed = _Spool(keep_blobs=self.slot is not None)
        done = len(self.reuse)

        def take(rows: list[Parsed]) -> None:
            if keep is not None:
                rows = [row for row in rows if (row[0], row[1]) in keep]
            parsed.add(rows)
            more_records, more_problems = _build((blob for _m, _p, blob, _c in rows), decoder)
            records.extend(more_records)
            problems.extend(more_problems)

        try:
            for future in as_completed(self.futures):
                # popped: a future holds its result, and the results' blobs must not all
                # stay in memory (as_completed lets go of each future it has yielded)
                chunk = self.futures.pop(future)
                try:
                    rows = future.result()
                except (OSError, RuntimeError, EOFError):  # a worker died (BrokenProcessPool): parse it here
                    rows = _parse_chunk(chunk)
                del future
                take(rows)
                del rows
                if progress:
                    progress(done + len(parsed), total)
            self.close()
            if self.todo:
                take(parse_entries(self.todo, progress, done=done + len(parsed), total=total, workers=1))
            cached = len(self.reuse)
            if self.reuse_bad:
                # a stored blob that does not decode: the whole file is suspect, parse those too
                if self.slot is not None:
                    self.slot.reset()
                cached = 0
                take(parse_entries(self.reuse))
            else:
                records.extend(self.reused)
                problems.extend(self.reused_problems)
        except BaseException:
            parsed.close()
            raise
        return records, problems, parsed, cached

    def close(self) -> None:
        """The pool shut down and the cache file reopened (also when the load failed)."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None
        if self.reopen and self.slot is not None:
            self.reopen = False
            self.slot.resume()


class _Spool:
    """The rows parsed in this load on their way to the cache: their encoded blobs wait in
    an unnamed temporary file, not in memory, next to the records decoded from them (at
    100k real messages the blobs are ~230 MB). Without a cache (``keep_blobs`` false)
    only the counts are kept."""

    def __init__(self, keep_blobs: bool) -> None:
        self.keep_blobs = keep_blobs
        self.rows: list[tuple[str, str, int, bool]] = []  # (msgid, path, blob size, cacheable)
        self.file: IO[bytes] | None = None
        self.memory: list[bytes] | None = None  # where no temporary file can be made

    def add(self, rows: list[Parsed]) -> None:
        if not self.keep_blobs:
            self.rows.extend((m, p, 0, c) for m, p, _b, c in rows)
            return
        if self.file is None and self.memory is None:
            try:
                self.file = tempfile.TemporaryFile(prefix="vfio-workbench-rows-")
            except OSError:
                self.memory = []
        for msgid, path, blob, cacheable in rows:
            if self.file is not None:
                self.file.write(blob)
            else:
                assert self.memory is not None
                self.memory.append(blob)
            self.rows.append((msgid, path, len(blob), cacheable))

    def __len__(self) -> int:
        return len(self.rows)

    def fileno(self) -> int | None:
        """The spool file's descriptor, written out (None when the rows are in memory)."""
        if self.file is None:
            return None
        self.file.flush()
        return self.file.fileno()

    def located(self) -> list[tuple[str, str, int, int]]:
        """(msgid, path, offset, size) in the spool file of the rows worth keeping."""
        out: list[tuple[str, str, int, int]] = []
        offset = 0
        for msgid, path, size, cacheable in self.rows:
            if cacheable:
                out.append((msgid, path, offset, size))
            offset += size
        return out

    def settled(self) -> bool:
        return all(cacheable for *_, cacheable in self.rows)

    def uncacheable(self) -> int:
        return sum(1 for *_, cacheable in self.rows if not cacheable)

    def cacheable(self) -> Iterator[tuple[str, str, bytes]]:
        """(msgid, path, blob) of the rows worth keeping, read back in order."""
        if self.file is not None:
            self.file.flush()
            self.file.seek(0)
            read = self.file.read
            for msgid, path, size, cacheable in self.rows:
                blob = read(size)
                if cacheable:
                    yield msgid, path, blob
        elif self.memory is not None:
            for (msgid, path, _size, cacheable), blob in zip(self.rows, self.memory, strict=True):
                if cacheable:
                    yield msgid, path, blob

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None
        self.memory = None


def _answer_from_cache(slot: _CacheSlot, state: CacheState, plan: _Plan,
                       progress: Progress | None) -> LoadResult | None:
    """The stored result set as it is (None when the file turns out damaged)."""
    cache = slot.cache
    assert cache is not None
    try:
        records, problems = cache.load_all(state.count)
    except CacheCorrupt:
        return None
    if state.rev != plan.revision.rev:
        try:
            cache.set_state(CacheState(plan.revision.uuid, plan.revision.rev, state.count))
        except (CacheBusy, CacheCorrupt):
            pass
    return _finish(records, problems, plan, 0, len(records) + len(problems), progress,
                   matched=state.count, settled=True)


def _save(slot: _CacheSlot, plan: _Plan, parsed: _Spool, session: StoreSession) -> None:
    """The parsed rows and the new state in one transaction, the file then holding
    exactly the listed messages. A missing file is retried next run: its rows are
    stored, but no revision, so the next run lists the query again instead of trusting
    this one. A busy or damaged cache only means this run's work is not kept.

    The transaction runs in a writer process of its own (``cache_writer``) while this
    run analyses; the session waits for it before the run ends or loads again. Where no
    writer can be started (or the rows are not in a file), it runs here."""
    cache = slot.cache
    if cache is None:
        return
    uncacheable = parsed.uncacheable()
    rev = -1 if uncacheable else plan.revision.rev
    state = CacheState(plan.revision.uuid, rev, len(plan.entries) - uncacheable)
    spool = parsed.fileno()
    if spool is not None:
        cache_dir, db_path, key = slot.where
        job = SaveJob(cache_dir=str(cache_dir), db_path=db_path, key=key,
                      state=(state.uuid, state.rev, state.count), rows=parsed.located(),
                      keep=[m for m, _p in plan.entries])
        writer = start_writer(job, spool)
        if writer is not None:
            session.wait_for(lambda: _settle(writer))
            return
    try:
        cache.save(state, parsed.cacheable(), keep=(m for m, _p in plan.entries))
    except (CacheBusy, CacheCorrupt, OSError):
        pass


WRITER_PATIENCE = 300.0
"""Seconds a run waits at its end for its cache writer (a 100k-message save takes two)."""


def _settle(writer: subprocess.Popen[bytes]) -> None:
    try:
        writer.wait(timeout=WRITER_PATIENCE)
    except subprocess.TimeoutExpired:
        writer.kill()  # its transaction rolls back: this run's work is not kept
        writer.wait()
