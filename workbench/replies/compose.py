"""Composing a draft of each kind for a judged series.

Each kind decides three things — whom to write to, which message to answer, and which
facts fill the template — from the check results, so a draft asks for exactly what the
workbench shows as missing. Requests that concern the whole series answer the cover
letter (else the first patch); a parent-ack or review that concerns a single patch
answers that patch, where the person asked will look.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from datetime import datetime
from email.utils import format_datetime
from urllib.parse import quote as url_quote

from workbench.analysis import Context, Judged
from workbench.config import Settings
from workbench.errors import DraftError
from workbench.kernel.maintainers import Section
from workbench.mail.reading import READER
from workbench.model import CheckId, CheckPart, Patch, Person, Series
from workbench.patchmail.diff import split_patch
from workbench.patchmail.hunks import FileDiff
from workbench.policy.people import numbers
from workbench.replies import formatting as F
from workbench.replies import kinds as K
from workbench.replies.addressing import VFIO_LIST, Recipients
from workbench.replies.draft import Draft
from workbench.replies.source import Target, read_target
from workbench.replies.templates import render
from workbench.text import one_line

TRAILERS = ("Reviewed-by", "Acked-by", "Tested-by")
MAX_HUNK_LINES = 30
MAX_HUNKS_PER_FILE = 3
MAX_QUOTED_CHANGES = 12  # changed lines a parent-ack quotes in full
_REPLY_PREFIX = re.compile(r"^\s*(?:(?:re|aw|sv|vs|antw|odp)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)


# --- small helpers ----------------------------------------------------------------------

def reply_subject(subject: str) -> str:
    """``Re: <original>``, whatever chain of Re:/RE:/AW: the original carried."""
    return "Re: " + _REPLY_PREFIX.sub("", one_line(subject)).strip()


def first_name(person: Person) -> str:
    name = one_line(person.name or "").strip().strip('"')
    if "," in name:  # "Tian, Kevin"
        name = name.split(",", 1)[1].strip()
    return name.split()[0] if name.split() else (person.email.split("@")[0] if person.email else "")


def _join(names: list[str]) -> str:
    names = [n for n in names if n]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _greeting(people: list[Person]) -> str:
    """First names of the people asked; "all" when the To is only a mailing list (a
    section without M: or R:), since "Hi netdev" greets nobody."""
    named = [first_name(p) for p in people if one_line(p.name or "").strip()]
    return _join(named) or "all"


def _msgid_domain(me: Person) -> str:
    domain = me.email.rpartition("@")[2].lower()
    domain = re.sub(r"[^a-z0-9.-]", "", domain).strip(".")
    return domain or "localhost"


def new_message_id(me: Person, when: datetime) -> str:
    """Unique (time, 64 random bits) and on my own domain, short enough for one line."""
    stamp = when.astimezone().strftime("%Y%m%d%H%M%S")
    return f"{stamp}.{secrets.token_hex(8)}-vfio-workbench@{_msgid_domain(me)}"


def _lead(series: Series) -> tuple[str, str]:
    """(msgid, path) of the message a series-wide request answers."""
    if series.cover is not None:
        return series.cover.msgid, series.cover.path
    if series.patches:
        first = min(series.patches, key=lambda p: p.number)
        return first.msgid, first.path
    raise DraftError(f"series {series.id} has no message to reply to")


def _messages(series: Series) -> dict[str, str]:
    found: dict[str, str] = {}
    if series.cover is not None:
        found[series.cover.msgid] = series.cover.path
    for patch in series.patches:
        found.setdefault(patch.msgid, patch.path)
    for record in list(series.replies) + list(series.extras):
        found.setdefault(record.msgid, record.path)
    return found


def _patches(series: Series, wanted: list[int]) -> list[Patch]:
    return [p for p in series.patches if p.number in set(wanted)]


def _patch_lines(patches: list[Patch], expected: int) -> str:
    """``  [n/N] title`` per patch, as ``b4 ty`` lists them: the subject's own prefixes
    (``[PATCH V3 vfio 2/5]``) are noise once the mail is in the series' thread."""
    return "\n".join(_patch_line(p, expected) for p in patches)


def _patch_line(patch: Patch, expected: int) -> str:
    return f"  [{patch.number}/{expected}] {one_line(patch.title or patch.subject)}"


