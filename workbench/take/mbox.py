"""The mbox ``git am`` reads: one message per patch, in order, with the collected trailers.

Each message keeps the patch's author (From, undone from a list's "X via List" rewrite),
Date and title; the subject loses its ``[PATCH v2 3/9]`` tag as ``b4 am`` writes it (``git
am`` would strip it anyway). The body is the patch as posted, decoded, with the trailer
block of its commit message extended: the patch's own lines, then the collected ones
(``collect.plan``), then ``Link:`` to the series on lore, then the committer's
``Signed-off-by`` when one is given and it is not already the last line.

The file is mboxrd: a body line starting with ``From `` (after any ``>``) gains a ``>``,
which ``git am --patch-format=mboxrd`` (and ``git mailsplit --mboxrd``) undo.
"""

from __future__ import annotations

import re
from email.message import EmailMessage
from email.policy import default as _default_policy
from email.utils import format_datetime

from workbench.errors import WorkbenchError
from workbench.mail.reading import read_text
from workbench.model import Person
from workbench.take.collect import PatchPlan, TakePlan, lore_link, signoff

_POLICY = _default_policy.clone(linesep="\n", max_line_length=0)
_COMMIT_END = re.compile(r"^---[ \t]*$")
_DIFF_START = re.compile(r"^diff --git ")
_TRAILER_LINE = re.compile(r"^[A-Za-z][A-Za-z0-9-]*:[ \t]*\S")
_NOTE_LINE = re.compile(r"^\[.*\]\s*$")  # "[ Leon: changed … ]": a committer's note inside the block
_FROM_LINE = re.compile(rb"^(>*From )", re.M)
SEPARATOR = b"From git@z Thu Jan  1 00:00:00 1970\n"


class TakeError(WorkbenchError):
    """A series that cannot be written for ``git am`` (a patch missing, a file gone)."""


def split_patch(text: str) -> tuple[list[str], list[str]]:
    """(commit message lines, the rest from the ``---`` line or the diff)."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if _COMMIT_END.match(line) or _DIFF_START.match(line):
            return lines[:i], lines[i:]
    return lines, []


def with_trailers(message: list[str], extra: list[str]) -> list[str]:
    """``message`` with ``extra`` trailer lines appended to its trailer block (a new
    paragraph when its last paragraph is prose). Lines already there are not repeated."""
    lines = list(message)
    while lines and not lines[-1].strip():
        lines.pop()
    start = len(lines)
    while start > 0 and lines[start - 1].strip():
        start -= 1
    block = lines[start:]
    is_block = any(_TRAILER_LINE.match(line) for line in block) and all(
        _TRAILER_LINE.match(line) or line[:1] in " \t" or _NOTE_LINE.match(line) for line in block)
    have = {line.strip().lower() for line in block} if is_block else set()
    add = [line for line in extra if line.strip().lower() not in have]
    if not add:
        return lines
    if not is_block:
        lines.append("")
    return lines + add


def patch_body(text: str, item: PatchPlan, link: str, me: Person | None) -> str:
    """The patch's text with its trailer block extended (collected, ``Link:``, my sign-off)."""
    message, rest = split_patch(text)
    extra = [f"{t.name}: {t.person.display()}" for t in item.added] + [f"Link: {link}"]
    lines = with_trailers(message, extra)  # the last paragraph is a trailer block from here on
    if me is not None and lines[-1].strip().lower() != signoff(me).lower():
        lines.append(signoff(me))
    if rest and _DIFF_START.match(rest[0]):
        rest = ["---", *rest]
    body = "\n".join(lines + rest)
    return body if body.endswith("\n") else body + "\n"


def _address(msg: EmailMessage, name: str, person: Person) -> None:
    try:
        msg[name] = person.mailbox()
    except (ValueError, TypeError, IndexError):
        msg[name] = person.email or person.name


def message_bytes(item: PatchPlan, body: str) -> bytes:
    patch = item.patch
    msg = EmailMessage(policy=_POLICY)
    _address(msg, "From", patch.author)
    if patch.date is not None:
        msg["Date"] = format_datetime(patch.date)
    msg["Subject"] = " ".join((patch.title or patch.subject).split())
    msg["Message-ID"] = f"<{patch.msgid}>"
    try:
        msg.set_content(body, charset="utf-8", cte="8bit")
    except ValueError:  # a line over 998 bytes: 8bit mail cannot carry it
        msg.set_content(body, charset="utf-8", cte="quoted-printable")
    data = msg.as_bytes(policy=_POLICY)
    head, sep, rest = data.partition(b"\n\n")
    return head + sep + _FROM_LINE.sub(rb">\1", rest)


def write_mbox(plan: TakePlan, me: Person | None) -> bytes:
    """The whole mbox. Raises TakeError when a patch is missing or unreadable."""
    series = plan.series
    if series.missing_numbers:
        have = ", ".join(str(n) for n in series.present) or "none"
        missing = ", ".join(str(n) for n in series.missing_numbers)
        raise TakeError(f"series {series.id} is missing patch {missing} of {series.expected} "
                        f"(the store has {have}); git am needs all of them")
    link = lore_link(series)
    out = bytearray()
    for item in plan.patches:
        read = read_text(item.patch.path)
        if not read.ok:
            raise TakeError(f"patch {item.patch.number}/{series.expected}: {read.text}")
        body = patch_body(read.text, item, link, me)
        data = message_bytes(item, body)
        out += SEPARATOR + data
        if not data.endswith(b"\n"):
            out += b"\n"
        out += b"\n"
    return bytes(out)
