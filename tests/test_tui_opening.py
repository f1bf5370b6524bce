"""A series opens from the list of the last load before this load has finished (issue 13):
judged from its kept chain alone, then brought up to the whole load."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest
from textual.widgets import DataTable

from conftest import shared_path
from vfio_workbench_demo.mailwriter import deliver, index_files
from workbench.analysis import Judged
from workbench.config import Settings
from workbench.pipeline import build_workbench
from workbench.tui import opening, preview
from workbench.tui.app import WorkbenchApp
from workbench.tui.launch import settle
from tui_support import HeldLoader, first_run, until
from workbench.tui.screens.series_view import SeriesScreen

SIZE = (160, 48)


def _verdicts(judged: Judged) -> tuple:
    s = judged.series
    return (s.id, s.version, s.superseded_by, tuple(s.revisions), s.patches, s.cover, sorted(r.msgid for r in s.replies),
            s.cover_trailers, judged.checks, judged.drivers, judged.applied, judged.signals)


def test_every_series_of_the_real_corpus_judges_alike_from_its_chain(lore_store: Path, tmp_path: Path) -> None:
    """The kept chain holds all a series' verdicts depend on: judged from it alone, every
    series of the real corpus comes out as the whole store's analysis has it."""
    settings = Settings(db_path=lore_store, maintainers=shared_path("data", "MAINTAINERS"),
                        mailmap=shared_path("data", "mailmap"), cache_dir=tmp_path / "cache")
    whole = build_workbench(settings)
    opening.keep_chains(settings, whole)
    kept = opening.kept_chains(settings)
    assert kept is not None
    assert len(whole.judged) > 50
    for judged in whole.judged:
        opened = opening.open_kept(kept, judged.series.id)
        assert opened is not None, judged.series.id
        part, part_wb = opened
        assert _verdicts(part) == _verdicts(judged), judged.series.title
        assert part_wb.find(judged.series.id) is part


def test_nothing_is_opened_from_a_chain_that_no_longer_holds(demo_copy: Settings) -> None:
    settings = demo_copy
    whole = build_workbench(settings)
    opening.keep_chains(settings, whole)
    kept = opening.kept_chains(settings)
    assert kept is not None and opening.open_kept(kept, whole.judged[0].series.id) is not None
    root = Path(settings.db_path)
    index_files(root, [deliver(root / "INBOX", b"From: A <a@example.org>\nTo: kvm@vger.kernel.org\n"
                                               b"Subject: [PATCH] vfio/pds: another\nDate: Mon, 1 Dec 2025 10:00:00"
                                               b" +0000\nMessage-Id: <another@example.org>\n\nbody\n")])
    assert opening.kept_chains(settings) is None  # the memo's checks: the store changed
    assert opening.open_kept(kept, whole.judged[0].series.id) is None  # nor the record cache's
    assert opening.open_kept(kept, "no-such-series") is None


def test_a_series_opens_from_the_warm_list_before_the_load_finishes(demo_copy: Settings) -> None:
    settings = demo_copy
    first_run(settings)
    whole = build_workbench(settings)
    held = HeldLoader()
    app = WorkbenchApp(settings, loader=held)

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            table = app.list_screen.query_one("#series", DataTable)
            await until(pilot, lambda: table.row_count > 0)
            await pilot.press("2")
            wanted = app.list_screen.rows_shown[0].id
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, SeriesScreen))
            assert app.workbench is None and not app.loaded.is_set()  # the load is still held
            early = app.screen
            assert early.judged.series.id == wanted
            assert _verdicts(early.judged) == _verdicts(whole.find(wanted))
            assert early.workbench is not None and early.workbench.find(wanted) is early.judged
            await pilot.press("t")  # the thread of the early series opens too
            await until(pilot, lambda: type(app.screen).__name__ == "ThreadScreen")
            assert app.screen.messages
            await pilot.press("escape")
            held.go.set()
            await settle(pilot, timeout=60)
            # brought up to the whole load, silently: nothing changed
            assert early.judged is app.workbench.find(wanted)
            assert not any("reloaded" in (n.title or "") for n in app._notifications)
            # the look is kept once the load has ended
            assert app.chains is not None and app.chains.status(early.judged).last_look is not None

    asyncio.run(main())


