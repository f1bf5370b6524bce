"""complete: every patch 1..N of the posting is in the store.

A check on an incomplete posting judges only what arrived: a missing patch may be the one
that touches a parent driver. So this comes first in the panel. Its evidence names the
cover letter, what did arrive when something did not (a complete series would only repeat
its own patch list), and what could not be placed (duplicates, numbers beyond N)."""

from __future__ import annotations

from workbench.model import CheckId, CheckResult, Evidence, Series, Status
from workbench.text import one_line

CHECK_ID = CheckId.COMPLETE


def _ranges(values: list[int]) -> str:
    """``2-4, 7`` for [2, 3, 4, 7]."""
    out: list[str] = []
    start: int | None = None
    prev = 0
    for n in values:
        if start is None:
            start = prev = n
        elif n == prev + 1:
            prev = n
        else:
            out.append(f"{start}-{prev}" if start != prev else f"{start}")
            start = prev = n
    if start is not None:
        out.append(f"{start}-{prev}" if start != prev else f"{start}")
    return ", ".join(out)


def check_complete(series: Series) -> CheckResult:
    expected = max(series.expected, 0)
    present = series.present
    evidence: list[Evidence] = []
    if series.cover is not None:
        evidence.append(Evidence(text=one_line(f"cover letter: {series.cover.subject}"), person=series.cover.author,
                                 msgid=series.cover.msgid, date=series.cover.date))
    if series.missing_numbers:  # which did arrive matters only when some did not
        evidence += [Evidence(text=one_line(f"{p.number}/{expected}: {p.title}"), person=p.author, msgid=p.msgid,
                              date=p.date) for p in series.patches]
    for extra in series.extras:
        evidence.append(Evidence(text=one_line(f"not placed (duplicate or out of range): {extra.subject}"),
                                 person=extra.author, msgid=extra.msgid, date=extra.date))
    if expected == 0:
        return CheckResult(CHECK_ID, Status.MISSING, "no patch found in this posting", evidence=evidence,
                           missing=[series.author])
    missing = series.missing_numbers
    added = [p for p in series.patches if p.number > expected]  # "[PATCH 3/2]" sent in reply
    evidence += [Evidence(text=one_line(f"added in reply to the series: {p.subject}"), person=p.author, msgid=p.msgid,
                          date=p.date) for p in added]
    if not missing:
        summary = f"all {expected} patch{'es' if expected != 1 else ''} present"
        if added:
            summary += f", and {', '.join(f'{p.number}/{expected}' for p in added)} added in reply"
        return CheckResult(CHECK_ID, Status.PASS, summary, evidence=evidence)
    cover = " (cover letter only)" if not present else ""
    summary = f"{len(present)}/{expected} present; missing {_ranges(missing)}{cover}"
    return CheckResult(CHECK_ID, Status.MISSING, one_line(summary), evidence=evidence, missing=[series.author])
