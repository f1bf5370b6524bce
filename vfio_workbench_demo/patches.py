"""Unified diffs for the demo patches, with hunk headers and diffstats computed, not typed.

Hand-counted ``@@ -a,b +c,d @@`` lines are where fake patches give themselves away (and
where a strict diff parser rightly refuses them), so a hunk is written as its lines only
and the numbers are derived. Code is written with four-space indents in the specs and
turned into the kernel's tabs here, which keeps the specs readable.
"""

from __future__ import annotations

import hashlib
import re
import textwrap
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Hunk:
    old_start: int
    heading: str  # the function context git prints after the second @@
    lines: tuple[str, ...]  # each starts with ' ', '+' or '-'

    @property
    def old_count(self) -> int:
        return sum(1 for line in self.lines if line[0] in " -")

    @property
    def new_count(self) -> int:
        return sum(1 for line in self.lines if line[0] in " +")


@dataclass(frozen=True, slots=True)
class FileEdit:
    path: str
    hunks: tuple[Hunk, ...]
    new: bool = False

    @property
    def added(self) -> int:
        return sum(1 for h in self.hunks for line in h.lines if line[0] == "+")

    @property
    def removed(self) -> int:
        return sum(1 for h in self.hunks for line in h.lines if line[0] == "-")


def _tabs(code: str) -> str:
    """Leading groups of four spaces become tabs (the kernel's indentation)."""
    stripped = code.lstrip(" ")
    depth = (len(code) - len(stripped)) // 4
    rest = (len(code) - len(stripped)) % 4
    return "\t" * depth + " " * rest + stripped


def _block(text: str) -> list[str]:
    text = textwrap.dedent(text).strip("\n")
    return text.split("\n") if text else []


_TOP_LEVEL = re.compile(r"^(?:struct \w+ \{|static |enum \w* ?\{|#|EXPORT_|MODULE_|"
                        r"(?!default:)[a-z_]+:$|(?:bool|int|u\d+|void|long|ssize_t|const)\b[^;=]*\()")


def _shifted(code: str, shift: int) -> str:
    """``|`` pins a line to column 0 (a closing brace of a function or struct)."""
    if code.startswith("|"):
        return code[1:]
    if shift and code.strip() and not _TOP_LEVEL.match(code):
        return "    " * shift + code
    return code


def hunk(old_start: int, heading: str, text: str, shift: int = 0) -> Hunk:
    """A hunk from lines that start with ' ', '+' or '-'.

    The column of the marks is taken from the ``+``/``-`` lines; a blank line, or one
    indented less than that column, is a context line (so ``};`` at column 0 may be
    written without its leading space).
    """
    raw_lines = text.strip("\n").split("\n")
    while raw_lines and not raw_lines[-1].strip():
        raw_lines.pop()
    marked = [len(r) - len(r.lstrip(" ")) for r in raw_lines if r.lstrip(" ")[:1] in ("+", "-")]
    if marked:
        base = min(marked)
    else:
        base = min(len(r) - len(r.lstrip(" ")) for r in raw_lines if r.strip()) - 1
    lines = []
    for raw in raw_lines:
        indent = len(raw) - len(raw.lstrip(" "))
        if not raw.strip():
            lines.append(" ")
        elif indent < base:
            lines.append(" " + _tabs(_shifted(raw.strip(), shift)))
        else:
            mark, code = raw[base], raw[base + 1:]
            if mark not in " +-":
                raise ValueError(f"hunk line without a diff mark: {raw!r}")
            lines.append(mark + _tabs(_shifted(code, shift)))
    return Hunk(old_start, heading, tuple(lines))


def edit(path: str, *hunks: Hunk) -> FileEdit:
    return FileEdit(path, tuple(hunks))


def new_file(path: str, code: str | list[str]) -> FileEdit:
    """A file added by the patch; ``code`` is the whole file (four-space indents)."""
    lines = _block(code) if isinstance(code, str) else list(code)
    body = tuple("+" + _tabs(line) if line else "+" for line in lines)
    return FileEdit(path, (Hunk(0, "", body),), new=True)


def _blob(seed: str) -> str:
    return hashlib.sha1(seed.encode()).hexdigest()[:12]


def _range(start: int, count: int) -> str:
    return f"{start}" if count == 1 else f"{start},{count}"


def render_file(fe: FileEdit) -> str:
    out = [f"diff --git a/{fe.path} b/{fe.path}"]
    digest = "\n".join(line for h in fe.hunks for line in h.lines)
    if fe.new:
        out += ["new file mode 100644", f"index 000000000000..{_blob(digest)}",
                "--- /dev/null", f"+++ b/{fe.path}"]
    else:
        out += [f"index {_blob('old' + fe.path)}..{_blob(fe.path + digest)} 100644",
                f"--- a/{fe.path}", f"+++ b/{fe.path}"]
    delta = 0
    for h in fe.hunks:
        if fe.new:
            header = f"@@ -0,0 +{_range(1, h.new_count)} @@"
        else:
            header = (f"@@ -{_range(h.old_start, h.old_count)} "
                      f"+{_range(h.old_start + delta, h.new_count)} @@")
            if h.heading:
                header += " " + _tabs(h.heading)
            delta += h.new_count - h.old_count
        out.append(header)
        out.extend(h.lines)
    return "\n".join(out) + "\n"


def render_diff(files: list[FileEdit]) -> str:
    return "".join(render_file(f) for f in files)


def diffstat(files: list[FileEdit]) -> str:
    """git's ``--stat`` block: the per-file graph scaled to fit, then the summary line."""
    if not files:
        return ""
    name_w = max(len(f.path) for f in files)
    changes = [f.added + f.removed for f in files]
    count_w = len(str(max(changes)))
    width = max(8, 72 - name_w - count_w)
    biggest = max(changes) or 1
    lines = []
    for f, total in zip(files, changes, strict=True):
        if biggest > width:
            plus = (f.added * width + biggest - 1) // biggest if f.added else 0
            minus = (f.removed * width + biggest - 1) // biggest if f.removed else 0
        else:
            plus, minus = f.added, f.removed
        lines.append(f" {f.path.ljust(name_w)} | {str(total).rjust(count_w)} {'+' * plus}{'-' * minus}")
    added = sum(f.added for f in files)
    removed = sum(f.removed for f in files)
    summary = f" {len(files)} file{'s' if len(files) != 1 else ''} changed"
    if added:
        summary += f", {added} insertion{'s' if added != 1 else ''}(+)"
    if removed:
        summary += f", {removed} deletion{'s' if removed != 1 else ''}(-)"
    lines.append(summary)
    lines += [f" create mode 100644 {f.path}" for f in files if f.new]
    return "\n".join(lines) + "\n"
