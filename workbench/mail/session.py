"""One run's door to the mail: notmuch opened once, freshness decided once.

A report run asks the store several things before it prints: where the database is and
its revision, which tags its searches leave out, who the user is, whether the kept report
and the record cache still describe the query's messages, and (when they do not) the
records themselves. Each question used to open notmuch on its own and two modules
each answered "has anything changed?". A ``StoreSession`` answers them all from one
read-only look:

* ``facts`` — path, revision, excluded tags and the user's notmuch identity, copied out
  of the database the first time anything is asked;
* ``unchanged(uuid, rev, count)`` — the one freshness rule (below), asked of the same
  open database and remembered per recorded state, so the report memo and the record
  cache asking about the same load cost one Xapian count;
* ``records(progress)`` — the query's records through the record cache
  (``workbench.mail.loader``);
* ``reader`` — decoded bodies and parsed diffs of message files
  (``workbench.mail.reading``; files, not notmuch, so it outlives the look).

The database is held open only while the run decides: ``release`` closes it before the
query is listed (in a child process, ``store.list_isolated``) and parsed. Holding one
read-only handle also means every answer is about the same revision. When Xapian reports
that the database moved under the handle (a concurrent ``notmuch new`` committing twice),
the session reopens and forgets what it had decided, as ``store.with_database`` does.

The freshness rule: the query still matches exactly the messages, unmodified, that a
recorded state (uuid, revision, count) saw when the database is the same (uuid) and
either the revision is the same or the count is the same with none of its messages
changed since (``lastmod:``; mail arriving elsewhere, tags moving on other threads). A
query with ``date:`` is not trusted on the revision alone (a relative date drops old mail
as the clock moves, with no revision moving): its count is asked too. (A window moving at
both ends, ``date:1month..1week``, could in principle swap one message in and one out at
the same revision; ``--no-cache`` is the answer there.) Why the count as well as
``lastmod``: a message deleted from the database is in no ``lastmod:`` answer.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import notmuch2

from workbench.config import Settings
from workbench.errors import StoreError
from workbench.mail.notmuch_config import config_value, exclude_tags, identity_from, open_database
from workbench.mail.reading import READER, MailReader
from workbench.mail.store import RETRIES, Revision, count_messages, revision, tagged_messages
from workbench.model import MailRecord, Person

if TYPE_CHECKING:
    from workbench.mail.loader import LoadResult, Progress

T = TypeVar("T")

_RELATIVE_DATE = re.compile(r"\bdate:", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class StoreFacts:
    """What the session's look at notmuch found, copied out of the open database."""

    db_path: str
    revision: Revision
    exclude: tuple[str, ...]  # search.exclude_tags and drafts: what every count leaves out
    user_name: str | None  # notmuch's user.name
    user_email: str | None  # notmuch's user.primary_email

    def cache_key(self, query: str) -> str:
        """The query together with the tags notmuch leaves out of it: the same query under
        another ``search.exclude_tags`` is another result set, so another cache file."""
        return f"{query}\x1fexclude:{';'.join(self.exclude)}"


