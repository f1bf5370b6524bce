"""The child process every write to notmuch runs in, and the parent's side of it.

libnotmuch waits for (or fails on) the write lock inside ``open`` when another writer (a
running ``notmuch new``) holds it, and a wait inside C cannot be interrupted. So each
write (indexing a draft: ``drafts``; removing ``unread``: ``tagging``) is a small Python
script run as a child: it opens the database with ``OPEN_RW``, prints ``{"opened": true}``
once it has the lock, does its work and prints one JSON result line. The parent reads the
first line with a deadline (``read_line``), kills a child still waiting for the lock,
merges the JSON lines (``json_result``) and always reaps the child (``reap``).
"""

from __future__ import annotations

import json
import selectors
import subprocess
import time

OPEN_RW = r"""
C = notmuch2.Database.CONFIG
RW = notmuch2.Database.MODE.READ_WRITE

def open_rw():
    if config == ":search:":
        try:
            return notmuch2.Database(root, mode=RW, config=C.SEARCH)
        except notmuch2.NoConfigError:
            return notmuch2.Database(root, mode=RW, config=C.EMPTY)
    if config == ":empty:":
        return notmuch2.Database(root, mode=RW, config=C.EMPTY)
    return notmuch2.Database(root, mode=RW, config=config)

while True:
    # libnotmuch built with Xapian's DB_RETRY_LOCK waits for the lock inside open (the
    # parent's deadline covers that); without it, open fails at once: retry here.
    try:
        db = open_rw()
        break
    except Exception as err:
        if "lock" in str(err).lower() and time.monotonic() < deadline:
            time.sleep(0.2)
            continue
        print(json.dumps({"error": f"{type(err).__name__}: {err}", "locked": "lock" in str(err).lower()}),
              flush=True)
        sys.exit(3)
print(json.dumps({"opened": True}), flush=True)
"""
"""The child scripts' common part: open the database read-write as the parent's settings
say (``root``, ``config`` and ``deadline`` defined before it), waiting for a writer's lock
until the deadline; says ``{"opened": true}`` on stdout, or the error, and exits 3."""


def read_line(proc: subprocess.Popen, deadline: float) -> str | None:
    """One line of the child's stdout, or None when the deadline passes first."""
    assert proc.stdout is not None
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            if sel.select(timeout=left):
                return proc.stdout.readline().decode("utf-8", "replace")
    finally:
        sel.close()


def json_result(first: str, rest: bytes) -> dict:
    """The child's JSON lines merged into one dict; lines that are not JSON objects
    (a warning libnotmuch printed) are skipped."""
    result: dict = {}
    for line in [first] + rest.decode("utf-8", "replace").splitlines():
        try:
            result.update(json.loads(line))
        except (ValueError, TypeError):
            continue
    return result


def reap(proc: subprocess.Popen) -> None:
    """Kill the child if it still runs, wait for it and close its pipes: whatever path
    the parent left by, no process or descriptor is left behind."""
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    for stream in (proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()
