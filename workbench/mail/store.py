"""Read-only questions to the notmuch database, answered with plain values.

Everything is copied out of notmuch2 objects while the database is open (iterating a
query after its database closed aborts the process), so callers get lists of strings and
ints, never notmuch objects. Only From/Subject/Message-ID are cheap to ask notmuch for;
message bodies and the other headers are read from the files (``workbench.mail.parse``).

A reader can meet Xapian's DatabaseModifiedError when ``notmuch new`` commits twice
while it reads; the cure is to reopen and read again, which ``snapshot`` does.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, TypeVar

import notmuch2

from workbench.config import Settings
from workbench.errors import StoreError
from workbench.mail.notmuch_config import exclude_tags, open_database
from workbench.model import LoadProblem

T = TypeVar("T")
RETRIES = 4


@dataclass(frozen=True, slots=True)
class Revision:
    """notmuch's database revision: ``rev`` grows with every commit; a different
    ``uuid`` means a different (or rebuilt) database where revisions mean nothing."""

    rev: int
    uuid: str


@dataclass(slots=True)
class Listing:
    """What a query matched, with the revision it was read at."""

    db_path: str
    revision: Revision
    entries: list[tuple[str, str]]  # (message-id, path of its first existing file)
    problems: list[LoadProblem] = field(default_factory=list)


def revision(db: notmuch2.Database) -> Revision:
    rev = db.revision()
    uuid = rev.uuid.decode("ascii", "replace") if isinstance(rev.uuid, bytes) else str(rev.uuid)
    return Revision(int(rev.rev), uuid)


def _messages(db: notmuch2.Database, query: str, exclude: list[str]):
    return db.messages(query, exclude_tags=exclude or None)


def list_messages(db: notmuch2.Database, query: str, exclude: list[str] | None = None,
                  problems: list[LoadProblem] | None = None) -> list[tuple[str, str]]:
    """(message-id, file path) of every message matching ``query``. A message indexed
    with several files (the same mail in two folders) is listed once, with a file that
    still exists when the first one is gone."""
    return list(iter_messages(db, query, exclude, problems))


def iter_messages(db: notmuch2.Database, query: str, exclude: list[str] | None = None,
                  problems: list[LoadProblem] | None = None,
                  tagged: dict[str, set[str]] | None = None) -> Iterator[tuple[str, str]]:
    """``list_messages`` one message at a time (the database must stay open meanwhile).
    ``tagged``: {tag: set()} to fill with the listed messages that carry each tag, read
    on the way (a third of the cost of a second search for them, which evaluates the
    query's ``thread:{}`` again); emptied when the tags cannot be read."""
    wanted = [(tag.encode(), ids) for tag, ids in (tagged or {}).items()]
    for msg in _messages(db, query, exclude or []):
        msgid = msg.messageid
        if wanted:
            try:
                have = set(msg.tags.iter())
            except notmuch2.NotmuchError:
                if tagged is not None:
                    tagged.clear()  # none at all rather than some: the caller asks for them itself
                wanted = []
            for name, ids in wanted:
                if name in have:
                    ids.add(str(msgid))
        try:
            path = os.fsdecode(bytes(msg.pathb))
        except notmuch2.NotmuchError:
            if problems is not None:
                problems.append(LoadProblem("", "notmuch lists no file for this message", str(msgid)))
            continue
        if not os.path.exists(path):
            # one stat per listed message; a gone first copy is common after moving mail
            # between folders without 'notmuch new', and the other copy is the same mail
            path = next((p for p in _filenames(msg) if os.path.exists(p)), path)
        yield str(msgid), path


def _filenames(msg: notmuch2.Message) -> list[str]:
    try:
        return [os.fsdecode(bytes(p)) for p in msg.filenamesb()]
    except notmuch2.NotmuchError:
        return []


def tagged_messages(db: notmuch2.Database, query: str, tag: str) -> set[str]:
    """Message-ids matching ``query`` that carry ``tag`` (notmuch's excluded tags not
    applied: a tag is asked of every message the query names)."""
    base = query.strip()
    # "(*) and tag:x" matches only some messages in notmuch 0.3x (Xapian reads "(*)" as
    # a wildcard term, not "everything"): "*" is spelled out as no restriction at all
    tagged = f"tag:{tag}" if base == "*" else f"({base}) and tag:{tag}"
    return {str(m.messageid) for m in db.messages(tagged)}


def list_isolated(settings: Settings, query: str) -> tuple[list[tuple[str, str]], list[LoadProblem]]:
    """``list_messages`` in a child process, retried when the child dies (``listing_events``
    gathered into one list)."""
    entries: list[tuple[str, str]] = []
    problems: list[LoadProblem] = []
    for kind, payload in listing_events(settings, query):
        if kind is Listed.RESTART:
            entries = []
        elif kind is Listed.ENTRIES:
            entries.extend(payload)
        elif kind is Listed.DONE:
            problems = payload
    return entries, problems


class Listed(Enum):
    """What ``listing_events`` yields: the listing starts (again: forget the entries
    yielded before), a batch of (message-id, path) entries, the message-ids of each tag
    asked for ({tag: ids}, after the entries), or the end with its problems."""

    RESTART = "restart"
    ENTRIES = "entries"
    TAGS = "tags"
    DONE = "done"


BATCH = 500
"""Entries per message from the listing child: the loader starts parsing the first ones
while notmuch is still walking the rest."""


def listing_events(settings: Settings, query: str,
                   tags: tuple[str, ...] = ()) -> Iterator[tuple[Listed, Any]]:
    """The query's (message-id, path) entries as the listing child walks them, in batches,
    so that a caller can start work on the first ones while notmuch walks the rest.

    Why a child: when ``notmuch new`` commits while a query's messages are being walked,
    Xapian throws DatabaseModifiedError from inside libnotmuch's iterator, where nothing
    catches it, and the C++ runtime aborts the whole process (``terminate called after
    throwing an instance of 'Xapian::DatabaseModifiedError'``): no Python handler runs, the
    TUI would vanish. Walking in a child turns that abort into a retry. Every attempt (and
    every reopen inside the child) begins with ``Listed.RESTART``: what was yielded before
    it is void. Counting and the revision (single calls that do catch) stay in the caller.
    ``tags``: read off the listed messages in the same walk and yielded as ``Listed.TAGS``
    after the entries, so the caller need not walk the query's messages again for them
    (none is yielded when reading them failed: the caller asks itself). Only listed
    messages are asked, so notmuch's excluded tags apply, unlike ``tagged_messages``: a
    message they leave out has no record a tag could be shown on.
    The last event is ``Listed.DONE`` with the listing's problems; StoreError when the
    query fails or the child keeps dying."""
    from workbench.mail.processes import process_context

    ctx = process_context()
    reason = "it kept aborting"
    for _attempt in range(RETRIES):
        receiver, sender = ctx.Pipe(duplex=False)
        child = ctx.Process(target=_list_child, args=(settings, query, sender, tags), daemon=True)
        try:
            child.start()
        except (OSError, RuntimeError, ValueError):
            # no child process here (a sandbox, no forkserver socket): list in-process,
            # as before the isolation, rather than not at all
            receiver.close()
            sender.close()
            entries, problems = _list_here(settings, query)
            yield Listed.RESTART, None
            yield Listed.ENTRIES, entries
            yield Listed.DONE, problems
            return
        sender.close()
        kind, payload = "died", None
        try:
            while True:
                try:
                    kind, payload = receiver.recv()  # before join: a big answer must not block the child
                except (EOFError, OSError):
                    kind, payload = "died", None
                    break
                if kind in ("ok", "error"):
                    break
                yield Listed(kind), payload
        finally:
            receiver.close()  # a caller that stops early: the child's next send fails, it exits
            child.join()
        if kind == "ok":
            yield Listed.DONE, payload
            return
        if kind == "error":
            raise StoreError(str(payload))
        reason = f"the reader died with status {child.exitcode} (libnotmuch aborts when the database changes under it)"
    raise StoreError(f"could not list the messages of {query!r} while the database was being written: "
                     f"{reason}; retry when 'notmuch new' has finished")


def _list_here(settings: Settings, query: str) -> tuple[list[tuple[str, str]], list[LoadProblem]]:
    listing = snapshot(settings, query)
    return listing.entries, listing.problems


def _list_child(settings: Settings, query: str, sender, tags: tuple[str, ...] = ()) -> None:
    def read(db: notmuch2.Database) -> list[LoadProblem]:
        sender.send((Listed.RESTART.value, None))  # a reopen after a Xapian error lists anew
        problems: list[LoadProblem] = []
        batch: list[tuple[str, str]] = []
        tagged: dict[str, set[str]] = {tag: set() for tag in tags}
        for entry in iter_messages(db, query, exclude_tags(db), problems, tagged):
            batch.append(entry)
            if len(batch) >= BATCH:
                sender.send((Listed.ENTRIES.value, batch))
                batch = []
        sender.send((Listed.ENTRIES.value, batch))
        if tagged:
            sender.send((Listed.TAGS.value, tagged))
        return problems

    try:
        for attempt in range(RETRIES):
            try:
                problems = with_database(settings, read, query)
                break
            except RuntimeError:
                # libnotmuch handed back NULL for a message mid-walk (cffi: "cannot use
                # string() on <cdata 'char *' NULL>"): a writer's commit moved the database
                # under the walk, as DatabaseModifiedError says elsewhere; walk again
                if attempt == RETRIES - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        sender.send(("ok", problems))
    except BrokenPipeError:
        pass  # the parent stopped listening (it failed or was interrupted): nothing to tell
    except StoreError as err:
        sender.send(("error", str(err)))
    except Exception as err:  # noqa: BLE001 — reported to the parent as a clear error
        sender.send(("error", f"notmuch failed while listing messages ({type(err).__name__}: {err})"))
    finally:
        sender.close()


def count_messages(db: notmuch2.Database, query: str, exclude: list[str] | None = None) -> int:
    return db.count_messages(query, exclude_tags=exclude or None)


def with_database(settings: Settings, read: Callable[[notmuch2.Database], T], query: str = "") -> T:
    """Open read-only, run ``read``, close; reopen and rerun when Xapian reports that
    the database changed underneath (a concurrent ``notmuch new``). A query that keeps
    failing is reported as a query error: that is by far its usual cause."""
    last: Exception | None = None
    for attempt in range(RETRIES):
        try:
            db = open_database(settings)
        except StoreError as err:
            # opening can meet a writer's commit too (Xapian reads the new revision's
            # root blocks while they move): retry that; a missing database fails at once
            if not err.transient or attempt == RETRIES - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
            continue
        try:
            return read(db)
        except (notmuch2.XapianError, notmuch2.QuerySyntaxError) as err:
            last = err
        finally:
            db.close()
    message = " ".join(str(last).split()) if last else "unknown error"
    if query:
        raise StoreError(
            f"notmuch could not run the query {query!r} ({message}): check its syntax "
            "(--query / --since, see 'man notmuch-search-terms')"
        )
    raise StoreError(f"notmuch kept failing while reading the database ({message}); retry later")


def snapshot(settings: Settings, query: str) -> Listing:
    """The messages matching ``query`` and the revision they were read at, consistently."""

    def read(db: notmuch2.Database) -> Listing:
        problems: list[LoadProblem] = []
        rev = revision(db)
        entries = list_messages(db, query, exclude_tags(db), problems)
        return Listing(db_path=str(db.path), revision=rev, entries=entries, problems=problems)

    return with_database(settings, read, query)
