"""What the workbench's two SQLite files (the record cache, the triage state) share:
an owned connection that closes quietly, and a write transaction that is all or nothing.

Both open in autocommit mode (``isolation_level=None``) so that a transaction starts
only where written, and start it ``IMMEDIATE``: the write lock is taken at the start,
so two runs writing at once wait (or fail) at BEGIN instead of deadlocking halfway.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Self


class SqliteFile:
    """An SQLite file held open by one object; ``with`` closes it."""

    conn: sqlite3.Connection | None = None

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.close()
            except sqlite3.Error:
                pass  # closing what is gone or broken: nothing left to lose
            self.conn = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` … ``COMMIT``; anything raised inside rolls it all back."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
