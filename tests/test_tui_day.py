"""The maintainer's day in the TUI (issue 12): triage state and snooze from the list,
the state filter, the interdiff from the series view, "since I reviewed", and review
comments from the hunk view turned into a saved review draft. Pilot, on the demo store
(the state file lives in the test's own $XDG_STATE_HOME)."""

from __future__ import annotations

import email
from datetime import date, timedelta
from email import policy
from pathlib import Path

import notmuch2
import pytest
from textual.widgets import DataTable, Input, OptionList

from test_tui_app import cell, find, open_series, run, static_text, view_lines
from workbench.analysis import Workbench
from workbench.config import Settings
from workbench.pipeline import build_workbench
from workbench.state.model import TriageState
from workbench.state.store import StateStore
from workbench.tui.app import WorkbenchApp
from workbench.tui.launch import settle
from workbench.tui.screens.draft import DraftScreen
from workbench.tui.screens.hunks import HunkScreen
from workbench.tui.screens.interdiff import InterdiffScreen
from workbench.tui.screens.series_view import SeriesScreen
from workbench.tui.screens.triage import CommentScreen, StateNoteScreen
from workbench.tui.widgets.line_view import LineView
from workbench.versions.pairing import previous_version


@pytest.fixture
def wb(demo_settings: Settings) -> Workbench:
    return build_workbench(demo_settings)


def chained(wb: Workbench):
    return next(j for j in wb.visible() if len(j.series.revisions) >= 3)


async def choose(pilot, label: str) -> None:
    options = pilot.app.screen.query_one(OptionList)
    index = next(i for i in range(options.option_count) if options.get_option_at_index(i).prompt.plain == label)
    options.highlighted = index
    await pilot.press("enter")
    await pilot.pause()


def test_set_state_snooze_and_filter_from_the_list(demo_settings: Settings, wb: Workbench, demo_loader) -> None:
    target = chained(wb)
    app = WorkbenchApp(demo_settings, loader=demo_loader)

    async def script(pilot) -> None:
        screen = app.list_screen
        table = screen.query_one("#series", DataTable)
        row = [j.series.id for j in screen.shown].index(target.series.id)
        assert cell(table, row, "state") == "new"
        table.move_cursor(row=row)
        await pilot.press("s")
        await choose(pilot, "waiting on author")
        assert isinstance(app.screen, StateNoteScreen)
        app.screen.query_one("#state-note", Input).value = "asked for the doc update"
        await pilot.press("enter")
        await pilot.pause()
        row = [j.series.id for j in screen.shown].index(target.series.id)
        assert cell(table, row, "state") == "waiting on author"
        with StateStore.open(demo_settings.state_file) as store:
            record = store.get(app.chains.key(target))
        assert record.state is TriageState.WAITING and record.note == "asked for the doc update"
        # the filter by state shows only it
        await pilot.press("S")
        await choose(pilot, "waiting on author")
        assert [j.series.id for j in screen.shown] == [target.series.id]
        assert "state: " in static_text(screen, "#list-head")
        # snooze it: a date is asked, a bad one refused
        await pilot.press("z")
        await pilot.pause()
        assert isinstance(app.screen, StateNoteScreen)
        app.screen.query_one("#state-until", Input).value = "someday"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, StateNoteScreen)
        assert "not a date" in static_text(app.screen, "#state-error")
        app.screen.query_one("#state-until", Input).value = "+3"
        await pilot.press("enter")
        await pilot.pause()
        assert screen.shown == []  # no longer waiting
        await pilot.press("S")
        await choose(pilot, "snoozed")
        until = (date.today() + timedelta(days=3)).isoformat()
        assert cell(table, 0, "state") == f"snoozed {until}"

    run(app, script)


