"""The workbench driven with keys (Textual's Pilot) on the real pipeline and the demo store."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from rich.text import Text
from textual.widgets import DataTable, Input, Static

from vfio_workbench_demo.mailwriter import deliver, index_files
from workbench.analysis import Judged, Workbench
from workbench.config import DEFAULT_QUERY, Settings
from workbench.model import Status
from workbench.pipeline import build_workbench
from workbench.text import one_line
from workbench.triage import mine_to_act_on
from workbench.tui import listing
from workbench.tui.app import WorkbenchApp
from workbench.tui.launch import settle
from workbench.tui.screens.help import HelpScreen
from workbench.tui.screens.hunks import HunkScreen
from workbench.tui.screens.series_list import SeriesListScreen
from workbench.tui.screens.series_view import SeriesScreen
from workbench.tui.screens.thread import ThreadScreen
from workbench.tui.screens.versions import VersionsScreen
from workbench.tui.widgets.line_view import LineView
from tui_support import help_rows, is_prepared

SIZE = (160, 48)


def run(app: WorkbenchApp, script: Callable[..., Awaitable[None]]) -> None:
    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, timeout=60)
            await script(pilot)

    asyncio.run(main())


def titles(app: WorkbenchApp) -> list[str]:
    return [j.series.title for j in app.list_screen.shown]


def cell(table: DataTable, row: int, column: str) -> str:
    value = table.get_cell_at((row, table.get_column_index(column)))
    return getattr(value, "plain", str(value))


def static_text(screen, selector: str) -> str:
    content = screen.query_one(selector, Static).render()
    return getattr(content, "plain", str(content))


def view_lines(view: LineView) -> list[str]:
    return [view.plain(i) for i in range(len(view.source))]


@pytest.fixture
def wb(demo_workbench: Workbench) -> Workbench:
    """What the demo store loads to (the session's, copied): the expected answers."""
    return demo_workbench


def find(wb: Workbench, words: str, version: int | None = None) -> Judged:
    for j in wb.judged:
        if words in j.series.title and (version is None or j.series.version == version):
            return j
    raise AssertionError(f"demo has no series {words!r} v{version}")


async def open_series(pilot, judged: Judged) -> None:
    app = pilot.app
    index = [j.series.id for j in app.list_screen.shown].index(judged.series.id)
    app.list_screen.query_one("#series", DataTable).move_cursor(row=index)
    await pilot.press("enter")
    await settle(pilot)  # the diff is read in a worker
    assert isinstance(app.screen, SeriesScreen) and app.screen.judged.series.id == judged.series.id


# -- series list ----------------------------------------------------------------------


def test_list_shows_current_in_scope_series_newest_first(demo_settings: Settings, wb: Workbench, demo_loader) -> None:
    expected = [j.series.id for j in wb.visible()]
    assert len(expected) >= 5 and len(expected) < len(wb.judged)
    app = WorkbenchApp(demo_settings, loader=demo_loader)

    async def script(pilot) -> None:
        screen = app.list_screen
        table = screen.query_one("#series", DataTable)
        assert [j.series.id for j in screen.shown] == expected
        assert table.row_count == len(expected)
        first = wb.visible()[0]
        assert cell(table, 0, "title") == one_line(first.series.title)
        assert cell(table, 0, "driver") == ",".join(first.drivers)
        assert cell(table, 0, "patches") == f"{len(first.series.present)}/{first.series.expected}"
        status = static_text(screen, "#list-status")
        hidden = len(wb.judged) - len(expected)
        assert f"{len(expected)} shown of {len(wb.judged)} series ({hidden} superseded" in status
        assert not screen.query_one("#load-row").display

    run(app, script)


def test_filter_as_you_type_and_escape_clears(demo_settings: Settings, wb: Workbench, demo_loader) -> None:
    app = WorkbenchApp(demo_settings, loader=demo_loader)

    async def script(pilot) -> None:
        await pilot.press("slash")
        field = app.list_screen.query_one("#filter", Input)
        assert field.display and field.has_focus
        await pilot.press("q", "r", "1")  # typed into the filter, not quit/reload/quick filter
        assert field.value == "qr1" and app.is_running and app.list_screen.quick is listing.Quick.ALL
        await pilot.press("backspace", "backspace", "backspace")
        await pilot.press(*"pds")
        await pilot.pause()
        assert titles(app) and all("pds" in j.drivers or "pds" in j.series.title.lower()
                                   for j in app.list_screen.shown)
        assert len(titles(app)) < len(wb.visible())
        await pilot.press("enter")  # done typing: back to the table, filter kept
        assert app.list_screen.query_one("#series", DataTable).has_focus
        await pilot.press("escape")
        await pilot.pause()
        assert len(titles(app)) == len(wb.visible()) and not field.display

    run(app, script)


def test_quick_filters(demo_settings: Settings, wb: Workbench, demo_loader) -> None:
    def missing(check: str) -> list[str]:  # applied series are nobody's work: left out
        return [j.series.id for j in wb.visible() if j.check(check).status is Status.MISSING and j.applied is None]

    incomplete = [j.series.id for j in wb.visible() if not j.series.complete and j.applied is None]
    assert any(j.applied and j.check("listed-reviewer").status is Status.MISSING for j in wb.visible()) or \
        any(j.applied and any(c.status is Status.MISSING for c in j.checks) for j in wb.visible()), \
        "the demo has an applied series that still misses a check (the filters must leave it out)"
    assert missing("parent-approval") or missing("listed-reviewer")
    assert incomplete, "the demo has an incomplete series"
    app = WorkbenchApp(demo_settings, loader=demo_loader)

    async def script(pilot) -> None:
        ids = lambda: [j.series.id for j in app.list_screen.shown]  # noqa: E731
        await pilot.press("2")
        assert ids() == missing("listed-reviewer")
        await pilot.press("3")
        assert ids() == missing("documentation")
        await pilot.press("4")
        assert ids() == incomplete
        await pilot.press("1")
        assert ids() == missing("parent-approval")
        assert "needs parent ack" in static_text(app.list_screen, "#list-head")
        await pilot.press("5")  # the demo user is the vfio maintainer
        ctx = app.workbench.context
        assert set(ids()) == {j.series.id for j in wb.visible() if mine_to_act_on(j, ctx.me, ctx.maintainers, ctx.mailmap)}
        await pilot.press("0")
        assert len(ids()) == len(wb.visible())

    run(app, script)


def test_show_all_reveals_superseded_versions_with_their_successor(demo_settings: Settings, wb: Workbench,
                                                                   demo_loader) -> None:
    old = next(j for j in wb.judged if j.series.superseded_by and j.in_scope)
    newer = wb.find(old.series.superseded_by)
    app = WorkbenchApp(demo_settings, loader=demo_loader)

    async def script(pilot) -> None:
        assert old.series.id not in [j.series.id for j in app.list_screen.shown]
        await pilot.press("a")
        shown = [j.series.id for j in app.list_screen.shown]
        assert len(shown) == len(wb.judged)
        row = shown.index(old.series.id)
        table = app.list_screen.query_one("#series", DataTable)
        assert cell(table, row, "version").endswith(f"v{old.series.version}→v{newer.series.version}")

    run(app, script)


def test_sort_cycles_date_status_driver(demo_settings: Settings, demo_loader) -> None:
    app = WorkbenchApp(demo_settings, loader=demo_loader)

    async def script(pilot) -> None:
        await pilot.press("o")
        ranks = [listing.status_rank(j) for j in app.list_screen.shown]
        assert ranks == sorted(ranks) and ranks[0] != ranks[-1]
        await pilot.press("o")
        drivers = [",".join(j.drivers) for j in app.list_screen.shown]
        assert drivers == sorted(drivers) and len(set(drivers)) > 2
        await pilot.press("o")  # back to date, newest first
        dates = [j.series.date for j in app.list_screen.shown]
        assert dates == sorted(dates, reverse=True)
        await pilot.press("O")
        assert [j.series.date for j in app.list_screen.shown] == sorted(dates)

    run(app, script)


# -- series view, hunks, thread, versions -----------------------------------------------


def test_series_view_shows_acceptance_patches_trailers_and_diff(demo_settings: Settings, wb: Workbench,
                                                                demo_loader) -> None:
    xe = find(wb, "Xe VF migration", 2)
    app = WorkbenchApp(demo_settings, loader=demo_loader)

    async def script(pilot) -> None:
        await open_series(pilot, xe)
        screen = app.screen
        panel = static_text(screen, "#acceptance")
        for result in xe.checks:
            assert f"{result.id:<16}{one_line(result.summary)}" in panel
        patches = screen.query_one("#patches", DataTable)
        assert patches.row_count == len(xe.series.patches) == 4
        first = xe.series.patches[0]
        trailers = static_text(screen, "#trailers")
        for t in first.trailers:
            assert f"{t.name}: {one_line(t.person.display())}" in trailers
        diff = view_lines(screen.query_one("#patch-diff", LineView))
        assert diff[0].startswith(" [1/4] ")
        assert any(first.files[0].path in line for line in diff)
        await pilot.press("J")
        await pilot.pause()
        assert view_lines(screen.query_one("#patch-diff", LineView))[0].startswith(" [2/4] ")
        await pilot.press("escape")
        assert isinstance(app.screen, SeriesListScreen)

    run(app, script)


def test_hunk_view_jumps_and_parent_only_toggle(demo_settings: Settings, wb: Workbench, demo_loader) -> None:
    xe = find(wb, "Xe VF migration", 2)
    parent = xe.check("parent-approval")
    parent_files = {f for part in parent.parts for f in part.files}
    assert parent_files, "the xe demo series touches a parent driver"
    app = WorkbenchApp(demo_settings, loader=demo_loader)

    async def script(pilot) -> None:
        await open_series(pilot, xe)
        await pilot.press("d")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HunkScreen)
        src = screen.source
        assert src.rows[screen.top].kind == "patch"
        await pilot.press("n")
        assert src.rows[screen.top].kind == "hunk" and screen.top == src.hunk_rows[0]
        await pilot.press("n")
        assert screen.top == src.hunk_rows[1]
        await pilot.press("N")
        assert screen.top == src.hunk_rows[0]
        await pilot.press("right_square_bracket")
        assert src.rows[screen.top].kind == "file" and screen.top == src.file_rows[1]
        await pilot.press("right_curly_bracket")
        assert src.rows[screen.top].kind == "patch" and src.rows[screen.top].patch == 2
        all_rows = len(src)
        await pilot.press("p")
        parent_src = screen.source
        file_paths = {parent_src.rows[i].path for i in parent_src.file_rows}
        assert file_paths and file_paths <= parent_files and len(parent_src) < all_rows
        assert "parent-driver hunks only" in static_text(screen, "#hunk-head")
        label = parent_src.line(parent_src.file_rows[0]).plain
        assert "parent driver" in label and any(part.name in label for part in parent.parts)
        await pilot.press("p")
        assert len(screen.source) == all_rows
        if screen.source.flagged_rows:
            await pilot.press("home", "u")
            assert screen.top == screen.source.flagged_rows[0]
            assert "userspace data" in screen.source.line(screen.top).plain

    run(app, script)


