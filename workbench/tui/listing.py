"""What the series list shows: which series, in which order, with which columns.

Kept free of widgets so the filters a maintainer relies on every morning ("needs parent
ack", "mine to act on") are plain functions over judged series, testable on their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import StrEnum

from workbench.model import CHECK_IDS, Person, Status
from workbench.pipeline import Judged, Workbench

_EPOCH = datetime.min.replace(tzinfo=timezone.utc)

# The checks that get a column of marks; userspace-data is attention-only and has its
# own place in the hunk view.
LIST_CHECKS: tuple[str, ...] = tuple(c for c in CHECK_IDS if c != "userspace-data")

_STATUS_RANK = {Status.MISSING: 0, Status.ATTENTION: 1, Status.PASS: 2, Status.NA: 3}


class Quick(StrEnum):
    ALL = "all"
    PARENT = "needs parent ack"
    REVIEW = "needs review"
    DOCS = "needs docs"
    INCOMPLETE = "incomplete"
    MINE = "mine to act on"


class SortKey(StrEnum):
    DATE = "date"
    STATUS = "status"
    DRIVER = "driver"


def _missing(judged: Judged, check_id: str) -> bool:
    result = judged.check(check_id)
    return result is not None and result.status is Status.MISSING


def _same(a: Person, b: Person) -> bool:
    return bool(a.email) and a.email.lower() == b.email.lower()


def mine_to_act_on(judged: Judged, me: Person | None) -> bool:
    """The user is among the people a check still waits for (as the vfio maintainer, a
    listed reviewer or a parent maintainer)."""
    if me is None:
        return _missing(judged, "maintainer")
    for result in judged.checks:
        if result.status is not Status.MISSING:
            continue
        if any(_same(p, me) for p in result.missing):
            return True
        for part in result.parts:
            if part.status is Status.MISSING and any(_same(p, me) for p in part.missing):
                return True
    return False


def quick_predicate(quick: Quick, me: Person | None) -> Callable[[Judged], bool]:
    match quick:
        case Quick.PARENT:
            return lambda j: _missing(j, "parent-approval")
        case Quick.REVIEW:
            return lambda j: _missing(j, "listed-reviewer")
        case Quick.DOCS:
            return lambda j: _missing(j, "documentation")
        case Quick.INCOMPLETE:
            return lambda j: not j.series.complete
        case Quick.MINE:
            return lambda j: mine_to_act_on(j, me)
    return lambda j: True


def text_matches(judged: Judged, needle: str) -> bool:
    """Filter-as-you-type: every word must appear in the title, the author or a driver."""
    words = needle.lower().split()
    if not words:
        return True
    s = judged.series
    hay = " ".join([s.title, s.author.name, s.author.email, *judged.drivers]).lower()
    return all(w in hay for w in words)


def status_rank(judged: Judged) -> tuple[int, int]:
    """Most in need of action first: fewest passes among the list checks."""
    ranks = [_STATUS_RANK[c.status] for c in judged.checks if c.id in LIST_CHECKS]
    return (min(ranks, default=3), sum(ranks))


def sort_series(items: list[Judged], key: SortKey, reverse: bool = False) -> list[Judged]:
    by_date = sorted(items, key=lambda j: (j.series.date or _EPOCH, j.series.id), reverse=True)
    if key is SortKey.STATUS:
        out = sorted(by_date, key=status_rank)
    elif key is SortKey.DRIVER:
        out = sorted(by_date, key=lambda j: (",".join(j.drivers) or "~", ))
    else:
        out = by_date
    return list(reversed(out)) if reverse else out


def select(workbench: Workbench, *, show_all: bool, quick: Quick, text: str,
           sort: SortKey, reverse: bool = False, me: Person | None = None) -> list[Judged]:
    keep = quick_predicate(quick, me if me is not None else workbench.context.me)
    rows = [j for j in workbench.visible(show_all) if keep(j) and text_matches(j, text)]
    return sort_series(rows, sort, reverse)


@dataclass(frozen=True, slots=True)
class Counts:
    acks: int
    reviews: int
    tests: int

    def __str__(self) -> str:
        return f"{self.acks}/{self.reviews}/{self.tests}"


def trailer_counts(judged: Judged) -> Counts:
    """Distinct people giving each kind of trailer anywhere in the series."""
    seen: dict[str, set[str]] = {"Acked-by": set(), "Reviewed-by": set(), "Tested-by": set()}
    trailers = list(judged.series.cover_trailers)
    for patch in judged.series.patches:
        trailers.extend(patch.trailers)
    for t in trailers:
        if t.name in seen:
            seen[t.name].add(t.person.email or t.person.name)
    return Counts(len(seen["Acked-by"]), len(seen["Reviewed-by"]), len(seen["Tested-by"]))


def version_label(judged: Judged, workbench: Workbench) -> str:
    """"v3", or "v3→v5" when a newer version of the series exists."""
    s = judged.series
    label = f"{'RFC ' if s.rfc else ''}v{s.version}"
    if s.superseded_by:
        newer = workbench.find(s.superseded_by)
        label += f"→v{newer.series.version}" if newer else "→newer"
    return label


def date_label(when: datetime | None) -> str:
    return when.strftime("%Y-%m-%d") if when else "-"
