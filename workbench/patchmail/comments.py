"""Prose for reviewers that arrives inside a diff: comment blocks a variant driver adds, and
what an added documentation file says.

The acceptance document asks for documentation "for reviewers"; reviewers read the driver,
so a comment block above the migration code that says how the device state is composed
answers as well as a cover letter (DESIGN.md, "Documentation where reviewers look"). A
documentation file only documents the extension when it talks about it: the sysfs ABI entry
of a life-cycle refactor is no migration documentation.

Found at load time like the other signals (kind ``DOC``), and kept small: only blocks long
enough to explain something and naming the data they explain, capped in number and size,
and for a documentation file one line that shows what it is about.
"""

from __future__ import annotations

import re

from workbench.model import Signal, SignalKind
from workbench.patchmail.hunks import FileDiff

COMMENT = "comment_block"
DOC_TEXT = "doc_text"

MAX_COMMENTS = 12  # per message
MAX_COMMENT_CHARS = 1500
MIN_COMMENT_WORDS = 12

_DRIVER_SOURCE = re.compile(r"^drivers/vfio/pci/[^/]+/.+\.[ch]$")
# A comment worth keeping names what the document's questions are about.
_COMMENT_TOPIC = re.compile(r"state|data|migrat|image|header|stream|buffer|valid|check|register|firmware|"
                            r"userspace|user space", re.IGNORECASE)
# A documentation file about a device-specific extension says so in its added text.
_DOC_TOPIC = re.compile(r"migrat|device[ _-]state|dirty[ _-]?(?:page|track|log|bitmap)|pre-?copy|stop[ _-]copy|"
                        r"\bresum(?:e|ing)\b|save/restore|VFIO_DEVICE_FEATURE|VFIO_REGION_(?:SUB)?TYPE|"
                        r"device[- ]specific (?:region|extension|ioctl)", re.IGNORECASE)
_OPEN = re.compile(r"^\s*/\*+")
_CLOSE = re.compile(r"\*+/\s*$")
_STAR = re.compile(r"^\s*\*+(?!/) ?")


def is_documentation_file(path: str) -> bool:
    return path.startswith("Documentation/") or path.endswith(".rst")


def reads_lines(path: str, status: str) -> bool:
    """Whether ``doc_signals`` reads this file's lines (a variant driver's source or a
    documentation file, not deleted): the others need no line-by-line view."""
    return status != "deleted" and (bool(_DRIVER_SOURCE.match(path)) or is_documentation_file(path))


def doc_signals(files: list[FileDiff]) -> tuple[Signal, ...]:
    out: list[Signal] = []
    comments = 0
    for fd in files:
        if fd.status == "deleted":
            continue
        if _DRIVER_SOURCE.match(fd.path):
            for header, text in _comment_blocks(fd):
                if comments >= MAX_COMMENTS:
                    break
                comments += 1
                out.append(Signal(kind=SignalKind.DOC, path=fd.path, pattern=COMMENT, line=text, hunk=header))
        elif is_documentation_file(fd.path):
            line = _topic_line(fd)
            if line is not None:
                out.append(Signal(kind=SignalKind.DOC, path=fd.path, pattern=DOC_TEXT, line=line[1], hunk=line[0]))
    return tuple(out)


def _topic_line(fd: FileDiff) -> tuple[str, str] | None:
    for hunk in fd.hunks:
        for line in hunk.lines:
            if line.kind == "+" and _DOC_TOPIC.search(line.text[:1000]):
                return hunk.header, line.text[:300]
    return None


def _comment_blocks(fd: FileDiff) -> list[tuple[str, str]]:
    """(hunk header, text) of each comment block whose lines the patch adds."""
    out: list[tuple[str, str]] = []
    for hunk in fd.hunks:
        block: list[str] | None = None
        for line in hunk.lines:
            if block is None:
                if line.kind == "+" and _OPEN.match(line.text) and "*/" not in line.text[line.text.find("/*") + 2:]:
                    block = [_OPEN.sub("", line.text, count=1)]
                continue
            if line.kind != "+":  # a block the patch only edits in part: not new prose
                block = None
                continue
            if "*/" in line.text:
                block.append(_CLOSE.sub("", line.text))
                text = _clean(block)
                if len(text.split()) >= MIN_COMMENT_WORDS and _COMMENT_TOPIC.search(text):
                    out.append((hunk.header, text[:MAX_COMMENT_CHARS]))
                block = None
            else:
                block.append(line.text)
    return out


def _clean(lines: list[str]) -> str:
    """Comment lines without their stars, paragraphs kept apart by a blank line."""
    out = [_STAR.sub("", text, count=1).strip() for text in lines]
    while out and not out[0]:
        out.pop(0)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)
