"""The markdown report: a table to paste into a mail or a wiki, then per series what is
missing and from whom, with the evidence (which trailer, from whom, in which mail).

Mail text is escaped so a subject cannot break the table or inject links/HTML.
"""

from __future__ import annotations

import re

from workbench.analysis import Judged, Workbench
from workbench.model import CHECK_IDS, CheckPart, Status
from workbench.policy.signals import describe, signal_row
from workbench.report.marks import CHECK_LETTER, STATUS_MARK, legend
from workbench.report.states import ReportStates, report_rows
from workbench.text import one_line

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#+!|~])")  # "(" only links after "]", which is escaped


def md(text: str, width: int | None = None) -> str:
    """One line of mail text, inert in markdown (no links, HTML, emphasis or table breaks)."""
    return _SPECIAL.sub(r"\\\1", one_line(text, width))


def code(text: str) -> str:
    """A code span that mail text cannot close early: a Message-Id may legally hold
    backticks (``a`[x](https://…)`@b``), which would end a one-backtick span and let the
    rest render as a live link. The fence is longer than any backtick run inside."""
    text = one_line(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _row(judged: Judged, states: ReportStates | None = None) -> str:
    s = judged.series
    marks = " | ".join(
        STATUS_MARK[c.status] if (c := judged.check(cid)) else "?" for cid in CHECK_IDS
    )
    date = s.date.strftime("%Y-%m-%d") if s.date else ""
    version = ("RFC " if s.rfc else "") + f"v{s.version}"
    state = f"{md(states.label(judged))} | " if states is not None else ""
    return (f"| {marks} | {date} | {version} | {len(s.present)}/{s.expected} | {state}"
            f"{md(', '.join(judged.drivers))} | {md(s.author.name or s.author.email)} | "
            f"{'applied: ' if judged.applied else ''}{md(s.title, 90)} |")


def _open_parts(parts: list[CheckPart]) -> list[str]:
    """One line per part still waiting, and per approval group rather than per section:
    sections that own the code together are asked once, through the group's most specific
    section's people (the others of the group are named, not listed person by person)."""
    out: list[str] = []
    seen: set[str] = set()
    for part in parts:
        if part.status not in (Status.MISSING, Status.ATTENTION):
            continue
        if part.group:
            if part.group in seen:
                continue
            seen.add(part.group)
            together = [p.name for p in parts if p.group == part.group and p is not part
                        and p.status in (Status.MISSING, Status.ATTENTION)]
        else:
            together = []
        name = md(part.name) + (f" (with {md(', '.join(together))})" if together else "")
        who = ", ".join(md(p.display()) for p in part.missing) or "nobody listed"
        ask = "could give it" if part.status is Status.MISSING else "to confirm with"
        out.append(f"  - {name}: {md(part.summary)} ({ask}: {who})")
    return out


def _details(judged: Judged, states: ReportStates | None = None) -> list[str]:
    s = judged.series
    out = [f"### {md(s.title)} (v{s.version})", "",
           f"- id: {code(s.id)}",
           f"- author: {md(s.author.display())}",
           f"- patches: {len(s.present)}/{s.expected}" + (f", missing {s.missing_numbers}" if s.missing_numbers else "")]
    if s.superseded_by:
        out.append(f"- superseded by {code(s.superseded_by)}")
    if states is not None:
        status = states.index.status(judged)
        note = f" ({md(status.effective.note)})" if status.effective.note else ""
        out.append(f"- state: {md(status.effective.label)}{note}; {status.new} new since I last looked")
    if judged.applied:
        who = md(judged.applied.person.display()) if judged.applied.person else "the vfio maintainer"
        where = f" in {code(judged.applied.msgid)}" if judged.applied.msgid else ""
        out.append(f"- {md(judged.applied.text)} ({who}{where})")
    out.append("")
    for check in judged.checks:
        if check.status is Status.NA:
            continue
        out.append(f"- **{check.id}** {STATUS_MARK[check.status]} {check.status}: {md(check.summary)}")
        out += _open_parts(check.parts)
        for ev in check.evidence[:12]:
            where = f" in {code(ev.msgid)}" if ev.msgid else ""
            flag = " (not counted)" if ev.suspect else ""
            out.append(f"  - {md(ev.text)}{flag}{where}")
        if check.missing and not check.parts:
            out.append("  - missing: " + ", ".join(md(p.display()) for p in check.missing))
    row = signal_row(judged.signals)
    if row is not None:  # beside the checks: not a criterion of the acceptance document
        out.append(f"- **{row.id}** {STATUS_MARK[row.status]} {row.status}: {md(row.summary)}")
        for sig in judged.signals:
            out.append(f"  - {md(describe(sig))} in {code(sig.msgid)} ({sig.lore})")
    out.append("")
    return out


def render_markdown(workbench: Workbench, *, show_all: bool = False, states: ReportStates | None = None) -> str:
    ctx = workbench.context
    rows = report_rows(workbench, show_all, states)
    letters = " | ".join(CHECK_LETTER[c] for c in CHECK_IDS)
    lines = [
        "# vfio variant-driver series",
        "",
        f"{len(rows)} series from {code(ctx.db_path)} (query {code(ctx.query)}), "
        f"MAINTAINERS {code(ctx.maintainers.origin)}.",
        "",
        "```",
        legend(),
        "```",
        "",
        f"| {letters} | date | version | patches | {'state | ' if states is not None else ''}driver | author | title |",
        "|" + "---|" * (len(CHECK_IDS) + 6 + (states is not None)),
    ]
    lines += [_row(j, states) for j in rows]
    lines.append("")
    for judged in rows:
        lines += _details(judged, states)
    return "\n".join(lines)
