"""The collector is held only for big diffs (workbench.tui.memory).

A view that froze the heap owes a full collection when it closes; a small view must not
freeze, or closing it walks the whole heap (0.3 s at 40k real messages) for nothing. The
freeze count says which happened: the app's own freeze after the load stays in place
(no release) when a small series is opened and closed, and is lifted only by a big
view's release.
"""

from __future__ import annotations

import asyncio
import gc

from benchmarks.tui_bench import big_series_mails  # the benchmark's big series
from vfio_workbench_demo.mailwriter import build_store
from workbench.config import Settings
from workbench.tui.app import WorkbenchApp
from workbench.tui.diffs import diff_lines
from workbench.tui.launch import settle
from workbench.tui.memory import BIG_DIFF_LINES, hold_heap, release_heap
from workbench.tui.screens.series_view import SeriesScreen
from tui_support import until


def test_only_a_big_diff_holds_the_heap() -> None:
    release_heap()
    assert hold_heap(BIG_DIFF_LINES - 1) is False and gc.get_freeze_count() == 0
    assert hold_heap(BIG_DIFF_LINES) is True and gc.get_freeze_count() > 0
    release_heap()
    assert gc.get_freeze_count() == 0


def _open_and_close(settings: Settings, loader=None) -> tuple[int, bool, int, int]:
    """The freeze count after the load, whether the first series' view held the heap, the
    freeze count after closing it, and how many lines its diff had."""
    app = WorkbenchApp(settings, loader=loader)
    counts: list[int] = []
    lines: list[int] = []
    held: list[bool] = []

    async def main() -> None:
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot, timeout=60)
            counts.append(gc.get_freeze_count())
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, SeriesScreen) and app.screen.diff_shown)
            lines.append(diff_lines(app.screen._diffs or []))
            held.append(app.screen._held)
            await pilot.press("escape")
            await until(pilot, lambda: not isinstance(app.screen, SeriesScreen))
            await pilot.pause(0.2)
            counts.append(gc.get_freeze_count())

    release_heap()
    asyncio.run(main())
    release_heap()
    return counts[0], held[0], counts[1], lines[0]


def test_a_small_series_leaves_the_loads_freeze_alone(demo_settings: Settings, demo_loader) -> None:
    loaded, held, closed, lines = _open_and_close(demo_settings, demo_loader)
    assert 0 < lines < BIG_DIFF_LINES
    assert loaded > 0, "the app freezes what the load leaves"
    assert not held and closed > 0, "no release: the load's freeze is still there"


def test_a_big_series_holds_the_heap_and_releases_it_when_closed(demo_store, tmp_path) -> None:
    root = build_store(tmp_path / "mail", big_series_mails(BIG_DIFF_LINES * 2))
    big = Settings(db_path=root, maintainers=demo_store.maintainers, mailmap=demo_store.mailmap,
                   me=demo_store.me, cache_dir=tmp_path / "cache")
    loaded, held, closed, lines = _open_and_close(big)
    assert lines >= BIG_DIFF_LINES
    assert loaded > 0 and held
    assert closed == 0, "closing the big view lifts the freeze and collects"