def test_thread_view_lists_messages_and_flags_suspect_trailers(demo_settings: Settings, wb: Workbench,
                                                               demo_loader) -> None:
    judged = next(j for j in wb.visible() if any(t.suspect for p in j.series.patches for t in p.trailers))
    suspect = next(t for p in judged.series.patches for t in p.trailers if t.suspect)
    app = WorkbenchApp(demo_settings, loader=demo_loader)

    async def script(pilot) -> None:
        await open_series(pilot, judged)
        await pilot.press("t")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ThreadScreen)
        ids = [m.msgid for m in screen.messages]
        for p in judged.series.patches:
            assert p.msgid in ids
        for r in judged.series.replies:
            assert r.msgid in ids
        lines = view_lines(screen.query_one("#thread", LineView))
        flagged = [ln for ln in lines if "⚠ suspect" in ln]
        assert any(one_line(suspect.person.display()) in ln for ln in flagged)
        assert "suspect trailers" in static_text(screen, "#thread-head")
        await pilot.press("n")
        assert int(screen.query_one("#thread", LineView).scroll_offset.y) == screen.starts[1]

    run(app, script)


def test_versions_view_shows_chain_and_changes(demo_settings: Settings, wb: Workbench, demo_loader) -> None:
    newest = next(j for j in wb.visible() if len(j.series.revisions) >= 3)
    chain = [wb.find(i) for i in newest.series.revisions]
    app = WorkbenchApp(demo_settings, loader=demo_loader)

    async def script(pilot) -> None:
        await open_series(pilot, newest)
        await pilot.press("v")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, VersionsScreen)
        table = screen.query_one("#versions", DataTable)
        assert [cell(table, i, "version") for i in range(table.row_count)] == \
            [f"v{j.series.version}" for j in chain]
        assert table.cursor_row == len(chain) - 1
        changes = static_text(screen, "#changes")
        assert f"v{chain[-2].series.version} → v{chain[-1].series.version}" in changes
        before = {c.id: c.status for c in chain[-2].checks}
        for c in chain[-1].checks:
            if before[c.id] is not c.status:
                assert f"{c.id}: " in changes
        assert any(word in changes for word in ("changed", "unchanged", "added", "dropped"))
        await pilot.press("up", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SeriesScreen) and app.screen.judged.series.id == chain[-2].series.id

    run(app, script)


