"""Mail text conventions: 72 columns, ``> `` quotes, no control characters.

Only prose is wrapped. Quoted lines, trailers, indented lines (lists of patches, hunk
headers: preformatted, as in Markdown) and lines without spaces (paths, links) are left
as they are: re-wrapping someone's quoted code or a trailer would change what it says.
"""

from __future__ import annotations

import re
import textwrap

from workbench.text import sanitize

WIDTH = 72
_TRAILER = re.compile(r"^[A-Z][A-Za-z0-9-]*-by:\s")
_INDENT = re.compile(r"^(\s*(?:[-*]\s+|\d+[.)]\s+|\[[^\]]*\]\s+)?)")


def clean_text(text: str) -> str:
    """Mail text with terminal escapes and invisible characters removed, tabs kept (they
    matter in quoted code)."""
    return "\n".join("\t".join(sanitize(piece, keep_newlines=False) for piece in line.split("\t"))
                     for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def _prose(line: str) -> bool:
    return bool(line.strip()) and not (line.startswith((">", " ", "\t")) or _TRAILER.match(line))


def wrap(text: str, width: int = WIDTH) -> str:
    """Reflow the prose paragraphs that have a line over ``width``; others keep their
    line breaks ("Thanks,\nAlex" stays two lines)."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        if not _prose(lines[i]):
            out.append(lines[i].rstrip())
            i += 1
            continue
        j = i
        while j < len(lines) and _prose(lines[j]):
            j += 1
        para = lines[i:j]
        if any(len(line) > width for line in para):
            lead = _INDENT.match(para[0])  # matches always: every part of it is optional
            rest = " " * (lead.end() if lead else 0)
            out.extend(textwrap.wrap(" ".join(p.strip() for p in para), width=width,
                                     subsequent_indent=rest, break_long_words=False,
                                     break_on_hyphens=False))
        else:
            out.extend(line.rstrip() for line in para)
        i = j
    return "\n".join(out)


def squeeze_blank_lines(text: str) -> str:
    """Empty template variables leave runs of blank lines; keep at most one."""
    text = re.sub(r"\n[ \t]*(?:\n[ \t]*){2,}", "\n\n", text)
    return text.strip("\n") + "\n"


def strip_signature(body: str) -> str:
    """The text before the last ``-- `` signature line (git's version footer included)."""
    lines = body.split("\n")
    for i in range(len(lines) - 1, -1, -1):
        if lines[i] == "-- ":
            return "\n".join(lines[:i])
    return body


def quote(body: str, max_lines: int | None = None) -> str:
    text = clean_text(strip_signature(body)).rstrip("\n")
    lines = text.split("\n")
    cut = False
    if max_lines is not None:
        kept: list[str] = []
        for line in lines:
            if len(kept) >= max_lines:
                cut = True
                break
            kept.append(line)
        while kept and not kept[-1].strip():
            kept.pop()
        lines = kept
    out = [(">" + line if line.startswith(">") else "> " + line) if line.strip() else ">" for line in lines]
    if cut:
        out.append("> [...]")
    return "\n".join(out)
