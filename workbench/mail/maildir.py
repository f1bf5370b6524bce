"""Writing message files into a maildir and indexing them in a notmuch database.

Used to build the demo store, the test stores and the benchmark stores, and (with the
draft writer) to save drafts. Writes go to ``tmp/`` and are renamed into ``cur/``, so a
crash never leaves half a message where a mail client or ``notmuch new`` would see it.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterable
from itertools import count
from pathlib import Path

import notmuch2

_counter = count()


def ensure_maildir(folder: Path) -> Path:
    for sub in ("cur", "new", "tmp"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return folder


def unique_name() -> str:
    """A maildir file name (time.pid_counter.host), unique within this process."""
    host = socket.gethostname().replace("/", "\\057").replace(":", "\\072") or "localhost"
    return f"{time.time_ns()}.P{os.getpid()}Q{next(_counter)}.{host}"


def deliver(folder: Path, data: bytes, flags: str = "S") -> Path:
    """Write ``data`` as a new message in ``folder`` (tmp/ then rename into cur/)."""
    ensure_maildir(folder)
    name = unique_name()
    tmp = folder / "tmp" / name
    with open(tmp, "xb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    final = folder / "cur" / f"{name}:2,{flags}"
    os.rename(tmp, final)
    return final


def create_database(root: Path) -> None:
    """Create an empty notmuch database at ``root`` (a maildir root) if there is none."""
    ensure_maildir(root)
    if (root / ".notmuch").exists():
        return
    db = notmuch2.Database.create(str(root), config=notmuch2.Database.CONFIG.EMPTY)
    db.close()


def index_files(root: Path, files: Iterable[Path], tags: Iterable[str] = ()) -> int:
    """Index message files (already under ``root``) into its notmuch database.

    Returns how many were added as new messages (a duplicate message-id adds a file to
    an existing message and is not counted).
    """
    added = 0
    tags = list(tags)
    db = notmuch2.Database(str(root), mode=notmuch2.Database.MODE.READ_WRITE,
                           config=notmuch2.Database.CONFIG.EMPTY)
    try:
        with db.atomic():
            for path in files:
                msg, dup = db.add(str(path), sync_flags=False)
                if not dup:
                    added += 1
                for tag in tags:
                    if tag.startswith("-"):
                        msg.tags.discard(tag[1:])
                    else:
                        msg.tags.add(tag.lstrip("+"))
    finally:
        db.close()
    return added


def build_store(root: Path, messages: Iterable[bytes], folder: str = "INBOX") -> Path:
    """A maildir under ``root`` holding ``messages``, indexed by notmuch. Returns ``root``."""
    create_database(root)
    paths = [deliver(root / folder, data) for data in messages]
    index_files(root, paths, tags=("inbox",))
    return root
