"""One series: the acceptance panel, the patches with their trailers, and the diff."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from workbench.model import Patch
from workbench.pipeline import Judged
from workbench.text import one_line
from workbench.tui import listing, render
from workbench.tui.diffs import DiffSource, Owner, PatchDiff
from workbench.tui.memory import freeze_heap, release_heap
from workbench.tui.widgets.line_view import LineView, TextLines

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp


def series_head(judged: Judged, app: "WorkbenchApp") -> Text:
    s = judged.series
    head = Text()
    head.append(f" {listing.version_label(judged, app.workbench) if app.workbench else s.version} ",
                style="bold reverse")
    head.append(" " + one_line(s.title), style="bold")
    head.append("\n ")
    head.append(one_line(s.author.display()), style="cyan")
    head.append(f" · {render.when(s.date)}", style="dim")
    head.append(" · drivers: " + (", ".join(judged.drivers) or "none (out of scope)"), style="magenta")
    present = f"{len(s.present)}/{s.expected} patches"
    head.append(" · " + present, style="" if s.complete else "bold red")
    if s.cover is None:
        head.append(" · no cover letter", style="dim")
    return head


def patch_trailers(patch: Patch) -> Text:
    lines: list[Text] = [Text(f"[{patch.number}] " + one_line(patch.subject), style="bold")]
    for f in patch.files:
        lines.append(Text(f"  {one_line(f.path)}  +{f.added} -{f.removed}", style="cyan"))
    if not patch.trailers:
        lines.append(Text("  no trailers", style="dim"))
    for t in patch.trailers:
        line = Text("  ")
        line.append(f"{t.name}: ", style="bold green" if t.name in ("Acked-by", "Reviewed-by") else "bold")
        line.append(one_line(t.person.display()))
        line.append(f"  ({t.origin.value})", style="dim")
        if t.suspect:
            line.append(f"  ⚠ suspect: sent by {one_line(t.given_by.display())}", style="bold yellow")
        lines.append(line)
    return Text("\n").join(lines)


class SeriesScreen(Screen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="view.back"),
        Binding("d", "hunks", "Hunks", id="series.hunks"),
        Binding("t", "thread", "Thread", id="series.thread"),
        Binding("v", "versions", "Versions", id="series.versions"),
        Binding("J", "patch(1)", "Next patch", show=False, id="series.next-patch"),
        Binding("K", "patch(-1)", "Previous patch", show=False, id="series.prev-patch"),
    ]

    def __init__(self, judged: Judged) -> None:
        super().__init__()
        self.judged = judged
        self._diffs: list[PatchDiff] | None = None
        self._owners: dict[str, Owner] = {}

    @property
    def wb_app(self) -> "WorkbenchApp":
        return self.app  # type: ignore[return-value]

    def on_unmount(self) -> None:
        # collect once the screen below has repainted: a closed big diff is freed then
        self.app.call_after_refresh(release_heap)

    def compose(self) -> ComposeResult:
        yield Static(series_head(self.judged, self.wb_app), id="series-head")
        with Horizontal(id="series-body"):
            with Vertical(id="series-left"):
                with VerticalScroll(id="acceptance-scroll"):
                    yield Static(render.acceptance(self.judged.checks), id="acceptance")
                yield DataTable(id="patches", cursor_type="row")
                with VerticalScroll(id="trailers-scroll"):
                    yield Static(id="trailers")
            yield LineView(id="patch-diff")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#acceptance-scroll").border_title = "acceptance"
        self.query_one("#trailers-scroll").border_title = "trailers"
        self.query_one("#patch-diff").border_title = "diff"
        table = self.query_one("#patches", DataTable)
        table.add_column("#", key="n")
        table.add_column("patch", key="title", width=40)
        table.add_column("files", key="files")
        table.add_column("A/R/T", key="art")
        for p in self.judged.series.patches:
            counts = {n: sum(1 for t in p.trailers if t.name == n) for n in ("Acked-by", "Reviewed-by", "Tested-by")}
            suspect = any(t.suspect for t in p.trailers)
            table.add_row(
                Text(str(p.number)),
                Text(one_line(p.title)),
                Text(str(len(p.files))),
                Text(f"{counts['Acked-by']}/{counts['Reviewed-by']}/{counts['Tested-by']}"
                     + (" ⚠" if suspect else ""), style="yellow" if suspect else ""),
                key=p.msgid,
            )
        table.focus()
        self.query_one("#patch-diff", LineView).set_source(
            TextLines([Text("reading the patches…", style="italic dim")]))
        self._read_diffs()

    @work(thread=True, exclusive=True, group="series-diffs")
    def _read_diffs(self) -> None:
        """Re-reading and parsing a long series' mails takes a while: the panel and the
        patch list paint first, the diff follows."""
        diffs, owners = self.wb_app.patch_diffs(self.judged)
        self.app.call_from_thread(self._diffs_ready, diffs, owners)

    def _diffs_ready(self, diffs: list[PatchDiff], owners: dict[str, Owner]) -> None:
        self._diffs, self._owners = diffs, owners
        freeze_heap()
        self._show_patch(self.query_one("#patches", DataTable).cursor_row)

    def current_patch(self) -> Patch | None:
        table = self.query_one("#patches", DataTable)
        patches = self.judged.series.patches
        if not patches or not 0 <= table.cursor_row < len(patches):
            return None
        return patches[table.cursor_row]

    def _show_patch(self, row: int) -> None:
        patches = self.judged.series.patches
        trailers = self.query_one("#trailers", Static)
        view = self.query_one("#patch-diff", LineView)
        if not patches or not 0 <= row < len(patches):
            trailers.update(Text("this series has no patches in the store", style="dim"))
            view.set_source(DiffSource([], {}))
            return
        trailers.update(patch_trailers(patches[row]))
        if self._diffs is None:
            return  # _diffs_ready shows it
        view.set_source(DiffSource([self._diffs[row]], self._owners, total=self.judged.series.expected))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "patches":
            self._show_patch(event.cursor_row)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "patches":
            event.stop()
            self.action_hunks()

    def action_patch(self, step: int) -> None:
        table = self.query_one("#patches", DataTable)
        table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + step)))

    def action_hunks(self) -> None:
        patch = self.current_patch()
        self.wb_app.open_hunks(self.judged, patch.number if patch else None)

    def action_thread(self) -> None:
        self.wb_app.open_thread(self.judged)

    def action_versions(self) -> None:
        self.wb_app.open_versions(self.judged)
