"""Questions the TUI tests ask of the app that the app itself never asks.

Kept out of ``workbench.tui`` (issue 11: test-only code leaves the product): the help
screen shows sections, a test wants the flat list of rows; the line view renders pages
ahead, a test wants to see that it did. And what several Pilot tests share: a loader
held back until the test lets it go, a first session that leaves what a load keeps, and
waiting for a condition.
"""

from __future__ import annotations

import asyncio
import threading

from textual.app import App
from textual.screen import Screen

from workbench.config import Settings
from workbench.pipeline import build_workbench
from workbench.tui.app import HelpRow, WorkbenchApp, help_sections
from workbench.tui.launch import settle
from workbench.tui.widgets.line_view import LineView


def help_rows(app: App, screen: Screen) -> list[HelpRow]:
    """Every binding active on ``screen``, in the order help shows them."""
    return [row for _title, rows in help_sections(app, screen) for row in rows]


def is_prepared(view: LineView, index: int) -> bool:
    """Whether line ``index`` of ``view`` is already rendered in its page cache."""
    return index in view._cache


class HeldLoader:
    """build_workbench, held back until the test lets it go (``go.set()``): what the app
    does before its load ends is seen as it is."""

    def __init__(self, load=build_workbench) -> None:
        self.go = threading.Event()
        self.load = load

    def __call__(self, settings, progress, session):
        assert self.go.wait(60)
        return self.load(settings, progress, session)


def first_run(settings: Settings, size: tuple[int, int] = (160, 48)) -> list[str]:
    """A whole session that loads the store and quits, leaving what a load keeps (the
    rows, the chains); returns the ids of the rows it showed."""
    app = WorkbenchApp(settings)
    shown: list[str] = []

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await settle(pilot, timeout=60)
            shown.extend(r.id for r in app.list_screen.rows_shown)

    asyncio.run(main())
    return shown


async def until(pilot, predicate, timeout: float = 20.0) -> None:
    """Wait (pausing the app) until ``predicate()`` holds; fail after ``timeout`` s."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        assert loop.time() < end, "timed out"
        await pilot.pause(0.05)
