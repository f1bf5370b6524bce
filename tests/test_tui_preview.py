"""The list of the last load is painted at once on a restart, and only when nothing changed."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from vfio_workbench_demo.mailwriter import deliver, index_files
from workbench.config import Settings
from workbench.pipeline import build_workbench
from workbench.tui import listing, preview
from workbench.tui.app import WorkbenchApp
from workbench.tui.launch import settle
from tui_support import HeldLoader, first_run, until
from workbench.tui.screens.series_view import SeriesScreen

SIZE = (160, 48)


@pytest.fixture
def settings(demo_copy) -> Settings:
    return demo_copy


def test_restart_paints_the_last_rows_before_the_load_and_opens_from_them(settings: Settings) -> None:
    first = first_run(settings)
    assert first and preview.kept_rows(settings) is not None
    held = HeldLoader()
    app = WorkbenchApp(settings, loader=held)

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            table = app.list_screen.query_one("#series", DataTable)
            await until(pilot, lambda: table.row_count > 0)
            assert not app.loaded.is_set() and app.workbench is None
            assert [r.id for r in app.list_screen.rows_shown] == first
            status = app.list_screen.query_one("#list-status", Static).render().plain
            assert "as at the last load" in status
            assert app.list_screen.query_one("#load-row").display  # and the load is still shown
            await pilot.press("2")  # filters work on the picture too
            wanted = [r.id for r in app.list_screen.rows_shown]
            assert wanted and len(wanted) < len(first)
            await pilot.press("enter")  # asked before the load: opens from its kept chain
            await until(pilot, lambda: isinstance(app.screen, SeriesScreen))
            assert app.screen.judged.series.id == wanted[0] and app.workbench is None
            held.go.set()
            await settle(pilot, timeout=60)
            assert isinstance(app.screen, SeriesScreen)
            assert app.screen.judged is app.workbench.find(wanted[0])  # now the whole load's
            # (without a kept chain it opens when the load is done: test_tui_opening.py)
            assert "as at the last load" not in app.list_screen.query_one("#list-status", Static).render().plain

    asyncio.run(main())


def test_no_picture_when_the_store_changed(settings: Settings, demo_store) -> None:
    first_run(settings)
    extra = (b"From: New Person <new@example.org>\nTo: kvm@vger.kernel.org\n"
             b"Subject: [PATCH] vfio/pds: a brand new fix\nDate: Mon, 1 Dec 2025 10:00:00 +0000\n"
             b"Message-Id: <brand-new@example.org>\n\nbody\n")
    root = Path(settings.db_path)
    index_files(root, [deliver(root / "INBOX", extra)])
    assert preview.kept_rows(settings) is None
    held = HeldLoader()
    app = WorkbenchApp(settings, loader=held)

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause(0.5)
            assert app.list_screen.query_one("#series", DataTable).row_count == 0
            held.go.set()
            await settle(pilot, timeout=60)
            assert any("brand new fix" in r.title for r in app.list_screen._rows)

    asyncio.run(main())


def test_no_picture_without_the_cache(settings: Settings) -> None:
    from dataclasses import replace

    first_run(settings)
    assert preview.kept_rows(replace(settings, use_cache=False)) is None
    assert preview.kept_rows(replace(settings, query="thread:{subject:pds}")) is None


def test_rows_round_trip_through_json(settings: Settings) -> None:
    wb = build_workbench(settings)
    rows = listing.rows_of(wb)
    assert [listing.ListRow.from_json(r.to_json()) for r in rows] == rows
