"""Two small dialogs for the maintainer's own bookkeeping: a triage state's note (and a
snooze's date), and a review comment on a diff line.

Everything shown that came from mail (the diff lines a comment can sit on) is plain
``Text``, never markup.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from workbench.state.model import LABELS, TriageState
from workbench.text import one_line

SNOOZE_DAYS = 7


class StateNoteScreen(ModalScreen[tuple[date | None, str] | None]):
    """Dismissed with (snooze date or None, note), or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="state.cancel"),
    ]

    DEFAULT_CSS = """
    StateNoteScreen { align: center middle; }
    #state-box { height: auto; width: 70; }
    """

    def __init__(self, state: TriageState, note: str = "", *, today: date | None = None) -> None:
        super().__init__()
        self.state = state
        self.note = note
        self.today = today or date.today()

    def compose(self) -> ComposeResult:
        with Vertical(id="state-box", classes="dialog"):
            yield Static(Text(f"set the state to {LABELS[self.state]}", style="bold"))
            if self.state is TriageState.SNOOZED:
                yield Static(Text("until (YYYY-MM-DD or +N days):", style="dim"))
                yield Input(value=(self.today + timedelta(days=SNOOZE_DAYS)).isoformat(), id="state-until")
            yield Static(Text("note (enter to save, esc to cancel):", style="dim"))
            yield Input(value=self.note, id="state-note")
            yield Static(id="state-error")

    def on_mount(self) -> None:
        self.query(Input).first().focus()

    def _until(self) -> date | None:
        if self.state is not TriageState.SNOOZED:
            return None
        text = self.query_one("#state-until", Input).value.strip()
        if text.startswith("+") and text[1:].isdigit():
            return self.today + timedelta(days=int(text[1:]))
        return date.fromisoformat(text)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            until = self._until()
        except ValueError:
            self.query_one("#state-error", Static).update(Text("not a date: YYYY-MM-DD or +N", style="bold red"))
            return
        if until is not None and until <= self.today:
            self.query_one("#state-error", Static).update(Text("a snooze ends after today", style="bold red"))
            return
        self.dismiss((until, one_line(self.query_one("#state-note", Input).value)))

    def action_cancel(self) -> None:
        self.dismiss(None)


class CommentScreen(ModalScreen[tuple[int, str] | None]):
    """Pick the diff line (of those on screen) and write the comment; dismissed with
    (index of the line, text) or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="comment.cancel"),
    ]

    DEFAULT_CSS = """
    CommentScreen { align: center middle; }
    #comment-box { height: auto; max-height: 90%; }
    #comment-lines { height: auto; max-height: 24; }
    """

    def __init__(self, lines: list[str], start: int = 0) -> None:
        super().__init__()
        self.lines = lines
        self.start = start

    def compose(self) -> ComposeResult:
        with Vertical(id="comment-box", classes="dialog"):
            yield Static(Text("comment on a line (tab: line list / text, enter: save, esc: cancel)", style="bold"))
            yield OptionList(*(Option(Text(one_line(line, 150)), id=str(i)) for i, line in enumerate(self.lines)),
                             id="comment-lines")
            yield Input(placeholder="your comment", id="comment-text")

    def on_mount(self) -> None:
        options = self.query_one("#comment-lines", OptionList)
        if self.lines:
            options.highlighted = min(self.start, len(self.lines) - 1)
        self.query_one("#comment-text", Input).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#comment-text", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        index = self.query_one("#comment-lines", OptionList).highlighted
        if not text or index is None:
            return
        self.dismiss((index, text))

    def action_cancel(self) -> None:
        self.dismiss(None)
