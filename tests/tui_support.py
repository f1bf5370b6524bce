"""Questions the TUI tests ask of the app that the app itself never asks.

Kept out of ``workbench.tui`` (issue 11: test-only code leaves the product): the help
screen shows sections, a test wants the flat list of rows; the line view renders pages
ahead, a test wants to see that it did.
"""

from __future__ import annotations

from textual.app import App
from textual.screen import Screen

from workbench.tui.app import HelpRow, help_sections
from workbench.tui.widgets.line_view import LineView


def help_rows(app: App, screen: Screen) -> list[HelpRow]:
    """Every binding active on ``screen``, in the order help shows them."""
    return [row for _title, rows in help_sections(app, screen) for row in rows]


def is_prepared(view: LineView, index: int) -> bool:
    """Whether line ``index`` of ``view`` is already rendered in its page cache."""
    return index in view._cache
