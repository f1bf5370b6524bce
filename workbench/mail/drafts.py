"""Saving a draft where mail clients look for drafts: the maildir Drafts folder, indexed
by notmuch with ``+draft -inbox -unread``.

Three things make this careful:

* The file is written to ``tmp/`` and renamed into ``cur/`` (flags ``DS``), so a crash
  or a failed rename never leaves half a draft where ``notmuch new`` or a client would
  pick it up; a failed write or rename removes the tmp file as well.
* The folder comes from the configuration, so it is checked to stay inside the mail
  root (no absolute path, no ``..``, no symlink out of it).
* libnotmuch *waits* for the write lock when ``notmuch new`` holds it (when Xapian has
  DB_RETRY_LOCK), and a wait inside C cannot be interrupted. The indexing therefore
  runs in a child process: when it has not got the lock within ``lock_timeout`` seconds
  it is killed (it has written nothing yet), the draft file stays, and the result says
  how to index it later. Once the child has the lock it is allowed to finish. A
  libnotmuch without that wait fails at once; the child then retries until the timeout.

Nothing here ever sends mail or touches any other message.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from email import policy
from email.parser import BytesHeaderParser
from pathlib import Path, PurePosixPath

from workbench.config import Settings
from workbench.errors import DraftError, StoreError
from workbench.mail.maildir import ensure_maildir, unique_name
from workbench.mail.writer_child import OPEN_RW, json_result, read_line, reap

DRAFT_TAGS: tuple[str, ...] = ("+draft", "-inbox", "-unread")
LOCK_TIMEOUT = 5.0
INDEX_TIMEOUT = 120.0  # once the lock is held: a single add is quick, this only guards a hang


@dataclass(frozen=True, slots=True)
class SavedDraft:
    path: Path
    msgid: str
    indexed: bool
    warning: str | None = None
    thread: str | None = None  # notmuch thread id, when indexed


# --- where ---------------------------------------------------------------------------

def drafts_dir(root: Path, folder: str) -> Path:
    """``root/folder``, refused when it would leave ``root``."""
    text = (folder or "").strip()
    parts = PurePosixPath(text.replace("\\", "/")).parts
    if (not text or "\x00" in text or text.startswith(("/", "~")) or any(p in ("..", ".") for p in parts)
            or (len(text) > 1 and text[1] == ":")):
        raise DraftError(f"drafts folder {folder!r} must be a folder name inside the mail root "
                         "(e.g. 'Drafts'): check 'drafts_folder' in the config")
    root_real = Path(root).resolve()
    target = Path(root).joinpath(*parts)
    if not target.resolve().is_relative_to(root_real):
        raise DraftError(f"drafts folder {target} leads outside the mail root {root_real} (a symlink?)")
    return target


def mail_root(settings: Settings) -> Path:
    """The maildir root of the configured notmuch database."""
    if settings.db_path is not None:
        return Path(settings.db_path).expanduser()
    from workbench.mail.notmuch_config import config_value, open_readonly

    with open_readonly(settings) as db:
        return Path(config_value(db, "database.mail_root") or str(db.path))


# --- writing ---------------------------------------------------------------------------

def write_draft_file(folder: Path, data: bytes) -> Path:
    """Write ``data`` into the maildir ``folder``: tmp/ then rename into cur/ with the
    Draft and Seen flags. Nothing is left behind on failure."""
    try:
        ensure_maildir(folder)
    except OSError as err:
        raise DraftError(f"cannot create the drafts folder {folder}: {err.strerror or err}") from None
    # "xb" is O_CREAT|O_EXCL: a file or a symlink already at the name (planted there to
    # have the draft written through it) makes the open fail instead of being followed;
    # another name is tried. The rename into cur/ replaces a link there, never its target.
    created: Path | None = None  # only a file this call made is removed on failure
    try:
        for attempt in range(10):
            name = unique_name()
            try:
                fh = open(folder / "tmp" / name, "xb")
            except FileExistsError:
                if attempt == 9:
                    raise
                continue
            created = folder / "tmp" / name
            with fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            break
        assert created is not None  # the loop either created the file or raised
        final = folder / "cur" / f"{name}:2,DS"
        os.rename(created, final)
    except OSError as err:
        if created is not None:
            try:
                created.unlink()
            except OSError:
                pass
        raise DraftError(f"cannot write the draft into {folder}: {err.strerror or err}") from None
    return final


def write_eml(out_dir: Path, name: str, data: bytes) -> Path:
    """``--out DIR``: the draft as ``DIR/<name>`` (``-2``, ``-3`` … when taken)."""
    out_dir = Path(out_dir).expanduser()
    safe = Path(name).name
    if not safe or safe in (".", "..") or safe != name:
        raise DraftError(f"not a plain file name: {name!r}")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise DraftError(f"cannot create {out_dir}: {err.strerror or err} (check --out)") from None
    stem, dot, ext = safe.rpartition(".")
    if not dot:
        stem, ext = safe, "eml"
    for n in range(1, 1000):
        path = out_dir / (f"{stem}.{ext}" if n == 1 else f"{stem}-{n}.{ext}")
        try:
            with open(path, "xb") as fh:
                fh.write(data)
            return path
        except FileExistsError:
            continue
        except OSError as err:
            raise DraftError(f"cannot write {path}: {err.strerror or err} (check --out)") from None
    raise DraftError(f"too many drafts named {stem} in {out_dir}")


def draft_msgid(data: bytes) -> str:
    headers = BytesHeaderParser(policy=policy.compat32).parsebytes(data)
    value = str(headers.get("Message-ID", "") or "").strip()
    if not value:
        raise DraftError("the draft has no Message-ID header")
    return value.strip("<>").strip()


# --- indexing ----------------------------------------------------------------------------

_CHILD = r"""
import json, sys, time
import notmuch2
root, path, config, tags = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
deadline = time.monotonic() + float(sys.argv[5])
""" + OPEN_RW + r"""
try:
    with db.atomic():
        msg, dup = db.add(path, sync_flags=False)
        for tag in tags:
            if tag.startswith("-"):
                msg.tags.discard(tag[1:])
            else:
                msg.tags.add(tag.lstrip("+"))
        thread = msg.threadid
    print(json.dumps({"indexed": True, "thread": thread, "duplicate": bool(dup)}), flush=True)
