"""The on-disk record cache: parsed MailRecords by message-id, one SQLite file per
(database, query), kept under ``settings.cache_dir`` and never inside the maildir.

Why SQLite: its transactions make a process killed mid-write leave the previous,
consistent cache behind (or, for a torn file, an error we detect and answer by
rebuilding): a wrong answer from a half-written cache is the one outcome that must not
happen. Why one file per query: the file then holds exactly the query's result set, so
a warm run is a single table scan with no filtering.

Records are stored as ``marshal``-ed tuples of str/int/float/None (fast to load: the
cost of a warm run is this decoding), with people interned on load so a 100k-message
store shares one Person per address. A fingerprint of the parser's source (and of the
series code that computes trailers, files and signals) is stored too: records made by
different code are thrown away rather than trusted.
"""

from __future__ import annotations

import gc
import hashlib
import marshal
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import cast

from workbench import heap
from workbench.model import (
    FileChange,
    LoadProblem,
    MailRecord,
    Person,
    RawTrailer,
    Signal,
    SignalKind,
)
from workbench.sqlite_file import SqliteFile, write_transaction

SCHEMA = 5
"""Bumped when the table layout or the tuple layout changes, or what a record holds (5:
signals of kind ``doc`` carry driver comment blocks and documentation-file topics; the
record gains ``relayed`` and ``from_list``, the sender a list relays)."""

_SOURCES = ("mail/*.py", "patchmail/*.py", "model.py", "text.py")
"""Globs (under the package) of the code a record is made by: the mail door, the patch-mail
primitives it parses with, and the types it fills. Globs, so a module moved or added
there is covered without anyone remembering this list."""
_fingerprint: str | None = None


def code_fingerprint() -> str:
    """A hash of the code that shapes a record; cached records from other code are stale."""
    global _fingerprint
    if _fingerprint is None:
        root = Path(__file__).resolve().parent.parent
        h = hashlib.sha1(str(SCHEMA).encode())
        for pattern in _SOURCES:
            for path in sorted(root.glob(pattern)):
                h.update(str(path.relative_to(root)).encode())
                h.update(path.read_bytes())
        _fingerprint = h.hexdigest()
    return _fingerprint


# --- records <-> bytes -------------------------------------------------------------------

_FAIL = "!fail"


def _person(p: Person) -> tuple[str, str]:
    return (p.name, p.email)


_US, _RS = "\x1f", "\x1e"  # unit and record separators: never in a decoded header


def _people(people: tuple[Person, ...]) -> str:
    """An address list as one string: one object to load instead of two per person
    (a kernel Cc list has 20 people; this alone makes loading 4x faster)."""
    return _RS.join(f"{_safe(p.name)}{_US}{_safe(p.email)}" for p in people)


def _safe(text: str) -> str:
    if _US in text or _RS in text:  # the parser strips controls; stay safe regardless
        return text.replace(_US, " ").replace(_RS, " ")
    return text


def encode_record(r: MailRecord) -> bytes:
    if r.date is not None:
        off = r.date.utcoffset()
        date = (r.date.timestamp(), int(off.total_seconds()) if off is not None else 0)
    else:
        date = None
    return marshal.dumps((
        r.msgid, r.path, r.subject, _person(r.author), _person(r.sender), date,
        r.in_reply_to, r.references,
        _people(r.to), _people(r.cc),
        tuple((t.name, t.person.name, t.person.email) for t in r.trailers),
        tuple((f.path, f.old_path, f.status, f.added, f.removed) for f in r.files),
        tuple((s.kind.value, s.path, s.pattern, s.line, s.hunk) for s in r.signals),
        r.cover_text, r.change_id, r.problems, r.applied,
        _person(r.relayed) if r.relayed is not None else None, r.from_list,
    ))


def encode_failure(problem: LoadProblem) -> bytes:
    return marshal.dumps((_FAIL, problem.path, problem.reason, problem.msgid))


