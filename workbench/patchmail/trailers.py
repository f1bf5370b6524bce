"""Trailer lines (Acked-by: …) in a message's own text.

Only names that say something about a *person's* involvement count: an approval check
must never be satisfied by a ``Cc:`` (someone was told, not that they agreed) or a
``Fixes:``/``Link:`` (they name commits and URLs, not people). ``Cc:`` is therefore not in
``TRAILER_NAMES`` on purpose.

What a message says in its own voice is what counts: quoted text (``>``, ``> >``, ``|``,
an HTML ``<blockquote>``), indented lines (a pasted ``git log``), anything below a
signature separator (``-- ``) and anything below an Outlook-style "Original Message" block
is somebody else's words. In a patch only the commit message
counts: below the ``---`` line are notes and the diff, where a ``+Reviewed-by:`` in a
patched file is not an approval.
"""

from __future__ import annotations

import re

from workbench.model import RawTrailer
from workbench.patchmail.persons import MAX_VALUE, parse_person

TRAILER_NAMES: tuple[str, ...] = (
    "Signed-off-by",
    "Acked-by",
    "Reviewed-by",
    "Tested-by",
    "Reported-by",
    "Suggested-by",
    "Co-developed-by",
    "Nacked-by",
)
"""The trailer names that count, in their canonical spelling."""

APPROVALS: frozenset[str] = frozenset({"Signed-off-by", "Acked-by", "Reviewed-by"})
"""Names that approve code on behalf of a MAINTAINERS section (the acceptance document's
"sign-off, ack or review")."""


def _key(name: str) -> str:
    """Spelling-insensitive key: case, and hyphen vs. space ("Acked by", "Reviewed-By")."""
    return re.sub(r"[\s_-]+", "-", name.strip().lower())


_CANONICAL: dict[str, str] = {_key(n): n for n in TRAILER_NAMES}
_CANONICAL[_key("NAKed-by")] = "Nacked-by"

# One trailer line: a name of 1-4 words at the very start of the line, a colon, a value.
# An indented one is somebody else's text pasted in (a ``git log`` excerpt), not a trailer.
_LINE = re.compile(r"^([A-Za-z]+(?:[- ][A-Za-z]+){0,3})[ \t]*:[ \t]*(\S.*?)\s*$")
_QUOTED = re.compile(r"^[ \t]*[>|]")
_SIGNATURE = re.compile(r"^--[ \t]*$")
_COMMIT_END = re.compile(r"^---[ \t]*$")
_DIFF_START = re.compile(r"^(?:diff --git |Index: |--- \S)")
_ORIGINAL_MESSAGE = re.compile(r"^[ \t]*-{2,}[ \t]*Original Message[ \t]*-{2,}[ \t]*$", re.I)
_OUTLOOK_FROM = re.compile(r"^[ \t]*\*?From:\*?[ \t]+\S")
_OUTLOOK_SENT = re.compile(r"^[ \t]*\*?(?:Sent|Date):\*?[ \t]+\S")

def canonical_name(name: str) -> str | None:
    """The canonical spelling of a trailer name, or None when it is not one that counts."""
    return _CANONICAL.get(_key(name))


def own_lines(text: str, *, patch: bool) -> list[str]:
    """The lines written by the message's author: stops at a signature, an Outlook
    original-message block and (for a patch) the end of the commit message.

    Each rule is tried only on a line that has what it needs (a signature and a commit
    end start with "--", an Original Message line holds "--", an Outlook block "From:"
    or "*From:", a quote ">" or "|"): most lines are quoted or plain prose and pass
    with a few string tests instead of six regexes."""
    lines = text.splitlines()
    out: list[str] = []
    n = len(lines)
    for i, line in enumerate(lines):
        if line.startswith(">"):  # most of a reply: quoted, and no other rule can match it
            continue
        if "--" in line and (_SIGNATURE.match(line) or _ORIGINAL_MESSAGE.match(line)):
            break
        if "From:" in line and i + 1 < n and _OUTLOOK_FROM.match(line) and _OUTLOOK_SENT.match(lines[i + 1]):
            break
        if patch and line.startswith(_PATCH_END) and (_COMMIT_END.match(line) or _DIFF_START.match(line)):
            break
        if ("|" in line or ">" in line) and _QUOTED.match(line):
            continue
        out.append(line)
    return out


_PATCH_END = ("---", "diff --git ", "Index: ")


def extract_trailers(text: str, *, patch: bool, lines: list[str] | None = None) -> tuple[RawTrailer, ...]:
    """Trailers in ``text`` (a decoded body). For a patch (``patch=True``) only the commit
    message counts (up to the first ``---`` line or the diff); quoted lines and anything
    below a ``-- `` signature never count. Duplicates within one message are dropped.
    ``lines``: ``own_lines(text, patch=patch)`` when the caller has them already."""
    if not text:
        return ()
    found: list[RawTrailer] = []
    seen: set[tuple[str, str, str]] = set()
    for line in own_lines(text, patch=patch) if lines is None else lines:
        if ":" not in line or len(line) > MAX_VALUE + 40:
            continue
        m = _LINE.match(line)
        if not m:
            continue
        name = canonical_name(m.group(1))
        if name is None:
            continue
        person = parse_person(m.group(2))
        if person is None:
            continue
        key = (name, person.email, person.name if not person.email else "")
        if key in seen:
            continue
        seen.add(key)
        found.append(RawTrailer(name=name, person=person))
    return tuple(found)
