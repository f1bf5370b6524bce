"""The messages of a series in thread order, with the trailers each one gave."""

from __future__ import annotations

from bisect import bisect_right
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static

from workbench.analysis import Judged, Workbench
from workbench.text import one_line
from workbench.tui.screens.reply import ask_reply
from workbench.tui.thread import thread_lines
from workbench.tui.widgets.key_bar import KeyBar
from workbench.tui.widgets.line_view import LineView, TextLines
from workbench.views.thread import ThreadMessage, thread_messages


class ThreadScreen(Screen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="view.back"),
        Binding("n", "jump(1)", "Next message", id="thread.next"),
        Binding("N", "jump(-1)", "Prev message", id="thread.prev"),
        Binding("M", "reply", "Reply to this message", id="thread.reply"),
    ]

    def __init__(self, judged: Judged, workbench: Workbench | None) -> None:
        super().__init__()
        self.judged = judged
        self.messages: list[ThreadMessage] = thread_messages(judged, workbench)
        self.starts: list[int] = []
        self.lines: list[Text] = []
        self.current = 0

    def compose(self) -> ComposeResult:
        yield Static(id="thread-head")
        yield LineView(id="thread")
        yield KeyBar()

    def on_mount(self) -> None:
        self.lines, self.starts = thread_lines(self.messages)
        view = self.query_one("#thread", LineView)
        self._select(0, scroll=False)
        view.focus()

    def reloaded(self, judged: Judged, workbench: Workbench) -> None:
        """The store was loaded again: the thread as it is now (a new reply shows up),
        staying on the message the user was on when it is still there."""
        current = self.current_message()
        msgid = current.msgid if current else None
        self.judged = judged
        self.messages = thread_messages(judged, workbench)
        self.lines, self.starts = thread_lines(self.messages)
        ids = [m.msgid for m in self.messages]
        self._select(ids.index(msgid) if msgid in ids else 0, scroll=False)

    def _head(self) -> Text:
        suspect = sum(1 for m in self.messages for t in m.trailers if t.suspect)
        head = Text()
        head.append(" thread ", style="bold reverse")
        head.append(" " + one_line(self.judged.series.title), style="bold")
        if self.messages:
            head.append(f"  message {self.current + 1}/{len(self.messages)}", style="cyan")
        else:
            head.append("  no messages", style="cyan")
        if suspect:
            head.append(f"  · {suspect} suspect trailers", style="bold yellow")
        return head

    def _select(self, index: int, *, scroll: bool = True) -> None:
        """Make message ``index`` the current one: its first line is highlighted, it is
        what M replies to, and n/N count from it (a short thread cannot scroll, so the
        scroll position alone cannot say which message the user is on)."""
        self.current = index
        lines = list(self.lines)
        if self.starts:
            marked = lines[self.starts[index]].copy()
            marked.stylize("reverse")
            lines[self.starts[index]] = marked
        view = self.query_one("#thread", LineView)
        view.set_source(TextLines(lines), keep_scroll=True)
        if scroll and self.starts:
            view.go_to_line(self.starts[index])
        self.query_one("#thread-head", Static).update(self._head())

    def current_message(self) -> ThreadMessage | None:
        return self.messages[self.current] if self.messages else None

    def action_reply(self) -> None:
        message = self.current_message()
        if message is None:
            self.notify("no message to reply to", timeout=2)
            return
        ask_reply(self, self.judged, message.msgid, message.subject)

    def action_jump(self, step: int) -> None:
        if not self.starts:
            return
        view = self.query_one("#thread", LineView)
        base = self.current
        if self.starts[base] not in view.visible_range():  # scrolled away: count from what is shown
            base = max(0, bisect_right(self.starts, int(view.scroll_offset.y)) - 1)
            if step < 0 and self.starts[base] < int(view.scroll_offset.y):
                base += 1  # the message above the top is the previous one
        target = base + step
        if not 0 <= target < len(self.messages):
            self.notify("no more messages", timeout=2)
            return
        self._select(target)
