"""The revision chain of a series and what changed from one version to the next."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static

from workbench.analysis import Judged, Workbench
from workbench.report.marks import CHECK_LETTER, STATUS_MARK
from workbench.text import one_line
from workbench.tui import listing, render
from workbench.tui.messages import OpenSeries
from workbench.tui.widgets.key_bar import KeyBar
from workbench.versions.pairing import chain, check_changes, patch_changes

_KIND_STYLE = {"changed": "yellow", "unchanged": "dim", "added": "green", "dropped": "red"}


class VersionsScreen(Screen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="view.back"),
        Binding("enter", "open", "Open version", id="versions.open"),
    ]

    def __init__(self, judged: Judged, workbench: Workbench | None) -> None:
        super().__init__()
        self.judged = judged
        self.workbench = workbench
        self.versions: list[Judged] = []

    def compose(self) -> ComposeResult:
        yield Static(id="versions-head")
        yield DataTable(id="versions", cursor_type="row")
        with VerticalScroll(id="changes-scroll"):
            yield Static(id="changes")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#versions", DataTable)
        table.add_column("version", key="version")
        table.add_column("date", key="date")
        table.add_column("patches", key="patches")
        table.add_column(render.marks_header(listing.LIST_CHECKS), key="marks")
        table.add_column("checks changed", key="changed")
        table.add_column("id", key="id")
        self.query_one("#changes-scroll").border_title = "changes from the previous version"
        self._fill()
        table.focus()

    def reloaded(self, judged: Judged, workbench: Workbench) -> None:
        """The store was loaded again: the chain and its verdicts as they are now (a new
        version shows up), the cursor staying on the version it was on."""
        row = self.query_one("#versions", DataTable).cursor_row
        at = self.versions[row].series.id if 0 <= row < len(self.versions) else judged.series.id
        self.judged = judged
        self.workbench = workbench
        self._fill()
        self.highlight(at)

    def _fill(self) -> None:
        wb = self.workbench
        self.versions = chain(self.judged, wb) if wb is not None else [self.judged]
        head = Text()
        head.append(" versions ", style="bold reverse")
        head.append(" " + one_line(self.judged.series.title), style="bold")
        head.append(f"  {len(self.versions)} in the store", style="cyan")
        self.query_one("#versions-head", Static).update(head)
        table = self.query_one("#versions", DataTable)
        table.clear()
        previous: Judged | None = None
        for j in self.versions:
            s = j.series
            changed = Text()
            if previous is not None:
                for c in check_changes(previous, j):
                    changed.append(f"{CHECK_LETTER.get(c.check, c.check)} ")
                    changed.append_text(render.mark(c.before))
                    changed.append("→")
                    changed.append_text(render.mark(c.after))
                    changed.append("  ")
            table.add_row(
                Text(f"{'RFC ' if s.rfc else ''}v{s.version}", style="bold" if j is self.judged else ""),
                Text(listing.date_label(s.date)),
                Text(f"{len(s.present)}/{s.expected}"),
                render.marks(j.checks, listing.LIST_CHECKS),
                changed,
                Text(one_line(s.id, 50), style="dim"),
                key=s.id,
            )
            previous = j
        if self.judged in self.versions:
            table.move_cursor(row=self.versions.index(self.judged), animate=False)
        self._show_changes(table.cursor_row)

    def highlight(self, series_id: str) -> None:
        """Put the cursor on one version (returning here from one of the versions)."""
        for row, j in enumerate(self.versions):
            if j.series.id == series_id:
                self.query_one("#versions", DataTable).move_cursor(row=row, animate=False)
                return

    def _show_changes(self, row: int) -> None:
        out = self.query_one("#changes", Static)
        if not 0 <= row < len(self.versions):
            out.update("")
            return
        if row == 0:
            out.update(Text("the first version in the store: nothing to compare with", style="dim"))
            return
        older, newer = self.versions[row - 1], self.versions[row]
        lines = [Text(f"v{older.series.version} → v{newer.series.version}", style="bold")]
        for c in check_changes(older, newer):
            line = Text(f"  {c.check}: ")
            line.append(f"{STATUS_MARK[c.before]} {c.before.value}", style=render.STATUS_STYLE[c.before])
            line.append(" → ")
            line.append(f"{STATUS_MARK[c.after]} {c.after.value}", style=render.STATUS_STYLE[c.after])
            lines.append(line)
        for pc in patch_changes(older, newer):
            nums = f"{pc.old or '-'}→{pc.new or '-'}"
            line = Text(f"  {pc.kind:<9} ", style=_KIND_STYLE[pc.kind])
            line.append(f"{nums:<7} ", style="dim")
            line.append(one_line(pc.title))
            lines.append(line)
        out.update(Text("\n").join(lines))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_changes(event.cursor_row)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        row = self.query_one("#versions", DataTable).cursor_row
        if 0 <= row < len(self.versions):  # one open below returns to it
            self.post_message(OpenSeries(self.versions[row]))
