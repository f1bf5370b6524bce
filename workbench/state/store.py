"""The triage state file: one small SQLite database under ``$XDG_STATE_HOME``.

Why SQLite: the TUI and a ``--set-state`` from a shell may write at once, and a process
killed mid-write must leave the previous state, not a torn file. Unlike the record cache
(``mail/cache.py``), this file holds the only copy of my decisions, so it is never
rebuilt or deleted: a file that is not a state file, is damaged, or was written by a
newer schema gives a ``StateError`` naming the file, and the user decides. A symlink at
the file's name (or at its ``-journal``) is refused, not followed and not removed:
SQLite would write through it, and removing it could lose a state file kept elsewhere.

Schema (``PRAGMA user_version``), version 1:

* ``chains``: the stored ``StateRecord`` per chain key;
* ``members``: every posting id seen in a chain → its key, so a chain whose first
  posting changes (older mail imported later, a relinked chain) still finds its state;
* ``looks``: when I last looked at a chain;
* ``comments``: review comments per patch message-id, until their draft is saved.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from datetime import date, datetime, timezone
from pathlib import Path

from workbench.config import default_state_file
from workbench.errors import WorkbenchError
from workbench.sqlite_file import SqliteFile, write_transaction
from workbench.state.model import SETTABLE, Comment, StateRecord, TriageState

SCHEMA = 1
BUSY_TIMEOUT = 5.0


class StateError(WorkbenchError):
    """The state file cannot be used as it is; the message says which file and why."""


_TABLES = (
    "CREATE TABLE chains (key TEXT PRIMARY KEY, state TEXT NOT NULL, note TEXT NOT NULL, "
    "set_at TEXT, version_id TEXT NOT NULL, snooze_until TEXT, previous TEXT NOT NULL, "
    "reviewed_id TEXT NOT NULL, title TEXT NOT NULL)",
    "CREATE TABLE members (posting TEXT PRIMARY KEY, key TEXT NOT NULL)",
    "CREATE TABLE looks (key TEXT PRIMARY KEY, at TEXT NOT NULL)",
    "CREATE TABLE comments (id INTEGER PRIMARY KEY, patch TEXT NOT NULL, path TEXT NOT NULL, "
    "hunk INTEGER NOT NULL, idx INTEGER NOT NULL, line TEXT NOT NULL, text TEXT NOT NULL, created TEXT NOT NULL)",
    "CREATE INDEX comments_patch ON comments (patch)",
)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class StateStore(SqliteFile):
    """The state file, opened for one run. Every method raises StateError, never a
    bare sqlite3 error."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.conn: sqlite3.Connection | None = None

    # --- opening ----------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | None = None, *, create: bool = True) -> StateStore:
        store = cls(path or default_state_file())
        store._open(create)
        return store

    def _refuse_links(self) -> None:
        for suffix in ("", "-journal", "-wal", "-shm"):
            name = f"{self.path}{suffix}"
            if os.path.islink(name):
                raise StateError(f"state file {name} is a symbolic link; refusing to follow it "
                                 "(move the real file there, or point --state-file at it)")

    def _open(self, create: bool) -> None:
        self._refuse_links()
        if not self.path.exists():
            if not create:
                return
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            except OSError as err:
                raise StateError(f"cannot create the state directory {self.path.parent}: {err.strerror or err}") from None
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, isolation_level=None)
        except sqlite3.Error as err:
            raise StateError(f"cannot open the state file {self.path}: {err}") from None
        self.conn = conn
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version == 0:
                tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
                if tables:
                    raise StateError(f"{self.path} is an SQLite file but not a vfio-workbench state file; "
                                     "left as it is (move it away or point --state-file elsewhere)")
                self._create()
            elif version > SCHEMA:
                raise StateError(f"state file {self.path} has schema {version}, newer than this "
                                 f"vfio-workbench knows ({SCHEMA}); left as it is (upgrade vfio-workbench)")
            elif version < SCHEMA:  # pragma: no cover - no older schema exists yet
                raise StateError(f"state file {self.path} has schema {version}; no migration known")
            conn.execute("SELECT key FROM chains LIMIT 1").fetchall()
            check = conn.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise StateError(f"state file {self.path} is damaged ({check}); left as it is "
                                 "(restore a backup, or move it away to start afresh)")
        except StateError:
            self.close()
            raise
        except sqlite3.Error as err:
            self.close()
            raise self._error(err) from None

    def _error(self, err: sqlite3.Error) -> StateError:
        text = str(err)
        if "locked" in text or "busy" in text:
            return StateError(f"state file {self.path} is locked by another vfio-workbench "
                              f"(waited {BUSY_TIMEOUT:.0f} s); try again")
        if isinstance(err, sqlite3.DatabaseError) and not isinstance(err, sqlite3.OperationalError) \
                or "malformed" in text or "not a database" in text:
            return StateError(f"state file {self.path} is damaged or not a state file ({text}); "
                              "left as it is (restore a backup, or move it away to start afresh)")
        return StateError(f"state file {self.path}: {text}")

    def _create(self) -> None:
        conn = self.conn
        assert conn is not None
        with write_transaction(conn):
            if conn.execute("PRAGMA user_version").fetchone()[0] == 0:
                for sql in _TABLES:
                    conn.execute(sql)
                conn.execute(f"PRAGMA user_version={SCHEMA}")
        try:
            os.chmod(self.path, 0o600)
        except OSError:
            pass

    def _rows(self, sql: str, args: tuple = ()) -> list[tuple]:
        if self.conn is None:
            return []  # opened with create=False and no file: nothing stored
        try:
            return self.conn.execute(sql, args).fetchall()
        except sqlite3.Error as err:
            raise self._error(err) from None

    def _write(self, statements: Iterable[tuple[str, tuple]]) -> None:
        if self.conn is None:
            self._open(True)
        conn = self.conn
        assert conn is not None
        self._refuse_links()
        try:
            with write_transaction(conn):
                for sql, args in statements:
                    conn.execute(sql, args)
        except sqlite3.Error as err:
            raise self._error(err) from None

    # --- chains -----------------------------------------------------------------------

    def key_for(self, postings: Iterable[str], default: str) -> str:
        """The stored key of the chain holding any of ``postings`` (the first posting
        that has one), else ``default``."""
        ids = list(postings)
        found: dict[str, str] = {}
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            marks = ",".join("?" * len(part))
            found.update(self._rows(f"SELECT posting, key FROM members WHERE posting IN ({marks})", tuple(part)))
        for posting in ids:
            if posting in found:
                return found[posting]
        return default

    def all_members(self) -> dict[str, str]:
        return dict(self._rows("SELECT posting, key FROM members"))

    def get(self, key: str) -> StateRecord | None:
        rows = self._rows("SELECT key, state, note, set_at, version_id, snooze_until, previous, reviewed_id "
                          "FROM chains WHERE key = ?", (key,))
        return _record(rows[0]) if rows else None

    def all_states(self) -> dict[str, StateRecord]:
        rows = self._rows("SELECT key, state, note, set_at, version_id, snooze_until, previous, reviewed_id "
                          "FROM chains")
        return {r[0]: _record(r) for r in rows}

    def set_state(self, key: str, state: TriageState, *, postings: Iterable[str], newest_id: str,
                  note: str | None = None, snooze_until: date | None = None, title: str = "",
                  when: datetime | None = None, viewing: str | None = None) -> StateRecord:
        """Set a chain's state (a snooze needs its date); ``note`` None keeps the old note.
        ``postings`` are the chain's posting ids, remembered so the state follows it;
        ``viewing`` the posting the state was set on."""
        if state not in SETTABLE:
            raise StateError(f"{state.value!r} is shown, not set: set one of "
                             + ", ".join(s.value for s in SETTABLE))
        if (state is TriageState.SNOOZED) != (snooze_until is not None):
            raise StateError("a snooze needs a date (and only a snooze has one)")
        old = self.get(key)
        when = when or _now()
        previous = TriageState.NEW
        if old is not None:
            previous = old.previous if old.state is TriageState.SNOOZED else old.state
        # "reviewing" remembers the posting I was looking at (the newest unless I said
        # otherwise): what "what changed since I reviewed" compares with later
        reviewed = (viewing or newest_id) if state is TriageState.REVIEWING else (old.reviewed_id if old else "")
        record = StateRecord(chain=key, state=state, note=old.note if (note is None and old) else (note or ""),
                             set_at=when, version_id=newest_id, snooze_until=snooze_until,
                             previous=previous, reviewed_id=reviewed)
        statements: list[tuple[str, tuple]] = [("INSERT OR REPLACE INTO chains VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (key, record.state.value, record.note, when.isoformat(), newest_id,
                        snooze_until.isoformat() if snooze_until else None, previous.value, reviewed, title))]
        statements += [("INSERT OR REPLACE INTO members VALUES (?, ?)", (p, key)) for p in postings]
        self._write(statements)
        return record

    def clear_state(self, key: str) -> None:
        self._write([("DELETE FROM chains WHERE key = ?", (key,))])

    def looked(self, key: str, when: datetime | None = None, *, postings: Iterable[str] = ()) -> None:
        when = when or _now()
        statements = [("INSERT OR REPLACE INTO looks VALUES (?, ?)", (key, when.isoformat()))]
        statements += [("INSERT OR IGNORE INTO members VALUES (?, ?)", (p, key)) for p in postings]
        self._write(statements)

    def last_looks(self) -> dict[str, datetime]:
        return {k: datetime.fromisoformat(at) for k, at in self._rows("SELECT key, at FROM looks")}

    # --- comments ---------------------------------------------------------------------

    def add_comment(self, comment: Comment) -> Comment:
        created = comment.created or _now()
        self._write([("INSERT INTO comments (patch, path, hunk, idx, line, text, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
                      (comment.patch, comment.path, comment.hunk, comment.index, comment.line, comment.text,
                       created.isoformat()))])
        rows = self._rows("SELECT max(id) FROM comments WHERE patch = ?", (comment.patch,))
        return Comment(comment.patch, comment.path, comment.hunk, comment.index, comment.line, comment.text,
                       rows[0][0], created)

    def comments(self, patch: str) -> list[Comment]:
        rows = self._rows("SELECT id, patch, path, hunk, idx, line, text, created FROM comments "
                          "WHERE patch = ? ORDER BY id", (patch,))
        return [Comment(r[1], r[2], r[3], r[4], r[5], r[6], r[0], _time(r[7])) for r in rows]

    def commented_patches(self) -> dict[str, int]:
        return dict(self._rows("SELECT patch, count(*) FROM comments GROUP BY patch"))

    def delete_comment(self, comment_id: int) -> None:
        self._write([("DELETE FROM comments WHERE id = ?", (comment_id,))])

    def clear_comments(self, patch: str, ids: Iterable[int] | None = None) -> None:
        """Forget a patch's comments once their draft is saved (only ``ids`` when given:
        a comment added while the draft was being written stays)."""
        if ids is None:
            self._write([("DELETE FROM comments WHERE patch = ?", (patch,))])
        else:
            self._write([("DELETE FROM comments WHERE patch = ? AND id = ?", (patch, i)) for i in ids])

    # --- for the kept report ------------------------------------------------------------

    def digest(self) -> str:
        """Everything a report shows from this file, as one string (the kept-report key)."""
        parts = [repr(self._rows("SELECT * FROM chains ORDER BY key")),
                 repr(self._rows("SELECT * FROM members ORDER BY posting")),
                 repr(self._rows("SELECT * FROM looks ORDER BY key"))]
        return "\x1e".join(parts)


def _record(row: tuple) -> StateRecord:
    key, state, note, set_at, version_id, snooze, previous, reviewed = row
    try:
        return StateRecord(chain=key, state=TriageState(state), note=note, set_at=_time(set_at),
                           version_id=version_id, snooze_until=date.fromisoformat(snooze) if snooze else None,
                           previous=TriageState(previous), reviewed_id=reviewed)
    except (ValueError, TypeError) as err:
        raise StateError(f"state file: chain {key!r} holds a value this version cannot read ({err})") from None
