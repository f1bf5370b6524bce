"""Headless output for scripts and cron jobs: text, JSON and markdown.

Runs on the same core as the TUI and never imports textual (a test checks it).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from datetime import date

from workbench import heap
from workbench.analysis import Workbench
from workbench.config import Settings
from workbench.mail.session import StoreSession
from workbench.pipeline import build_workbench
from workbench.report.json_format import json_pieces, render_json
from workbench.report.markdown_format import render_markdown
from workbench.report.memo import ReportMemo
from workbench.report.states import ReportStates
from workbench.report.text_format import render_text
from workbench.text import echo

RENDERERS = {"text": render_text, "json": render_json, "markdown": render_markdown}

EXIT_MISSING = 3


def render(workbench: Workbench, fmt: str, *, show_all: bool = False, states: ReportStates | None = None) -> str:
    return RENDERERS[fmt](workbench, show_all=show_all, states=states)


def render_pieces(workbench: Workbench, fmt: str, *, show_all: bool = False,
                  states: ReportStates | None = None) -> list[str]:
    """The report in pieces that join to ``render``'s string, the first holding the
    header. JSON comes a series per piece: the report of a 100k-message store is never
    one string (see ``json_format.json_pieces``)."""
    if fmt == "json":
        return list(json_pieces(workbench, show_all=show_all, states=states))
    return [render(workbench, fmt, show_all=show_all, states=states)]


def _report_states(settings: Settings, workbench: Workbench, wanted: Iterable, today: date,
                   unread: set[str]) -> ReportStates:
    from workbench.state.chains import ChainIndex
    from workbench.state.store import StateStore

    store = StateStore.open(settings.state_file, create=False)  # a report never creates it
    try:
        index = ChainIndex(workbench, store, today=today, unread=unread)
        for judged in workbench.judged:  # read everything now: the file closes below
            index.status(judged)
    finally:
        store.close()
    return ReportStates(index, set(wanted))


def _state_digest(settings: Settings) -> str:
    from workbench.state.store import StateStore

    if not settings.state_file.exists() and not settings.state_file.is_symlink():
        return "-"
    store = StateStore.open(settings.state_file, create=False)
    try:
        return store.digest()
    finally:
        store.close()


def run_report(settings: Settings, *, fmt: str = "text", fail_on_missing: bool = False,
               states: Iterable = ()) -> int:
    """Print the report; a report kept from an earlier run with the very same inputs
    (``memo``) is printed as it is, without loading a single record. My triage state and
    today's date (a snooze ends on a date) are inputs too; ``states`` filters by state."""
    wanted = sorted(set(states))
    today = date.today()
    extra = "\x1d".join([_state_digest(settings), today.isoformat(), ",".join(wanted)])
    pieces: Iterable[str]
    with StoreSession(settings) as session:  # one look at the store for the whole run
        memo = ReportMemo(settings, fmt, session, extra)
        kept = memo.lookup()
        if kept is not None:
            pieces, problems, has_missing = kept.pieces(), kept.problems, kept.has_missing
        else:
            session.want_tag("unread")  # read in the same look as the records
            with heap.held():  # the records and the analysis, out of the collector's way
                workbench = build_workbench(settings, session=session)
                report_states = _report_states(settings, workbench, wanted, today, session.tagged_ids("unread"))
                pieces = render_pieces(workbench, fmt, show_all=settings.show_all, states=report_states)
            problems = workbench.problems
            has_missing = any(j.has_missing for j in workbench.visible())
            ctx = workbench.context
            memo.store(pieces, uuid=ctx.uuid, rev=ctx.revision, matched=ctx.matched, settled=ctx.settled,
                       problems=problems, has_missing=has_missing)
    for piece in pieces:
        sys.stdout.write(piece)
    sys.stdout.flush()
    for problem in problems[:20]:
        print(f"vfio-workbench: skipped {echo(problem.path)}: {echo(problem.reason)}", file=sys.stderr)
    if len(problems) > 20:
        print(f"vfio-workbench: … and {len(problems) - 20} more unreadable messages", file=sys.stderr)
    if fail_on_missing and has_missing:
        return EXIT_MISSING
    return 0