def test_what_opened_early_is_refreshed_when_the_load_finds_more(demo_copy: Settings, tmp_path: Path) -> None:
    """The series opened from its kept chain is replaced by the load's, and the user is told
    what changed. One look at the store serves a whole load (the picture and the records
    agree), so the difference stands here as a loader reading a later copy of the store:
    one where a review arrived after the picture was kept."""
    import shutil

    settings = demo_copy
    shown = first_run(settings)
    patch = build_workbench(settings).find(shown[0]).series.patches[0]
    later_root = tmp_path / "later"
    shutil.copytree(settings.db_path, later_root, symlinks=True)
    later = replace(settings, db_path=later_root, cache_dir=tmp_path / "later-cache")
    reply = (f"From: Late Reviewer <late@example.org>\nTo: kvm@vger.kernel.org\n"
             f"Subject: Re: {patch.subject}\nDate: Mon, 1 Dec 2025 10:00:00 +0000\n"
             f"Message-Id: <late-review@example.org>\nIn-Reply-To: <{patch.msgid}>\n"
             f"References: <{patch.msgid}>\n\nLooks right.\n\n"
             f"Reviewed-by: Late Reviewer <late@example.org>\n").encode()
    index_files(later_root, [deliver(later_root / "INBOX", reply)])
    held = HeldLoader(lambda _settings, progress, _session: build_workbench(later, progress))
    app = WorkbenchApp(settings, loader=held)

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            table = app.list_screen.query_one("#series", DataTable)
            await until(pilot, lambda: table.row_count > 0)
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, SeriesScreen))
            early = app.screen.judged
            assert early.series.id == shown[0]
            assert not any(t.person.email == "late@example.org" for t in early.series.patches[0].trailers)
            held.go.set()
            await settle(pilot, timeout=60)
            screen = app.screen
            assert isinstance(screen, SeriesScreen)
            assert screen.judged is app.workbench.find(early.series.id)
            assert any(t.person.email == "late@example.org" for t in screen.judged.series.patches[0].trailers)
            told = [n for n in app._notifications if "reloaded" in (n.title or "")]
            assert told and "trailers" in told[-1].message

    asyncio.run(main())


def test_without_kept_chains_the_series_opens_when_loaded(demo_copy: Settings) -> None:
    settings = demo_copy
    first_run(settings)
    memo = opening._memo(settings, None)
    assert memo.lookup() is not None
    memo._remove()  # the rows are kept, the chains not (an older version kept no chains)
    assert opening.kept_chains(settings) is None and preview.kept_rows(settings) is not None
    held = HeldLoader()
    app = WorkbenchApp(settings, loader=held)

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            table = app.list_screen.query_one("#series", DataTable)
            await until(pilot, lambda: table.row_count > 0)
            wanted = app.list_screen.rows_shown[0].id
            await pilot.press("enter")
            await pilot.pause(0.3)
            assert not isinstance(app.screen, SeriesScreen)
            held.go.set()
            await settle(pilot, timeout=60)
            await until(pilot, lambda: isinstance(app.screen, SeriesScreen))
            assert app.screen.judged.series.id == wanted

    asyncio.run(main())


@pytest.mark.parametrize("writes", ["s", "a"])
def test_what_writes_waits_for_the_load(demo_copy: Settings, writes: str) -> None:
    """A state or an mbox from a series opened early is refused with a word, not written
    against the part."""
    settings = demo_copy
    first_run(settings)
    held = HeldLoader()
    app = WorkbenchApp(settings, loader=held)

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            table = app.list_screen.query_one("#series", DataTable)
            await until(pilot, lambda: table.row_count > 0)
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, SeriesScreen))
            await pilot.press(writes)
            await pilot.pause(0.2)
            assert isinstance(app.screen, SeriesScreen)  # no dialog, no draft
            assert any("loading" in n.message or "not loaded" in n.message for n in app._notifications)
            held.go.set()
            await settle(pilot, timeout=60)

    asyncio.run(main())