def test_interdiff_from_the_series_view(demo_settings: Settings, wb: Workbench, demo_loader) -> None:
    newest = chained(wb)
    older = previous_version(newest, wb)
    app = WorkbenchApp(demo_settings, loader=demo_loader)

    async def script(pilot) -> None:
        await open_series(pilot, newest)
        await pilot.press("i")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, InterdiffScreen)
        assert screen.older.series.id == older.series.id and screen.source is not None
        lines = view_lines(screen.query_one("#interdiff", LineView))
        assert lines[0].startswith(f" v{older.series.version} 1 → v{newest.series.version} 1 ")
        assert f"v{older.series.version} → v{newest.series.version} (previous version)" in \
            static_text(screen, "#interdiff-head")
        headings = [i for i, line in enumerate(lines) if " → v" in line[:20]]
        assert len(headings) == len(screen.source.pairs) >= 2
        await pilot.press("n")
        assert screen.current == 1 and screen.query_one("#interdiff", LineView).marked == headings[1]
        assert f"patch 2/{len(screen.source.pairs)}" in static_text(screen, "#interdiff-head")
        await pilot.press("escape")
        assert isinstance(app.screen, SeriesScreen)
        # "since I reviewed": none yet, then the version I set "reviewing" on
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, SeriesScreen)

    run(app, script)


def test_since_i_reviewed_compares_with_the_version_i_reviewed(demo_settings: Settings, wb: Workbench, demo_loader) -> None:
    newest = chained(wb)
    first = wb.find(newest.series.revisions[0])
    app = WorkbenchApp(demo_settings, loader=demo_loader)

    async def script(pilot) -> None:
        await pilot.press("a")  # superseded versions too
        await open_series(pilot, first)
        await pilot.press("s")
        await choose(pilot, "reviewing")
        await pilot.press("enter")  # the note dialog: no note
        await pilot.pause()
        assert "state: reviewing" in static_text(app.screen, "#series-head")
        await pilot.press("escape")
        await open_series(pilot, newest)
        assert "state: reviewing" in static_text(app.screen, "#series-head")  # one chain, one state
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, InterdiffScreen)
        assert app.screen.older.series.id == first.series.id
        assert "since the version I reviewed" in static_text(app.screen, "#interdiff-head")

    run(app, script)


def test_comment_in_the_hunk_view_becomes_a_saved_review_draft(demo_copy: Settings, tmp_path: Path) -> None:
    xe = find(build_workbench(demo_copy), "Xe VF migration", 2)
    app = WorkbenchApp(demo_copy)
    app.draft_lock_timeout = 10

    async def script(pilot) -> None:
        await open_series(pilot, xe)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, HunkScreen)
        await pilot.press("n")  # the first hunk
        await pilot.press("c")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, CommentScreen) and dialog.lines
        options = dialog.query_one("#comment-lines", OptionList)
        options.highlighted = 1
        chosen = dialog.lines[1]
        dialog.query_one("#comment-text", Input).value = "Why is this needed here?"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HunkScreen)
        patch = xe.series.patch(1)
        with StateStore.open(demo_copy.state_file) as store:
            kept = store.comments(patch.msgid)
        assert [c.text for c in kept] == ["Why is this needed here?"]
        assert chosen.endswith(kept[0].line)
        await pilot.press("escape")
        assert isinstance(app.screen, SeriesScreen)
        await pilot.press("C")
        await choose(pilot, "reply with my Reviewed-by")
        await settle(pilot)
        draft_screen = app.screen
        assert isinstance(draft_screen, DraftScreen)
        body = draft_screen.draft.body
        assert "Why is this needed here?" in body and "> " + kept[0].line in body
        assert "Reviewed-by: " in body and draft_screen.draft.in_reply_to == patch.msgid
        await pilot.press("ctrl+s")
        await settle(pilot)
        for _ in range(50):
            if app.last_saved_draft is not None:
                break
            await pilot.pause(0.1)
        saved = app.last_saved_draft
        assert saved is not None and saved.indexed, saved
        with StateStore.open(demo_copy.state_file) as store:
            assert store.comments(patch.msgid) == []  # in the draft now
        msg = email.message_from_bytes(Path(saved.path).read_bytes(), policy=policy.default)
        assert msg["In-Reply-To"] == f"<{patch.msgid}>"
        db = notmuch2.Database(str(demo_copy.db_path), mode=notmuch2.Database.MODE.READ_ONLY,
                               config=notmuch2.Database.CONFIG.EMPTY)
        try:
            assert str(db.find(saved.msgid).threadid) == str(db.find(patch.msgid).threadid)
        finally:
            db.close()

    run(app, script)