def test_the_hunk_view_shows_the_diffs_the_series_view_read(demo_settings: Settings, wb: Workbench,
                                                            demo_loader, monkeypatch: pytest.MonkeyPatch) -> None:
    """The series view's reader posts DiffsReady; the app keeps what it carries, so the
    hunk view (and the series opened again) read no patch mail a second time."""
    from workbench.tui import app as app_module
    from workbench.tui.screens import series_view

    reads: list[int] = []

    def counted(real):
        def read(patch):
            reads.append(patch.number)
            return real(patch)
        return read

    monkeypatch.setattr(series_view, "load_patch_diff", counted(series_view.load_patch_diff))
    monkeypatch.setattr(app_module, "load_patch_diff", counted(app_module.load_patch_diff))
    xe = find(wb, "Xe VF migration", 2)
    app = WorkbenchApp(demo_settings, loader=demo_loader)

    async def script(pilot) -> None:
        await open_series(pilot, xe)
        screen = app.screen
        assert not screen.reading and sorted(reads) == [p.number for p in xe.series.patches]
        kept = app.cached_diffs(screen.judged)
        assert kept is not None and kept[0] is screen._diffs
        reads.clear()
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, HunkScreen) and app.screen.diffs is kept[0]
        await pilot.press("escape", "escape")
        await settle(pilot)
        await open_series(pilot, xe)
        assert app.screen is not screen and not app.screen.reading and app.screen.diff_shown
        assert reads == []

    run(app, script)