class StoreSession:
    """The store as one run sees it. Use as a context manager (or call ``close``)."""

    def __init__(self, settings: Settings, reader: MailReader | None = None) -> None:
        self.settings = settings
        self.query = settings.effective_query()
        self.reader = reader or READER
        self.opens = 0  # how often notmuch was opened: once per run, unless Xapian moved
        self._db: notmuch2.Database | None = None
        self._facts: StoreFacts | None = None
        self._fresh: dict[tuple[str, int, int], bool] = {}
        self._failed: StoreError | None = None  # a database that could not be opened: said once
        self._wanted: set[str] = set()  # tags to read before the database is released
        self._tagged: dict[str, set[str]] = {}
        self._pending: list[Callable[[], None]] = []  # work started by a load, waited for

    def __enter__(self) -> StoreSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the look ---------------------------------------------------------------------

    def _open(self) -> notmuch2.Database:
        """The open database, opened on first use. Opening can meet a writer's commit
        (Xapian reads the new revision's root blocks while they move): that is retried;
        a missing or locked database fails at once with StoreError."""
        if self._db is not None:
            return self._db
        if self._failed is not None:
            raise self._failed
        for attempt in range(RETRIES):
            try:
                self.opens += 1
                db = open_database(self.settings)
            except StoreError as err:
                if not err.transient or attempt == RETRIES - 1:
                    self._failed = err
                    raise
                time.sleep(0.05 * (attempt + 1))
                continue
            try:
                name, email = config_value(db, "user.name"), config_value(db, "user.primary_email")
                self._facts = StoreFacts(str(db.path), revision(db), tuple(exclude_tags(db)), name, email)
            except BaseException:
                db.close()
                raise
            self._db = db
            return db
        raise AssertionError("unreachable")  # the last attempt raised

    def _ask(self, read: Callable[[notmuch2.Database], T]) -> T:
        """``read`` on the open database; on a Xapian error (the database moved) the look
        starts over: reopened, facts read again, decisions forgotten."""
        last: Exception | None = None
        for _attempt in range(RETRIES):
            try:
                return read(self._open())  # reading the facts at open can meet a commit too
            except (notmuch2.XapianError, notmuch2.QuerySyntaxError) as err:
                last = err
                self._forget()
        message = " ".join(str(last).split()) if last else "unknown error"
        raise StoreError(
            f"notmuch could not run the query {self.query!r} ({message}): check its syntax "
            "(--query / --since, see 'man notmuch-search-terms')"
        )

    def _forget(self) -> None:
        self.release()
        self._facts = None
        self._fresh.clear()
        self._tagged.clear()

    def facts(self) -> StoreFacts:
        """Path, revision, excluded tags and user identity (opens notmuch if not yet open)."""
        if self._facts is None:
            self._ask(lambda _db: None)
        assert self._facts is not None
        return self._facts

    def user_identity(self) -> Person | None:
        """The user as notmuch's configuration names them; None when unset, or when the
        database cannot be opened (loading reports that error properly)."""
        try:
            facts = self.facts()
        except StoreError:
            return None
        return identity_from(facts.user_name, facts.user_email)

    def unchanged(self, uuid: str, rev: int, count: int) -> bool:
        """Whether the query still matches exactly the messages a state recorded at
        (uuid, rev) with ``count`` matches saw (the rule in the module docstring)."""
        key = (uuid, rev, count)
        if key not in self._fresh:
            self._fresh[key] = self._ask(lambda db: self._decide(db, uuid, rev, count))
        return self._fresh[key]

    def _decide(self, db: notmuch2.Database, uuid: str, rev: int, count: int) -> bool:
        now = self.facts().revision
        if uuid != now.uuid or rev < 0 or rev > now.rev:
            return False
        if rev == now.rev and not _RELATIVE_DATE.search(self.query):
            return True
        exclude = list(self.facts().exclude)
        if count_messages(db, self.query, exclude) != count:
            return False
        if rev == now.rev:
            return True
        return count_messages(db, f"({self.query}) and lastmod:{rev + 1}..{now.rev}", exclude) == 0

    def want_tag(self, tag: str) -> None:
        """Read ``tag``'s messages in this look, so a later ``tagged_ids`` does not open
        notmuch a second time: by the listing child when the query is listed (it walks
        the query's messages anyway: ``wanted_tags``/``tags_listed``), else when
        ``release`` closes the database."""
        self._wanted.add(tag)

    def wanted_tags(self) -> tuple[str, ...]:
        """The wanted tags not read yet (what a listing child is asked to read)."""
        return tuple(sorted(self._wanted - self._tagged.keys()))

    def tags_listed(self, tagged: dict[str, set[str]]) -> None:
        """Tags read by the listing child (``store.listing_events``)."""
        self._tagged.update(tagged)

    def tagged_ids(self, tag: str) -> set[str]:
        """Message-ids matching the query that carry notmuch's ``tag`` (read only)."""
        if tag not in self._tagged:
            self._tagged[tag] = self._ask(lambda db: tagged_messages(db, self.query, tag))
        return self._tagged[tag]

    def release(self, *, read_wanted: bool = True) -> None:
        """Close the database (the facts and decisions stay): done before the query is
        listed and parsed, which take long and happen in other processes. The wanted
        tags are read first, unless a listing is to come (``read_wanted`` false): then
        the listing child reads them, and walking 100k messages here again is spared."""
        db, self._db = self._db, None
        if db is not None:
            try:
                if read_wanted:
                    for tag in self._wanted - self._tagged.keys():
                        self._tagged[tag] = tagged_messages(db, self.query, tag)
            except notmuch2.NotmuchError:
                pass  # asked again (and reported) by tagged_ids
            finally:
                db.close()

    def close(self) -> None:
        """Release the database and wait for what the run's loads started (the record
        cache writer): a run ends with its cache stored or not, never half-way."""
        self.release()
        self.settle()

    def wait_for(self, waiter: Callable[[], None]) -> None:
        """Something a load started and left running: ``waiter`` waits for it, at the
        session's close or before its next load."""
        self._pending.append(waiter)

    def settle(self) -> None:
        while self._pending:
            self._pending.pop()()

    # -- what the run reads -------------------------------------------------------------

    def cached_records(self, msgids: list[str]) -> list[MailRecord] | None:
        """The records of ``msgids`` as the record cache holds them, looked up by key
        (the TUI opens one series this way before a large store has loaded); None unless
        the cache holds the query's messages as they are now (the freshness rule above)
        and every one of ``msgids`` as a record. Never parses, never writes the cache."""
        from pathlib import Path

        from workbench.mail.cache import CacheBusy, CacheCorrupt, MailCache

        facts = self.facts()
        try:
            with MailCache.open(Path(self.settings.cache_dir), facts.db_path, facts.cache_key(self.query)) as cache:
                state = cache.state()
                if state is None or not self.unchanged(state.uuid, state.rev, state.count):
                    return None
                return cache.records_of(msgids)
        except (OSError, CacheBusy, CacheCorrupt, sqlite3.Error):
            return None

    def records(self, progress: Progress | None = None) -> LoadResult:
        """The query's records, through the record cache; StoreError for database
        problems, unusable messages as problems (``loader.load_records``)."""
        from workbench.mail.loader import load_records

        self.settle()  # the last load's cache writer is done before this load reads the file
        return load_records(self.settings, progress, session=self)
