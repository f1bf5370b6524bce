"""Writing synthetic mail: header fields, body encodings, multipart messages, and the
notmuch store they are indexed into.

One library for every writer of made-up mail: the demo store (``render``), the benchmark
generator (``benchmarks/synth_mail.py``) and the tests' small stores. The headers are
written by hand rather than through ``email.message``: the writers imitate the output of
real mailers (their header order, folding and RFC 2047 names), which the stdlib's
generator would normalise away.

It lives beside the demo, outside the ``workbench`` package, because the product never
writes mail this way (drafts have their own, link-safe writer in ``workbench.mail.drafts``)
and the product's fingerprint must not change when a generator does.
"""

from __future__ import annotations

import base64
import os
import quopri
import re
from collections.abc import Iterable
from pathlib import Path

import notmuch2

from workbench.mail.maildir import ensure_maildir, unique_name

_SPECIALS = re.compile(r'[()<>\[\]:;@\\,."]')

# --- header fields ---------------------------------------------------------------------


def encoded_word(text: str) -> str:
    """RFC 2047 Q-encoding, as git send-email writes non-ASCII names."""
    out = []
    for byte in text.encode("utf-8"):
        ch = chr(byte)
        out.append(ch if ch.isascii() and (ch.isalnum() or ch in "!*+-/") else f"={byte:02X}")
    return f"=?UTF-8?q?{''.join(out)}?="


def address(name: str, email: str) -> str:
    """``Name <email>``: a name with specials quoted, a non-ASCII one encoded."""
    if not name:
        return email
    if not name.isascii():
        return f"{encoded_word(name)} <{email}>"
    shown = f'"{name}"' if _SPECIALS.search(name) else name
    return f"{shown} <{email}>"


def fold(name: str, items: list[str], sep: str = ",", cont: str = "\t") -> str:
    """A structured header field folded before 78 columns, at the separators."""
    line = f"{name}: "
    lines: list[str] = []
    for i, item in enumerate(items):
        piece = item + (sep if i < len(items) - 1 else "")
        if len(line) + len(piece) + 1 > 78 and line.strip() != f"{name}:":
            lines.append(line.rstrip())
            line = cont
        line += piece + " "
    lines.append(line.rstrip())
    return "\n".join(lines)


def fold_text(name: str, value: str) -> str:
    """An unstructured header field (Subject) folded at spaces, as mailers do."""
    if not value.isascii():
        return f"{name}: {encoded_word(value)}"
    return fold(name, value.split(" "), sep="", cont=" ")


# --- bodies ----------------------------------------------------------------------------


def text_part(text: str, encoding: str, charset: str) -> tuple[list[str], str]:
    """(headers, encoded payload) of a text/plain part; ``encoding`` is the
    Content-Transfer-Encoding: base64, quoted-printable, or 7bit/8bit (written as is)."""
    data = text.encode("utf-8")
    if encoding == "base64":
        payload = base64.encodebytes(data).decode("ascii")
    elif encoding == "quoted-printable":
        payload = quopri.encodestring(data).decode("ascii")
    else:
        payload = text
    return [f"Content-Type: text/plain; charset={charset}", f"Content-Transfer-Encoding: {encoding}"], payload


def multipart(boundary: str, parts: list[tuple[list[str], str]], preamble: str = "") -> str:
    """The body of a multipart message: each part's (headers, payload) after a boundary."""
    out = [preamble] if preamble else []
    for headers, payload in parts:
        out += [f"--{boundary}", *headers, "", payload]
    out += [f"--{boundary}--", ""]
    return "\n".join(out)


def message(headers: list[str], body: str) -> bytes:
    """The message file's bytes (LF line ends, as in a maildir)."""
    return ("\n".join(headers) + "\n\n" + body).encode("utf-8")


# --- stores ----------------------------------------------------------------------------


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


def place(folder: Path, name: str, data: bytes) -> Path:
    """Write ``data`` straight into ``folder``/cur under a fixed ``name`` (no fsync: a
    generator that is interrupted starts again from nothing)."""
    path = folder / "cur" / name
    with open(path, "wb") as fh:
        fh.write(data)
    return path


def deliver(folder: Path, data: bytes, flags: str = "S") -> Path:
    """Write ``data`` as a new message in ``folder`` (tmp/, fsync, then rename into cur/)."""
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


def build_store(root: Path, messages: Iterable[bytes], folder: str = "INBOX",
                tags: Iterable[str] = ()) -> Path:
    """A maildir under ``root`` holding ``messages``, indexed by notmuch. Returns ``root``.

    The files are written straight into ``cur/`` without an fsync each (``place``): a
    store built from nothing is built again from nothing when interrupted, and the
    fsyncs were a quarter of the time of building the 2,031-message test store.
    No tags unless asked: notmuch writes a message's document again for each tag added
    after indexing, and an ``inbox`` tag was a third of the CPU of that store (22.6 s
    with it, 14.6 s without), while nothing the workbench reads depends on it."""
    create_database(root)
    box = ensure_maildir(root / folder)
    paths = [place(box, f"{unique_name()}:2,S", data) for data in messages]
    index_files(root, paths, tags=tags)
    return root
