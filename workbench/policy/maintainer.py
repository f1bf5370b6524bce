"""maintainer: has the vfio maintainer acked, reviewed or at least replied?

The acceptance document asks for reviews "in addition to the overall vfio maintainer".
Who that is comes from MAINTAINERS alone: every ``M:`` of "VFIO DRIVER", through
``.mailmap`` so an old and a new address are one person. ``--me`` only says who runs the
tool; the verdict must not depend on it (run as a listed reviewer, their own review must
not pass as the maintainer's).

Three states, each from mail sent from the maintainer's own address (``people.standing``;
a display name proves nothing):

* ``pass``: an Acked-by, Reviewed-by or Signed-off-by, an "Applied to … branch" reply to
  the series, or the series was posted by the maintainer;
* ``attention``: the maintainer replied (discussion under way, no decision), or something
  in their name needs confirming (their name from an unverified address);
* ``missing``: no word from them, or their NAK stands (shown as the evidence).
"""

from __future__ import annotations

from workbench.model import (
    CheckId,
    CheckResult,
    Evidence,
    MailRecord,
    Person,
    Series,
    Status,
)
from workbench.policy.context import PolicyContext
from workbench.policy.people import APPROVALS, evidence_for, given_by, numbers
from workbench.series.senders import sending_address
from workbench.text import one_line

CHECK_ID = CheckId.MAINTAINER


def vfio_maintainers(ctx: PolicyContext) -> list[Person]:
    return list(ctx.maintainers.vfio_maintainers())


def _patch_of(series: Series, msgid: str) -> int | None:
    for patch in series.patches:
        if msgid in patch.replies:
            return patch.number
    return None


def _by(record: MailRecord, people: list[Person], ctx: PolicyContext) -> Person | None:
    """The maintainer whose address sent ``record``, if one did."""
    sender = sending_address(record, ctx.maintainers.list_addresses())
    return next((p for p in people if ctx.mailmap.same_address(sender, p)), None)


def applied_by(series: Series, ctx: PolicyContext) -> Evidence | None:
    """The vfio maintainer's "Applied to … branch" reply to the series' first message
    (its cover letter, or its first patch without one), if there is one (the first),
    sent from the maintainer's own address. Someone else's "Applied" (a parent maintainer
    taking the parent patches into their own tree) does not put the series into the vfio
    tree, and an "Applied" under one patch of several is about that patch."""
    people = vfio_maintainers(ctx)
    if not people:
        return None
    said = [r for r in series.replies if r.applied and r.in_reply_to == series.id and _by(r, people, ctx)]
    if not said:
        return None
    first = min(said, key=lambda r: (r.date is None, r.date))
    return Evidence(text=one_line(f"applied: \"{first.applied}\""), person=first.author, msgid=first.msgid,
                    date=first.date)


def _reply_evidence(series: Series, reply: MailRecord, note: str = "") -> Evidence:
    where = _patch_of(series, reply.msgid)
    on = f"on {where}/{series.expected}" if where else "in the thread"
    return Evidence(text=one_line(f"reply {on}: {reply.subject}{note}"), person=reply.author,
                    msgid=reply.msgid, date=reply.date, suspect=bool(note))


def check_maintainer(series: Series, ctx: PolicyContext) -> CheckResult:
    people = vfio_maintainers(ctx)
    if not people:
        return CheckResult(CHECK_ID, Status.NA, "no vfio maintainer known: MAINTAINERS has no 'VFIO DRIVER' M:")
    names = ", ".join(p.name or p.email for p in people)
    if any(ctx.mailmap.same_address(series.sender, p) for p in people):
        return CheckResult(CHECK_ID, Status.PASS, one_line(f"posted by the vfio maintainer ({names})"),
                           evidence=[Evidence(text=one_line(f"sent by {series.sender.display()}"),
                                              person=series.sender, msgid=series.id, date=series.date)])
    found = given_by(series, series.patches, people, APPROVALS, ctx.mailmap)
    evidence = evidence_for(found.counted, series.expected) + evidence_for(found.shown(), series.expected)
    lists = ctx.maintainers.list_addresses()
    replies: list[MailRecord] = []
    unverified: list[tuple[MailRecord, Person]] = []  # their name, another address
    for r in sorted(series.replies, key=lambda r: (r.date is None, r.date.timestamp() if r.date else 0.0)):
        sender = sending_address(r, lists)
        if any(ctx.mailmap.same_address(sender, p) for p in people):
            replies.append(r)
        elif any(ctx.mailmap.same_name(sender, p) for p in people):
            unverified.append((r, sender))
    evidence += [_reply_evidence(series, r) for r in replies]
    evidence += [_reply_evidence(series, r, f"; same name, unverified address: sent from {sender.email}")
                 for r, sender in unverified]
    applied = applied_by(series, ctx)
    if applied is not None:
        who = applied.person.name or applied.person.email if applied.person else names
        return CheckResult(CHECK_ID, Status.PASS, one_line(f"applied by {who}: {applied.text[9:]}", 160),
                           evidence=[applied] + evidence)
    if found.nacks:
        where = numbers((g.patch for g in found.nacks), series.expected)
        return CheckResult(CHECK_ID, Status.MISSING, one_line(f"NAKed by {names} on {where}"),
                           evidence=evidence, missing=people)
    if found.counted:
        kinds = sorted({g.trailer.name for g in found.counted})
        cover = any(g.trailer.origin == "cover-reply" for g in found.counted)
        where = "the series" if cover else numbers((g.patch for g in found.counted), series.expected)
        summary = f"{'/'.join(kinds)} from {names} on {where}"
        return CheckResult(CHECK_ID, Status.PASS, one_line(summary), evidence=evidence)
    if replies:
        summary = f"{names} replied ({len(replies)} mail{'s' if len(replies) > 1 else ''}), no ack yet"
        return CheckResult(CHECK_ID, Status.ATTENTION, one_line(summary), evidence=evidence)
    if found.attention or unverified:
        summary = f"mail in {names}'s name from an address not tied to them: confirm, or add a .mailmap line"
        return CheckResult(CHECK_ID, Status.ATTENTION, one_line(summary), evidence=evidence, missing=people)
    summary = f"no ack or reply from {names} yet"
    if found.suspect:
        summary += " (a suspect trailer in their name was not counted)"
    return CheckResult(CHECK_ID, Status.MISSING, one_line(summary), evidence=evidence, missing=people)
