"""Editing a reply draft, in the app or in ``$EDITOR``, then saving or discarding it.

The screen opens with no field focused, so its single-letter keys act (``e`` hands the
draft to ``$VISUAL``/``$EDITOR``, ``i`` starts typing in the body, tab reaches the
headers); esc leaves a field, and esc outside a field discards (asking first when the
draft was edited). ctrl+s saves from anywhere.

A header field keeps its text when it is reached with tab, the cursor at its end: the
generated recipients are what the user adds to (Textual's Input selects everything on
focus, so the first typed key used to replace them). To and Cc are checked item by item
before the core parses them, so a stray comma or a name without an address is named.

Saving runs in a worker: indexing waits for notmuch's write lock (a running
``notmuch new`` holds it) for a few seconds before it gives up. Whatever happens the user
is told where the draft went; once a file has been written the draft cannot be saved a
second time (that would make two files with one Message-ID).

Everything shown comes from mail or from the user: it reaches the screen as ``Text`` or
as widget values, never as markup.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Input, Label, Static, TextArea

from workbench.analysis import Judged
from workbench.config import Settings
from workbench.errors import DraftError
from workbench.mail.drafts import LOCK_TIMEOUT, SavedDraft, save_draft
from workbench.replies.draft import Draft
from workbench.text import one_line
from workbench.tui.drafting import (
    DraftFields,
    editor_command,
    fields_of,
    recipient_problem,
    run_editor,
    saved_message,
    write_edit_file,
)
from workbench.tui.messages import DraftSaved, DraftSaveEnded
from workbench.tui.render import ACCENT
from workbench.tui.screens.choice import ConfirmScreen
from workbench.tui.widgets.key_bar import KeyBar

_FIELDS = (("From", "draft-from"), ("To", "draft-to"), ("Cc", "draft-cc"), ("Subject", "draft-subject"))


class DraftScreen(Screen):
    AUTO_FOCUS = ""  # nothing focused: the screen's keys act until the user starts typing

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save draft", priority=True, id="draft.save"),
        Binding("e", "editor", "$EDITOR", id="draft.editor"),
        Binding("i", "edit_body", "Edit here", id="draft.edit"),
        # priority: esc must reach "leave the field / discard?" whatever holds the focus
        # (after $EDITOR the user once had to focus the body again to get there)
        Binding("escape", "back", "Leave field / discard", priority=True, id="draft.back"),
    ]

    def __init__(self, judged: Judged, draft: Draft, settings: Settings, *,
                 lock_timeout: float = LOCK_TIMEOUT) -> None:
        """``lock_timeout``: how long a save waits for notmuch's write lock."""
        super().__init__()
        self.judged = judged
        self.draft = draft
        self.settings = settings
        self.lock_timeout = lock_timeout
        self.original = fields_of(draft)
        self.unparsed: str | None = None  # editor text that did not parse, kept for the next e
        self.saving = False
        self.saved: SavedDraft | None = None

    # -- layout -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(self._head(), id="draft-head")
        for label, ident in _FIELDS:
            with Horizontal(classes="draft-field"):
                yield Label(label, classes="draft-label")
                yield Input(id=ident, compact=True, select_on_focus=False)
        yield TextArea(id="draft-body", soft_wrap=True, tab_behavior="focus")
        yield Static(id="draft-status")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#draft-body").border_title = "body"
        self._fill(self.original)
        notes = Text()
        for note in self.draft.notes:
            notes.append(" note: " + one_line(note) + "  ", style="yellow")
        k = self._key
        self._status(notes if notes else Text(
            f" {k('draft.edit')}: edit the body here · tab: the headers · {k('draft.back')}: leave a field, "
            f"then discard · {k('draft.editor')}: $EDITOR · {k('draft.save')}: save", style="dim"))

    def _head(self) -> Text:
        d = self.draft
        head = Text()
        head.append(f" draft: {d.kind} ", style="bold reverse")
        if d.section:
            head.append(" " + one_line(d.section), style=ACCENT)
        head.append(" " + one_line(self.judged.series.title), style="bold")
        head.append("\n in reply to ")
        head.append(f"<{one_line(d.in_reply_to, 70)}>", style="cyan")
        head.append(f" · References: {len(d.references)}")
        folder = one_line(self.settings.drafts_folder)
        head.append(f" · {self._key('draft.save')} saves it to {folder}/ as a notmuch draft "
                    "(+draft -inbox -unread)", style="dim")
        return head

    def _key(self, binding_id: str) -> str:
        """The key the active keymap gives a binding, as the footer shows it (hints
        must not name a key a user's keymap moved)."""
        binding = next(b for b in Binding.make_bindings(self.BINDINGS) if b.id == binding_id)
        keys = getattr(self.app, "keymap", {}).get(binding_id, binding.key)
        return "/".join(self.app.get_key_display(replace(binding, key=k)) for k in keys.split(","))

    def _fill(self, fields: DraftFields) -> None:
        for (_label, ident), value in zip(_FIELDS, (fields.sender, fields.to, fields.cc, fields.subject), strict=True):
            self.query_one(f"#{ident}", Input).value = value
        self.query_one("#draft-body", TextArea).load_text(fields.body)

    @on(events.DescendantFocus)
    def _field_focused(self, event: events.DescendantFocus) -> None:
        """A header field reached (tab, click, after an edit refilled it): the cursor
        goes after the text, nothing selected, so typing adds to it."""
        if isinstance(event.widget, Input):
            event.widget.cursor_position = len(event.widget.value)

    def _status(self, text: Text) -> None:
        self.query_one("#draft-status", Static).update(text)

    def _error(self, message: str) -> None:
        self._status(Text(" ✗ " + one_line(message), style="bold red"))

    # -- state ------------------------------------------------------------------------

    def fields(self) -> DraftFields:
        sender, to, cc, subject = (self.query_one(f"#{ident}", Input).value for _label, ident in _FIELDS)
        return DraftFields(sender, to, cc, subject, body=self.query_one("#draft-body", TextArea).text)

    def current_text(self) -> str:
        return self.unparsed if self.unparsed is not None else self.fields().text()

    @property
    def edited(self) -> bool:
        return self.current_text() != self.original.text()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("save", "editor", "edit_body") and (self.saving or self.saved is not None):
            return None  # shown, greyed: a file was written (or is being written)
        return True

    # -- actions ----------------------------------------------------------------------

    def action_edit_body(self) -> None:
        self.query_one("#draft-body", TextArea).focus()

    def action_back(self) -> None:
        if isinstance(self.focused, (Input, TextArea)):
            self.set_focus(None)
            return
        if self.saving:
            self._error("the draft is being saved; wait for the result")
            return
        if self.saved is not None or not self.edited:
            self.dismiss(None)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen("Discard this draft and your edits? Nothing is saved."), answered)

    def action_editor(self) -> None:
        command = editor_command()
        if command is None:
            self._error("set $VISUAL or $EDITOR to edit the draft in your editor (or press i to edit here)")
            return
        path = write_edit_file(self.current_text())
        try:
            with self.app.suspend():
                outcome = run_editor(command, path)
        except SuspendNotSupported:  # headless or web: there is no terminal to hand over
            outcome = run_editor(command, path)
        # back from the terminal: nothing focused (as when e was pressed), so the next esc
        # goes to "discard?", and the whole screen repainted over what the editor left
        self.set_focus(None)
        self.app.refresh(repaint=True, layout=True)
        if outcome.text is None:
            self._error(outcome.problem or "the editor failed")
            return
        self.load_edit(outcome.text, source="the editor")

    def load_edit(self, text: str, *, source: str) -> None:
        """Show text edited outside the screen; text that does not parse is kept (the
        next ``e`` reopens it) rather than thrown away."""
        try:
            edited = self.draft.with_edit(text)
        except DraftError as err:
            self.unparsed = text
            self._error(f"{err} — the text from {source} is kept: press e to fix it")
            return
        self.unparsed = None
        self._fill(fields_of(edited))
        self._status(Text(f" ✓ loaded the draft from {source}", style="green"))

    def recipients_problem(self) -> str | None:
        if self.unparsed is not None:
            return None  # the editor's text is parsed (and refused) as a whole below
        fields = self.fields()
        return (recipient_problem("To", fields.to, required=True)
                or recipient_problem("Cc", fields.cc, required=False))

    def action_save(self) -> None:
        if self.saving or self.saved is not None:
            return
        problem = self.recipients_problem()
        if problem is not None:
            self._error(f"{problem} — nothing was saved")
            return
        try:
            draft = self.draft.with_edit(self.current_text())
        except DraftError as err:
            self._error(str(err))
            return
        draft = replace(draft, date=datetime.now().astimezone())  # Date: when it was written
        self.saving = True
        self.refresh_bindings()
        self._status(Text(" saving the draft… (waiting for the notmuch database when it is busy)",
                          style="italic"))
        self._save(draft.as_bytes())

    @work(thread=True, exclusive=True, group="draft-save")
    def _save(self, data: bytes) -> None:
        try:
            saved = save_draft(data, self.settings, lock_timeout=self.lock_timeout)
        except DraftError as err:
            self.post_message(DraftSaveEnded(None, str(err)))
            return
        except Exception as err:  # noqa: BLE001 — say it, never a traceback over the draft
            self.post_message(DraftSaveEnded(None, f"internal error: {type(err).__name__}: {err}"))
            return
        self.post_message(DraftSaveEnded(saved))

    @on(DraftSaveEnded)
    def _save_ended(self, message: DraftSaveEnded) -> None:
        if message.saved is None:
            self._save_failed(message.error or "not saved")
        else:
            self._saved(message.saved)

    def _save_failed(self, message: str) -> None:
        """Nothing was written: the draft stays editable and can be saved again."""
        self.saving = False
        self.refresh_bindings()
        self._error(f"{message} — nothing was saved; the draft is still here")

    def _saved(self, saved: SavedDraft) -> None:
        self.saving = False
        self.saved = saved
        self.app.post_message(DraftSaved(saved))  # before the dismiss: the app keeps it
        self.refresh_bindings()
        if saved.indexed:
            root = self.settings.db_path
            self.app.notify(saved_message(saved.path, Path(root) if root else None),
                            title="draft saved", timeout=8, markup=False)
            self.dismiss(None)
            return
        self._error(f"draft file kept, but not indexed: {saved.warning}")
        self.app.notify(one_line(saved.warning or "not indexed"), title="draft not indexed",
                        severity="error", timeout=30, markup=False)