class BadRecord(ValueError):
    """A stored blob that is not exactly what ``encode_record``/``encode_failure`` write:
    torn, garbage, or of another shape (an int where a string was, a list for a tuple, a
    date no clock can show). The caller treats it as a cache miss and parses the message
    again; a record of the wrong shape must never reach the checks, where it would fail
    far from its cause or, worse, quietly judge wrong."""


def _pair(value: object) -> bool:
    return type(value) is tuple and len(value) == 2 and type(value[0]) is str and type(value[1]) is str


def _strs(value: object) -> bool:
    return type(value) is tuple and all(type(v) is str for v in value)


def _maybe_str(value: object) -> bool:
    return value is None or type(value) is str


def _rows(value: object, width: int) -> bool:
    return type(value) is tuple and all(type(v) is tuple and len(v) == width for v in value)


_ERRORS = (ValueError, EOFError, TypeError, IndexError, KeyError, OverflowError, OSError, AttributeError,
           RecursionError, MemoryError)
"""What ``marshal`` and the constructors raise on a damaged blob (a huge length prefix
asks for memory it cannot have; deep nesting recurses)."""


class Decoder:
    """Turns stored tuples back into records, sharing equal people, zones and file paths.

    Address lists are shared whole: every reply in a thread carries the same Cc list,
    so the tuple of Persons is built once per distinct list, not once per message.
    Every field's type is checked before it is used (``type(x) is str``: cheap next to the
    decoding itself); anything else raises ``BadRecord``.
    """

    def __init__(self) -> None:
        self.people: dict[tuple[str, str], Person] = {}
        self.lists: dict[str, tuple[Person, ...]] = {}
        self.entries: dict[str, Person] = {}
        self.zones: dict[int, timezone] = {}
        self.strings: dict[str, str] = {}
        self.trailers: dict[tuple[str, str, str], RawTrailer] = {}

    def person(self, pair: tuple[str, str]) -> Person:
        p = self.people.get(pair)
        if p is None:
            p = self.people[pair] = Person(pair[0], pair[1])
        return p

    def trailer(self, row: tuple[str, str, str]) -> RawTrailer:
        """One RawTrailer per (name, person): a sign-off recurs on every patch its person sends."""
        got = self.trailers.get(row)
        if got is None:
            got = self.trailers[row] = RawTrailer(name=row[0], person=self.person((row[1], row[2])))
        return got

    def people_list(self, joined: str) -> tuple[Person, ...]:
        got = self.lists.get(joined)
        if got is None:
            entries = joined.split(_RS)
            # each person's stored entry ("name␟email") maps to its Person: a list seen for
            # the first time is mostly of people seen before, found without splitting them
            found = tuple(map(self.entries.get, entries))
            if None in found:
                found = tuple(p if p is not None else self._entry(e) for p, e in zip(found, entries, strict=True))
            got = self.lists[joined] = cast(tuple[Person, ...], found)
        return got

    def _entry(self, entry: str) -> Person:
        name, sep, email = entry.partition(_US)
        if not sep:
            raise BadRecord("an address list entry without its separator")
        p = self.entries[entry] = self.person((name, email))
        return p

    def decode(self, blob: bytes) -> MailRecord | LoadProblem:
        """The record or failure stored in ``blob``; BadRecord for anything else."""
        try:
            return self._decode(blob)
        except BadRecord:
            raise
        except _ERRORS as err:
            raise BadRecord(f"{type(err).__name__}: {err}") from None

    def _decode(self, blob: bytes) -> MailRecord | LoadProblem:
        t = marshal.loads(blob)
        if type(t) is not tuple:
            raise BadRecord("not a tuple")
        if len(t) == 4 and t[0] == _FAIL:
            if not (type(t[1]) is str and type(t[2]) is str and _maybe_str(t[3])):
                raise BadRecord("a failure of the wrong shape")
            return LoadProblem(path=t[1], reason=t[2], msgid=t[3])
        if len(t) != 19:
            raise BadRecord(f"{len(t)} fields")
        (msgid, path, subject, author, sender, date, irt, refs, to, cc, trailers, files,
         signals, cover, change_id, problems, applied, relayed, from_list) = t
        if not (type(msgid) is str and type(path) is str and type(subject) is str and _pair(author)
                and _pair(sender) and _maybe_str(irt) and _strs(refs) and type(to) is str
                and type(cc) is str and type(cover) is str and _maybe_str(change_id) and _strs(problems)
                and type(applied) is str and (relayed is None or _pair(relayed)) and type(from_list) is bool
                and _rows(trailers, 3) and _rows(files, 5) and _rows(signals, 5)):
            raise BadRecord("a field of the wrong type")
        for row in trailers:
            if not _strs(row):
                raise BadRecord("a trailer of the wrong shape")
        for fp, op, st, a, d in files:
            if not (type(fp) is str and _maybe_str(op) and type(st) is str and type(a) is int and type(d) is int):
                raise BadRecord("a file of the wrong shape")
        for row in signals:
            if not _strs(row):
                raise BadRecord("a signal of the wrong shape")
        if date is not None:
            if not (type(date) is tuple and len(date) == 2 and type(date[0]) in (int, float)
                    and type(date[1]) is int):
                raise BadRecord("a date of the wrong shape")
            zone = self.zones.get(date[1])
            if zone is None:
                zone = timezone(timedelta(seconds=date[1]))  # ValueError beyond ±24 h
                self.zones[date[1]] = zone
            when = datetime.fromtimestamp(date[0], zone)  # OverflowError/OSError/ValueError: 1e20, nan
        else:
            when = None
        person = self.person
        strings = self.strings
        sd = strings.setdefault
        # a thread's message-ids recur in every later message's References (and as
        # In-Reply-To): one string per id, shared with the message's own msgid
        return MailRecord(
            msgid=sd(msgid, msgid), path=path, subject=subject, author=person(author),
            sender=person(sender), date=when, in_reply_to=sd(irt, irt) if irt is not None else None,
            references=tuple([sd(r, r) for r in refs]) if refs else (),
            to=self.people_list(to) if to else (), cc=self.people_list(cc) if cc else (),
            trailers=tuple([self.trailer(row) for row in trailers]) if trailers else (),
            files=tuple([FileChange(path=sd(fp, fp), old_path=op, status=st, added=a, removed=d)
                         for fp, op, st, a, d in files]) if files else (),
            signals=tuple([Signal(kind=SignalKind(k), path=sd(sp, sp), pattern=pat, line=ln, hunk=hk)
                           for k, sp, pat, ln, hk in signals]) if signals else (),
            cover_text=cover, change_id=change_id, problems=problems, applied=applied,
            relayed=person(relayed) if relayed is not None else None, from_list=from_list,
        )


