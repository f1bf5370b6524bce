"""Headless output for scripts and cron jobs: text, JSON and markdown.

Runs on the same core as the TUI and never imports textual (a test checks it).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

from workbench.analysis import Workbench
from workbench.config import Settings
from workbench.mail.session import StoreSession
from workbench.pipeline import build_workbench
from workbench.report.json_format import json_pieces, render_json
from workbench.report.markdown_format import render_markdown
from workbench.report.memo import ReportMemo
from workbench.report.text_format import render_text
from workbench.text import echo

RENDERERS = {"text": render_text, "json": render_json, "markdown": render_markdown}

EXIT_MISSING = 3


def render(workbench: Workbench, fmt: str, *, show_all: bool = False) -> str:
    return RENDERERS[fmt](workbench, show_all=show_all)


def render_pieces(workbench: Workbench, fmt: str, *, show_all: bool = False) -> list[str]:
    """The report in pieces that join to ``render``'s string, the first holding the
    header. JSON comes a series per piece: the report of a 100k-message store is never
    one string (see ``json_format.json_pieces``)."""
    if fmt == "json":
        return list(json_pieces(workbench, show_all=show_all))
    return [render(workbench, fmt, show_all=show_all)]


def run_report(settings: Settings, *, fmt: str = "text", fail_on_missing: bool = False) -> int:
    """Print the report; a report kept from an earlier run with the very same inputs
    (``memo``) is printed as it is, without loading a single record."""
    pieces: Iterable[str]
    with StoreSession(settings) as session:  # one look at the store for the whole run
        memo = ReportMemo(settings, fmt, session)
        kept = memo.lookup()
        if kept is not None:
            pieces, problems, has_missing = kept.pieces(), kept.problems, kept.has_missing
        else:
            workbench = build_workbench(settings, session=session)
            rendered = render_pieces(workbench, fmt, show_all=settings.show_all)
            pieces = rendered
            problems = workbench.problems
            has_missing = any(j.has_missing for j in workbench.visible())
            ctx = workbench.context
            memo.store(rendered, uuid=ctx.uuid, rev=ctx.revision, matched=ctx.matched, settled=ctx.settled,
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
