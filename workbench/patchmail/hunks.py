"""A full model of a unified diff: files, hunks and numbered lines.

The TUI's hunk view and the parent-approval draft (which quotes the hunks that touch a
parent driver) need every line with its old/new line numbers; ``diff.summarize_diff``
needs the same walk to count lines and find signals, so both share this model.

unidiff reads well-formed git diffs; mail is not always well-formed (hunks cut short by a
mailer, counts that lie, trailing whitespace stripped from context lines, ``-- `` version
signatures). When unidiff refuses a diff, a tolerant hand parser reads what it can, so a
broken diff yields its readable part instead of an exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from collections.abc import Callable
from typing import Literal, TypeVar

import unidiff

LineKind = Literal["+", "-", " ", "\\"]
_KINDS: dict[str, LineKind] = {"+": "+", "-": "-", " ": " ", "\\": "\\"}

DEV_NULL = "/dev/null"
_F = TypeVar("_F")


@dataclass(slots=True)
class DiffLine:
    kind: LineKind  # '+' added, '-' removed, ' ' context, '\\' "No newline at end of file"
    text: str  # without the leading kind character and without the line break
    old_no: int | None  # line number in the old file (None for added lines)
    new_no: int | None  # line number in the new file (None for removed lines)


@dataclass(slots=True)
class Hunk:
    header: str  # "@@ -1,3 +1,4 @@ func()"
    source_start: int
    target_start: int
    source_length: int = 0
    target_length: int = 0
    section: str = ""  # the function context after the second @@
    lines: list[DiffLine] = field(default_factory=list)

    @property
    def added(self) -> int:
        return sum(1 for line in self.lines if line.kind == "+")

    @property
    def removed(self) -> int:
        return sum(1 for line in self.lines if line.kind == "-")


@dataclass(slots=True)
class FileDiff:
    path: str  # the path after the patch (for a deletion: the deleted path)
    old_path: str | None  # set for renames and copies
    status: str  # "modified" | "added" | "deleted" | "renamed" | "binary"
    hunks: list[Hunk] = field(default_factory=list)
    binary: bool = False

    @property
    def added(self) -> int:
        return sum(h.added for h in self.hunks)

    @property
    def removed(self) -> int:
        return sum(h.removed for h in self.hunks)


_PREFIX = re.compile(r"^[abciow12]/")


def strip_prefix(path: str) -> str:
    """``a/drivers/x.c`` → ``drivers/x.c``; git quoting (``"a/sp ace.c"``) is undone."""
    path = path.strip()
    if len(path) >= 2 and path[0] == path[-1] == '"':
        path = _unquote(path[1:-1])
    path = path.split("\t", 1)[0].rstrip()  # "--- a/x.c\t2024-01-01 ..." (diff -u dates)
    if path == DEV_NULL:
        return path
    return _PREFIX.sub("", path, count=1)


def _unquote(text: str) -> str:
    """git's C-style path quoting (octal escapes carry UTF-8 bytes)."""
    try:
        raw = text.encode("latin-1", "backslashreplace").decode("unicode_escape")
        return raw.encode("latin-1").decode("utf-8", "replace")
    except (UnicodeError, ValueError):
        return text


def _status(old: str | None, new: str | None, *, rename: bool, binary: bool) -> str:
    if binary:
        return "binary"
    if old == DEV_NULL:
        return "added"
    if new == DEV_NULL:
        return "deleted"
    if rename or (old and new and old != new):
        return "renamed"
    return "modified"


def _names(old: str | None, new: str | None, *, rename: bool, binary: bool) -> tuple[str, str | None, str] | None:
    """(path, old_path, status) of a file whose headers named ``old`` and ``new``."""
    if old is None and new is None:
        return None
    status = _status(old, new, rename=rename, binary=binary)
    if new and new != DEV_NULL:
        path = new
    else:
        path = old or new or ""
    old_path = old if (status == "renamed" or (rename and old not in (None, DEV_NULL))) else None
    if old_path == path:
        old_path = None
    return path, old_path, status


def _finish(old: str | None, new: str | None, *, rename: bool, binary: bool,
            hunks: list[Hunk]) -> FileDiff | None:
    names = _names(old, new, rename=rename, binary=binary)
    if names is None:
        return None
    path, old_path, status = names
    return FileDiff(path=path, old_path=old_path, status=status, hunks=hunks, binary=binary)


def hunk_header(old_start: int, old_len: int, new_start: int, new_len: int, section: str) -> str:
    """One spelling for every hunk header (``-1 `` and ``-1,1`` are the same hunk), so the
    signals cached from one parser compare equal to headers from the other."""
    header = f"@@ -{old_start},{old_len} +{new_start},{new_len} @@"
    return f"{header} {section}" if section else header


# --- unidiff -----------------------------------------------------------------------------