# -- help, palette, reload, query, errors ------------------------------------------------


def test_help_is_generated_from_the_active_bindings(demo_settings: Settings, demo_loader) -> None:
    app = WorkbenchApp(demo_settings, keymap="vim", loader=demo_loader)

    async def script(pilot) -> None:
        rows = help_rows(app, app.screen)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-table", DataTable)
        shown = {cell(table, i, "id"): cell(table, i, "keys").strip() for i in range(table.row_count)
                 if cell(table, i, "id")}  # rows without an id head a group
        assert shown == {ident: keys for keys, _desc, ident in rows}
        assert shown["list.filter"] == "/"
        assert shown["list.down"].split()[0] == "j"  # the vim keymap's key, not the default
        assert "app.reload" in shown
        await pilot.press("escape")
        assert isinstance(app.screen, SeriesListScreen)

    run(app, script)


def test_command_palette_offers_and_runs_screen_actions(demo_settings: Settings, wb: Workbench, demo_loader) -> None:
    app = WorkbenchApp(demo_settings, loader=demo_loader)

    async def script(pilot) -> None:
        names = [c.title for c in app.get_system_commands(app.screen)]
        for wanted in ("Filter", "Needs parent ack", "Reload", "Help", "Query"):
            assert wanted in names
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Needs parent ack")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert app.list_screen.quick is listing.Quick.PARENT

    run(app, script)


def _demo_split() -> tuple[list[bytes], list[bytes]]:
    from vfio_workbench_demo import demo_messages

    mails = demo_messages()
    first = [m for m in mails if b"nvgrace" not in m.lower()]
    later = [m for m in mails if b"nvgrace" in m.lower()]
    assert first and later
    return first, later


def test_reload_picks_up_new_mail(make_store, demo_store, tmp_path: Path) -> None:
    first, later = _demo_split()
    root = make_store(first)
    settings = Settings(db_path=root, maintainers=demo_store.maintainers, mailmap=demo_store.mailmap,
                        me=demo_store.me, cache_dir=tmp_path / "cache")
    app = WorkbenchApp(settings)

    async def script(pilot) -> None:
        before = titles(app)
        assert before and not any("nvgrace" in t for t in before)
        paths = [deliver(root / "INBOX", m) for m in later]
        index_files(root, paths)
        await pilot.press("r")
        await settle(pilot, timeout=60)
        after = titles(app)
        assert any("nvgrace" in t for t in after)
        assert set(before) < set(after)

    run(app, script)


def test_query_change_reloads_with_the_new_query(demo_settings: Settings) -> None:
    app = WorkbenchApp(demo_settings)

    async def script(pilot) -> None:
        assert len(titles(app)) > 2
        await pilot.press("colon")
        await pilot.pause()
        field = app.screen.query_one("#query-input", Input)
        assert field.value == DEFAULT_QUERY
        field.value = ""
        await pilot.press(*"thread:{subject:pds}")
        await pilot.press("enter")
        await settle(pilot, timeout=60)
        assert app.settings.query == "thread:{subject:pds}"
        assert titles(app) and all("pds" in t for t in titles(app))
        assert "query: thread:{subject:pds}" in static_text(app.list_screen, "#list-head")

    run(app, script)


def test_a_load_error_is_shown_in_the_app_not_raised(tmp_path: Path) -> None:
    settings = Settings(db_path=tmp_path / "nodb", maintainers=tmp_path / "nope" / "MAINTAINERS",
                        cache_dir=tmp_path / "cache")
    app = WorkbenchApp(settings)

    async def script(pilot) -> None:
        assert app.load_error and "MAINTAINERS" in app.load_error
        status = static_text(app.list_screen, "#list-status")
        assert status.startswith("✗ ") and "MAINTAINERS" in status
        assert app.list_screen.query_one("#series", DataTable).row_count == 0
        await pilot.press("r")  # retrying fails the same way, still no crash
        await settle(pilot, timeout=60)
        assert app.load_error and app.is_running

    run(app, script)


# -- keymaps in the running app -----------------------------------------------------------


