"""Every hunk of a series, with parent-driver and userspace-data hunks marked."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static

from workbench.analysis import Judged
from workbench.text import one_line
from workbench.tui.diffs import DiffSource, PatchDiff
from workbench.tui.memory import hold_heap, release_heap
from workbench.tui.messages import Anchor, CommentRequested
from workbench.tui.render import ACCENT
from workbench.tui.widgets.key_bar import KeyBar
from workbench.tui.widgets.line_view import LineView
from workbench.views.owners import Owner


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
        Binding("c", "comment", "Comment", id="hunks.comment"),
    ]

    def __init__(self, judged: Judged, diffs: list[PatchDiff], owners: dict[str, Owner], *,
                 patch: int | None = None) -> None:
        """``diffs``/``owners``: the series' patches, read and parsed (the series view
        read them; the app keeps them)."""
        super().__init__()
        self.judged = judged
        self.diffs, self.owners = diffs, owners
        self.start_patch = patch
        self.parent_only = False
        self.source: DiffSource | None = None
        self._held = False  # froze the heap for a big diff (workbench.tui.memory)

    def on_unmount(self) -> None:
        # collect once the screen below has repainted: a closed big diff is freed then
        if self._held:
            self.app.call_after_refresh(release_heap)

    def compose(self) -> ComposeResult:
        yield Static(id="hunk-head")
        yield LineView(id="hunks")
        yield KeyBar()

    def on_mount(self) -> None:
        self._rebuild()
        view = self.query_one("#hunks", LineView)
        self.watch(view, "scroll_y", self._scrolled, init=False)
        view.focus()
        if self.start_patch is not None:
            self.go_to_patch(self.start_patch)
        self._update_head()
        first = self.source.next_of("hunk", self.position) if self.source is not None else None
        if first is not None:
            self.call_after_refresh(view.prepare, first)

    def _rebuild(self) -> None:
        self.source = DiffSource(self.diffs, self.owners, parent_only=self.parent_only,
                                 total=self.judged.series.expected)
        self.query_one("#hunks", LineView).set_source(self.source)
        self._landed = None
        self._held = hold_heap(len(self.source)) or self._held

    # -- where the user is ------------------------------------------------------------
    #
    # A jump puts its row at the top of the view, except near the end, where the view
    # cannot scroll that far: the row then sits lower down. The row a jump landed on is
    # therefore kept (and highlighted) as the position, for as long as the view stays
    # where the jump left it; the next jump and the head's "hunk i/N" count from it, not
    # from whatever row happens to be at the top. Scrolling by hand makes the top row
    # the position again.

    _landed: tuple[int, int] | None = None  # (row jumped to, view top it left)
    _jumping = False

    @property
    def top(self) -> int:
        return int(self.query_one("#hunks", LineView).scroll_offset.y)

    @property
    def position(self) -> int:
        if self._landed is not None and self._landed[1] == self.top:
            return self._landed[0]
        return self.top

    def _land(self, row: int, *, again: bool = True) -> None:
        view = self.query_one("#hunks", LineView)
        self._jumping = True
        try:
            view.go_to_line(row)
        finally:
            self._jumping = False
        self._landed = (row, self.top)
        view.mark(row if self.top != row else None)
        if again and self.top < row:
            # not laid out yet (the view has no height before its first layout): again after it
            self.call_after_refresh(self._settle_landing, row)
        self._update_head()

    def _settle_landing(self, row: int) -> None:
        if self._landed is not None and self._landed[0] == row:
            self._land(row, again=False)

    def _scrolled(self, _old: float, _new: float) -> None:
        if self._jumping or self._landed is None or self._landed[1] == self.top:
            return
        self._landed = None
        self.query_one("#hunks", LineView).mark(None)
        self._update_head()

    def action_comment(self) -> None:
        """A review comment on one of the diff lines on screen (the first one under where
        the last jump landed is offered first)."""
        if self.source is None:
            return
        view = self.query_one("#hunks", LineView)
        height = max(1, view.scrollable_content_region.height)
        anchors: list[Anchor] = []
        labels: list[str] = []
        for i in range(self.position, min(len(self.source.rows), self.position + height)):
            row = self.source.rows[i]
            patch = self.judged.series.patch(row.patch)
            if row.kind != "line" or row.sign == "\\" or patch is None:
                continue
            anchors.append((patch.msgid, row.path, row.hunk, row.index, row.sign + row.text))
            number = row.new_no if row.new_no is not None else row.old_no
            labels.append(f"[{row.patch}] {row.path.rsplit('/', 1)[-1]}:{number} {row.sign}{row.text}")
        if not anchors:
            self.notify("no diff line on screen to comment on", timeout=4)
            return
        self.post_message(CommentRequested(self.judged, anchors, labels))

    def go_to_patch(self, number: int) -> None:
        row = self.source.row_of_patch(number) if self.source is not None else None
        if row is not None:
            self._land(row)

    def reloaded(self, judged: Judged, diffs: list[PatchDiff], owners: dict[str, Owner]) -> None:
        """The store was loaded again: rebuild from the new verdicts (a parent file's
        "approved" label comes from them), staying about where the user was."""
        position = self.position
        self.judged = judged
        self.diffs, self.owners = diffs, owners
        self._rebuild()
        if self.source is not None:
            self._land(max(0, min(position, len(self.source) - 1)))

    def action_jump(self, kind: str, step: int) -> None:
        if self.source is None:
            return
        view = self.query_one("#hunks", LineView)
        current = self.position
        target = self.source.next_of(kind, current) if step > 0 else self.source.prev_of(kind, current)
        if target is None:
            self.notify(f"no {'next' if step > 0 else 'previous'} {_noun(kind)}", timeout=2)
            return
        self._land(target)
        following = self.source.next_of(kind, target) if step > 0 else self.source.prev_of(kind, target)
        if following is not None:  # the likely next jump, prepared while the user reads
            self.call_after_refresh(view.prepare, following)

    def action_toggle_parent(self) -> None:
        self.parent_only = not self.parent_only
        self._rebuild()
        self._update_head()

    def _update_head(self) -> None:
        source = self.source
        head = Text()
        head.append(" hunks ", style="bold reverse")
        head.append(" " + one_line(self.judged.series.title), style="bold")
        if source is not None:
            at = self.position
            hunks = len(source.hunk_rows)
            count, inside = source.hunk_position(at)
            if inside or not hunks:
                head.append(f"  hunk {count}/{hunks}", style="cyan")
            elif count < hunks:  # on a patch or file header: say which hunk comes next
                head.append(f"  before hunk {count + 1}/{hunks}", style="cyan")
            else:
                head.append(f"  after the last hunk ({hunks})", style="cyan")
            row = source.rows[at] if 0 <= at < len(source.rows) else None
            if row is not None and row.path:
                head.append("  " + one_line(row.path, 70), style="dim")
            head.append(f"  · {len(source.flagged_rows)} userspace-data hunks", style="yellow")
        head.append("  · parent-driver hunks only" if self.parent_only else "  · all hunks",
                    style=ACCENT if self.parent_only else "dim")
        self.query_one("#hunk-head", Static).update(head)


def _noun(kind: str) -> str:
    return {"flagged": "userspace-data hunk"}.get(kind, kind)
