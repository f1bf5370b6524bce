"""SVG snapshots of the main screens on the demo store, at a fixed size.

Update after an intended change with ``pytest tests/test_tui_snapshots.py --snapshot-update``
and look at the report before committing the new SVGs.
"""

from __future__ import annotations

from textual.widgets import DataTable

from workbench.config import Settings
from workbench.tui.app import WorkbenchApp
from workbench.tui.launch import settle

SIZE = (160, 48)


def _open(title_words: str, version: int, *keys: str):
    """run_before: wait for the load, put the cursor on a series, press keys."""

    async def before(pilot) -> None:
        await settle(pilot, timeout=60)
        app = pilot.app
        shown = app.list_screen.shown
        index = next(i for i, j in enumerate(shown)
                     if title_words in j.series.title and j.series.version == version)
        app.list_screen.query_one("#series", DataTable).move_cursor(row=index)
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return before


def test_snapshot_series_list(snap_compare, demo_settings: Settings, demo_loader) -> None:
    async def before(pilot) -> None:
        await settle(pilot, timeout=60)

    assert snap_compare(WorkbenchApp(demo_settings, loader=demo_loader), terminal_size=SIZE, run_before=before)


def test_snapshot_series_view(snap_compare, demo_settings: Settings, demo_loader) -> None:
    assert snap_compare(WorkbenchApp(demo_settings, loader=demo_loader), terminal_size=SIZE,
                        run_before=_open("Xe VF migration", 2, "enter"))


def test_snapshot_hunk_view_parent_only(snap_compare, demo_settings: Settings, demo_loader) -> None:
    assert snap_compare(WorkbenchApp(demo_settings, loader=demo_loader), terminal_size=SIZE,
                        run_before=_open("Xe VF migration", 2, "enter", "d", "p", "n"))


def test_snapshot_thread_view(snap_compare, demo_settings: Settings, demo_loader) -> None:
    assert snap_compare(WorkbenchApp(demo_settings, loader=demo_loader), terminal_size=SIZE,
                        run_before=_open("EGM region", 2, "enter", "t"))


def test_snapshot_versions(snap_compare, demo_settings: Settings, demo_loader) -> None:
    assert snap_compare(WorkbenchApp(demo_settings, loader=demo_loader), terminal_size=SIZE,
                        run_before=_open("compressed migration state", 3, "enter", "v"))


def test_snapshot_help(snap_compare, demo_settings: Settings, demo_loader) -> None:
    async def before(pilot) -> None:
        await settle(pilot, timeout=60)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(WorkbenchApp(demo_settings, loader=demo_loader), terminal_size=SIZE, run_before=before)


def test_snapshot_draft(snap_compare, demo_settings: Settings, demo_loader) -> None:
    """The review request for a series no listed reviewer has reviewed, in the editor."""
    assert snap_compare(WorkbenchApp(demo_settings, loader=demo_loader), terminal_size=SIZE,
                        run_before=_open("Restore the device state in chunks", 2, "enter", "R"))


def test_snapshot_interdiff(snap_compare, demo_settings: Settings, demo_loader) -> None:
    """What changed in each patch from v2 to v3, from the series view's i."""
    assert snap_compare(WorkbenchApp(demo_settings, loader=demo_loader), terminal_size=SIZE,
                        run_before=_open("compressed migration state", 3, "enter", "i"))


def test_snapshot_comment_dialog(snap_compare, demo_settings: Settings, demo_loader) -> None:
    """c in the hunk view: the diff lines on screen to pick from, and the comment field."""
    assert snap_compare(WorkbenchApp(demo_settings, loader=demo_loader), terminal_size=SIZE,
                        run_before=_open("Xe VF migration", 2, "enter", "d", "n", "c"))
