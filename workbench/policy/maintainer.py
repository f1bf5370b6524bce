"""maintainer: has the vfio maintainer acked, reviewed or at least replied?

The acceptance document asks for reviews "in addition to the overall vfio maintainer".
Who that is: the user (``--me`` / notmuch's primary address) when known, since the person
running the workbench is the maintainer it serves; else the M: of "VFIO DRIVER".

An Acked-by, Reviewed-by or Signed-off-by (the maintainer's own sign-off when applying a
series, e.g. in a re-posted or "applied" copy) passes with that trailer as evidence; a
reply without a trailer also passes — the maintainer has engaged — and the evidence names
the mail, so "replied" and "acked" stay distinguishable. A suspect trailer in their name,
typed by someone else, does not count and is shown.
"""

from __future__ import annotations

from workbench.model import CheckResult, Evidence, Person, Series, Status
from workbench.policy.context import PolicyContext
from workbench.policy.people import APPROVALS, evidence_for, find_person, given_by, numbers
from workbench.text import one_line

CHECK_ID = "maintainer"


def vfio_maintainers(ctx: PolicyContext) -> list[Person]:
    if ctx.me is not None and (ctx.me.email or ctx.me.name):
        return [ctx.me]
    return list(ctx.maintainers.vfio_maintainers())


def _patch_of(series: Series, msgid: str) -> int | None:
    for patch in series.patches:
        if msgid in patch.replies:
            return patch.number
    return None


def applied_by(series: Series, ctx: PolicyContext) -> Evidence | None:
    """The vfio maintainer's "Applied to … branch" reply to the series' first message
    (its cover letter, or its first patch without one), if there is one (the first).
    Someone else's "Applied" (a parent maintainer taking the parent patches into their
    own tree) does not put the series into the vfio tree, and an "Applied" under one
    patch of several is about that patch."""
    people = vfio_maintainers(ctx)
    if not people:
        return None
    said = [r for r in series.replies if r.applied and r.in_reply_to == series.id
            and find_person(r.author, people, ctx.mailmap)]
    if not said:
        return None
    first = min(said, key=lambda r: (r.date is None, r.date))
    return Evidence(text=one_line(f"applied: \"{first.applied}\""), person=first.author, msgid=first.msgid,
                    date=first.date)


def check_maintainer(series: Series, ctx: PolicyContext) -> CheckResult:
    people = vfio_maintainers(ctx)
    if not people:
        return CheckResult(CHECK_ID, Status.NA, "no vfio maintainer known: MAINTAINERS has no "
                                                "'VFIO DRIVER' M: and --me was not given")
    names = ", ".join(p.name or p.email for p in people)
    if find_person(series.author, people, ctx.mailmap):
        return CheckResult(CHECK_ID, Status.PASS, one_line(f"posted by the vfio maintainer ({names})"),
                           evidence=[Evidence(text=one_line(f"author: {series.author.display()}"),
                                              person=series.author, msgid=series.id, date=series.date)])
    counted, suspect = given_by(series, series.patches, people, APPROVALS, ctx.mailmap)
    evidence = evidence_for(counted, series.expected) + evidence_for(suspect, series.expected)
    replies = [r for r in series.replies if find_person(r.author, people, ctx.mailmap)]
    replies.sort(key=lambda r: (r.date is None, r.date))
    for reply in replies:
        where = _patch_of(series, reply.msgid)
        on = f"on {where}/{series.expected}" if where else "in the thread"
        evidence.append(Evidence(text=one_line(f"reply {on}: {reply.subject}"), person=reply.author,
                                 msgid=reply.msgid, date=reply.date))
    applied = applied_by(series, ctx)
    if applied is not None:
        who = applied.person.name or applied.person.email if applied.person else names
        return CheckResult(CHECK_ID, Status.PASS, one_line(f"applied by {who}: {applied.text[9:]}", 160),
                           evidence=[applied] + evidence)
    if counted:
        kinds = sorted({g.trailer.name for g in counted})
        cover = any(g.trailer.origin == "cover-reply" for g in counted)
        where = "the series" if cover else numbers((g.patch for g in counted), series.expected)
        summary = f"{'/'.join(kinds)} from {names} on {where}"
        return CheckResult(CHECK_ID, Status.PASS, one_line(summary), evidence=evidence)
    if replies:
        summary = f"{names} replied ({len(replies)} mail{'s' if len(replies) > 1 else ''}), no ack yet"
        return CheckResult(CHECK_ID, Status.PASS, one_line(summary), evidence=evidence)
    summary = f"no ack or reply from {names} yet"
    if suspect:
        summary += " (a suspect trailer in their name was not counted)"
    return CheckResult(CHECK_ID, Status.MISSING, one_line(summary), evidence=evidence, missing=people)
