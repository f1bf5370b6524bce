"""What changed in each patch between two versions of a series (the interdiff), read
from the mail alone: no kernel tree needed. The pairing and the diffs of diffs are
worked out in a thread worker (the slowest version pair of the corpus takes ~0.5 s)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static

from workbench.analysis import Judged
from workbench.text import one_line
from workbench.tui.interdiff_view import InterdiffSource, compute, version_name
from workbench.tui.messages import InterdiffReady
from workbench.tui.widgets.key_bar import KeyBar
from workbench.tui.widgets.line_view import LineView, TextLines


class InterdiffScreen(Screen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="view.back"),
        Binding("n", "jump(1)", "Next patch", id="interdiff.next-patch"),
        Binding("N", "jump(-1)", "Prev patch", id="interdiff.prev-patch"),
    ]

    def __init__(self, older: Judged, newer: Judged, *, patch: int | None = None, why: str = "") -> None:
        super().__init__()
        self.older, self.newer = older, newer
        self.start_patch = patch
        self.why = why  # "previous version" / "since the version I reviewed"
        self.source: InterdiffSource | None = None
        self.current = 0  # the pair shown: where the last jump landed, else the top line's
        self._jumping = False

    def compose(self) -> ComposeResult:
        yield Static(id="interdiff-head")
        yield LineView(TextLines([Text("working out the interdiff…", style="dim")]), id="interdiff")
        yield KeyBar()

    def on_mount(self) -> None:
        view = self.query_one("#interdiff", LineView)
        view.focus()
        self.watch(view, "scroll_y", lambda _v: self._scrolled(), init=False)
        self._update_head()
        self._compute()

    @work(thread=True, exclusive=True, group="interdiff")
    def _compute(self) -> None:
        computed = compute(self.older, self.newer)
        self.post_message(InterdiffReady(InterdiffSource(self.older, self.newer, computed)))

    @on(InterdiffReady)
    def _ready(self, message: InterdiffReady) -> None:
        source = self.source = message.source
        view = self.query_one("#interdiff", LineView)
        view.set_source(source)
        if self.start_patch is not None:
            start = source.start_of_number(self.start_patch)
            self._land(source.patch_at(start))
        self._update_head()

    def _scrolled(self) -> None:
        if self._jumping or self.source is None:
            return
        self.current = self.source.patch_at(int(self.query_one("#interdiff", LineView).scroll_offset.y))
        self.query_one("#interdiff", LineView).mark(None)
        self._update_head()

    def _land(self, pair: int) -> None:
        """Show pair ``pair``'s heading at the top (as far as scrolling allows), marked."""
        assert self.source is not None
        view = self.query_one("#interdiff", LineView)
        self.current = pair
        self._jumping = True
        try:
            view.go_to_line(self.source.starts[pair])
        finally:
            self._jumping = False
        view.mark(self.source.starts[pair])

    def _update_head(self) -> None:
        head = Text()
        head.append(" interdiff ", style="bold reverse")
        head.append(f" {version_name(self.older)} → {version_name(self.newer)}", style="bold")
        if self.why:
            head.append(f" ({self.why})", style="dim")
        head.append("  " + one_line(self.newer.series.title), style="bold")
        if self.source is not None and self.source.pairs:
            at = self.current
            changed = sum(1 for d in self.source.diffs if d.changed)
            head.append(f"\n patch {at + 1}/{len(self.source.pairs)} · {changed} changed, "
                        f"{len(self.source.pairs) - changed} unchanged · hunk headers normalized, "
                        "context-only changes folded", style="dim")
        self.query_one("#interdiff-head", Static).update(head)

    def action_jump(self, step: int) -> None:
        if self.source is None or not self.source.starts:
            return
        self._land(min(max(self.current + step, 0), len(self.source.starts) - 1))
        self._update_head()