def _applied_lines(patches: list[Patch], expected: int, applied: Sequence[tuple[str, str]]) -> str:
    """Each patch with the commit ``git am`` made of it, as ``b4 ty`` lists them
    (``      commit: 1a2b3c4d``). One commit per patch in order; should the counts
    differ, the commits are listed as git made them."""
    if len(applied) != len(patches):
        return "\n".join(f"  {one_line(subject)}\n        commit: {sha}" for sha, subject in applied)
    return "\n".join(f"{_patch_line(p, expected)}\n        commit: {sha}" for p, (sha, _s) in zip(patches, applied, strict=True))


def _vfio_lists(ctx: Context) -> list[str]:
    section = ctx.maintainers.section("VFIO DRIVER")
    return list(section.lists) if section and section.lists else [VFIO_LIST]


def _section_diffs(series: Series, part: CheckPart) -> list[tuple[Patch, list[FileDiff] | None]]:
    """Per patch of the section, the file diffs of the section's files (None: unreadable).
    The diffs come from the mail door's reader: the hunk view of the same series has
    usually parsed them already."""
    files = set(part.files)
    out: list[tuple[Patch, list[FileDiff] | None]] = []
    for patch in _patches(series, part.patches):
        read = READER.patch(patch.path)
        if not read.readable:
            out.append((patch, None))
            continue
        out.append((patch, [fd for fd in read.files if fd.path in files]))
    return out


def _hunk_summary(series: Series, part: CheckPart) -> str:
    """What the series does to the section's files, grouped by patch, in at most
    ``MAX_HUNK_LINES`` lines: the changed lines themselves when the change is tiny (a
    parent maintainer can ack three new device IDs from the mail alone), else the hunk
    headers (which name the function touched), else only the files with their counts."""
    diffs = _section_diffs(series, part)
    changed = sum(h.added + h.removed for _p, fds in diffs for fd in fds or () for h in fd.hunks)
    levels = (["lines"] if changed <= MAX_QUOTED_CHANGES else []) + ["headers", "files"]
    for level in levels:
        out = _summary_lines(series, diffs, level)
        if len(out) <= MAX_HUNK_LINES:
            return "\n".join(out)
    out = _summary_lines(series, diffs, "files")
    cut = MAX_HUNK_LINES - 1
    hidden = sum(1 for line in out[cut:] if line.startswith("    ") and not line.startswith("      "))
    return "\n".join(out[:cut] + [f"  ... and {hidden} more files (see the patches)"])


def _summary_lines(series: Series, diffs: list[tuple[Patch, list[FileDiff] | None]], level: str) -> list[str]:
    out: list[str] = []
    for patch, fds in diffs:
        out.append(_patch_line(patch, series.expected))
        if fds is None:
            out.append("    (the patch file cannot be read)")
            continue
        for fd in fds:
            note = {"added": ", new file", "deleted": ", deleted", "renamed": ", renamed"}.get(fd.status, "")
            out.append(f"    {one_line(fd.path)} (+{fd.added}/-{fd.removed}{note})")
            if level == "files":
                continue
            if fd.status == "added" and level != "lines":
                continue  # "@@ -0,0 +1,317 @@" says nothing the counts did not
            shown = fd.hunks if level == "lines" else fd.hunks[:MAX_HUNKS_PER_FILE]
            for hunk in shown:
                out.append("      " + one_line(hunk.header))
                if level == "lines":
                    out.extend("      " + line.kind + line.text.rstrip() for line in hunk.lines
                               if line.kind in "+-")
            if len(fd.hunks) > len(shown):
                out.append(f"      ... and {len(fd.hunks) - len(shown)} more hunks")
    return out


def _attribution(target: Target) -> str:
    rec = target.record
    who = one_line(rec.author.name or rec.author.email or "someone")
    if rec.date is not None:
        return f"On {format_datetime(rec.date)}, {who} wrote:"
    return f"{who} wrote:"


def _cover_prose(body: str) -> str:
    prose, _diff = split_patch(body)
    lines = prose.strip("\n").split("\n")
    for i, line in enumerate(lines):
        if line.startswith("---") or re.match(r"^\s*\S+\s+\|\s+\d+", line):
            lines = lines[:i]
            break
    return "\n".join(lines)


# --- choosing what a kind is about ----------------------------------------------------------

