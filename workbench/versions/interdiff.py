"""What changed in one patch between two versions, without a kernel tree.

The interdiff is the diff between the two patches' diffs, read from the mail alone:

* each file's diff lines are compared as a sequence of (kind, text) with the hunk
  headers reduced to their function context, so a reroll whose hunks only moved (the
  base grew, an earlier patch changed) shows nothing for them;
* a stretch where only context lines differ (the code around the change moved on, the
  change itself did not) is folded into the surrounding unchanged lines and counted;
* unchanged stretches are folded to ``CONTEXT`` lines either side of each change.

Besides the diff: the commit message (line by line), its trailers (as sets: picked up
and dropped), the title when it was reworded, and the author's notes below ``---``
("v11: fixed …") of the newer version. Everything comes out as typed lines with a kind,
for the TUI's Line-API view or any other renderer; no text here is markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from enum import StrEnum

from workbench.mail.reading import READER
from workbench.model import Patch
from workbench.patchmail.diff import split_patch
from workbench.patchmail.hunks import FileDiff, read_diff

CONTEXT = 3
"""Unchanged lines kept either side of a change."""

_TRAILER = re.compile(r"^[A-Za-z][A-Za-z0-9-]*(?: [A-Za-z0-9-]+){0,2}:\s*\S")
_DIFFSTAT = re.compile(r"^\s*(?:\S.*\|\s+(?:\d+ ?[+-]*|Bin.*)|\d+ files? changed.*)$")


class LineKind(StrEnum):
    SECTION = "section"  # a heading: the title, "commit message", a file
    HUNK = "hunk"  # a hunk header (the newer version's numbers)
    SAME = "same"  # in both versions
    OLD = "old"  # only in the older version
    NEW = "new"  # only in the newer version
    FOLD = "fold"  # ``count`` unchanged lines not shown
    NOTE = "note"  # what the reader should know (context that moved, the author's notes)


@dataclass(frozen=True, slots=True)
class Line:
    kind: LineKind
    text: str  # a diff line keeps its own kind character ("+foo", " bar", "-baz")
    count: int = 0  # for FOLD


@dataclass(frozen=True, slots=True)
class FileInterdiff:
    path: str
    status: str  # "changed" | "unchanged" | "added" (only in the newer) | "dropped"
    lines: tuple[Line, ...] = ()
    context_only: int = 0  # diff lines that differ only as context (folded)


@dataclass(frozen=True, slots=True)
class Interdiff:
    """One patch, older → newer; either side may be missing (an added/dropped patch)."""

    old: Patch | None
    new: Patch | None
    title_change: tuple[str, str] | None = None
    message: tuple[Line, ...] = ()  # empty when the commit message is the same
    trailers_added: tuple[str, ...] = ()
    trailers_dropped: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # the newer version's notes below "---"
    files: tuple[FileInterdiff, ...] = field(default_factory=tuple)

    @property
    def code_changed(self) -> bool:
        return any(f.status != "unchanged" for f in self.files)

    @property
    def changed(self) -> bool:
        return bool(self.code_changed or self.message or self.trailers_added or self.trailers_dropped
                    or self.title_change)

    def lines(self) -> list[Line]:
        """Everything, in reading order, for a view."""
        out: list[Line] = []
        if self.title_change:
            out.append(Line(LineKind.SECTION, "title"))
            out.append(Line(LineKind.OLD, self.title_change[0]))
            out.append(Line(LineKind.NEW, self.title_change[1]))
        if self.message:
            out.append(Line(LineKind.SECTION, "commit message"))
            out.extend(self.message)
        if self.trailers_added or self.trailers_dropped:
            out.append(Line(LineKind.SECTION, "trailers"))
            out.extend(Line(LineKind.OLD, t) for t in self.trailers_dropped)
            out.extend(Line(LineKind.NEW, t) for t in self.trailers_added)
        if self.notes:
            out.append(Line(LineKind.SECTION, "notes below ---"))
            out.extend(Line(LineKind.NOTE, n) for n in self.notes)
        for f in self.files:
            if f.status == "unchanged":
                continue
            out.append(Line(LineKind.SECTION, f"{f.path} ({f.status})"))
            out.extend(f.lines)
            if f.context_only:
                out.append(Line(LineKind.NOTE, f"{f.context_only} context lines differ only because the "
                                               "code around the change moved (folded)"))
        if not self.changed:
            out.append(Line(LineKind.NOTE, "no change: the same diff (line numbers aside), message and trailers"))
        return out


# --- commit messages ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Parts:
    message: list[str]
    trailers: list[str]
    notes: list[str]
    files: list[FileDiff]


def _split(text: str) -> _Parts:
    prose, diff = split_patch(text)
    lines = prose.rstrip("\n").split("\n") if prose.strip() else []
    end = len(lines)
    while end and (not lines[end - 1].strip() or _TRAILER.match(lines[end - 1])):
        end -= 1
    trailers = [" ".join(line.split()) for line in lines[end:] if line.strip()]
    message = lines[:end]
    while message and not message[0].strip():
        message.pop(0)
    notes = _notes(text, diff)
    return _Parts(message, trailers, notes, read_diff(diff) if diff else [])


def _notes(text: str, diff: str) -> list[str]:
    """The lines between git's ``---`` and the diffstat or diff: version notes."""
    at = text.find(diff) if diff else -1
    lines = (text[:at] if at >= 0 else text).split("\n")
    try:
        start = next(i for i, line in enumerate(lines) if re.match(r"^---[ \t]*$", line))
    except StopIteration:
        return []
    out: list[str] = []
    for line in lines[start + 1:]:
        if _DIFFSTAT.match(line):
            break
        out.append(line.rstrip())
    while out and not out[-1].strip():
        out.pop()
    while out and not out[0].strip():
        out.pop(0)
    return out


