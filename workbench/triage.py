"""What needs *me*: the triage facts the series list and the report show next to the
verdicts.

The checks say what a series still needs from anyone; a maintainer's morning question is
narrower — which series wait on me, which moved since I last wrote, which are done. These
are plain functions of a judged series and "me", free of textual so the report and the
TUI give the same answers (DESIGN.md: the domain core never imports textual).

* An applied series is history: it keeps its marks but asks nothing of anybody.
* "Mine to act on": a check still waits for me (as a parent maintainer, a listed reviewer
  or the vfio maintainer), or — when I am the vfio maintainer — the reviews are in and the
  series waits on my decision (I only replied so far, or have not looked).
* Activity: the newest mail of the series, and how many of its mails came after my last
  one (all of them when I never wrote), so "moved since I last looked" is one glance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from workbench.analysis import Judged
from workbench.kernel.mailmap import Mailmap
from workbench.kernel.maintainers import Maintainers
from workbench.model import CheckId, MailRecord, Person, Series, Status
from workbench.series.senders import sending_address

DECISION_CHECKS = (CheckId.COMPLETE, CheckId.PARENT_APPROVAL, CheckId.LISTED_REVIEWER, CheckId.DOCUMENTATION)
"""What must be in before the series waits on the maintainer's decision."""


def _mails(series: Series) -> list[MailRecord]:
    out = list(series.replies)
    if series.cover is not None:
        out.append(series.cover)
    return out


def last_activity(series: Series) -> datetime | None:
    """The newest mail of the posting: a patch, the cover letter or a reply."""
    dates = [r.date for r in _mails(series) if r.date is not None]
    dates += [p.date for p in series.patches if p.date is not None]
    return max(dates, default=None)


@dataclass(frozen=True, slots=True)
class Activity:
    last: datetime | None  # the newest mail of the series
    since_me: int  # mails newer than my last mail in the series (all, when I never wrote)
    wrote: bool  # I wrote in the series at all


def activity(series: Series, me: Person | None, mailmap: Mailmap, lists: frozenset[str] = frozenset()) -> Activity:
    dated: list[tuple[datetime | None, bool]] = []
    for record in _mails(series):
        mine = me is not None and mailmap.same_address(sending_address(record, lists), me)
        dated.append((record.date, mine))
    for patch in series.patches:
        mine = me is not None and mailmap.same_address(patch.sender, me)
        dated.append((patch.date, mine))
    my_dates = [d for d, mine in dated if mine and d is not None]
    if not my_dates:
        return Activity(last_activity(series), len(dated), any(mine for _, mine in dated))
    latest = max(my_dates)
    newer = sum(1 for d, mine in dated if not mine and d is not None and d > latest)
    return Activity(last_activity(series), newer, True)


def is_vfio_maintainer(me: Person | None, maintainers: Maintainers, mailmap: Mailmap) -> bool:
    return me is not None and any(mailmap.same_address(me, p) for p in maintainers.vfio_maintainers())


def waits_on_maintainer(judged: Judged) -> bool:
    """Reviews and approvals are in, and the vfio maintainer has not decided (he replied
    at most): the next move is his."""
    if judged.applied is not None:
        return False
    maintainer = judged.check(CheckId.MAINTAINER)
    if maintainer is None or maintainer.status is Status.PASS:
        return False
    return all((c := judged.check(cid)) is None or c.status in (Status.PASS, Status.NA) for cid in DECISION_CHECKS)


def mine_to_act_on(judged: Judged, me: Person | None, maintainers: Maintainers, mailmap: Mailmap) -> bool:
    """The user is among the people a check still waits for, or (as the vfio maintainer)
    the series waits on their decision. Never for an applied series."""
    if judged.applied is not None:
        return False
    if me is None:
        return waits_on_maintainer(judged)
    if is_vfio_maintainer(me, maintainers, mailmap) and waits_on_maintainer(judged):
        return True
    for result in judged.checks:
        if result.status is not Status.MISSING:
            continue
        if any(mailmap.same_address(p, me) for p in result.missing):
            return True
        for part in result.parts:
            if part.status is Status.MISSING and any(mailmap.same_address(p, me) for p in part.missing):
                return True
    return False
