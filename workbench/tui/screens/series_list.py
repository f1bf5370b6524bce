"""The morning view: every current variant-driver series and what it still needs."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import DataTable, Input, ProgressBar, Static

from workbench.analysis import Judged, Workbench
from workbench.config import Settings
from workbench.state.chains import ChainIndex
from workbench.state.model import LABELS, TriageState
from workbench.text import one_line
from workbench.tui import listing, render
from workbench.tui.listing import ListRow, Quick, SortKey
from workbench.tui.messages import OpenKept, OpenSeries, QueryRequested, StateRequested
from workbench.tui.screens.choice import ChoiceScreen
from workbench.tui.widgets.key_bar import KeyBar

_SORT = Binding.Group("sort / reverse")
_QUICK = Binding.Group("all·parent·review·docs·incomplete·mine", compact=True)

def _tail(path: str, parts: int = 2) -> str:
    """The last components of a path: enough to tell which file, stable across machines."""
    bits = [b for b in path.replace("\\", "/").split("/") if b]
    return "/".join(bits[-parts:]) if bits else path


class SeriesListScreen(Screen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open", id="list.open"),
        Binding("slash", "filter", "Filter", id="list.filter"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="list.clear"),
        Binding("colon", "query", "Query", id="list.query"),
        Binding("o", "cycle_sort", "Sort", id="list.sort", group=_SORT),
        Binding("O", "reverse_sort", "Reverse sort", id="list.sort-reverse", group=_SORT),
        Binding("a", "toggle_all", "All/current", id="list.all"),
        # shown in the footer as one group: "0-5 quick filter" keys side by side
        Binding("0", "quick('all')", "All", id="list.quick-all", group=_QUICK),
        Binding("1", "quick('needs parent ack')", "Needs parent ack", id="list.quick-parent", group=_QUICK),
        Binding("2", "quick('needs review')", "Needs review", id="list.quick-review", group=_QUICK),
        Binding("3", "quick('needs docs')", "Needs docs", id="list.quick-docs", group=_QUICK),
        Binding("4", "quick('incomplete')", "Incomplete", id="list.quick-incomplete", group=_QUICK),
        Binding("5", "quick('mine to act on')", "Mine to act on", id="list.quick-mine", group=_QUICK),
        Binding("s", "set_state", "State", id="list.set-state"),
        Binding("z", "snooze", "Snooze", id="list.snooze"),
        Binding("S", "state_filter", "By state", id="list.state-filter"),
        Binding("down", "cursor('down')", "Next series", show=False, id="list.down"),
        Binding("up", "cursor('up')", "Previous series", show=False, id="list.up"),
        Binding("home", "cursor('top')", "First series", show=False, id="list.top"),
        Binding("end", "cursor('bottom')", "Last series", show=False, id="list.bottom"),
    ]

    # How the rows are chosen and ordered; one watcher (``_view_changed``) shows the rows
    # again whichever of them changed.
    quick: var[Quick] = var(Quick.ALL, init=False)
    sort: var[SortKey] = var(SortKey.DATE, init=False)
    reverse: var[bool] = var(False, init=False)
    show_all: var[bool] = var(False, init=False)
    states: var[frozenset[str]] = var(frozenset(), init=False)  # my triage states shown (empty: any)

    def __init__(self, settings: Settings) -> None:
        super().__init__(id="series-list")
        self.settings = settings  # the app replaces it when the query changes
        self._chains: ChainIndex | None = None  # my triage state, as the app last read it
        self.rows_shown: list[ListRow] = []
        self._rows: list[ListRow] = []
        self._judged: dict[str, Judged] = {}
        self._preview = False  # rows of the last load, shown while this one runs
        self._pending_open: str | None = None  # a series asked for before the load finished
        self._workbench: Workbench | None = None
        self._error: str | None = None
        self._loading: tuple[int, int] | None = None
        self._ready = False  # columns exist: updates can go to the widgets
        self.columns: tuple[listing.Column, ...] = ()

    def compose(self) -> ComposeResult:
        yield Static(id="list-head")
        yield Input(placeholder="filter: title, author, driver (enter: done, esc: clear)", id="filter")
        with Horizontal(id="load-row"):
            yield Static("loading mail…", id="load-label")
            yield ProgressBar(id="load-progress", show_eta=False)
        table: DataTable = DataTable(id="series", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static(id="list-status")
        yield KeyBar()

    def on_mount(self) -> None:
        self.show_all = self.settings.show_all  # before _ready: the watcher does nothing yet
        for name in ("quick", "sort", "reverse", "show_all", "states"):
            self.watch(self, name, self._view_changed, init=False)
        table = self.query_one("#series", DataTable)
        self._set_columns(self.app.size.width)
        self.query_one("#filter", Input).display = False
        table.focus()
        self._ready = True
        if self._loading is not None:
            self.show_load_progress(*self._loading)
            if self._preview:
                self.refresh_rows()
        else:
            self.set_workbench(self._workbench, self._error, self._chains)

    # -- columns ----------------------------------------------------------------------

    def _set_columns(self, width: int) -> bool:
        """Lay the columns out for ``width`` (see ``listing.list_columns``); True when
        they changed (the rows must then be added again)."""
        columns = listing.list_columns(width, self._rows)
        if columns == self.columns:
            return False
        self.columns = columns
        table = self.query_one("#series", DataTable)
        table.clear(columns=True)
        for column in columns:
            table.add_column(listing.COLUMN_LABEL[column.key], key=column.key.value, width=column.width)
        return True

    def on_resize(self, event: events.Resize) -> None:
        if self._ready and self._set_columns(event.size.width):
            self.refresh_rows()

    # -- data -----------------------------------------------------------------------

    def show_load_progress(self, done: int, total: int) -> None:
        self._loading = (done, total)
        if not self._ready:
            return  # on_mount shows it
        row = self.query_one("#load-row")
        row.display = True
        bar = self.query_one("#load-progress", ProgressBar)
        bar.update(total=total or None, progress=done)
        label = f"loading mail… {done}/{total}" if total else "loading mail…"
        self.query_one("#load-label", Static).update(label)

    @property
    def shown(self) -> list[Judged]:
        """The judged series in the rows shown (none while only the preview is up)."""
        return [self._judged[r.id] for r in self.rows_shown if r.id in self._judged]

    def set_preview(self, rows: list[ListRow]) -> None:
        """Paint the rows the last load of the same inputs ended with."""
        if self._workbench is not None:
            return  # the real thing is already here
        self._rows, self._judged, self._preview = rows, {}, True
        if self._ready:
            self.refresh_rows()

    def set_workbench(self, workbench: Workbench | None, error: str | None = None,
                      chains: ChainIndex | None = None) -> None:
        """The loaded workbench (or the error) with my triage state of its chains."""
        self._chains = chains
        self._workbench = workbench
        self._error = error
        self._loading = None
        self._preview = False
        self._rows = listing.rows_of(workbench, self._chains) if workbench is not None else []
        self._judged = {j.series.id: j for j in workbench.judged} if workbench is not None else {}
        if not self._ready:
            return
        self.query_one("#load-row").display = False
        self.refresh_rows()
        pending, self._pending_open = self._pending_open, None
        if pending and pending in self._judged and self.app.screen is self:
            self.post_message(OpenSeries(self._judged[pending]))

    def _view_changed(self) -> None:
        if self._ready:
            self.refresh_rows()

    def refresh_rows(self, keep: str | None = None) -> None:
        self._set_columns(self.app.size.width)  # sized to the rows: they may be new
        table = self.query_one("#series", DataTable)
        if keep is None and self.rows_shown and table.row_count:
            keep = self.current_id()
        table.clear()
        text = self.query_one("#filter", Input).value
        self.rows_shown = listing.select_rows(self._rows, show_all=self.show_all, quick=self.quick, text=text,
                                              sort=self.sort, reverse=self.reverse, states=self.states)
        for row in self.rows_shown:
            self._add_row(table, row)
        if keep:
            for i, row in enumerate(self.rows_shown):
                if row.id == keep:
                    table.move_cursor(row=i, animate=False)
                    break
        self._update_head()
        self._update_status()

    def _add_row(self, table: DataTable, row: ListRow) -> None:
        # an applied series keeps its marks, dimmed: history, not work
        faded = "dim" if not row.current or not row.in_scope or row.applied else ""
        statuses = {ident: listing.Status(value) for ident, value in row.statuses}
        width = {c.key: c.width for c in self.columns}
        Col = listing.Col
        cells = {
            Col.MARKS: lambda: _faded(render.marks_of(statuses, listing.LIST_CHECKS), faded),
            Col.DRIVER: lambda: Text(listing.abbreviate_drivers(tuple(one_line(d) for d in row.drivers),
                                                                width[Col.DRIVER]),
                                     style=faded or render.ACCENT),
            Col.TITLE: lambda: Text.assemble(("applied " if row.applied else "", "green"),
                                             (one_line(row.title), faded), overflow="ellipsis", no_wrap=True),
            Col.VERSION: lambda: Text(one_line(row.version), style=faded or ("yellow" if row.superseded else "")),
            Col.AUTHOR: lambda: Text(one_line(row.author), style=faded, overflow="ellipsis", no_wrap=True),
            Col.DATE: lambda: Text(listing.date_label(row.when), style="dim"),
            Col.PATCHES: lambda: Text(f"{row.present}/{row.expected}", style="red" if not row.complete else ""),
            Col.COUNTS: lambda: Text(row.counts),
            Col.LAST: lambda: Text(listing.date_label(row.last_when), style="dim"),
            Col.NEW: lambda: Text(listing.new_label(row), style=faded or ("bold" if row.wrote else "dim")),
            Col.STATE: lambda: Text(one_line(row.state_label), style=faded or _STATE_STYLE.get(row.state, "")),
        }
        table.add_row(*(cells[c.key]() for c in self.columns), key=row.id)

    def current_row(self) -> ListRow | None:
        table = self.query_one("#series", DataTable)
        if not self.rows_shown or not 0 <= table.cursor_row < len(self.rows_shown):
            return None
        return self.rows_shown[table.cursor_row]

    def current(self) -> Judged | None:
        row = self.current_row()
        return self._judged.get(row.id) if row else None

    def current_id(self) -> str | None:
        row = self.current_row()
        return row.id if row else None

    def _update_head(self) -> None:
        head = Text()
        head.append(" vfio-workbench ", style="bold reverse")
        head.append(f"  view: {self.quick.value}", style="bold")
        if self.states:
            head.append(" · state: " + ", ".join(LABELS[TriageState(v)] for v in sorted(self.states)), style="bold")
        head.append(f" · sort: {self.sort.value}{' (reversed)' if self.reverse else ''}")
        head.append(" · " + ("all series" if self.show_all else "current, in scope"))
        # what was loaded (the query with --since folded in), else what is being loaded
        query = self._workbench.context.query if self._workbench else self.settings.effective_query()
        head.append(" · query: ")
        head.append(one_line(query, 70), style="cyan")
        text = self.query_one("#filter", Input).value
        if text:
            head.append(" · filter: ")
            head.append(one_line(text, 40), style="bold yellow")
        self.query_one("#list-head", Static).update(head)

    def _update_status(self) -> None:
        status = Text()
        wb = self._workbench
        if self._error:
            status.append("✗ ", style="bold red")
            status.append(one_line(self._error), style="red")
            status.append("   (r: retry, : change the query)", style="dim")
        elif wb is not None or self._preview:
            total = len(self._rows)
            hidden = total - sum(1 for r in self._rows if self.show_all or (r.current and r.in_scope))
            status.append(f"{len(self.rows_shown)} shown", style="bold")
            status.append(f" of {total} series")
            if hidden:
                status.append(f" ({hidden} superseded or out of scope hidden: a shows them)", style="dim")
            if wb is None:
                status.append(" · as at the last load of this store (unchanged since); "
                              "judging it again", style="italic yellow")
            else:
                status.append(f" · MAINTAINERS: {one_line(_tail(wb.context.maintainers.origin))}")
                if wb.problems:
                    status.append(f" · {len(wb.problems)} unreadable messages", style="yellow")
        self.query_one("#list-status", Static).update(status)

    # -- actions --------------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "series":
            event.stop()
            self.action_open()

    def action_open(self) -> None:
        judged = self.current()
        if judged is not None:
            self.post_message(OpenSeries(judged))
        elif self._preview and (row := self.current_row()) is not None:
            # opened from what the last load kept of its chain when it can be (the app
            # answers with OpenSeries), else when the load is done
            self._pending_open = row.id
            self.post_message(OpenKept(row.id))

    def take_pending_open(self, series_id: str) -> bool:
        """Whether ``series_id`` is the series still waiting to open (it no longer is)."""
        if self._pending_open != series_id or self.app.screen is not self:
            return False
        self._pending_open = None
        return True

    def action_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.display = True
        field.focus()

    def action_clear_filter(self) -> None:
        field = self.query_one("#filter", Input)
        had = bool(field.value)
        field.value = ""
        field.display = False
        self.query_one("#series", DataTable).focus()
        if had:
            self.refresh_rows()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.refresh_rows()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            if not event.value:
                event.input.display = False
            self.query_one("#series", DataTable).focus()

    def action_query(self) -> None:
        self.post_message(QueryRequested())

    def action_cycle_sort(self) -> None:
        order = list(SortKey)
        self.sort = order[(order.index(self.sort) + 1) % len(order)]

    def action_reverse_sort(self) -> None:
        self.reverse = not self.reverse

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all

    def action_quick(self, name: str) -> None:
        self.quick = Quick(name)

    def states_changed(self, chains: ChainIndex | None) -> None:
        """The triage state file changed (or was read again): the rows show it now."""
        self._chains = chains
        if self._workbench is not None:
            self._rows = listing.rows_of(self._workbench, chains)
            if self._ready:
                self.refresh_rows()

    def action_set_state(self) -> None:
        judged = self.current()
        if judged is not None:
            self.post_message(StateRequested(judged))

    def action_snooze(self) -> None:
        judged = self.current()
        if judged is not None:
            self.post_message(StateRequested(judged, TriageState.SNOOZED))

    def action_state_filter(self) -> None:
        """A quick filter by my triage state ("waiting" also shows "new version": the
        author answered what I waited for)."""
        options: list[tuple[str, frozenset[str]]] = [("any state", frozenset())]
        for state in TriageState:
            wanted = {state.value}
            if state is TriageState.WAITING:
                wanted.add(TriageState.NEW_VERSION.value)
            options.append((LABELS[state], frozenset(wanted)))

        def chosen(index: int | None) -> None:
            if index is not None:
                self.states = options[index][1]

        self.app.push_screen(ChoiceScreen("show the series in state", [label for label, _s in options]), chosen)

    def action_cursor(self, where: str) -> None:
        table = self.query_one("#series", DataTable)
        if where == "down":
            table.action_cursor_down()
        elif where == "up":
            table.action_cursor_up()
        elif where == "top":
            table.move_cursor(row=0)
        elif where == "bottom":
            table.move_cursor(row=max(0, table.row_count - 1))


_STATE_STYLE = {"new": "dim", "reviewing": "bold cyan", "waiting": "yellow", "new-version": "bold magenta",
                "queued": "bold green", "rejected": "red", "snoozed": "dim italic"}


def _faded(text: Text, style: str) -> Text:
    if style:
        text.stylize(style)
    return text