def test_switching_keymaps_changes_which_keys_act(demo_settings: Settings, tmp_path: Path, demo_loader) -> None:
    async def cursor_after(app: WorkbenchApp, *keys: str) -> int:
        result = {}

        async def script(pilot) -> None:
            await pilot.press(*keys)
            await pilot.pause()
            result["row"] = app.list_screen.query_one("#series", DataTable).cursor_row

        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, timeout=60)
            await script(pilot)
        return result["row"]

    async def main() -> None:
        default = WorkbenchApp(demo_settings, loader=demo_loader)
        assert await cursor_after(default, "j", "j") == 0  # default: j is nothing
        assert await cursor_after(WorkbenchApp(demo_settings, keymap="vim", loader=demo_loader), "j", "j") == 2
        assert await cursor_after(WorkbenchApp(demo_settings, keymap="vim", loader=demo_loader), "G", "k") >= 2
        assert await cursor_after(WorkbenchApp(demo_settings, keymap="emacs", loader=demo_loader), "ctrl+n") == 1

    asyncio.run(main())

    user = tmp_path / "mine.toml"
    user.write_text('[bindings]\n"list.filter" = "f"\n')
    app = WorkbenchApp(demo_settings, keymap=str(user), loader=demo_loader)

    async def script(pilot) -> None:
        field = app.list_screen.query_one("#filter", Input)
        await pilot.press("slash")
        assert not field.display  # the old key no longer acts
        await pilot.press("f")
        assert field.display and field.has_focus  # the new one does

    run(app, script)


def test_keymap_from_settings_is_used_when_none_is_given(demo_settings: Settings) -> None:
    from dataclasses import replace

    app = WorkbenchApp(replace(demo_settings, keymap="emacs"))
    assert app.keymap["app.commands"] == "alt+x"


def test_hunk_view_renders_only_what_is_seen_and_read_ahead(demo_settings: Settings, wb: Workbench,
                                                            demo_loader) -> None:
    """The Line API promise: a 5,000-line diff is never highlighted as a whole; the page
    below (and the next hunk) are prepared while idle, so page-down finds them ready."""
    xe = find(wb, "Xe VF migration", 2)
    app = WorkbenchApp(demo_settings, loader=demo_loader)

    async def script(pilot) -> None:
        await open_series(pilot, xe)
        await pilot.press("d")
        await settle(pilot)
        view = app.screen.query_one("#hunks", LineView)
        height = view.scrollable_content_region.height
        assert len(view.source) > 5000
        assert height <= view.renders <= 3 * height + 1
        before = view.renders
        assert all(is_prepared(view, i) for i in range(height, 2 * height))  # the next page, ready
        await pilot.press("pagedown")
        await settle(pilot)
        assert view.renders <= before + height + 1  # then only the page after it was prepared
        assert all(is_prepared(view, i) for i in range(2 * height - 1, 3 * height - 1))

    run(app, script)


# -- issue 10: reload under an open series, navigation -----------------------------------


def _acked_by_one_reply(wb: Workbench) -> tuple[Judged, str]:
    """A current series whose parent approval rests on one reply (not on its own mails)."""
    for j in wb.judged:
        check = j.check("parent-approval")
        if not j.current or check is None or check.status is not Status.PASS:
            continue
        own = {p.msgid for p in j.series.patches} | ({j.series.cover.msgid} if j.series.cover else set())
        sources = {ev.msgid for part in check.parts for ev in part.evidence} | {ev.msgid for ev in check.evidence}
        if len(sources) == 1 and not sources & own:
            return j, sources.pop()
    raise AssertionError("the demo has no series approved by a single reply")


def test_reload_updates_the_open_series_and_says_what_changed(make_store, demo_store, demo_workbench: Workbench,
                                                             tmp_path: Path) -> None:
    from email import message_from_bytes

    from vfio_workbench_demo import demo_messages

    judged, ack = _acked_by_one_reply(demo_workbench)
    mails = demo_messages()
    held = [m for m in mails if message_from_bytes(m)["Message-ID"].strip().strip("<>") == ack]
    assert len(held) == 1
    root = make_store([m for m in mails if m not in held])
    settings = Settings(db_path=root, maintainers=demo_store.maintainers, mailmap=demo_store.mailmap,
                        me=demo_store.me, cache_dir=tmp_path / "cache")
    app = WorkbenchApp(settings)

    async def script(pilot) -> None:
        before = next(j for j in app.workbench.judged if j.series.id == judged.series.id)
        assert before.check("parent-approval").status is Status.MISSING
        await open_series(pilot, before)
        screen = app.screen
        panel = static_text(screen, "#acceptance")
        assert "✗ parent-approval" in panel
        index_files(root, [deliver(root / "INBOX", held[0])])
        await pilot.press("r")
        await settle(pilot, timeout=60)
        assert app.screen is screen
        assert screen.judged is not before and screen.judged.check("parent-approval").status is Status.PASS
        assert "✓ parent-approval" in static_text(screen, "#acceptance")
        said = [n.message for n in app._notifications]
        assert any("parent-approval: missing → pass" in m for m in said), said
        assert not screen.reading and screen.diff_shown  # the patches were read again
        await pilot.press("t", "r")  # again, with nothing new, from the thread view
        await settle(pilot, timeout=60)
        thread = app.screen
        assert isinstance(thread, ThreadScreen) and thread.judged is app.workbench.find(judged.series.id)
        assert any(m.msgid == ack for m in thread.messages)
        said = [n.message for n in app._notifications]
        assert said[-1] == "nothing changed in this series"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and screen.judged is thread.judged  # the one below followed too

    run(app, script)


