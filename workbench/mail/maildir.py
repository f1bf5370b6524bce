"""Maildir folders and the unique file names a message is written under.

The draft writer (``workbench.mail.drafts``) writes to ``tmp/`` and renames into ``cur/``,
so a crash never leaves half a message where a mail client or ``notmuch new`` would see it.
Stores of made-up mail (demo, tests, benchmarks) are built by ``vfio_workbench_demo.mailwriter``.
"""

from __future__ import annotations

import os
import socket
import time
from itertools import count
from pathlib import Path

_counter = count()


def ensure_maildir(folder: Path) -> Path:
    for sub in ("cur", "new", "tmp"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return folder


def unique_name() -> str:
    """A maildir file name (time.pid_counter.host), unique within this process."""
    host = socket.gethostname().replace("/", "\\057").replace(":", "\\072") or "localhost"
    return f"{time.time_ns()}.P{os.getpid()}Q{next(_counter)}.{host}"
