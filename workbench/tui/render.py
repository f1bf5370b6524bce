"""Verdicts and mail fields as rich ``Text``.

Everything that came out of a mail (subjects, names, evidence quoting a trailer) reaches
the screen only through ``Text`` objects built here, after ``workbench.text.sanitize``:
``Text`` never interprets markup, so a subject such as ``[@click=app.quit]q[/]`` is shown
as written and cannot act, and control sequences never reach the terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.text import Text

from workbench.analysis import Judged
from workbench.model import CheckId, CheckPart, CheckResult, Evidence, Person, Status
from workbench.policy.signals import SignalRow, signal_row
from workbench.report.marks import CHECK_LETTER, STATUS_MARK
from workbench.text import one_line

ACCENT = "#a99cf0"
"""Drivers and parent-driver sections: an accent, not the theme's magenta, which Textual's
palette draws in the same red as a missing check (and read as an error)."""

STATUS_STYLE: dict[Status, str] = {
    Status.PASS: "bold green",
    Status.MISSING: "bold red",
    Status.ATTENTION: "bold yellow",
    Status.NA: "dim",
}


def safe(text: str | None, width: int | None = None) -> Text:
    """One line of mail text, inert."""
    return Text(one_line(text or "", width))


def person(p: Person | None) -> str:
    return one_line(p.display()) if p else "?"


def when(d: datetime | None) -> str:
    return d.strftime("%Y-%m-%d %H:%M") if d else "undated"


def mark(status: Status) -> Text:
    return Text(STATUS_MARK[status], style=STATUS_STYLE[status])


def marks(checks: list[CheckResult], ids: tuple[CheckId, ...]) -> Text:
    """One coloured mark per check id, in ``ids`` order (· when a check did not run)."""
    by_id = {c.id: c for c in checks}
    out = Text()
    for check_id in ids:
        result = by_id.get(check_id)
        out.append_text(mark(result.status) if result else Text("·", style="dim"))
    return out


def marks_of(statuses: dict[str, Status], ids: tuple[str, ...]) -> Text:
    """As ``marks``, from statuses by check id (the series list's rows)."""
    out = Text()
    for check_id in ids:
        status = statuses.get(check_id)
        out.append_text(mark(status) if status is not None else Text("·", style="dim"))
    return out


def marks_header(ids: tuple[str, ...]) -> str:
    return "".join(CHECK_LETTER[c] for c in ids)


def _evidence_line(ev: Evidence, indent: str) -> Text:
    line = Text(indent + "• ")
    line.append(one_line(ev.text), style="yellow" if ev.suspect else "")
    if ev.suspect:  # the text says why it does not count (suspect, unverified address, NAK…)
        line.append("  ⚠ not counted", style="bold yellow")
    extra = []
    if ev.date:
        extra.append(when(ev.date))
    if ev.msgid:
        extra.append(f"<{one_line(ev.msgid, 60)}>")
    if extra:
        line.append("  " + " ".join(extra), style="dim")
    return line


def _missing_line(people: list[Person], indent: str, label: str = "waiting for") -> Text:
    line = Text(indent + f"{label}: ", style="red")
    line.append(", ".join(person(p) for p in people))
    return line


def _part_lines(part: CheckPart) -> list[Text]:
    head = Text("    ")
    head.append_text(mark(part.status))
    head.append(" ")
    head.append(one_line(part.name), style="bold")
    if part.summary:
        head.append(" — " + one_line(part.summary))
    lines = [head]
    if part.patches:
        lines.append(Text("      patches: " + ", ".join(str(n) for n in part.patches), style="dim"))
    for f in part.files[:12]:
        lines.append(Text("      " + one_line(f), style="cyan"))
    if len(part.files) > 12:
        lines.append(Text(f"      … {len(part.files) - 12} more files", style="dim"))
    lines.extend(_evidence_line(ev, "      ") for ev in part.evidence)
    if part.missing and part.status is not Status.PASS:
        lines.append(_missing_line(part.missing, "      ", "could approve"))
    return lines


def check_lines(result: CheckResult | SignalRow) -> list[Text]:
    head = Text()
    head.append_text(mark(result.status))
    head.append(f" {result.id:<16}", style="bold")
    head.append(one_line(result.summary))
    lines = [head]
    lines.extend(_evidence_line(ev, "   ") for ev in result.evidence)
    for part in result.parts:
        lines.extend(_part_lines(part))
    if result.missing and result.status is not Status.PASS:
        lines.append(_missing_line(result.missing, "   "))
    return lines


def panel_rows(judged: Judged) -> list[CheckResult | SignalRow]:
    """The checks, then the CI robots' row when robots reported (beside the checks: see
    workbench.policy.signals)."""
    row = signal_row(judged.signals)
    rows: list[CheckResult | SignalRow] = list(judged.checks)
    return [*rows, row] if row is not None else rows


def robot_patches(judged: Judged) -> set[int]:
    """Patches of this posting with a robot report no later version cleared."""
    return {s.patch for s in judged.robot_attention if s.series_id == judged.series.id and s.patch}


def acceptance(checks: Sequence[CheckResult | SignalRow]) -> Text:
    """The acceptance panel: every check with its evidence and who is still missing."""
    lines: list[Text] = []
    for result in checks:
        lines.extend(check_lines(result))
    return Text("\n").join(lines)
