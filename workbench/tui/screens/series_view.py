"""One series: the acceptance panel, the patches with their trailers, and the diff.

The patches are re-read from their mails in two thread workers, one after the other: the
highlighted patch first (``FirstDiffReady``), then, once that diff is painted, the rest
(``DiffsReady``, which the app keeps for the hunk view). Reading the rest holds the GIL
for a while; started before the paint it delayed the first diff of an 11k-line series by
~90 ms.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static

from workbench.analysis import Judged, Workbench
from workbench.kernel.maintainers import Maintainers
from workbench.model import Carried, Patch
from workbench.policy.people import provenance_words
from workbench.replies import kinds as K
from workbench.replies.kinds import DraftOffer
from workbench.state.chains import ChainIndex, reviewed_posting
from workbench.state.model import TriageState
from workbench.text import one_line
from workbench.tui import listing, render
from workbench.tui.diffs import DiffSource, PatchDiff, diff_lines, load_patch_diff
from workbench.tui.drafting import REPLY_TRAILERS, DraftRequest, offered_kinds, parent_sections, reply_label
from workbench.tui.memory import hold_heap, release_heap
from workbench.tui.messages import (
    DiffsReady,
    DraftRequested,
    FirstDiffReady,
    OpenHunks,
    OpenInterdiff,
    OpenThread,
    OpenVersions,
    StateRequested,
    TakeRequested,
)
from workbench.tui.screens.choice import ChoiceScreen
from workbench.tui.screens.reply import ask_reply
from workbench.tui.widgets.key_bar import KeyBar
from workbench.tui.widgets.line_view import LineView, TextLines
from workbench.versions.pairing import previous_version
from workbench.views.owners import Owner, owners_for


def series_head(judged: Judged, workbench: Workbench | None, chains: ChainIndex | None = None) -> Text:
    s = judged.series
    head = Text()
    head.append(f" {listing.version_label(judged, workbench) if workbench else s.version} ",
                style="bold reverse")
    head.append(" " + one_line(s.title), style="bold")
    head.append("\n ")
    head.append(one_line(s.author.display()), style="cyan")
    head.append(f" · {render.when(s.date)}", style="dim")
    head.append(" · drivers: " + (", ".join(judged.drivers) or "none (out of scope)"), style=render.ACCENT)
    present = f"{len(s.present)}/{s.expected} patches"
    head.append(" · " + present, style="" if s.complete else "bold red")
    if chains is not None:
        status = chains.status(judged)
        head.append(f" · state: {status.effective.label}", style="bold")
        if status.effective.note:
            head.append(f" ({one_line(status.effective.note, 60)})", style="italic")
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
            line.append(f"  ⚠ suspect: sent by {one_line(t.sender.display())}", style="bold yellow")
        origin = provenance_words(t)
        if origin:
            style = "bold yellow" if t.carried is Carried.UNTRACED else "dim"
            line.append(f"  {one_line(origin, 90)}", style=style)
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
        # One key per kind of draft; check_action hides the kinds this series cannot use.
        Binding("A", "draft('parent-ack')", "Ask parent ack", id="series.draft-parent-ack"),
        Binding("R", "draft('review')", "Ask review", id="series.draft-review"),
        Binding("D", "draft('docs')", "Ask docs", id="series.draft-docs"),
        Binding("I", "draft('incomplete')", "Ask missing patches", id="series.draft-incomplete"),
        Binding("T", "draft('thanks')", "Thanks", id="series.draft-thanks"),
        Binding("M", "draft('reply')", "Reply", id="series.draft-reply"),
        # my triage and review (workbench.state, workbench.versions)
        Binding("s", "set_state", "State", id="series.set-state"),
        Binding("z", "snooze", "Snooze", id="series.snooze"),
        Binding("i", "interdiff", "Interdiff", id="series.interdiff"),
        Binding("w", "since_reviewed", "Since I reviewed", id="series.since-reviewed"),
        Binding("C", "review_draft", "Review draft", id="series.draft-comments"),
        Binding("a", "take", "git am mbox", id="series.take"),
    ]

    def __init__(self, judged: Judged, workbench: Workbench | None,
                 diffs: tuple[list[PatchDiff], dict[str, Owner]] | None = None,
                 chains: ChainIndex | None = None) -> None:
        """``diffs``: the series' parsed diffs when the app kept them (opened before);
        ``chains``: my triage state, as the app last read it."""
        super().__init__()
        self.judged = judged
        self.workbench = workbench
        self.chains = chains
        self._kept = diffs
        self._diffs: list[PatchDiff] | None = None
        self._owners: dict[str, Owner] = {}
        self.offers: list[DraftOffer] = []
        self.diff_shown = False  # the highlighted patch's diff is on screen
        self._first: tuple[int, PatchDiff, dict[str, Owner]] | None = None  # read ahead of the rest
        self.hunks_asked: int | None = None  # d/enter while reading: the patch to open at
        self._held = False  # froze the heap for a big diff (workbench.tui.memory)

    def on_unmount(self) -> None:
        # collect once the screen below has repainted: a closed big diff is freed then
        if self._held:
            self.app.call_after_refresh(release_heap)

    def compose(self) -> ComposeResult:
        yield Static(series_head(self.judged, self.workbench, self.chains), id="series-head")
        with Horizontal(id="series-body"):
            with Vertical(id="series-left"):
                with VerticalScroll(id="acceptance-scroll"):
                    yield Static(render.acceptance(render.panel_rows(self.judged)), id="acceptance")
                yield DataTable(id="patches", cursor_type="row")
                with VerticalScroll(id="trailers-scroll"):
                    yield Static(id="trailers")
            yield LineView(id="patch-diff")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#acceptance-scroll").border_title = "acceptance"
        self.query_one("#trailers-scroll").border_title = "trailers"
        self.query_one("#patches").border_title = "patches (enter: hunks)"
        self.query_one("#patch-diff").border_title = "diff"
        table = self.query_one("#patches", DataTable)
        table.add_column("#", key="n")
        table.add_column("patch", key="title", width=40)
        table.add_column("files", key="files")
        table.add_column("A/R/T", key="art")
        self._fill()
        table.focus()
        kept, self._kept = self._kept, None
        if kept is not None:
            self._show_diffs(*kept)
        else:
            self._read_diffs(self.judged, table.cursor_row)

    def _fill(self) -> None:
        """Offers, patch rows and a "reading" diff pane for ``self.judged``."""
        wb = self.workbench
        self.offers = K.available_kinds(self.judged, wb.context if wb else None)
        self.refresh_bindings()
        table = self.query_one("#patches", DataTable)
        table.clear()
        robots = render.robot_patches(self.judged)
        for p in self.judged.series.patches:
            counts = {n: sum(1 for t in p.trailers if t.name == n) for n in ("Acked-by", "Reviewed-by", "Tested-by")}
            suspect = any(t.suspect for t in p.trailers)
            table.add_row(
                Text(str(p.number)) + (Text(" CI!", style="bold red") if p.number in robots else Text("")),
                Text(one_line(p.title)),
                Text(str(len(p.files))),
                Text(f"{counts['Acked-by']}/{counts['Reviewed-by']}/{counts['Tested-by']}"
                     + (" ⚠" if suspect else ""), style="yellow" if suspect else ""),
                key=p.msgid,
            )
        self.query_one("#patch-diff", LineView).set_source(
            TextLines([Text("reading the patches…", style="italic dim")]))

    @property
    def reading(self) -> bool:
        """The patches are still being read (the hunk view would have to wait for them)."""
        return self._diffs is None and bool(self.judged.series.patches)

    def reloaded(self, judged: Judged, workbench: Workbench) -> None:
        """The store was loaded again (``r``): show the new verdicts of this series in
        place, keeping the highlighted patch, and read its patches again."""
        row = self.query_one("#patches", DataTable).cursor_row
        self.judged = judged
        self.workbench = workbench
        self.hunks_asked = None
        self._diffs, self._owners, self._first = None, {}, None
        self.diff_shown = False
        self.query_one("#series-head", Static).update(series_head(judged, workbench, self.chains))
        self.query_one("#acceptance", Static).update(render.acceptance(render.panel_rows(judged)))
        self._fill()
        table = self.query_one("#patches", DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(row, table.row_count - 1)), animate=False)
        self._read_diffs(judged, table.cursor_row)

    # Re-reading and parsing a long series' mails takes a while: the panel and the patch
    # list paint first, then the diff of the highlighted patch (one mail), then the rest
    # (which the hunk view needs too). Each message names the ``judged`` it was read for:
    # a reload replaces ``self.judged``, and a read of the old one is then dropped.

    def _read_diffs(self, judged: Judged, row: int) -> None:
        if 0 <= row < len(judged.series.patches):
            self._read_first(judged, row)
        else:
            self._read_rest(judged, None)

    def _maintainers(self) -> Maintainers | None:
        return self.workbench.context.maintainers if self.workbench is not None else None

    @work(thread=True, exclusive=True, group="series-diffs")
    def _read_first(self, judged: Judged, row: int) -> None:
        diff = load_patch_diff(judged.series.patches[row])
        self.post_message(FirstDiffReady(judged, row, diff, owners_for(judged, self._maintainers())))

    @work(thread=True, exclusive=True, group="series-diffs")
    def _read_rest(self, judged: Judged, known: PatchDiff | None) -> None:
        diffs = [known if known is not None and known.number == p.number else load_patch_diff(p)
                 for p in judged.series.patches]
        self.post_message(DiffsReady(judged, diffs, owners_for(judged, self._maintainers())))

    @on(FirstDiffReady)
    def _first_ready(self, message: FirstDiffReady) -> None:
        if message.judged is not self.judged:
            return
        self._first = (message.row, message.diff, message.owners)
        if self._diffs is None:
            self._show_patch(self.query_one("#patches", DataTable).cursor_row)
        # the rest once this diff is painted (reading it holds the GIL: see the docstring)
        self.call_after_refresh(self._read_the_rest, message.judged, message.diff)

    def _read_the_rest(self, judged: Judged, known: PatchDiff) -> None:
        if judged is self.judged and self._diffs is None:
            self._read_rest(judged, known)

    @on(DiffsReady)
    def _diffs_ready(self, message: DiffsReady) -> None:
        """Show them; the message then goes on to the app, which keeps them."""
        if message.judged is not self.judged:
            message.stop()  # read for a series a reload replaced: nobody keeps it
            return
        self._show_diffs(message.diffs, message.owners)

    def _show_diffs(self, diffs: list[PatchDiff], owners: dict[str, Owner]) -> None:
        self._diffs, self._owners = diffs, owners
        self._held = hold_heap(diff_lines(diffs)) or self._held
        self._show_patch(self.query_one("#patches", DataTable).cursor_row)
        asked, self.hunks_asked = self.hunks_asked, None
        if asked is not None and self.app.screen is self:
            self.post_message(OpenHunks(self.judged, asked))

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
            if self._first is not None and self._first[0] == row:
                _row, diff, owners = self._first
                view.set_source(DiffSource([diff], owners, total=self.judged.series.expected))
                self.diff_shown = True
            else:
                view.set_source(TextLines([Text("reading the patches…", style="italic dim")]))
                self.diff_shown = False
            return  # _diffs_ready shows the others
        view.set_source(DiffSource([self._diffs[row]], self._owners, total=self.judged.series.expected))
        self.diff_shown = True

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
        """The hunk view needs every patch read. Asked for before that, it opens when
        the reading ends; meanwhile this screen keeps the keys (opened at once it would
        block on the reading, and the keys typed while waiting would land in it)."""
        patch = self.current_patch()
        if self.reading:
            self.hunks_asked = patch.number if patch else 0
            self.notify("still reading the patches: the hunk view opens when they are read", timeout=3)
            return
        self.post_message(OpenHunks(self.judged, patch.number if patch else None))

    def action_thread(self) -> None:
        self.post_message(OpenThread(self.judged))

    def action_versions(self) -> None:
        self.post_message(OpenVersions(self.judged))

    # -- drafts -------------------------------------------------------------------------

    def states_changed(self, chains: ChainIndex | None) -> None:
        """My triage state was set or read again: the head shows it."""
        self.chains = chains
        heads = self.query("#series-head")  # empty before the screen is composed
        if heads:
            heads.first(Static).update(series_head(self.judged, self.workbench, chains))

    def action_set_state(self) -> None:
        self.post_message(StateRequested(self.judged))

    def action_snooze(self) -> None:
        self.post_message(StateRequested(self.judged, TriageState.SNOOZED))

    def action_interdiff(self) -> None:
        """The highlighted patch against its predecessor in the previous version."""
        wb = self.workbench
        older = previous_version(self.judged, wb) if wb is not None else None
        if older is None:
            self.notify("no earlier version of this series in the store", timeout=4)
            return
        patch = self.current_patch()
        self.post_message(OpenInterdiff(older, self.judged, patch.number if patch else None, "previous version"))

    def action_since_reviewed(self) -> None:
        """Everything that changed since the version I last reviewed (set "reviewing" on,
        or wrote in)."""
        reviewed = reviewed_posting(self.chains, self.judged) if self.chains is not None else None
        if reviewed is None:
            self.notify("no earlier version I reviewed (set 'reviewing' or replied to) in the store", timeout=5)
            return
        patch = self.current_patch()
        self.post_message(OpenInterdiff(reviewed, self.judged, patch.number if patch else None,
                                        "since the version I reviewed"))

    def action_take(self) -> None:
        """The newest version of this chain as an mbox for ``git am``, in the current
        directory (as ``b4 am`` writes it), trailers collected by the trust model."""
        self.post_message(TakeRequested(self.judged))

    def action_review_draft(self) -> None:
        """The highlighted patch's comments (c in the hunk view) as a review reply."""
        patch = self.current_patch()
        if patch is None:
            return

        def chosen(index: int | None) -> None:
            if index is not None:
                self.post_message(DraftRequested(self.judged, DraftRequest(
                    K.DraftKind.COMMENTS, target_msgid=patch.msgid, trailer=REPLY_TRAILERS[index])))

        self.app.push_screen(ChoiceScreen(f"review of patch {patch.number}: add my trailer?",
                                          [reply_label(t) for t in REPLY_TRAILERS]), chosen)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "draft":
            return bool(parameters) and parameters[0] in offered_kinds(self.offers)
        return True

    def action_draft(self, name: str) -> None:
        if name not in offered_kinds(self.offers):
            return  # a kind that does not apply (reached through a stale binding)
        kind = K.DraftKind(name)  # an action's argument arrives as the kind's text
        if kind == K.DraftKind.PARENT_ACK:
            sections = parent_sections(self.offers)
            if len(sections) == 1:
                self.post_message(DraftRequested(self.judged, DraftRequest(kind, section=sections[0])))
                return

            def chosen(index: int | None) -> None:
                if index is not None:
                    self.post_message(DraftRequested(self.judged, DraftRequest(kind, section=sections[index])))

            self.app.push_screen(ChoiceScreen("ask which parent-driver section for its approval?",
                                              sections), chosen)
            return
        if kind == K.DraftKind.REPLY:
            patch = self.current_patch()
            self.ask_reply(patch.msgid if patch else None,
                           f"[{patch.number}/{self.judged.series.expected}] {patch.subject}" if patch
                           else self.judged.series.title)
            return
        self.post_message(DraftRequested(self.judged, DraftRequest(kind)))

    def ask_reply(self, msgid: str | None, what: str) -> None:
        ask_reply(self, self.judged, msgid, what)
