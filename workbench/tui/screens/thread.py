"""The messages of a series in thread order, with the trailers each one gave."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static

from workbench.pipeline import Judged, Workbench
from workbench.text import one_line
from workbench.tui.thread import ThreadMessage, thread_lines, thread_messages
from workbench.tui.widgets.line_view import LineView, TextLines


class ThreadScreen(Screen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="view.back"),
        Binding("n", "jump(1)", "Next message", id="thread.next"),
        Binding("N", "jump(-1)", "Prev message", id="thread.prev"),
    ]

    def __init__(self, judged: Judged, workbench: Workbench | None) -> None:
        super().__init__()
        self.judged = judged
        self.messages: list[ThreadMessage] = thread_messages(judged, workbench)
        self.starts: list[int] = []

    def compose(self) -> ComposeResult:
        yield Static(id="thread-head")
        yield LineView(id="thread")
        yield Footer()

    def on_mount(self) -> None:
        lines, self.starts = thread_lines(self.messages)
        view = self.query_one("#thread", LineView)
        view.set_source(TextLines(lines))
        view.focus()
        suspect = sum(1 for m in self.messages for t in m.trailers if t.suspect)
        head = Text()
        head.append(" thread ", style="bold reverse")
        head.append(" " + one_line(self.judged.series.title), style="bold")
        head.append(f"  {len(self.messages)} messages", style="cyan")
        if suspect:
            head.append(f"  · {suspect} suspect trailers", style="bold yellow")
        self.query_one("#thread-head", Static).update(head)

    def action_jump(self, step: int) -> None:
        view = self.query_one("#thread", LineView)
        top = int(view.scroll_offset.y)
        if step > 0:
            i = bisect_right(self.starts, top)
            target = self.starts[i] if i < len(self.starts) else None
        else:
            i = bisect_left(self.starts, top)
            target = self.starts[i - 1] if i > 0 else None
        if target is None:
            self.notify("no more messages", timeout=2)
            return
        view.go_to_line(target)
