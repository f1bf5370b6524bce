"""Drafting replies from the workbench: offered kinds, the in-app editor, $EDITOR, save and
discard, on a private copy of the demo store (saving writes into it) and real notmuch."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Awaitable, Callable
from email import message_from_bytes, policy
from pathlib import Path

import notmuch2
import pytest
from test_tui_markup import EVIL_NAME, EVIL_TITLE, PATCH, REPLY
from textual.widgets import DataTable, Input, Static, TextArea

from workbench.analysis import Judged, Workbench
from workbench.config import Settings
from workbench.pipeline import build_workbench
from workbench.replies import kinds as K
from workbench.tui.app import WorkbenchApp
from workbench.tui.drafting import TOAST_TEXT
from workbench.tui.launch import settle
from workbench.tui.screens.choice import ChoiceScreen, ConfirmScreen
from workbench.tui.screens.draft import DraftScreen
from workbench.tui.screens.series_view import SeriesScreen
from workbench.tui.screens.thread import ThreadScreen
from tui_support import help_rows

SIZE = (160, 48)


@pytest.fixture
def store_copy(demo_copy) -> Settings:
    """The demo store copied, so saved drafts never reach the session's shared store."""
    return demo_copy


def run(app: WorkbenchApp, script: Callable[..., Awaitable[None]]) -> None:
    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, timeout=60)
            await script(pilot)

    asyncio.run(main())


def find(wb: Workbench, words: str, version: int) -> Judged:
    for j in wb.judged:
        if words in j.series.title and j.series.version == version:
            return j
    raise AssertionError(f"demo has no series {words!r} v{version}")


async def open_series(pilot, judged: Judged) -> SeriesScreen:
    app = pilot.app
    if judged.series.id not in [j.series.id for j in app.list_screen.shown]:
        await pilot.press("a")  # superseded versions too
    index = [j.series.id for j in app.list_screen.shown].index(judged.series.id)
    app.list_screen.query_one("#series", DataTable).move_cursor(row=index)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, SeriesScreen) and app.screen.judged.series.id == judged.series.id
    return app.screen


