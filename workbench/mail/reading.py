"""A message file's readable text and its parsed diff, decoded one way for every reader.

Why one module: the loader finds trailers in a body, the views show that body, a draft
quotes it and the hunk view and the parent-approval draft show its diff. If each of them
decoded the headers → Content-Type → transfer encoding → charset chain on its own, a
maintainer could read one text and be judged on another: that chain is written once, in
``bodies.decode_body`` (``bodies.message_text`` from a message's bytes).

The core keeps no bodies (a large store would not fit in memory), so what needs one
later (the TUI's views, a draft, a robot's report, the patches written for ``git am``)
re-reads the file through here; ``read_text`` never raises: a vanished or broken file
gives a bracketed explanation instead (``MessageText.ok`` tells the two apart). ``MailReader`` keeps the last few decoded bodies and parsed diffs, keyed
by the file's identity (path, size, mtime): the series view, the hunk view and a draft
of the same series read and parse a patch once, and a file rewritten in between is read
again. Nothing here opens notmuch: bodies come from files, so this serves a whole run
(``StoreSession.reader``) and outlives any one look at the database.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from workbench.mail.bodies import message_text
from workbench.patchmail.diff import split_patch
from workbench.patchmail.hunks import FileDiff, read_diff

T = TypeVar("T")

BODIES = 256
"""Decoded bodies kept (a thread view shows one per message)."""
PATCHES = 64
"""Parsed diffs kept: a few series of a dozen patches each (a 10,000-line patch parses
into some megabytes of rows, so this stays small)."""


@dataclass(frozen=True, slots=True)
class PatchText:
    """A patch mail read for display: its decoded body, the diff part parsed into files,
    and what went wrong when the file could not be read or decoded (then ``body`` is
    that explanation, in brackets, and there are no files). ``readable`` is False when
    the file itself could not be read (moved or deleted since the load)."""

    body: str
    files: tuple[FileDiff, ...]
    problem: str = ""
    readable: bool = True


_UNREADABLE = "[cannot read "


@dataclass(frozen=True, slots=True)
class MessageText:
    """A message's readable text; when ``ok`` is False, ``text`` is a bracketed
    explanation of why the file could not be read or decoded."""

    text: str
    ok: bool


def read_text(path: str) -> MessageText:
    """The readable text of the message at ``path`` (never raises)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as err:
        return MessageText(f"{_UNREADABLE}{path}: {err.strerror or err}]", False)
    try:
        return MessageText(message_text(data), True)
    except Exception as err:  # noqa: BLE001 — hostile mail may break a decoder in odd ways
        return MessageText(f"[cannot parse {path}: {type(err).__name__}]", False)


def read_patch(path: str, text: MessageText | None = None) -> PatchText:
    """The body of the message at ``path`` and its diff, parsed (never raises)."""
    read = text if text is not None else read_text(path)
    if not read.ok:
        return PatchText(read.text, (), read.text, readable=not read.text.startswith(_UNREADABLE))
    _prose, diff = split_patch(read.text)
    return PatchText(read.text, tuple(read_diff(diff)))


def _identity(path: str) -> tuple[str, int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return path, -1, -1  # not memoised as a hit for a file that comes back: see _Memo
    return path, st.st_size, st.st_mtime_ns


class _Memo:
    """A small LRU of answers per file identity; thread-safe (the TUI reads in workers).
    A file that cannot be stat'ed is never kept: it may be back on the next look."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[tuple[str, int, int], object] = OrderedDict()
        self._lock = threading.Lock()
        self.computed = 0  # answers made (not served from the memo): what tests count

    def get(self, path: str, make: Callable[[], T]) -> T:
        key = _identity(path)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]  # type: ignore[return-value]
        value = make()
        with self._lock:
            self.computed += 1
            if key[1] >= 0:
                self._items[key] = value
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class MailReader:
    """Decoded bodies and parsed diffs of message files, with a bounded memo."""

    def __init__(self, bodies: int = BODIES, patches: int = PATCHES) -> None:
        self._bodies = _Memo(bodies)
        self._patches = _Memo(patches)

    def text(self, path: str) -> MessageText:
        """The message at ``path`` as ``read_text`` reads it."""
        return self._bodies.get(path, lambda: read_text(path))

    def body(self, path: str) -> str:
        """The readable text of the message at ``path``, or a ``[cannot …]`` line."""
        return self.text(path).text

    def patch(self, path: str) -> PatchText:
        """The message at ``path`` with its diff parsed (``read_patch``)."""
        return self._patches.get(path, lambda: read_patch(path, self.text(path)))

    @property
    def parsed(self) -> int:
        """How many diffs this reader has parsed (each file once while it is kept)."""
        return self._patches.computed

    @property
    def decoded(self) -> int:
        """How many bodies this reader has decoded."""
        return self._bodies.computed

    def clear(self) -> None:
        self._bodies.clear()
        self._patches.clear()


READER = MailReader()
"""The process's reader: the TUI's views and the drafts they start share it, so a
series' patches are decoded and parsed once however many screens show them."""
