"""The text report: one line per series, a mark per check, for a terminal or a cron mail.

Every field that came from mail goes through ``workbench.text.one_line``: a subject can
carry escape sequences (OSC 52, title changes) that must not reach the terminal.
"""

from __future__ import annotations

import shutil

from workbench.analysis import Judged, Workbench
from workbench.model import CHECK_IDS
from workbench.policy.signals import describe
from workbench.report.marks import CHECK_LETTER, STATUS_MARK, legend
from workbench.report.states import ReportStates, report_rows
from workbench.text import one_line


def _marks(judged: Judged) -> str:
    out = []
    for check_id in CHECK_IDS:
        result = judged.check(check_id)
        out.append(STATUS_MARK[result.status] if result else "?")
    return " ".join(out)


def _version(judged: Judged) -> str:
    s = judged.series
    text = f"v{s.version}"
    if s.rfc:
        text = "RFC " + text
    if s.superseded_by:
        text += "*"
    return text


def header_lines(workbench: Workbench, shown: int, hidden: int) -> list[str]:
    ctx = workbench.context
    rev = f" (revision {ctx.revision})" if ctx.revision is not None else ""
    lines = [
        f"vfio-workbench report: {shown} series" + (f" ({hidden} superseded or out of scope hidden; --all shows them)" if hidden else ""),
        # given on the command line or in the config: as hostile as mail text
        f"store: {one_line(ctx.db_path)}{rev}",
        f"query: {one_line(ctx.query)}",
        f"MAINTAINERS: {one_line(ctx.maintainers.origin)}   mailmap: {one_line(ctx.mailmap.origin)}",
    ]
    if ctx.me:
        lines.append(f"me: {one_line(ctx.me.display())}")
    return lines


def _robot_lines(rows: list[Judged]) -> list[str]:
    """CI robots' reports still standing on the listed postings: attention, not approvals."""
    standing = [(j, sig) for j in rows for sig in j.robot_attention]
    if not standing:
        return []
    out = [f"{len(standing)} CI robot report{'s' if len(standing) != 1 else ''} to look at "
           "(attention; a later version without one clears it; never an approval):"]
    for judged, sig in standing:
        out.append(f"  {STATUS_MARK[sig.status]} {one_line(judged.series.title, 50)}: {one_line(describe(sig), 200)} "
                   f"{sig.lore}")
    return out


def render_text(workbench: Workbench, *, show_all: bool = False, width: int | None = None,
                states: ReportStates | None = None) -> str:
    rows = report_rows(workbench, show_all, states)
    width = width or max(100, shutil.get_terminal_size((120, 40)).columns)
    lines = header_lines(workbench, len(rows), len(workbench.judged) - len(rows))
    lines += [legend(), ""]
    letters = " ".join(CHECK_LETTER[c] for c in CHECK_IDS)
    state_head = f"{'STATE':18} " if states is not None else ""
    head = f"{letters}  {'DATE':10}  {'VER':6} {'PATCHES':7}  {state_head}{'DRIVER':12} {'AUTHOR':20} TITLE"
    lines.append(head)
    for judged in rows:
        s = judged.series
        date = s.date.strftime("%Y-%m-%d") if s.date else "-" * 10
        patches = f"{len(s.present)}/{s.expected}"
        driver = one_line(",".join(judged.drivers) or "-", 12)
        author = one_line(s.author.name or s.author.email, 20)
        state = f"{one_line(states.short(judged), 18):18} " if states is not None else ""
        prefix = f"{_marks(judged)}  {date:10}  {_version(judged):6} {patches:7}  {state}{driver:12} {author:20} "
        title = ("[applied] " if judged.applied else "") + s.title
        lines.append(prefix + one_line(title, max(20, width - len(prefix))))
    missing = [j for j in rows if j.current and j.in_scope and j.has_missing]
    applied = [j for j in rows if j.current and j.in_scope and j.applied]
    lines.append("")
    lines.append(f"{len(missing)} current series miss something"
                 + (" (--format markdown lists what and who)" if missing else "")
                 + (f"; {len(applied)} already applied by the vfio maintainer are not counted" if applied else "")
                 + ".")
    lines += _robot_lines(rows)
    if workbench.problems:
        lines.append(f"{len(workbench.problems)} messages could not be read (listed on stderr).")
    return "\n".join(lines) + "\n"

