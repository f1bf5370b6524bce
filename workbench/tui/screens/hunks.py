"""Every hunk of a series, with parent-driver and userspace-data hunks marked."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static

from workbench.pipeline import Judged
from workbench.text import one_line
from workbench.tui.diffs import DiffSource
from workbench.tui.memory import freeze_heap, release_heap
from workbench.tui.widgets.line_view import LineView

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp


class HunkScreen(Screen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="view.back"),
        Binding("n", "jump('hunk', 1)", "Next hunk", id="hunks.next-hunk"),
        Binding("N", "jump('hunk', -1)", "Prev hunk", id="hunks.prev-hunk"),
        Binding("right_square_bracket", "jump('file', 1)", "Next file", id="hunks.next-file"),
        Binding("left_square_bracket", "jump('file', -1)", "Prev file", id="hunks.prev-file"),
        Binding("right_curly_bracket", "jump('patch', 1)", "Next patch", id="hunks.next-patch"),
        Binding("left_curly_bracket", "jump('patch', -1)", "Prev patch", id="hunks.prev-patch"),
        Binding("u", "jump('flagged', 1)", "Next userspace hunk", id="hunks.next-userspace"),
        Binding("U", "jump('flagged', -1)", "Prev userspace hunk", show=False, id="hunks.prev-userspace"),
        Binding("p", "toggle_parent", "Parent hunks only", id="hunks.parent-only"),
    ]

    def __init__(self, judged: Judged, patch: int | None = None) -> None:
        super().__init__()
        self.judged = judged
        self.start_patch = patch
        self.parent_only = False
        self.source: DiffSource | None = None

    @property
    def wb_app(self) -> "WorkbenchApp":
        return self.app  # type: ignore[return-value]

    def on_unmount(self) -> None:
        # collect once the screen below has repainted: a closed big diff is freed then
        self.app.call_after_refresh(release_heap)

    def compose(self) -> ComposeResult:
        yield Static(id="hunk-head")
        yield LineView(id="hunks")
        yield Footer()

    def on_mount(self) -> None:
        self._rebuild()
        view = self.query_one("#hunks", LineView)
        if self.start_patch is not None:
            self.go_to_patch(self.start_patch)
        view.focus()
        self._update_head()
        first = self.source.next_of("hunk", self.top) if self.source is not None else None
        if first is not None:
            self.call_after_refresh(view.prepare, first)

    def _rebuild(self) -> None:
        diffs, owners = self.wb_app.patch_diffs(self.judged)
        self.source = DiffSource(diffs, owners, parent_only=self.parent_only,
                                 total=self.judged.series.expected)
        self.query_one("#hunks", LineView).set_source(self.source)
        freeze_heap()

    def go_to_patch(self, number: int) -> None:
        row = self.source.row_of_patch(number) if self.source is not None else None
        if row is not None:
            self.query_one("#hunks", LineView).go_to_line(row)
            self._update_head(row)

    def reloaded(self, judged: Judged) -> None:
        """The store was loaded again: rebuild from the new verdicts (a parent file's
        "approved" label comes from them), staying about where the user was."""
        top = self.top
        self.judged = judged
        self._rebuild()
        if self.source is not None:
            self.query_one("#hunks", LineView).go_to_line(min(top, len(self.source) - 1))
        self._update_head()

    @property
    def top(self) -> int:
        return int(self.query_one("#hunks", LineView).scroll_offset.y)

    def action_jump(self, kind: str, step: int) -> None:
        if self.source is None:
            return
        view = self.query_one("#hunks", LineView)
        current = self.top
        target = self.source.next_of(kind, current) if step > 0 else self.source.prev_of(kind, current)
        if target is None:
            self.notify(f"no {'next' if step > 0 else 'previous'} {_noun(kind)}", timeout=2)
            return
        view.go_to_line(target)
        self._update_head(target)
        following = self.source.next_of(kind, target) if step > 0 else self.source.prev_of(kind, target)
        if following is not None:  # the likely next jump, prepared while the user reads
            self.call_after_refresh(view.prepare, following)

    def action_toggle_parent(self) -> None:
        self.parent_only = not self.parent_only
        self._rebuild()
        self._update_head(0)

    def _update_head(self, top: int | None = None) -> None:
        source = self.source
        head = Text()
        head.append(" hunks ", style="bold reverse")
        head.append(" " + one_line(self.judged.series.title), style="bold")
        if source is not None:
            top = self.top if top is None else top
            hunks = source.hunk_rows
            index = sum(1 for h in hunks if h <= top)
            head.append(f"  hunk {index}/{len(hunks)}", style="cyan")
            row = source.rows[top] if 0 <= top < len(source.rows) else None
            if row is not None and row.path:
                head.append("  " + one_line(row.path, 70), style="dim")
            head.append(f"  · {len(source.flagged_rows)} userspace-data hunks", style="yellow")
        head.append("  · parent-driver hunks only" if self.parent_only else "  · all hunks",
                    style="magenta" if self.parent_only else "dim")
        self.query_one("#hunk-head", Static).update(head)


def _noun(kind: str) -> str:
    return {"flagged": "userspace-data hunk"}.get(kind, kind)
