"""The record cache saved by a process of its own, while the run goes on.

A cold load ends by storing every parsed record (one SQLite transaction: 0.6 s at 40k
real messages, 1–2 s at 100k). Done in the loading process, that time sat between the
parse and the analysis with the second core idle. Saving in a thread does not help (the
writer waits for the GIL after every row while the analysis holds it), and a forked child
would copy every memory page the analysis writes to while it lives. So a fresh, small
interpreter does it: it inherits only the file the parsed rows were spooled to
(``loader._Spool``, an unnamed temporary file) and reads the job — where each row is in
that file, the state to record, the messages the file must hold — from its end.

The job is the same ``MailCache.save`` the load did itself, in one transaction: either
the whole result set with its state is stored, or nothing (a busy file, a kill, a crash
only mean this run's work is not kept, as before). The run waits for the writer before it
ends and before it loads again (``StoreSession``): no second writer of the same file.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from workbench.mail.cache import CacheBusy, CacheCorrupt, CacheState, MailCache

_BOOT = "import sys; sys.path[:0] = __import__('json').loads(sys.argv[1]); " \
        "from workbench.mail.cache_writer import main; sys.exit(main(sys.argv[2:]))"
"""The writer's command: the parent's import path first, so it runs exactly the parent's
code (a checkout, a venv, a wheel), whatever the working directory."""


@dataclass(slots=True)
class SaveJob:
    """What the writer stores: rows as (msgid, path, offset, size) in the spool file."""

    cache_dir: str
    db_path: str
    key: str
    state: tuple[str, int, int]  # CacheState(uuid, rev, count)
    rows: list[tuple[str, str, int, int]]
    keep: list[str]  # the listed message-ids: anything else stored is dropped


def start(job: SaveJob, spool: int) -> subprocess.Popen[bytes] | None:
    """Append ``job`` to the spool file (descriptor ``spool``) and start a writer on it;
    None when no writer can be started here (the caller saves itself)."""
    if not sys.executable:
        return None
    blob = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        offset = os.lseek(spool, 0, os.SEEK_END)
        _write_all(spool, blob, offset)
        return subprocess.Popen(
            [sys.executable, "-S", "-c", _BOOT, json.dumps(sys.path), str(spool), str(offset), str(len(blob))],
            pass_fds=(spool,), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
    except (OSError, ValueError, subprocess.SubprocessError):
        return None


def _write_all(fd: int, data: bytes, offset: int) -> None:
    view = memoryview(data)
    while view:
        n = os.pwrite(fd, view, offset)
        view = view[n:]
        offset += n


def _read_at(fd: int, size: int, offset: int) -> bytes:
    parts: list[bytes] = []
    while size > 0:
        chunk = os.pread(fd, size, offset)
        if not chunk:
            raise EOFError("the spool file ends early")
        parts.append(chunk)
        size -= len(chunk)
        offset += len(chunk)
    return b"".join(parts)


def _rows(fd: int, job: SaveJob) -> Iterator[tuple[str, str, bytes]]:
    for msgid, path, offset, size in job.rows:
        yield msgid, path, _read_at(fd, size, offset)


def save(fd: int, job: SaveJob) -> None:
    """The job's rows and state in one transaction (``MailCache.save``)."""
    with MailCache.open(Path(job.cache_dir), job.db_path, job.key) as cache:
        cache.save(CacheState(*job.state), _rows(fd, job), keep=job.keep)


def main(argv: list[str]) -> int:
    """The writer: ``FD OFFSET LENGTH`` of the job in the inherited spool file."""
    try:
        fd, offset, length = (int(a) for a in argv)
        job = pickle.loads(_read_at(fd, length, offset))
        save(fd, job)
    except (CacheBusy, CacheCorrupt, OSError, EOFError, ValueError, pickle.UnpicklingError):
        return 1
    return 0
