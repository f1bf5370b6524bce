"""Query → MailRecords, through the cache.

The order of work is chosen so that a warm run touches as little as possible:

1. open notmuch read-only, read its revision; open the cache file for (database, query);
2. same database and revision as the cache (and no relative ``date:`` in the query):
   answer from the cache alone, not one message file is opened;
3. a newer revision: ask Xapian for the query's count and for how many of its messages
   changed since the cached revision (``lastmod:N..``). No change and the same count:
   the result set is unchanged (mail arrived elsewhere, tags moved), answer from cache;
4. otherwise list the query's (message-id, file) pairs, reuse every cached record whose
   file is the same, parse the rest (in a process pool when there are many), and store
   the new result set in one transaction.

Why lastmod alone is not enough: a message deleted from the database is in no
``lastmod:`` answer, so a changed result set is confirmed by the count as well.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import notmuch2

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
from workbench.mail.notmuch_config import exclude_tags
from workbench.mail.parse import ParseFailure, parse_message
from workbench.mail.processes import process_context
from workbench.mail.store import (
    Revision,
    count_messages,
    list_isolated,
    revision,
    with_database,
)
from workbench.model import LoadProblem, MailRecord

Progress = Callable[[int, int], None]

POOL_MIN = 300
"""Below this many files to parse, starting worker processes costs more than it saves."""
CHUNK = 64
_RELATIVE_DATE = re.compile(r"\bdate:", re.IGNORECASE)


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


@dataclass(slots=True)
class _Plan:
    """What the read-only look at notmuch decided, copied out before it closed."""

    db_path: str
    revision: Revision
    from_cache: bool = False
    entries: list[tuple[str, str]] | None = None
    problems: list[LoadProblem] = field(default_factory=list)
    cache_key: str = ""  # which cache file holds this query's records (see cache_key)


def cache_key(db: notmuch2.Database, query: str) -> str:
    """The query together with the tags notmuch leaves out of it: the same query under
    another ``search.exclude_tags`` is another result set, so another cache file."""
    return f"{query}\x1fexclude:{';'.join(exclude_tags(db))}"


def unchanged(db: notmuch2.Database, query: str, state: CacheState | None, rev: Revision) -> bool:
    """Whether ``query`` still matches exactly the messages, unmodified, that ``state``
    recorded: the same database (uuid), and either the same revision or the same count
    with none of its messages changed since (mail arriving elsewhere, tags moving on other
    threads). A query with ``date:`` is not trusted on the revision alone (a relative date
    drops old mail as the clock moves, with no revision moving): its count is asked too.
    (A window moving at both ends, ``date:1month..1week``, could in principle swap one
    message in and one out at the same revision; ``--no-cache`` is the answer there.)"""
    if state is None or state.uuid != rev.uuid or state.rev < 0 or state.rev > rev.rev:
        return False
    if state.rev == rev.rev and not _RELATIVE_DATE.search(query):
        return True
    exclude = exclude_tags(db)
    if count_messages(db, query, exclude) != state.count:
        return False
    if state.rev == rev.rev:
        return True
    return count_messages(db, f"({query}) and lastmod:{state.rev + 1}..{rev.rev}", exclude) == 0


def _plan(settings: Settings, db: notmuch2.Database, query: str, state: CacheState | None) -> _Plan:
    rev = revision(db)
    plan = _Plan(db_path=str(db.path), revision=rev)
    if unchanged(db, query, state, rev):
        plan.from_cache = True
        return plan
    # the revision is read before the listing: mail committed in between is listed now
    # and seen as changed next time, never missed
    plan.entries, plan.problems = list_isolated(settings, query)
    return plan


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


def _load_uncached(settings: Settings, query: str, progress: Progress | None) -> LoadResult:
    plan = with_database(settings, lambda db: _plan(settings, db, query, None), query)
    entries = plan.entries or []
    if progress:
        progress(0, len(entries))
    parsed = parse_entries(entries, progress)
    records, problems = _build((blob for _m, _p, blob, _c in parsed), Decoder())
    return _finish(records, problems, plan, len(parsed), 0, progress)


def _open_cache(settings: Settings, db_path: str, query: str) -> MailCache | None:
    try:
        return MailCache.open(Path(settings.cache_dir), db_path, query)
    except (OSError, CacheBusy, CacheCorrupt, Exception):  # noqa: BLE001 — no cache: still load
        return None


def load_records(settings: Settings, progress: Progress | None = None) -> LoadResult:
    """The records of every message matching the settings' query. Raises StoreError for
    database problems; unusable messages are returned as problems, never raised."""
    query = settings.effective_query()
    if not settings.use_cache:
        return _load_uncached(settings, query, progress)

    caches: dict[tuple[str, str], MailCache | None] = {}

    def read(db: notmuch2.Database) -> _Plan:
        where = (str(db.path), cache_key(db, query))
        if where not in caches:
            caches[where] = _open_cache(settings, *where)
        cache = caches[where]
        state = None
        if cache is not None:
            try:
                state = cache.state()
            except CacheCorrupt:
                state = None
        plan = _plan(settings, db, query, state)
        plan.cache_key = where[1]
        return plan

    plan = with_database(settings, read, query)
    cache = caches.get((plan.db_path, plan.cache_key))
    try:
        return _load_with_cache(cache, plan, settings, query, progress)
    finally:
        for c in caches.values():
            if c is not None:
                c.close()


def _load_with_cache(cache: MailCache | None, plan: _Plan, settings: Settings, query: str,
                     progress: Progress | None) -> LoadResult:
    decoder = Decoder()
    new_state_count: int
    if plan.from_cache and cache is not None:
        state = cache.state()
        assert state is not None
        try:
            records, problems = cache.load_all(state.count)
            if state.rev != plan.revision.rev:
                try:
                    cache.set_state(CacheState(plan.revision.uuid, plan.revision.rev, state.count))
                except (CacheBusy, CacheCorrupt):
                    pass
            return _finish(records, problems, plan, 0, len(records) + len(problems), progress,
                           matched=state.count, settled=True)
        except CacheCorrupt:
            cache.close()
            remove_cache_file(cache.path)
            cache = _open_cache(settings, plan.db_path, plan.cache_key)
            key = plan.cache_key
            plan = with_database(settings, lambda db: _plan(settings, db, query, None), query)
            plan.cache_key = key

    entries = plan.entries or []
    total = len(entries)
    if progress:
        progress(0, total)
    stored: dict[str, tuple[str, bytes]] = {}
    if cache is not None:
        try:
            stored = cache.stored()
        except CacheCorrupt:
            cache.close()
            remove_cache_file(cache.path)
            cache = _open_cache(settings, plan.db_path, plan.cache_key)
    reuse: list[bytes] = []
    todo: list[tuple[str, str]] = []
    for msgid, path in entries:
        hit = stored.get(msgid)
        if hit is not None and hit[0] == path:
            reuse.append(hit[1])
        else:
            todo.append((msgid, path))
    del stored
    if progress and reuse:
        progress(len(reuse), total)
    if cache is not None and len(todo) >= POOL_MIN:
        # no SQLite connection is carried into forked workers; reopened to save
        cache.close()
        cache = None
        reopen = True
    else:
        reopen = False
    parsed = parse_entries(todo, progress, done=len(reuse), total=total)
    if reopen:
        cache = _open_cache(settings, plan.db_path, plan.cache_key)
    try:
        records, problems = _build(reuse, decoder)
    except (ValueError, EOFError, TypeError, IndexError):
        # a stored blob that does not decode: the whole file is suspect, parse everything
        if cache is not None:
            cache.close()
            remove_cache_file(cache.path)
            cache = _open_cache(settings, plan.db_path, plan.cache_key)
        parsed = parse_entries(entries, progress)
        reuse = []
        records, problems = [], []
    more_records, more_problems = _build((blob for _m, _p, blob, _c in parsed), decoder)
    records.extend(more_records)
    problems.extend(more_problems)

    if cache is not None:
        rows = [(m, p, blob) for m, p, blob, cacheable in parsed if cacheable]
        uncacheable = len(parsed) - len(rows)
        new_state_count = total - uncacheable
        try:
            if uncacheable:
                # a missing file is retried next run: store the rows, but no revision,
                # so the next run lists the query again instead of trusting this one
                cache.save(CacheState(plan.revision.uuid, -1, new_state_count), rows,
                           keep=(m for m, _p in entries))
            else:
                cache.save(CacheState(plan.revision.uuid, plan.revision.rev, new_state_count), rows,
                           keep=(m for m, _p in entries))
        except (CacheBusy, CacheCorrupt):
            pass
        finally:
            cache.close()
    settled = all(cacheable for *_, cacheable in parsed)
    return _finish(records, problems, plan, len(parsed), len(reuse), progress,
                   matched=total, settled=settled)