def _compare_lines(old: list[str], new: list[str]) -> list[Line]:
    """A folded line diff of two lists of text lines."""
    out: list[Line] = []
    matcher = SequenceMatcher(None, [line.rstrip() for line in old], [line.rstrip() for line in new], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend(Line(LineKind.SAME, line) for line in new[j1:j2])
        else:
            out.extend(Line(LineKind.OLD, line) for line in old[i1:i2])
            out.extend(Line(LineKind.NEW, line) for line in new[j1:j2])
    return _fold(out)


# --- diffs ----------------------------------------------------------------------------------

def _items(fd: FileDiff) -> list[tuple[str, Line]]:
    """(comparison key, line to show) for each hunk header and diff line. A key is one
    string (hashed faster than a tuple): the diff line without trailing blanks, or
    "@@" and the hunk's function context."""
    out: list[tuple[str, Line]] = []
    for hunk in fd.hunks:
        out.append(("@@ " + hunk.section.strip(), Line(LineKind.HUNK, hunk.header)))
        for dl in hunk.lines:
            text = dl.kind + dl.text
            out.append((text.rstrip(), Line(LineKind.SAME, text)))
    return out


def _opcodes(a: list, b: list) -> list[tuple[str, int, int, int, int]]:
    """SequenceMatcher's opcodes, with the common head and tail matched first: a reroll
    leaves most of a file's diff as it was, and the matcher's cost grows with the
    square of what it is given (the qat v1→v2 series: 0.30 s → see benchmarks)."""
    n = min(len(a), len(b))
    head = 0
    while head < n and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < n - head and a[len(a) - 1 - tail] == b[len(b) - 1 - tail]:
        tail += 1
    out: list[tuple[str, int, int, int, int]] = []
    if head:
        out.append(("equal", 0, head, 0, head))
    mid_a, mid_b = a[head:len(a) - tail], b[head:len(b) - tail]
    if mid_a or mid_b:
        for tag, i1, i2, j1, j2 in SequenceMatcher(None, mid_a, mid_b, autojunk=False).get_opcodes():
            out.append((tag, i1 + head, i2 + head, j1 + head, j2 + head))
    if tail:
        out.append(("equal", len(a) - tail, len(a), len(b) - tail, len(b)))
    return out


def _moved_context(keys: list[str]) -> bool:
    return all(k.startswith((" ", "@@ ")) or k == "" for k in keys)


def compare_files(old: FileDiff | None, new: FileDiff | None) -> FileInterdiff:
    path = (new or old).path  # type: ignore[union-attr]
    if old is None or new is None:
        items = _items(new or old)  # type: ignore[arg-type]
        kind = LineKind.NEW if old is None else LineKind.OLD
        lines = [line if line.kind is LineKind.HUNK else Line(kind, line.text) for _k, line in items]
        return FileInterdiff(path, "added" if old is None else "dropped", tuple(lines))
    a, b = _items(old), _items(new)
    a_keys, b_keys = [k for k, _l in a], [k for k, _l in b]
    out: list[Line] = []
    moved = 0
    changed = False
    for tag, i1, i2, j1, j2 in _opcodes(a_keys, b_keys):
        if tag == "equal":
            out.extend(line for _k, line in b[j1:j2])
        elif _moved_context(a_keys[i1:i2] + b_keys[j1:j2]):
            moved += (sum(1 for k in b_keys[j1:j2] if not k.startswith("@@ "))
                      or sum(1 for k in a_keys[i1:i2] if not k.startswith("@@ ")))
            out.extend(line for _k, line in b[j1:j2])
        else:
            changed = True
            out.extend(Line(LineKind.OLD, line.text) for _k, line in a[i1:i2])
            out.extend(Line(LineKind.NEW, line.text) for _k, line in b[j1:j2])
    if not changed:
        return FileInterdiff(path, "unchanged", (), moved)
    return FileInterdiff(path, "changed", tuple(_fold(out)), moved)


def _fold(lines: list[Line]) -> list[Line]:
    """Keep changes, ``CONTEXT`` unchanged lines either side, and the hunk header each
    kept change sits under; fold the rest into FOLD lines."""
    n = len(lines)
    keep = [False] * n
    last_hunk = -1
    for i, line in enumerate(lines):
        if line.kind is LineKind.HUNK:
            last_hunk = i
        if line.kind in (LineKind.OLD, LineKind.NEW):
            for j in range(max(0, i - CONTEXT), min(n, i + CONTEXT + 1)):
                keep[j] = True
            if last_hunk >= 0:
                keep[last_hunk] = True
    out: list[Line] = []
    hidden = 0
    for i, line in enumerate(lines):
        if keep[i]:
            if hidden:
                out.append(Line(LineKind.FOLD, f"[… {hidden} unchanged lines …]", hidden))
                hidden = 0
            out.append(line)
        else:
            hidden += 1
    if hidden and out:
        out.append(Line(LineKind.FOLD, f"[… {hidden} unchanged lines …]", hidden))
    return out


def _file_key(fd: FileDiff) -> str:
    return fd.path


def interdiff_texts(old_text: str | None, new_text: str | None, *, old_title: str = "",
                    new_title: str = "", old: Patch | None = None, new: Patch | None = None) -> Interdiff:
    """The interdiff of two patch mails' texts (either may be None: added or dropped)."""
    a = _split(old_text) if old_text is not None else _Parts([], [], [], [])
    b = _split(new_text) if new_text is not None else _Parts([], [], [], [])
    title = None
    if old_text is not None and new_text is not None and " ".join(old_title.split()) != " ".join(new_title.split()):
        title = (old_title, new_title)
    message: list[Line] = []
    if [m.rstrip() for m in a.message] != [m.rstrip() for m in b.message]:
        message = _compare_lines(a.message, b.message)
    old_trailers, new_trailers = set(a.trailers), set(b.trailers)
    added = tuple(t for t in b.trailers if t not in old_trailers)
    dropped = tuple(t for t in a.trailers if t not in new_trailers)
    old_files: dict[str, FileDiff] = {}
    for fd in a.files:
        old_files.setdefault(_file_key(fd), fd)
        if fd.old_path:
            old_files.setdefault(fd.old_path, fd)
    files: list[FileInterdiff] = []
    used: set[int] = set()
    for fd in b.files:
        match = old_files.get(fd.path) or (old_files.get(fd.old_path) if fd.old_path else None)
        if match is not None and id(match) in used:
            match = None
        if match is not None:
            used.add(id(match))
        files.append(compare_files(match, fd))
    for fd in a.files:
        if id(fd) not in used:
            files.append(compare_files(fd, None))
    return Interdiff(old, new, title, tuple(message), added, dropped, tuple(b.notes), tuple(files))


def interdiff(old: Patch | None, new: Patch | None) -> Interdiff:
    """The interdiff of two patches of a chain (read from their files)."""
    return interdiff_texts(READER.body(old.path) if old else None,
                           READER.body(new.path) if new else None,
                           old_title=old.title if old else "", new_title=new.title if new else "",
                           old=old, new=new)