def test_going_to_a_screen_in_the_stack_returns_to_it(demo_settings: Settings, wb: Workbench, demo_loader) -> None:
    newer = find(wb, "Restore the device state in chunks", 2)
    older = find(wb, "Restore the device state in chunks", 1)
    app = WorkbenchApp(demo_settings, loader=demo_loader)

    async def choose_version(pilot, judged: Judged) -> None:
        await pilot.press("v")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, VersionsScreen)
        row = [j.series.id for j in screen.versions].index(judged.series.id)
        screen.query_one("#versions", DataTable).move_cursor(row=row)
        await pilot.press("enter")
        await settle(pilot)

    async def script(pilot) -> None:
        await open_series(pilot, newer)
        first = app.screen
        depth = len(app.screen_stack)
        await choose_version(pilot, older)
        assert isinstance(app.screen, SeriesScreen) and app.screen.judged.series.id == older.series.id
        await choose_version(pilot, newer)  # v2 is open below: back to it, not a copy
        assert app.screen is first and len(app.screen_stack) == depth
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("escape", "t")
        await settle(pilot)
        await pilot.press("escape", "d")  # the hunk view again: a fresh one, the stack stays flat
        await settle(pilot)
        assert isinstance(app.screen, HunkScreen) and len(app.screen_stack) == depth + 1
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, SeriesListScreen)  # two esc, not four

    run(app, script)


def test_keys_typed_while_the_patches_are_read_stay_on_the_series(demo_settings: Settings, wb: Workbench,
                                                                  monkeypatch: pytest.MonkeyPatch, demo_loader) -> None:
    """d while the rest of a series is still being read used to open the hunk view at
    once; it then waited for the reading, and the keys typed meanwhile moved it."""
    import threading

    from workbench.tui.screens import series_view

    gate = threading.Event()
    real = series_view.load_patch_diff

    def gated(patch):  # the real reader, held until the test has typed its keys
        gate.wait(timeout=30)
        return real(patch)

    monkeypatch.setattr(series_view, "load_patch_diff", gated)
    xe = find(wb, "Xe VF migration", 2)
    app = WorkbenchApp(demo_settings, loader=demo_loader)

    async def script(pilot) -> None:
        index = [j.series.id for j in app.list_screen.shown].index(xe.series.id)
        app.list_screen.query_one("#series", DataTable).move_cursor(row=index)
        await pilot.press("enter")
        await pilot.pause(0.3)
        screen = app.screen
        assert isinstance(screen, SeriesScreen) and screen._diffs is None  # still reading
        releaser = threading.Timer(1.0, gate.set)  # the reading ends on its own a bit later
        releaser.start()
        await pilot.press("d", "n", "n", "n")
        assert app.screen is screen, "the hunk view must wait for the patches"
        releaser.join()
        await settle(pilot)
        hunks = app.screen
        assert isinstance(hunks, HunkScreen)
        assert hunks.top == hunks.source.row_of_patch(1), "keys typed before it opened moved the hunk view"

    run(app, script)


def test_hunk_view_counts_from_where_a_jump_landed(demo_settings: Settings, wb: Workbench, demo_loader) -> None:
    """The head's "hunk i/N" and the next jump count from the row a jump landed on, also
    near the end where that row cannot reach the top; { goes to the previous patch."""
    judged = max((j for j in wb.judged if j.current), key=lambda j: len(j.series.patches))
    assert len(judged.series.patches) >= 3
    app = WorkbenchApp(demo_settings, loader=demo_loader)

    def head(screen) -> str:
        return static_text(screen, "#hunk-head")

    async def main() -> None:
        async with app.run_test(size=(120, 20)) as pilot:  # short: jumps near the end are clamped
            await settle(pilot, timeout=60)
            await open_series(pilot, judged)
            await pilot.press("J", "J", "d")  # the hunk view at patch 3
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, HunkScreen)
            src = screen.source
            total = len(src.hunk_rows)
            third = src.row_of_patch(3)
            assert screen.position == third == screen.top
            before = sum(1 for h in src.hunk_rows if h < third)
            assert f"before hunk {before + 1}/{total}" in head(screen)
            await pilot.press("N")  # from the header: the last hunk of patch 2
            assert screen.position == screen.top == src.hunk_rows[before - 1]
            assert src.rows[screen.top].patch == 2 and f"hunk {before}/{total}" in head(screen)
            await pilot.press("right_curly_bracket", "right_square_bracket")  # patch 3's first file
            assert src.rows[screen.position].kind == "file" and src.rows[screen.position].patch == 3
            await pilot.press("left_curly_bracket")
            assert screen.position == src.row_of_patch(2), "{ from a first file went to its own patch"
            view = screen.query_one("#hunks", LineView)
            last = src.hunk_rows[-1]
            assert last > view.max_scroll_y, "the demo series is too short to test the end"
            await pilot.press("end")
            await pilot.pause()
            await pilot.press("home")
            for _ in range(total):
                await pilot.press("n")
            assert screen.position == last and screen.top < last and view.marked == last
            assert f"hunk {total}/{total}" in head(screen)
            await pilot.press("N")  # the hunk before the last, not the one before the top row
            assert screen.position == src.hunk_rows[-2]
            assert f"hunk {total - 1}/{total}" in head(screen)
            await pilot.press("up")  # scrolling by hand: the top row is the position again
            await pilot.pause()
            assert view.marked is None and screen.position == screen.top

    asyncio.run(main())


