"""Headless output for scripts and cron jobs: text, JSON and markdown.

Runs on the same core as the TUI and never imports textual (a test checks it).
"""

from __future__ import annotations

import sys

from workbench.config import Settings
from workbench.pipeline import Workbench, build_workbench
from workbench.report.json_format import render_json
from workbench.report.markdown_format import render_markdown
from workbench.report.text_format import render_text

RENDERERS = {"text": render_text, "json": render_json, "markdown": render_markdown}

EXIT_MISSING = 3


def render(workbench: Workbench, fmt: str, *, show_all: bool = False) -> str:
    return RENDERERS[fmt](workbench, show_all=show_all)


def run_report(settings: Settings, *, fmt: str = "text", fail_on_missing: bool = False) -> int:
    workbench = build_workbench(settings)
    sys.stdout.write(render(workbench, fmt, show_all=settings.show_all))
    sys.stdout.flush()
    for problem in workbench.problems[:20]:
        print(f"vfio-workbench: skipped {problem.path}: {problem.reason}", file=sys.stderr)
    if len(workbench.problems) > 20:
        print(f"vfio-workbench: … and {len(workbench.problems) - 20} more unreadable messages", file=sys.stderr)
    if fail_on_missing and any(j.has_missing for j in workbench.visible()):
        return EXIT_MISSING
    return 0