async def wait_for(pilot, predicate: Callable[[], bool], timeout: float = 30.0) -> None:
    """Until ``predicate()`` holds (workers push screens and results from threads)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        if loop.time() > end:
            raise AssertionError("timed out waiting for the app")
        await pilot.pause(0.05)


async def open_draft(pilot, key: str) -> DraftScreen:
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, DraftScreen))
    await pilot.pause()
    return pilot.app.screen


def field(screen: DraftScreen, ident: str) -> str:
    return screen.query_one(f"#{ident}", Input).value


def drafts_on_disk(settings: Settings) -> list[Path]:
    folder = Path(settings.db_path) / settings.drafts_folder
    return sorted(p for sub in ("cur", "new", "tmp") for p in (folder / sub).glob("*")) if folder.exists() else []


def indexed(settings: Settings, msgid: str) -> tuple[set[str], str, bytes]:
    """(tags, thread id, file bytes) of a message, read from the database read-only."""
    db = notmuch2.Database(str(settings.db_path), mode=notmuch2.Database.MODE.READ_ONLY,
                           config=notmuch2.Database.CONFIG.EMPTY)
    try:
        msg = db.find(msgid)
        return set(msg.tags), msg.threadid, Path(msg.path).read_bytes()
    finally:
        db.close()


def thread_of(settings: Settings, msgid: str) -> str:
    return indexed(settings, msgid)[1]


def draft_count(settings: Settings) -> int:
    db = notmuch2.Database(str(settings.db_path), mode=notmuch2.Database.MODE.READ_ONLY,
                           config=notmuch2.Database.CONFIG.EMPTY)
    try:
        return db.count_messages("tag:draft")
    finally:
        db.close()


# -- the edit text --------------------------------------------------------------------------


def test_edit_text_round_trips_names_that_need_quoting() -> None:
    from datetime import datetime, timezone

    from workbench.model import Person
    from workbench.replies.draft import Draft
    from workbench.tui.drafting import editor_command, fields_of

    people = [Person("Tian, Kevin", "kevin.tian@intel.com"), Person('Eve "the" [red]x[/]', "eve@example.org"),
              Person("", "kvm@vger.kernel.org"), Person("Michał Winiarski", "michal.winiarski@intel.com")]
    draft = Draft(kind="reply", sender=Person("Alex Williamson", "alex@example.org"), to=people[:2],
                  cc=people[2:], subject="Re: [PATCH] x", body="Hi,\n\nbody\n", message_id="a@b",
                  in_reply_to="c@d", references=["c@d"], date=datetime(2025, 1, 1, tzinfo=timezone.utc),
                  series_id="c@d")
    back = draft.with_edit(fields_of(draft).text())
    assert back.to == draft.to and back.cc == draft.cc and back.body == draft.body
    assert editor_command({"VISUAL": "emacs -nw", "EDITOR": "vi"}) == ["emacs", "-nw"]
    assert editor_command({"EDITOR": "'/opt/my editor/ed' --x"}) == ["/opt/my editor/ed", "--x"]
    assert editor_command({"VISUAL": " ", "EDITOR": ""}) is None


# -- which drafts a series offers -------------------------------------------------------


def test_series_view_offers_only_the_kinds_that_apply(store_copy: Settings, demo_loader, demo_workbench) -> None:
    wb = demo_workbench
    qat = find(wb, "live migration support for GEN6", 1)
    offered = {o.kind for o in K.available_kinds(qat, wb.context)}
    assert offered == {K.DraftKind.REVIEW, K.DraftKind.DOCS, K.DraftKind.INCOMPLETE, K.DraftKind.THANKS, K.DraftKind.REPLY}
    app = WorkbenchApp(store_copy, loader=demo_loader)

    async def script(pilot) -> None:
        screen = await open_series(pilot, qat)
        ids = {ident for _keys, _desc, ident in help_rows(app, screen)}
        assert {"series.draft-review", "series.draft-docs", "series.draft-incomplete",
                "series.draft-thanks", "series.draft-reply"} <= ids
        assert "series.draft-parent-ack" not in ids  # no parent driver waits: not offered
        await pilot.press("A")
        await pilot.pause(0.3)
        assert app.screen is screen  # and the key does nothing
        commands = [c.title for c in app.get_system_commands(screen)]
        assert "Ask review" in commands and "Ask parent ack" not in commands
        draft = await open_draft(pilot, "I")
        assert draft.draft.kind == K.DraftKind.INCOMPLETE
        assert "never arrived" in draft.query_one("#draft-body", TextArea).text

    run(app, script)


# -- in-app editing, save, discard ---------------------------------------------------------


def test_parent_ack_draft_edited_in_app_is_saved_as_a_notmuch_draft_in_the_thread(store_copy: Settings,
                                                                                  demo_loader, demo_workbench) -> None:
    wb = demo_workbench
    xe = find(wb, "Xe VF migration", 1)
    section = wb.context.maintainers.section("INTEL DRM XE DRIVER (Lunar Lake and newer)")
    app = WorkbenchApp(store_copy, loader=demo_loader)

    async def script(pilot) -> None:
        await open_series(pilot, xe)
        screen = await open_draft(pilot, "A")  # one section waits: no question asked
        assert screen.draft.kind == K.DraftKind.PARENT_ACK and screen.draft.section == section.name
        to = field(screen, "draft-to")
        assert any(m.email in to for m in section.maintainers)
        assert field(screen, "draft-subject").startswith("Re: ")
        assert screen.focused is None and not screen.edited
        await pilot.press("i")  # into the body: typed keys are text now, not commands
        body = screen.query_one("#draft-body", TextArea)
        assert body.has_focus
        body.move_cursor((0, 0))
        await pilot.press(*"Ping, e and q. ")
        assert screen.edited and app.is_running and app.screen is screen
        await pilot.press("tab")  # tab leaves the body for the header fields
        assert not body.has_focus and isinstance(screen.focused, Input)
        cc = screen.query_one("#draft-cc", Input)
        cc.focus()
        cc.value = cc.value + ", Extra Reviewer <extra@example.org>"
        await pilot.press("ctrl+s")  # saves from inside a field
        await wait_for(pilot, lambda: app.last_saved_draft is not None)
        await pilot.pause()
        assert app.screen is not screen and isinstance(app.screen, SeriesScreen)
        saved = app.last_saved_draft
        assert saved.indexed and saved.warning is None
        assert saved.path.parent == Path(store_copy.db_path) / "Drafts" / "cur"
        # the toast stays inside its box, even on an 80-column terminal: no word longer
        # than the box is wide (the file name is folded), and it says where the file went
        toast = [n for n in app._notifications if n.title == "draft saved"][-1]
        assert not toast.markup
        assert all(len(word) <= TOAST_TEXT for word in toast.message.split())
        assert "Drafts/cur/" in toast.message and saved.path.name == "".join(toast.message.split("\n")[1:-1])

    run(app, script)
    saved = app.last_saved_draft
    tags, thread, data = indexed(store_copy, saved.msgid)
    assert "draft" in tags and not {"inbox", "unread"} & tags
    lead = xe.series.cover.msgid if xe.series.cover else xe.series.patches[0].msgid
    assert thread == thread_of(store_copy, lead) == saved.thread
    mail = message_from_bytes(data, policy=policy.default)
    assert mail.get_content().startswith("Ping, e and q. ")
    assert "extra@example.org" in str(mail["Cc"])
    assert mail["In-Reply-To"].strip("<>") in {p.msgid for p in xe.series.patches} | {lead}
    assert draft_count(store_copy) == 1


def test_two_waiting_sections_ask_which_one(store_copy: Settings, demo_loader, demo_workbench) -> None:
    wb = demo_workbench
    hisi = find(wb, "export the VF doorbell configuration", 1)
    sections = [o.section for o in K.available_kinds(hisi, wb.context) if o.kind == K.DraftKind.PARENT_ACK]
    assert len(sections) == 2
    app = WorkbenchApp(store_copy, loader=demo_loader)

    async def script(pilot) -> None:
        await open_series(pilot, hisi)
        await pilot.press("A")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen) and app.screen.options == sections
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DraftScreen))
        assert app.screen.draft.section == sections[1]

    run(app, script)


def test_discard_leaves_nothing_and_asks_only_when_edited(store_copy: Settings, demo_loader, demo_workbench) -> None:
    wb = demo_workbench
    pds = find(wb, "Restore the device state in chunks", 2)
    app = WorkbenchApp(store_copy, loader=demo_loader)

    async def script(pilot) -> None:
        series = await open_series(pilot, pds)
        await open_draft(pilot, "R")
        await pilot.press("escape")  # untouched: closes at once
        await pilot.pause()
        assert app.screen is series
        screen = await open_draft(pilot, "R")
        await pilot.press("i", *"edited")
        await pilot.press("escape")  # leaves the body
        assert screen.focused is None and app.screen is screen
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen and "edited" in screen.query_one("#draft-body", TextArea).text
        await pilot.press("q")  # quitting with the edit open asks too
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and app.is_running
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.screen is series

    run(app, script)
    assert drafts_on_disk(store_copy) == []
    assert draft_count(store_copy) == 0


def test_a_header_that_does_not_parse_is_refused_with_the_reason(store_copy: Settings, demo_loader,
                                                                 demo_workbench) -> None:
    wb = demo_workbench
    pds = find(wb, "Restore the device state in chunks", 2)
    app = WorkbenchApp(store_copy, loader=demo_loader)

    async def script(pilot) -> None:
        await open_series(pilot, pds)
        screen = await open_draft(pilot, "R")
        screen.query_one("#draft-to", Input).value = "not an address"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen and screen.saved is None
        status = screen.query_one("#draft-status", Static).render().plain
        assert "not an email address" in status

    run(app, script)
    assert drafts_on_disk(store_copy) == []


# -- $EDITOR -----------------------------------------------------------------------------


def _script(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return path


def test_editor_edits_the_draft_and_the_edit_is_saved(store_copy: Settings, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch, demo_loader,
                                                     demo_workbench) -> None:
    editor = _script(tmp_path, "ed.sh",
                     "sed -i -e 's/^Subject: .*/Subject: Re: edited by the script/' "
                     "-e '$a Reviewed-by-script was here' \"$1\"\n")
    monkeypatch.setenv("EDITOR", str(editor))
    wb = demo_workbench
    pds = find(wb, "Restore the device state in chunks", 2)
    app = WorkbenchApp(store_copy, loader=demo_loader)

    async def script(pilot) -> None:
        await open_series(pilot, pds)
        screen = await open_draft(pilot, "R")
        await pilot.press("e")
        await pilot.pause()
        assert field(screen, "draft-subject") == "Re: edited by the script"
        assert screen.query_one("#draft-body", TextArea).text.rstrip("\n").endswith("Reviewed-by-script was here")
        assert "loaded the draft from the editor" in screen.query_one("#draft-status", Static).render().plain
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.last_saved_draft is not None)

    run(app, script)
    saved = app.last_saved_draft
    assert saved.indexed
    tags, _thread, data = indexed(store_copy, saved.msgid)
    mail = message_from_bytes(data, policy=policy.default)
    assert mail["Subject"] == "Re: edited by the script" and "draft" in tags
    assert "Reviewed-by-script was here" in mail.get_content()


def test_editor_failures_keep_the_draft(store_copy: Settings, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch, demo_loader, demo_workbench) -> None:
    wb = demo_workbench
    pds = find(wb, "Restore the device state in chunks", 2)
    app = WorkbenchApp(store_copy, loader=demo_loader)
    # the file is the last argument (VISUAL below carries a flag of its own)
    quits = _script(tmp_path, "cq.sh", "for f; do :; done; echo garbage > \"$f\"; exit 1\n")
    breaks = _script(tmp_path, "nohead.sh", "sed -i -e '/^$/d' \"$1\"\n")  # no blank line left

    async def script(pilot) -> None:
        await open_series(pilot, pds)
        screen = await open_draft(pilot, "R")
        before = screen.fields()
        await pilot.press("e")
        assert "$VISUAL or $EDITOR" in screen.query_one("#draft-status", Static).render().plain
        monkeypatch.setenv("VISUAL", f"{quits} --flag")  # VISUAL wins, words split like a shell
        monkeypatch.setenv("EDITOR", "/nonexistent")
        await pilot.press("e")
        await pilot.pause()
        assert "exited with status 1" in screen.query_one("#draft-status", Static).render().plain
        assert screen.fields() == before
        monkeypatch.setenv("VISUAL", str(breaks))
        await pilot.press("e")
        await pilot.pause()
        assert "blank line" in screen.query_one("#draft-status", Static).render().plain
        assert screen.unparsed is not None and screen.fields() == before
        await pilot.press("ctrl+s")  # the broken text is not silently dropped for the old one
        await pilot.pause()
        assert screen.saved is None and app.screen is screen

    run(app, script)
    assert drafts_on_disk(store_copy) == []


# -- a locked database ------------------------------------------------------------------

_HOLDER = """
import sys, time, notmuch2
db = notmuch2.Database(sys.argv[1], mode=notmuch2.Database.MODE.READ_WRITE,
                       config=notmuch2.Database.CONFIG.EMPTY)