def _from_unidiff(text: str) -> list[FileDiff]:
    files: list[FileDiff] = []
    for pf in unidiff.PatchSet(text):
        old = DEV_NULL if pf.is_added_file else strip_prefix(pf.source_file or "")
        new = DEV_NULL if pf.is_removed_file else strip_prefix(pf.target_file or "")
        hunks: list[Hunk] = []
        for h in pf:
            header = hunk_header(h.source_start, h.source_length, h.target_start, h.target_length,
                                 h.section_header or "")
            lines = []
            for ln in h:
                kind = _KINDS.get(ln.line_type, " ")
                value = ln.value.rstrip("\r\n")
                if kind == "\\":
                    lines.append(DiffLine("\\", value.strip(), None, None))
                elif kind == " " and ln.source_line_no is None and ln.target_line_no is None:
                    continue  # unidiff keeps a blank line after a full hunk as numberless context
                else:
                    lines.append(DiffLine(kind, value, ln.source_line_no, ln.target_line_no))
            hunks.append(Hunk(header=header, source_start=h.source_start, target_start=h.target_start,
                              source_length=h.source_length, target_length=h.target_length,
                              section=h.section_header or "", lines=lines))
        made = _finish(old or None, new or None, rename=pf.is_rename, binary=pf.is_binary_file,
                       hunks=hunks)
        if made is not None:
            files.append(made)
    return files


# --- tolerant fallback -------------------------------------------------------------------

_GIT_HEADER = re.compile(r'^diff --git (?:("(?:[^"\\]|\\.)*")|(\S+)) (?:("(?:[^"\\]|\\.)*")|(\S+))\s*$')
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$")


class _FileState:
    __slots__ = ("old", "new", "rename", "binary", "hunks")

    def __init__(self, old: str | None = None, new: str | None = None) -> None:
        self.old = old
        self.new = new
        self.rename = False
        self.binary = False
        self.hunks: list[Hunk] = []


def _fallback(text: str) -> list[FileDiff]:
    try:
        return scan_diff(text)
    except Exception:  # noqa: BLE001 — a bug here must not take a whole load down
        return []


def scan_diff(text: str) -> list[FileDiff]:
    """The tolerant parser on its own: reads what it can and stops a hunk where the mail
    stops making sense (see the module docstring). May raise only on a bug."""
    return _scan(text, _read_hunk, _finish)


def scan_summary(text: str) -> list[FileSummary]:
    """``scan_diff``'s files without numbered line objects: what the load-time summary
    (``diff.summarize_diff``) reads — per hunk its header, the kinds of its lines and the
    text of the added and removed ones. The same walk, so the same files, hunks and
    counts; about half the cost on real patches. May raise only on a bug."""
    return _scan(text, _read_hunk_summary, _finish_summary)


def _scan(text: str, read_hunk: Callable[[list[str], int, re.Match[str], list], int],
          finish: Callable[..., _F | None]) -> list[_F]:
    files: list[_F] = []
    cur: _FileState | None = None

    def close() -> None:
        nonlocal cur
        if cur is not None:
            made = finish(cur.old, cur.new, rename=cur.rename, binary=cur.binary, hunks=cur.hunks)
            if made is not None:
                files.append(made)
        cur = None

    # "\n" only: str.splitlines() would also split at the form feeds C sources contain.
    lines = text.split("\n")
    if "\r" in text:
        lines = [line[:-1] if line.endswith("\r") else line for line in lines]
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        if line.startswith("diff --git "):
            close()
            m = _GIT_HEADER.match(line)
            if m:
                cur = _FileState(strip_prefix(m.group(1) or m.group(2)), strip_prefix(m.group(3) or m.group(4)))
            else:
                cur = _FileState()
            i += 1
            continue
        if line.startswith("Index: ") and i + 1 < n and lines[i + 1].startswith("===="):
            close()
            path = strip_prefix(line[7:])
            cur = _FileState(path, path)
            i += 2
            continue
        if line.startswith("--- ") and i + 1 < n and lines[i + 1].startswith("+++ "):
            old, new = strip_prefix(line[4:]), strip_prefix(lines[i + 1][4:])
            if cur is None or cur.hunks:
                close()
                cur = _FileState(old, new)
            else:
                cur.old, cur.new = old, new
            i += 2
            continue
        if cur is not None:
            if line.startswith("new file mode"):
                cur.old = DEV_NULL
            elif line.startswith("deleted file mode"):
                cur.new = DEV_NULL
            elif line.startswith(("rename from ", "copy from ")):
                cur.old = strip_prefix(line.split(" ", 2)[2])
                cur.rename = line.startswith("rename")
            elif line.startswith(("rename to ", "copy to ")):
                cur.new = strip_prefix(line.split(" ", 2)[2])
            elif line.startswith("Binary files ") or line == "GIT binary patch":
                cur.binary = True
            elif (m := _HUNK.match(line)):
                i = read_hunk(lines, i, m, cur.hunks)
                continue
        i += 1
    close()
    return files


