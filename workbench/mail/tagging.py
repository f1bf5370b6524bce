"""The one tag change the workbench makes to the user's mail: removing ``unread`` from
the messages of a series I opened, and only when the config says ``mark_read = true``.

The write runs in a child process, as indexing a draft does (``drafts.index_draft``, ``writer_child``): a
writer holding the database (a running ``notmuch new``) makes libnotmuch wait or fail
inside ``open``, and neither must hang or crash the app; the child gives up after
``lock_timeout`` and the caller reports it. Only messages that carry the tag are
touched, so the database's revision moves only when something changed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass

from workbench.config import Settings
from workbench.mail.drafts import LOCK_TIMEOUT, mail_root
from workbench.mail.writer_child import OPEN_RW, json_result, read_line, reap

_CHILD = r"""
import json, sys, time
import notmuch2
root, config, tag = sys.argv[1], sys.argv[2], sys.argv[3]
deadline = time.monotonic() + float(sys.argv[4])
ids = json.loads(sys.stdin.read())
""" + OPEN_RW + r"""
changed = 0
try:
    with db.atomic():
        for msgid in ids:
            try:
                msg = db.find(msgid)
            except LookupError:
                continue
            if tag in msg.tags:
                msg.tags.discard(tag)
                changed += 1
    print(json.dumps({"changed": changed}), flush=True)
except Exception as err:
    print(json.dumps({"error": f"{type(err).__name__}: {err}"}), flush=True)
    sys.exit(4)
finally:
    db.close()
"""


@dataclass(frozen=True, slots=True)
class TagResult:
    changed: int
    problem: str | None = None


def remove_tag(settings: Settings, msgids: Iterable[str], tag: str = "unread", *,
               lock_timeout: float = LOCK_TIMEOUT) -> TagResult:
    """Remove ``tag`` from the messages ``msgids``; never raises for a locked or
    unwritable database (``problem`` says what happened)."""
    ids = sorted(set(msgids))
    if not ids:
        return TagResult(0)
    try:
        root = mail_root(settings)
    except Exception as err:  # noqa: BLE001 — StoreError and friends: reported, not raised
        return TagResult(0, f"cannot find the notmuch database: {err}")
    config = str(settings.notmuch_config) if settings.notmuch_config else ":search:"  # as save_draft
    args = [sys.executable, "-c", _CHILD, str(root), config, tag, str(lock_timeout)]
    try:
        proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                bufsize=0)
    except OSError as err:
        return TagResult(0, f"cannot start the tagger: {err.strerror or err}")
    try:
        assert proc.stdin is not None
        proc.stdin.write(json.dumps(ids).encode())
        proc.stdin.close()
        proc.stdin = None  # written whole: communicate() must not touch it again
        first = read_line(proc, time.monotonic() + lock_timeout + 2.0)
        if first is None:
            return TagResult(0, f"the notmuch database stayed locked for {lock_timeout:g}s; "
                                f"'{tag}' was left as it is")
        out, errors = proc.communicate(timeout=120)
        result = json_result(first, out)
        if "changed" in result:
            return TagResult(int(result["changed"]))
        if result.get("locked"):
            return TagResult(0, f"the notmuch database stayed locked for {lock_timeout:g}s; "
                                f"'{tag}' was left as it is")
        problem = result.get("error") or (errors.decode("utf-8", "replace").strip().splitlines() or ["failed"])[-1]
        return TagResult(0, f"notmuch could not change the tags ({problem})")
    except subprocess.TimeoutExpired:
        return TagResult(0, "changing the tags did not finish")
    finally:
        reap(proc)