with db.atomic():
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
db.close()
"""


def test_locked_database_says_so_and_keeps_the_file(store_copy: Settings, demo_loader, demo_workbench) -> None:
    wb = demo_workbench
    pds = find(wb, "Restore the device state in chunks", 2)
    app = WorkbenchApp(store_copy, loader=demo_loader)
    app.draft_lock_timeout = 0.5

    async def script(pilot) -> None:
        await open_series(pilot, pds)
        screen = await open_draft(pilot, "R")
        holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(store_copy.db_path), "30"],
                                  stdout=subprocess.PIPE, text=True)
        try:
            assert holder.stdout.readline().strip() == "locked"
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: app.last_saved_draft is not None)
        finally:
            holder.kill()
            holder.wait()
            holder.stdout.close()
        await pilot.pause()
        assert app.screen is screen  # the user must read this
        status = screen.query_one("#draft-status", Static).render().plain
        assert "locked" in status and "kept" in status and str(app.last_saved_draft.path) in status
        assert app.screen.check_action("save", ()) is None  # a second file would repeat the Message-ID
        await pilot.press("escape")  # nothing unsaved to lose: closes without asking
        await pilot.pause()
        assert isinstance(app.screen, SeriesScreen)

    run(app, script)
    saved = app.last_saved_draft
    assert not saved.indexed and saved.path.is_file()
    assert drafts_on_disk(store_copy) == [saved.path]


# -- reply from the thread view, and hostile mail --------------------------------------------


def test_reply_with_my_trailer_from_the_thread_view(store_copy: Settings, demo_loader, demo_workbench) -> None:
    wb = demo_workbench
    pds = find(wb, "Restore the device state in chunks", 2)
    me = store_copy.me
    app = WorkbenchApp(store_copy, loader=demo_loader)

    async def script(pilot) -> None:
        await open_series(pilot, pds)
        await pilot.press("t")
        await pilot.pause()
        thread = app.screen
        assert isinstance(thread, ThreadScreen)
        await pilot.press("n")  # the second message
        target = thread.current_message()
        assert target is thread.messages[1]
        await pilot.press("M")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("down", "enter")  # reply with my Reviewed-by
        await wait_for(pilot, lambda: isinstance(app.screen, DraftScreen))
        draft = app.screen
        assert draft.draft.kind == K.DraftKind.REPLY and draft.draft.in_reply_to == target.msgid
        assert f"Reviewed-by: {me.display()}" in draft.query_one("#draft-body", TextArea).text

    run(app, script)


def test_hostile_mail_in_a_draft_stays_literal(make_store, demo_store, tmp_path: Path) -> None:
    root = make_store([PATCH.encode(), REPLY.encode()])
    settings = Settings(db_path=root, maintainers=demo_store.maintainers, mailmap=demo_store.mailmap,
                        me=demo_store.me, cache_dir=tmp_path / "cache")
    app = WorkbenchApp(settings)

    async def script(pilot) -> None:
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("M", "enter")  # plain reply to the patch
        await wait_for(pilot, lambda: isinstance(app.screen, DraftScreen))
        await pilot.pause()
        screen = app.screen
        assert EVIL_TITLE in field(screen, "draft-subject")
        assert EVIL_NAME in field(screen, "draft-to")
        head = screen.query_one("#draft-head", Static).render().plain
        assert EVIL_TITLE in head
        body = screen.query_one("#draft-body", TextArea).text
        assert "\x1b" not in body and "\x07" not in body and "[blink]blink[/]" in body
        svg = app.export_screenshot().replace("&#160;", " ")
        assert "[@click=app.quit]q[/]" in svg and "\x1b" not in svg
        assert app.is_running

    run(app, script)


def test_a_saved_draft_does_not_count_as_mail_after_reload(store_copy: Settings) -> None:
    """My unsent draft (tag:draft) is not a reply of mine: after a reload the maintainer
    check and the thread must be what they were, or saving a draft would tick a box."""
    wb = build_workbench(store_copy)
    pds = find(wb, "Restore the device state in chunks", 2)
    before = {c.id: c.status for c in pds.checks}
    app = WorkbenchApp(store_copy)

    async def script(pilot) -> None:
        await open_series(pilot, pds)
        await pilot.press("M", "down", "enter")  # reply with my Reviewed-by
        await wait_for(pilot, lambda: isinstance(app.screen, DraftScreen))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.last_saved_draft is not None)
        assert app.last_saved_draft.indexed
        await pilot.press("r")
        await settle(pilot, timeout=60)
        again = app.workbench.find(pds.series.id)
        assert {c.id: c.status for c in again.checks} == before
        assert app.last_saved_draft.msgid not in {r.msgid for r in again.series.replies}

    run(app, script)


# -- issue 10: fields keep their text; esc after $EDITOR ----------------------------------


def test_typing_in_a_header_field_appends_and_bad_recipients_are_refused(store_copy: Settings, demo_loader,
                                                                         demo_workbench) -> None:
    """Tabbing into To and typing once replaced the generated recipients (the field
    selected all its text on focus); the typed text now goes after what is there."""
    wb = demo_workbench
    pds = find(wb, "Restore the device state in chunks", 2)
    app = WorkbenchApp(store_copy, loader=demo_loader)

    async def script(pilot) -> None:
        await open_series(pilot, pds)
        screen = await open_draft(pilot, "R")
        to, cc, subject = (field(screen, i) for i in ("draft-to", "draft-cc", "draft-subject"))
        assert to and subject
        await pilot.press("i", "tab")  # body → the first header field
        order = []
        for _ in range(4):
            focused = screen.focused
            assert isinstance(focused, Input)
            order.append(focused.id)
            assert focused.cursor_position == len(focused.value) and focused.selection.is_empty
            if focused.id == "draft-to":
                await pilot.press(*", jgg@nvidia.com")
            elif focused.id == "draft-subject":
                await pilot.press(*" (v2)")
            await pilot.press("tab")
        assert {"draft-to", "draft-cc", "draft-subject"} <= set(order)
        assert field(screen, "draft-to") == to + ", jgg@nvidia.com"
        assert field(screen, "draft-cc") == cc
        assert field(screen, "draft-subject") == subject + " (v2)"
        for ident, value, words in (("draft-to", "jgg@nvidia.com, ", "To: address 2 is empty"),
                                    ("draft-to", "Jason Gunthorpe jgg", "not an email address"),
                                    ("draft-cc", "kvm@vger.kernel.org, not an address", "Cc: 'not an address' is not an email address"),
                                    ("draft-to", "", "To: no recipient")):
            screen.query_one(f"#{ident}", Input).value = value
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert app.screen is screen and screen.saved is None
            status = screen.query_one("#draft-status", Static).render().plain
            assert words in status, status
            screen.query_one("#draft-to", Input).value = to
            screen.query_one("#draft-cc", Input).value = cc

    run(app, script)
    assert drafts_on_disk(store_copy) == []


def test_esc_after_the_editor_reaches_discard(store_copy: Settings, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch, demo_loader, demo_workbench) -> None:
    editor = _script(tmp_path, "ed.sh", "echo 'added by the editor' >> \"$1\"\n")
    wb = demo_workbench
    pds = find(wb, "Restore the device state in chunks", 2)
    app = WorkbenchApp(store_copy, loader=demo_loader)

    async def script(pilot) -> None:
        await open_series(pilot, pds)
        for start in ((), ("i",), ("i", "tab")):  # from nothing focused, the body, a header field
            screen = await open_draft(pilot, "R")
            await pilot.press(*start)
            monkeypatch.setenv("EDITOR", str(editor))
            if start:
                await pilot.press("escape")
            await pilot.press("e")
            await pilot.pause()
            assert "added by the editor" in screen.query_one("#draft-body", TextArea).text
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, ConfirmScreen), (start, screen.focused)
            await pilot.press("y")
            await pilot.pause()
            assert isinstance(app.screen, SeriesScreen)

    run(app, script)