def _read_hunk(lines: list[str], i: int, m: re.Match[str], out: list[Hunk]) -> int:
    """Read one hunk starting at header line ``i``; returns the index after it. Stops
    early, keeping what was read, when a line cannot belong to the hunk."""
    old_start, new_start = int(m.group(1)), int(m.group(3))
    old_len = int(m.group(2)) if m.group(2) is not None else 1
    new_len = int(m.group(4)) if m.group(4) is not None else 1
    section = m.group(5).strip()
    hunk = Hunk(header=hunk_header(old_start, old_len, new_start, new_len, section), source_start=old_start, target_start=new_start,
                source_length=old_len, target_length=new_len, section=section)
    out.append(hunk)
    old_left, new_left = old_len, new_len
    old_no, new_no = old_start, new_start
    i += 1
    n = len(lines)
    add = hunk.lines.append
    while i < n and (old_left > 0 or new_left > 0):
        line = lines[i]
        kind = line[:1]
        if kind == "+" and new_left > 0:
            add(DiffLine("+", line[1:], None, new_no))
            new_no += 1
            new_left -= 1
        elif kind == "-" and old_left > 0:
            add(DiffLine("-", line[1:], old_no, None))
            old_no += 1
            old_left -= 1
        elif (kind == " " or not kind) and old_left > 0 and new_left > 0:
            add(DiffLine(" ", line[1:], old_no, new_no))
            old_no += 1
            new_no += 1
            old_left -= 1
            new_left -= 1
        elif kind == "\\":
            add(DiffLine("\\", line[1:].strip(), None, None))
        else:
            break  # the counts lied or the mail was cut: keep what was read
        i += 1
    if i < n and lines[i].startswith("\\"):
        hunk.lines.append(DiffLine("\\", lines[i][1:].strip(), None, None))
        i += 1
    return i


@dataclass(slots=True)
class HunkSummary:
    """A hunk as the load-time summary reads it: ``kinds`` has one character per line
    ('+', '-', ' ', '\\'), ``added``/``removed`` the texts of those lines, in order."""

    header: str
    kinds: list[LineKind] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass(slots=True)
class FileSummary:
    path: str
    old_path: str | None
    status: str
    hunks: list[HunkSummary] = field(default_factory=list)


def _finish_summary(old: str | None, new: str | None, *, rename: bool, binary: bool,
                    hunks: list[HunkSummary]) -> FileSummary | None:
    names = _names(old, new, rename=rename, binary=binary)
    if names is None:
        return None
    return FileSummary(*names, hunks=hunks)


def _read_hunk_summary(lines: list[str], i: int, m: re.Match[str], out: list[HunkSummary]) -> int:
    """``_read_hunk`` keeping kinds and texts only (the same stops, so the same lines)."""
    old_start, new_start = int(m.group(1)), int(m.group(3))
    old_len = int(m.group(2)) if m.group(2) is not None else 1
    new_len = int(m.group(4)) if m.group(4) is not None else 1
    hunk = HunkSummary(hunk_header(old_start, old_len, new_start, new_len, m.group(5).strip()))
    out.append(hunk)
    kinds, added, removed = hunk.kinds, hunk.added, hunk.removed
    old_left, new_left = old_len, new_len
    i += 1
    n = len(lines)
    while i < n and (old_left > 0 or new_left > 0):
        line = lines[i]
        kind = line[:1]
        if kind == "+" and new_left > 0:
            kinds.append("+")
            added.append(line[1:])
            new_left -= 1
        elif kind == "-" and old_left > 0:
            kinds.append("-")
            removed.append(line[1:])
            old_left -= 1
        elif (kind == " " or not kind) and old_left > 0 and new_left > 0:
            kinds.append(" ")
            old_left -= 1
            new_left -= 1
        elif kind == "\\":
            kinds.append("\\")
        else:
            break  # the counts lied or the mail was cut: keep what was read
        i += 1
    if i < n and lines[i].startswith("\\"):
        kinds.append("\\")
        i += 1
    return i


def read_diff(diff: str) -> list[FileDiff]:
    """``parse_diff``'s answer, faster: the tolerant scanner gives the very same files,
    hunks, lines and numbers as unidiff on every diff unidiff reads (tests/test_diff.py
    checks that on the real corpus) in a third of the time, which is what opening a
    10,000-line patch in the TUI waits for. unidiff answers only if the scanner fails."""
    try:
        return scan_diff(diff)
    except Exception:  # noqa: BLE001 — a scanner bug: the careful parser still answers
        return parse_diff(diff)


def parse_diff(diff: str) -> list[FileDiff]:
    """Every file of ``diff`` with its hunks and numbered lines. Never raises: unidiff
    first, then the tolerant parser; on input that is not a diff at all, an empty list."""
    if not diff or not diff.strip():
        return []
    try:
        return _from_unidiff(diff)
    except Exception:  # unidiff raises several types on bad input; all mean "use the fallback"
        pass
    return _fallback(diff)