def _parent_part(judged: Judged, section: str | None) -> CheckPart:
    parts = K.missing_parent_parts(judged)
    if not parts:
        raise DraftError("parent-ack: every parent-driver section of this series has approved "
                         "(or it touches none); nothing to ask")
    if section is None:
        if len(parts) == 1:
            return parts[0]
        raise DraftError("parent-ack: several sections still have to approve; choose one with --section: "
                         + "; ".join(repr(p.name) for p in parts))
    for part in parts:
        if part.name.lower() == section.strip().lower():
            return part
    raise DraftError(f"parent-ack: no missing approval from section {section!r}; missing: "
                     + "; ".join(repr(p.name) for p in parts))


def _section_people(ctx: Context, part: CheckPart) -> tuple[list[Person], list[Person], list[str]]:
    sec: Section | None = ctx.maintainers.section(part.name)
    if sec is None:
        return list(part.missing), [], []
    return list(sec.maintainers), list(sec.reviewers), list(sec.lists)


def _target_for(series: Series, patch_numbers: list[int]) -> tuple[str, str]:
    if len(patch_numbers) == 1:
        patch = series.patch(patch_numbers[0])
        if patch is not None:
            return patch.msgid, patch.path
    return _lead(series)


# --- compose ----------------------------------------------------------------------------