def test_filter_matches_driver_module_names(demo_settings: Settings, wb: Workbench, demo_loader) -> None:
    """Maintainers call the hisilicon driver "hisi_acc" (its module is hisi_acc_vfio_pci):
    the filter matches module names too, - and _ alike."""
    hisi = [j for j in wb.judged if j.current and j.in_scope and "hisilicon" in j.drivers]
    assert hisi and any("hisi_acc" not in j.series.title for j in hisi)
    app = WorkbenchApp(demo_settings, loader=demo_loader)

    async def script(pilot) -> None:
        await pilot.press("slash", *"hisi_acc")
        await pilot.pause()
        assert {j.series.id for j in app.list_screen.shown} == {j.series.id for j in hisi}
        await pilot.press("escape")
        await pilot.press("slash", *"mlx5_vfio")  # no title says it: the module name does
        await pilot.pause()
        shown = app.list_screen.shown
        assert shown and all("mlx5" in j.drivers for j in shown)
        assert not any("mlx5_vfio" in j.series.title.lower() for j in shown)

    run(app, script)


def test_makefile_lines_name_the_module() -> None:
    from workbench.tui.modules import makefile_modules

    assert makefile_modules(["obj-$(CONFIG_HISI_ACC_VFIO_PCI) += hisi-acc-vfio-pci.o",
                             "hisi-acc-vfio-pci-y := hisi_acc_vfio_pci.o",
                             "obj-$(CONFIG_X) += sub/", "ccflags-y += -I$(srctree)"]) == \
        ["hisi-acc-vfio-pci", "hisi-acc-vfio-pci"]


def test_real_corpus_module_names(lore_store: Path, data_dir: Path, lore_cache: Path) -> None:
    """On the lore corpus: every series touching drivers/vfio/pci/hisilicon/ is found by
    "hisi_acc", and the names read from Makefiles in patches are the kernel's."""
    settings = Settings(db_path=lore_store, maintainers=data_dir / "MAINTAINERS", mailmap=data_dir / "mailmap",
                        cache_dir=lore_cache, show_all=True)
    rows = listing.rows_of(build_workbench(settings))
    hisi = [r for r in rows if "hisilicon" in r.drivers]
    assert hisi and all(listing.text_matches(r, "hisi_acc") for r in hisi)
    assert any("hisi_acc" not in r.title.lower().replace("-", "_") for r in hisi)
    assert not any(listing.text_matches(r, "hisi_acc") for r in rows if not r.drivers and "hisi" not in r.title.lower())
    modules = {m for r in rows for m in r.modules}
    assert {"mlx5-vfio-pci", "hisi-acc-vfio-pci"} <= modules


def _columns_on_screen(table: DataTable) -> list[str]:
    """The keys of the columns that are entirely visible (no horizontal scrolling)."""
    out, x = [], 0
    for key, column in table.columns.items():
        x += column.get_render_width(table)
        if x <= table.scrollable_content_region.width:
            out.append(key.value)
    return out


@pytest.mark.parametrize("size, wanted", [
    ((160, 48), {"marks", "driver", "title", "version", "author", "date", "patches", "counts"}),
    ((80, 24), {"marks", "version", "date", "title"}),
])
def test_list_columns_fit_the_terminal(demo_settings: Settings, size: tuple[int, int], wanted: set[str],
                                       demo_loader) -> None:
    app = WorkbenchApp(demo_settings, loader=demo_loader)

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await settle(pilot, timeout=60)
            table = app.list_screen.query_one("#series", DataTable)
            visible = _columns_on_screen(table)
            assert wanted <= set(visible), visible
            assert len(visible) == len(table.columns), "a column runs off the screen"
            title = table.columns[next(k for k in table.columns if k.value == "title")]
            assert title.get_render_width(table) >= listing.TITLE_MIN  # the title takes the rest
            await pilot.resize_terminal(200, 40)
            await pilot.pause()
            assert set(_columns_on_screen(table)) >= {"author", "patches", "counts"}

    asyncio.run(main())