@contextmanager
def no_gc() -> Iterator[None]:
    """Building 100k records makes millions of objects, none of them cyclic; letting the
    cyclic collector rescan the growing heap meanwhile costs more than the decoding."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


# --- the SQLite file ---------------------------------------------------------------------


class CacheCorrupt(Exception):
    """The cache file cannot be trusted; the caller deletes it and starts over."""


class CacheBusy(Exception):
    """Another process holds the cache's write lock; this run goes without caching."""


def _failure(err: sqlite3.Error) -> Exception:
    text = str(err).lower()
    if isinstance(err, sqlite3.OperationalError) and ("locked" in text or "busy" in text):
        return CacheBusy(str(err))
    return CacheCorrupt(str(err))


@dataclass(frozen=True, slots=True)
class CacheState:
    uuid: str
    rev: int
    count: int


def cache_file(cache_dir: Path, db_path: str, query: str) -> Path:
    key = hashlib.sha256(f"{db_path}\0{query}".encode("utf-8", "surrogateescape")).hexdigest()[:24]
    return Path(cache_dir) / "mail" / f"{key}.sqlite"


def remove_cache_file(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.unlink(f"{path}{suffix}")
        except FileNotFoundError:
            pass


def _unlink_planted_links(path: Path) -> None:
    """SQLite follows a symlink at its file name (and at ``-wal``/``-shm``/``-journal``),
    and Python cannot pass it SQLITE_OPEN_NOFOLLOW: a link planted there (a shared
    ``--cache-dir``) would have the cache written over the file it points at. These names
    are the cache's own, so a link at one is removed, never followed."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        name = f"{path}{suffix}"
        if os.path.islink(name):
            os.unlink(name)


PAGE_SIZE = 16384
"""Bytes per page of a new cache file (SQLite's default is 4096)."""


class MailCache(SqliteFile):
    """One cache file. Every method raises CacheCorrupt for a file that is not a sound
    cache of this (database, query, code); ``open`` has already rebuilt such files."""

    def __init__(self, path: Path, db_path: str, query: str) -> None:
        self.path = path
        self.db_path = db_path
        self.query = query
        self.conn: sqlite3.Connection | None = None

    @classmethod
    def open(cls, cache_dir: Path, db_path: str, query: str) -> MailCache:
        """The cache for (db_path, query); a corrupt or foreign file is replaced by an
        empty one. Raises OSError/sqlite3.Error only when no cache can be made at all."""
        path = cache_file(cache_dir, db_path, query)
        path.parent.mkdir(parents=True, exist_ok=True)
        _unlink_planted_links(path)
        cache = cls(path, db_path, query)
        try:
            cache._connect()
        except sqlite3.OperationalError as err:
            cache.close()
            if isinstance(_failure(err), CacheBusy):
                raise CacheBusy(str(err)) from None
            remove_cache_file(path)
            cache._connect()
        except (CacheCorrupt, sqlite3.DatabaseError):
            cache.close()
            remove_cache_file(path)
            cache._connect()
        return cache

    def _connect(self) -> None:
        conn = sqlite3.connect(self.path, timeout=2.0, isolation_level=None)
        self.conn = conn
        # a new file gets 16 KB pages (a no-op on an existing one; it must come before WAL
        # mode, which writes the header): records are blobs of a few KB, and with 4 KB pages
        # most of them spill into overflow pages, read one by one on a warm load
        conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == 0:
            with write_transaction(conn):
                if conn.execute("PRAGMA user_version").fetchone()[0] == 0:
                    conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
                    conn.execute("CREATE TABLE records (msgid TEXT PRIMARY KEY, path TEXT NOT NULL, "
                                 "blob BLOB NOT NULL)")
                    conn.executemany("INSERT INTO meta VALUES (?, ?)", [
                        ("db_path", self.db_path), ("query", self.query),
                        ("code", code_fingerprint()),
                    ])
                    conn.execute(f"PRAGMA user_version={SCHEMA}")
            return
        if version != SCHEMA:
            raise CacheCorrupt(f"schema {version}")
        meta = self._meta()
        if (meta.get("db_path") != self.db_path or meta.get("query") != self.query
                or meta.get("code") != code_fingerprint()):
            raise CacheCorrupt("made for another database, query or code")

    def _meta(self) -> dict[str, str]:
        assert self.conn is not None
        return dict(self.conn.execute("SELECT key, value FROM meta").fetchall())

    def state(self) -> CacheState | None:
        """The revision the stored result set was complete at; None when never stored."""
        try:
            meta = self._meta()
            if "rev" not in meta:
                return None
            return CacheState(uuid=meta["uuid"], rev=int(meta["rev"]), count=int(meta["count"]))
        except (sqlite3.DatabaseError, KeyError, ValueError) as err:
            raise CacheCorrupt(str(err)) from None

    def rows(self) -> Iterator[tuple[str, str, bytes]]:
        """(msgid, path, blob) of every stored message."""
        assert self.conn is not None
        try:
            yield from self.conn.execute("SELECT msgid, path, blob FROM records")
        except sqlite3.DatabaseError as err:
            raise CacheCorrupt(str(err)) from None

    def _decoded(self, queries: Iterable[tuple[str, Sequence[str]]]) -> Iterator[MailRecord | LoadProblem]:
        """The records of the ``(sql, parameters)`` queries' blobs, decoded as SQLite hands
        the rows over (never all fetched first: the blobs of a 100k-message store, ~230 MB,
        would otherwise sit in memory beside their records). CacheCorrupt for a file or a
        row that does not read."""
        if self.conn is None:
            return
        decoder = Decoder()
        try:
            for sql, parameters in queries:
                for (blob,) in self.conn.execute(sql, parameters):
                    yield decoder.decode(blob)
        except sqlite3.DatabaseError as err:
            raise CacheCorrupt(str(err)) from None
        except BadRecord as err:
            raise CacheCorrupt(f"undecodable record: {err}") from None

    def load_all(self, expected: int) -> tuple[list[MailRecord], list[LoadProblem]]:
        """Every stored record; CacheCorrupt unless exactly ``expected`` rows decode."""
        records: list[MailRecord] = []
        problems: list[LoadProblem] = []
        n = 0
        with no_gc():
            for item in self._decoded([("SELECT blob FROM records", ())]):
                n += 1
                if isinstance(item, LoadProblem):
                    problems.append(item)
                else:
                    records.append(item)
        if n != expected:
            raise CacheCorrupt(f"{n} rows where {expected} were stored")
        heap.freeze()  # the records live as long as the run (a report's: workbench.heap)
        return records, problems

    def records_of(self, msgids: Iterable[str]) -> list[MailRecord] | None:
        """The stored records of ``msgids`` (looked up by key, not a scan: the TUI opens
        one series this way before a large store has loaded); None when one of them is
        not stored as a record. CacheCorrupt for a row that does not decode."""
        wanted = list(dict.fromkeys(msgids))
        parts = (wanted[start:start + 500] for start in range(0, len(wanted), 500))  # SQLite's parameter limit
        out: list[MailRecord] = []
        for item in self._decoded((f"SELECT blob FROM records WHERE msgid IN ({','.join('?' * len(part))})", part)
                                  for part in parts):
            if isinstance(item, LoadProblem):
                return None
            out.append(item)
        return out if len(out) == len(wanted) else None

    def stored(self) -> dict[str, tuple[str, bytes]]:
        """msgid → (path, blob) of every stored message."""
        return {msgid: (path, blob) for msgid, path, blob in self.rows()}

    def save(self, state: CacheState, rows: Iterable[tuple[str, str, bytes]],
             keep: Iterable[str] | None = None) -> None:
        """Store rows and the new state in one transaction. With ``keep``, every stored
        message not in it (and not in ``rows``) is removed: the file then holds exactly
        the current result set."""
        assert self.conn is not None
        conn = self.conn
        try:
            with write_transaction(conn):
                # a file that held no record before this transaction holds only ``rows``
                # after it: nothing to drop (a cold load's save skips walking its keys)
                empty = conn.execute("SELECT NOT EXISTS (SELECT 1 FROM records)").fetchone()[0]
                conn.execute("DELETE FROM meta WHERE key IN ('rev', 'uuid', 'count')")
                conn.executemany("INSERT OR REPLACE INTO records VALUES (?, ?, ?)", rows)
                if keep is not None and not empty:
                    conn.execute("CREATE TEMP TABLE IF NOT EXISTS keep (msgid TEXT PRIMARY KEY)")
                    conn.execute("DELETE FROM keep")
                    conn.executemany("INSERT OR IGNORE INTO keep VALUES (?)", ((m,) for m in keep))
                    conn.execute("DELETE FROM records WHERE msgid NOT IN (SELECT msgid FROM keep)")
                    conn.execute("DELETE FROM keep")
                conn.executemany("INSERT INTO meta VALUES (?, ?)", [
                    ("uuid", state.uuid), ("rev", str(state.rev)), ("count", str(state.count)),
                ])
        except sqlite3.DatabaseError as err:
            raise _failure(err) from None

    def set_state(self, state: CacheState) -> None:
        """Move the stored result set to a newer revision (nothing in it changed)."""
        self.save(state, ())