def compose(kind: K.DraftKind | str, judged: Judged, ctx: Context, *, section: str | None = None,
            target_msgid: str | None = None, trailer: str | None = None,
            settings: Settings | None = None, now: datetime | None = None,
            applied: Sequence[tuple[str, str]] = ()) -> Draft:
    """A draft of ``kind`` for ``judged``. Raises DraftError when the kind does not apply
    (with what does), TemplateError for a bad user template. ``applied`` (a thanks draft
    after ``--apply``): the commits made, (short hash, subject) in patch order."""
    try:
        kind = K.DraftKind(kind)
    except ValueError:
        raise DraftError(f"unknown draft kind {kind!r}; kinds: {', '.join(K.KINDS)}") from None
    if kind not in K.KINDS:  # comments: its body comes from the comments (replies/review.py)
        raise DraftError(f"a {kind.value!r} draft is built by replies.review.compose_review")
    me = ctx.me or (settings.me if settings else None)
    if me is None or "@" not in me.email:
        raise DraftError("who is writing? set notmuch's user.name and user.primary_email, "
                         "or pass --me 'Name <email>' (or 'me' in the config file)")
    series = judged.series
    rcpt = Recipients(ctx.mailmap, me)
    values: dict[str, str] = {}
    target_id, target_path = _lead(series)
    part: CheckPart | None  # the part of a check the draft asks about (parent-ack, review)

    if kind is K.DraftKind.PARENT_ACK:
        part = _parent_part(judged, section)
        maintainers, reviewers, lists = _section_people(ctx, part)
        rcpt.add(maintainers or reviewers or part.missing, to=True)
        rcpt.add(reviewers)
        rcpt.add_lists(lists)
        rcpt.add([series.author])
        rcpt.add_lists(_vfio_lists(ctx))
        section = part.name
        target_id, target_path = _target_for(series, part.patches)
        values.update(section=part.name, patches=_patch_lines(_patches(series, part.patches), series.expected),
                      patch_numbers=numbers(part.patches, series.expected),
                      files="\n".join("  " + f for f in part.files), hunks=_hunk_summary(series, part))
    elif kind is K.DraftKind.REVIEW:
        part = K.missing_review_part(judged)
        if part is None or not part.missing:
            raise DraftError("review: a listed reviewer has already reviewed the variant-driver patches "
                             "(or MAINTAINERS lists none); nothing to ask")
        acc = ctx.maintainers.acceptance_section()
        rcpt.add(part.missing, to=True)
        rcpt.add([series.author])
        rcpt.add_lists(acc.lists if acc else ())
        rcpt.add_lists(_vfio_lists(ctx))
        target_id, target_path = _target_for(series, part.patches)
        values.update(section=part.name or (acc.name if acc else ""),
                      patches=_patch_lines(_patches(series, part.patches), series.expected),
                      patch_numbers=numbers(part.patches, series.expected),
                      files="\n".join("  " + f for f in part.files))
    elif kind is K.DraftKind.DOCS:
        questions = K.unanswered_questions(judged)
        if not questions:
            raise DraftError("docs: the documentation check is not missing anything; nothing to ask")
        doc = judged.check(CheckId.DOCUMENTATION)
        answered = [p for p in (doc.parts if doc else []) if p not in questions]
        rcpt.add([series.author], to=True)
        rcpt.add_lists(_vfio_lists(ctx))
        values.update(questions="\n".join(f"  - {one_line(p.name)}" for p in questions),
                      answered="\n".join(f"  - {one_line(p.name)}" for p in answered))
    elif kind is K.DraftKind.INCOMPLETE:
        missing = series.missing_numbers
        if not missing:
            raise DraftError("incomplete: every patch of this series arrived; nothing to ask")
        rcpt.add([series.author], to=True)
        rcpt.add_lists(_vfio_lists(ctx))
        values.update(missing_patches=numbers(missing, series.expected),
                      present_patches=numbers(series.present, series.expected) or "none")
    elif kind is K.DraftKind.THANKS:
        rcpt.add([series.author], to=True)
        values.update(patches=_applied_lines(series.patches, series.expected, applied) if applied
                      else _patch_lines(series.patches, series.expected))
    else:  # reply
        if target_msgid:
            wanted = target_msgid.strip().strip("<>")
            path = _messages(series).get(wanted)
            if path is None:
                raise DraftError(f"reply: message {wanted} is not part of series {series.id}")
            target_id, target_path = wanted, path
        if trailer:
            name = next((t for t in TRAILERS if t.lower() == trailer.strip().lower().rstrip(":")), None)
            if name is None:
                raise DraftError(f"reply: trailer {trailer!r} is not one of {', '.join(TRAILERS)}")
            values["trailer"] = f"{name}: {me.display()}"

    target = read_target(target_path)
    rec = target.record
    if rec.msgid != target_id:
        raise DraftError(f"{target_path} now holds {rec.msgid}, not {target_id}: run 'notmuch new' and retry")
    if kind in (K.DraftKind.THANKS, K.DraftKind.REPLY):
        rcpt.add([rec.author], to=True)
        if rec.sender.email and rec.sender.email != rec.author.email:
            rcpt.add([Person("", rec.sender.email)])  # a list that rewrote the sender
        rcpt.add(list(rec.to) + list(rec.cc))
    rcpt.promote_first_cc()
    if not rcpt.to:
        raise DraftError(f"{kind}: nobody to write to (everyone asked is you, or has no address)")

    author = series.author
    asked = rcpt.to if kind in (K.DraftKind.PARENT_ACK, K.DraftKind.REVIEW) else [author]
    values.update(
        author_name=one_line(author.name or author.email), author_first=first_name(author),
        author_email=author.email, series_title=one_line(series.title),
        series_subject=_REPLY_PREFIX.sub("", one_line(rec.subject)),
        series_id=series.id, series_link="https://lore.kernel.org/r/" + url_quote(series.id, safe="@.-_+=~!$&'*"),
        version=("RFC " if series.rfc else "") + f"v{series.version}",
        patch_count=f"{series.expected} patch{'es' if series.expected != 1 else ''}",
        missing_people=_greeting(asked),
        attribution=_attribution(target),
        quote=F.quote(target.body),
        quote_short=F.quote(_cover_prose(target.body).lstrip("\n"), max_lines=6),
        my_name=one_line(me.name or me.email), my_first=first_name(me), my_email=me.email,
        today=(now or datetime.now().astimezone()).date().isoformat(),
        branch=one_line(settings.branch) if settings else "",
        applied_to=f" to {one_line(settings.branch)}" if settings and settings.branch.strip() else "",
    )
    values = {k: F.clean_text(v) for k, v in values.items()}
    body = render(kind, values, settings.templates_dir if settings else None)
    body = F.squeeze_blank_lines(F.wrap(body))

    subject = reply_subject(rec.subject) if rec.subject.strip() else reply_subject(f"[PATCH] {series.title}")
    when = now or datetime.now().astimezone()
    msgid = new_message_id(me, when)
    return Draft(kind=kind, sender=Person(one_line(me.name), me.email.lower()), to=rcpt.to, cc=rcpt.cc,
                 subject=subject, body=body, message_id=msgid, in_reply_to=rec.msgid,
                 references=target.references, date=when, series_id=series.id, section=section,
                 target_path=target_path)