def test_long_driver_lists_are_abbreviated_and_columns_follow_the_width() -> None:
    assert listing.abbreviate_drivers(("hisilicon", "mlx5", "pds", "virtio"), 17) == "hisilicon,mlx5,+2"
    assert listing.abbreviate_drivers(("hisilicon", "mlx5", "pds", "virtio"), 16) == "hisilicon,+3"
    assert listing.abbreviate_drivers(("mlx5",), 16) == "mlx5"
    assert listing.abbreviate_drivers(("nvgrace-gpu-long-name",), 8) == "nvgrace…"
    assert listing.abbreviate_drivers((), 8) == "-"
    row = listing.ListRow(id="x", title="t" * 90, author="A Very Long Author Name Indeed", author_email="a@b",
                          date=None, drivers=("hisilicon", "mlx5", "nvgrace-gpu", "pds", "virtio"),
                          version="RFC v12→v13", superseded=True, in_scope=True, present=30, expected=30,
                          complete=True, counts="10/12/3", statuses=(), mine=False)
    for width in (60, 80, 100, 120, 160, 240):
        columns = listing.list_columns(width, [row])
        used = sum(c.width + 2 * listing.CELL_PADDING for c in columns) + listing.SCROLLBAR
        keys = [c.key for c in columns]
        assert used <= width or width < 60, (width, columns)
        assert {listing.Col.MARKS, listing.Col.VERSION, listing.Col.DATE, listing.Col.TITLE} <= set(keys)
        assert next(c.width for c in columns if c.key is listing.Col.TITLE) >= (listing.TITLE_MIN if width >= 80 else 10)
    wide = {c.key: c.width for c in listing.list_columns(240, [row])}
    assert wide[listing.Col.DRIVER] <= 18 and wide[listing.Col.TITLE] > 90


def test_help_groups_by_screen_in_key_order_and_footer_shows_quick_filters(demo_settings: Settings,
                                                                          demo_loader) -> None:
    from workbench.tui.app import help_sections
    from workbench.tui.widgets.key_bar import KeyBar

    app = WorkbenchApp(demo_settings, loader=demo_loader)

    async def script(pilot) -> None:
        sections = help_sections(app, app.screen)
        titles = [title for title, _rows in sections]
        assert titles[0] == "series list" and titles[-1] == "everywhere"
        ids = [ident for ident, in ((r[2],) for r in dict(sections)["series list"])]
        quick = [i for i in ids if i.startswith("list.quick-")]
        assert quick == ["list.quick-all", "list.quick-parent", "list.quick-review", "list.quick-docs",
                         "list.quick-incomplete", "list.quick-mine"]
        assert ids.index("list.sort") < ids.index("list.sort-reverse") < ids.index("list.quick-all")
        await pilot.press("question_mark")
        await pilot.pause()
        table = app.screen.query_one("#help-table", DataTable)
        firsts = [cell(table, i, "keys").strip() for i in range(table.row_count)]
        assert firsts[0] == "series list" and "everywhere" in firsts
        assert [k for k in firsts if k in "012345" and k] == list("012345")
        await pilot.press("escape")
        await pilot.pause()
        actions = {span.action for span in app.screen.query_one(KeyBar).spans}
        for name in ("quick('needs parent ack')", "quick('mine to act on')", "reverse_sort"):
            assert name in actions, actions

    run(app, script)


def test_drivers_are_not_drawn_in_the_error_colour(demo_settings: Settings, demo_loader) -> None:
    from rich.color import Color

    from workbench.tui import render

    app = WorkbenchApp(demo_settings, loader=demo_loader)

    async def script(pilot) -> None:
        table = app.list_screen.query_one("#series", DataTable)
        driver = table.get_cell_at((0, table.get_column_index("driver")))
        missing = Text.styled("x", render.STATUS_STYLE[Status.MISSING])
        colour = driver.style if isinstance(driver.style, str) else str(driver.style)
        assert "magenta" not in colour and "red" not in colour
        assert Color.parse(render.ACCENT).triplet != Color.parse("red").triplet
        assert missing.style != driver.style

    run(app, script)


def test_list_columns_fit_160_on_the_real_corpus(lore_store: Path, data_dir: Path, lore_cache: Path) -> None:
    """Real series touch several drivers: the driver column was 43 cells wide and pushed
    patches and A/R/T off a 160-column screen."""
    settings = Settings(db_path=lore_store, maintainers=data_dir / "MAINTAINERS", mailmap=data_dir / "mailmap",
                        cache_dir=lore_cache, show_all=True)
    app = WorkbenchApp(settings)

    async def main() -> None:
        async with app.run_test(size=(160, 48)) as pilot:
            await settle(pilot, timeout=120)
            table = app.list_screen.query_one("#series", DataTable)
            assert max(len(",".join(r.drivers)) for r in app.list_screen.rows_shown) > 18
            visible = _columns_on_screen(table)
            assert {"patches", "counts", "author", "version", "date"} <= set(visible), visible
            assert len(visible) == len(table.columns)
            drivers = [cell(table, i, "driver") for i in range(table.row_count)]
            assert all(len(d) <= 18 for d in drivers) and any("+" in d for d in drivers)

    asyncio.run(main())