except Exception as err:
    print(json.dumps({"error": f"{type(err).__name__}: {err}"}), flush=True)
    sys.exit(4)
finally:
    db.close()
"""


def index_draft(root: Path, path: Path, config: str, tags=DRAFT_TAGS,
                lock_timeout: float = LOCK_TIMEOUT) -> tuple[bool, str | None, str | None]:
    """(indexed, thread id, problem) for a file already inside ``root``."""
    args = [sys.executable, "-c", _CHILD, str(root), str(path), config, json.dumps(list(tags)), str(lock_timeout)]
    try:
        # Unbuffered: the first line is read by hand, the rest by communicate(), which reads
        # the raw pipe; a buffered reader could hide the rest of the output from it.
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0,
                                stdin=subprocess.DEVNULL)
    except OSError as err:
        return False, None, f"cannot start the indexer: {err.strerror or err}"
    try:
        first = read_line(proc, time.monotonic() + lock_timeout + 2.0)  # + interpreter start-up
        if first is None:
            proc.kill()
            proc.wait()
            return False, None, (f"the notmuch database is locked by another writer (a running "
                                 f"'notmuch new'?) and stayed locked for {lock_timeout:g}s")
        try:
            out, raw_err = proc.communicate(timeout=INDEX_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            return False, None, "indexing the draft did not finish"
        stderr = raw_err.decode("utf-8", "replace")
        result = json_result(first, out)
        if result.get("indexed"):
            return True, result.get("thread"), None
        if result.get("locked"):
            return False, None, (f"the notmuch database is locked by another writer (a running "
                                 f"'notmuch new'?) and stayed locked for {lock_timeout:g}s")
        problem = result.get("error") or (stderr.strip().splitlines() or ["the indexer failed"])[-1]
        return False, None, f"notmuch could not index the draft ({problem})"
    finally:
        reap(proc)


def save_draft(data: bytes, settings: Settings | Path, folder: str | None = None, *,
               lock_timeout: float = LOCK_TIMEOUT) -> SavedDraft:
    """Write ``data`` into the Drafts folder of the notmuch database and index it.

    ``settings`` is the run's Settings (database as configured) or a database root. A
    write failure raises DraftError; an indexing failure (locked database …) does not:
    the draft file is kept and ``warning`` says what to do."""
    msgid = draft_msgid(data)
    if isinstance(settings, Settings):
        try:
            root = mail_root(settings)
        except StoreError as err:
            raise DraftError(f"cannot save the draft: {err}") from None
        config = str(settings.notmuch_config) if settings.notmuch_config else ":search:"
        folder = folder or settings.drafts_folder
    else:
        root, config = Path(settings), ":empty:"
        folder = folder or "Drafts"
    if not root.is_dir():
        raise DraftError(f"mail root {root} does not exist: cannot save the draft there (check --db)")
    target = write_draft_file(drafts_dir(root, folder), data)
    ok, thread, problem = index_draft(root, target.resolve(), config, lock_timeout=lock_timeout)
    if ok:
        return SavedDraft(target, msgid, True, None, thread)
    warning = (f"{problem}; the draft is kept at {target} — index it later with "
               f"'notmuch new && notmuch tag +draft -inbox -unread -- id:{msgid}'")
    return SavedDraft(target, msgid, False, warning)

