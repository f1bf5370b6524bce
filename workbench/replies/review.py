"""A review reply built from comments on diff lines: the patch quoted in ``> `` form, cut
to what each comment is about.

Kernel review convention: quote the hunk header and a few lines before the commented
line (``CONTEXT``), write the comment unquoted below it, and trim everything else with
``[...]`` (unrelated hunks, long stretches between two comments, the rest of the patch),
so the author sees each remark next to the code it is about. The reply answers the patch
itself and is addressed and threaded as a plain reply to it (``compose``'s ``reply``
kind); only the body differs. Comments are anchored by (file, hunk index, line index)
and carry the line as it was: a patch file that changed under them is an error that
names the comment, never a comment quoted under the wrong line.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from email.utils import format_datetime

from workbench.config import Settings
from workbench.errors import DraftError
from workbench.model import Patch
from workbench.analysis import Context, Judged
from workbench.replies import formatting as F
from workbench.replies import kinds as K
from workbench.replies.compose import TRAILERS, compose
from workbench.replies.draft import Draft
from workbench.replies.source import read_target
from workbench.patchmail.diff import split_patch
from workbench.patchmail.hunks import FileDiff, Hunk, read_diff
from workbench.state.model import Comment
from workbench.text import one_line

CONTEXT = 3
"""Diff lines quoted before each commented line."""

TRIM = "> [...]"


@dataclass(frozen=True, slots=True)
class _Placed:
    comment: Comment
    file: int
    hunk: int
    index: int


def _place(files: list[FileDiff], comments: list[Comment]) -> list[_Placed]:
    by_path = {fd.path: i for i, fd in enumerate(files)}
    out: list[_Placed] = []
    for n, c in enumerate(comments, 1):
        where = f"comment {n} ({one_line(c.path)}, hunk {c.hunk + 1}, line {c.index + 1})"
        fi = by_path.get(c.path)
        if fi is None:
            raise DraftError(f"{where}: the patch no longer touches {one_line(c.path)}")
        hunks = files[fi].hunks
        if not 0 <= c.hunk < len(hunks) or not 0 <= c.index < len(hunks[c.hunk].lines):
            raise DraftError(f"{where}: the patch has no such line any more")
        line = hunks[c.hunk].lines[c.index]
        if (line.kind + line.text).rstrip() != c.line.rstrip():
            raise DraftError(f"{where}: the line now reads {one_line(line.kind + line.text, 60)!r}, "
                             f"not {one_line(c.line, 60)!r}")
        out.append(_Placed(c, fi, c.hunk, c.index))
    out.sort(key=lambda p: (p.file, p.hunk, p.index, p.comment.id))
    return out


def _quote(text: str) -> str:
    return ">" if not text.strip() else "> " + text


def _diff_line(hunk: Hunk, i: int) -> str:
    line = hunk.lines[i]
    return _quote(F.clean_text(line.kind + line.text))


def _file_header(fd: FileDiff) -> str:
    old = fd.old_path or fd.path
    return _quote(F.clean_text(f"diff --git a/{old} b/{fd.path}"))


def review_body(patch_text: str, comments: list[Comment], *, attribution: str,
                trailer: str | None = None) -> str:
    """The body of a review reply to the patch whose decoded text is ``patch_text``."""
    if not comments:
        raise DraftError("no comments on this patch to send")
    _prose, diff = split_patch(patch_text)
    files = read_diff(diff)
    placed = _place(files, comments)
    out: list[str] = [attribution]
    cur_file, cur_hunk, shown_to = -1, -1, -1  # the last quoted line
    for p in placed:
        hunk = files[p.file].hunks[p.hunk]
        if p.file != cur_file:
            out.append(TRIM)  # the commit message, or the files between
            out.append(_file_header(files[p.file]))
            cur_file, cur_hunk = p.file, -1
        if p.hunk != cur_hunk:
            if cur_hunk == -1:
                skipped = p.hunk > 0  # the hunks before
            else:  # the rest of the last hunk, or hunks between
                prev = files[p.file].hunks[cur_hunk]
                skipped = p.hunk > cur_hunk + 1 or shown_to < len(prev.lines) - 1
            if skipped:
                out.append(TRIM)
            out.append(_quote(F.clean_text(hunk.header)))
            cur_hunk, shown_to = p.hunk, -1
        start = max(0, p.index - CONTEXT)
        if start <= shown_to:
            start = shown_to + 1
        elif start > shown_to + 1:
            out.append(TRIM)  # a long stretch since the last quoted line
        for i in range(start, p.index + 1):
            out.append(_diff_line(hunk, i))
        shown_to = max(shown_to, p.index)
        out += ["", F.clean_text(p.comment.text).strip("\n"), ""]
    last = placed[-1]
    rest = (last.index < len(files[last.file].hunks[last.hunk].lines) - 1 or last.hunk < len(files[last.file].hunks) - 1
            or last.file < len(files) - 1)
    if rest:
        out += [TRIM, ""]
    if trailer:
        out += [trailer, ""]
    return F.squeeze_blank_lines(F.wrap("\n".join(out)))


def _trailer(name: str | None, me) -> str | None:
    if not name:
        return None
    canonical = next((t for t in TRAILERS if t.lower() == name.strip().lower().rstrip(":")), None)
    if canonical is None:
        raise DraftError(f"comments: trailer {name!r} is not one of {', '.join(TRAILERS)}")
    return f"{canonical}: {me.display()}"


def compose_review(judged: Judged, ctx: Context, patch: Patch, comments: list[Comment], *,
                   trailer: str | None = None, settings: Settings | None = None,
                   now: datetime | None = None) -> Draft:
    """A review draft answering ``patch`` with ``comments``, addressed and threaded as a
    reply to it (everyone the patch went to, its author first)."""
    draft = compose(K.DraftKind.REPLY, judged, ctx, target_msgid=patch.msgid, settings=settings, now=now)
    target = read_target(patch.path)
    rec = target.record
    who = one_line(rec.author.name or rec.author.email or "someone")
    attribution = f"On {format_datetime(rec.date)}, {who} wrote:" if rec.date else f"{who} wrote:"
    body = review_body(target.body, [c for c in comments if c.patch == patch.msgid],
                       attribution=attribution, trailer=_trailer(trailer, draft.sender))
    return replace(draft, kind=K.DraftKind.COMMENTS, body=body)
