"""The Textual workbench: loads the store in a worker and hosts the screens.

Loading runs in a thread worker (``build_workbench`` does notmuch and file I/O) that posts
its progress and its result as messages (``workbench.tui.messages``), so the list answers
keys while a large store loads; ``r`` runs the same worker again, and the cache makes that
cheap. The screens never call the app: they post what the user asked for (open a series,
its hunks, a draft…) and the handlers here, which own the screen stack, the loaded
workbench and the parsed diffs, act on it.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from functools import partial
from typing import ClassVar, TypeVar

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Input, TextArea

from workbench.analysis import Judged, Progress, Workbench
from workbench.state.chains import ChainIndex
from workbench.config import DEFAULT_QUERY, Settings
from workbench.errors import DraftError, WorkbenchError
from workbench.replies import kinds as K
from workbench.state.model import LABELS, SETTABLE, Comment, TriageState
from workbench.kernel.maintainers import Maintainers
from workbench.mail.drafts import LOCK_TIMEOUT, SavedDraft
from workbench.mail.session import StoreSession
from workbench.pipeline import build_workbench
from workbench.tui import keymap as keymaps
from workbench.tui import messages as M
from workbench.tui import opening, preview
from workbench.tui.diffs import PatchDiff, load_patch_diff, warm_highlighter
from workbench.tui.drafting import DraftRequest
from workbench.tui import triage_state
from workbench.tui.memory import freeze_heap
from workbench.tui.reloaded import series_changes
from workbench.tui.screens.choice import ChoiceScreen, ConfirmScreen
from workbench.tui.screens.draft import DraftScreen
from workbench.tui.screens.help import HelpScreen
from workbench.tui.screens.hunks import HunkScreen
from workbench.tui.screens.interdiff import InterdiffScreen
from workbench.tui.screens.query import QueryScreen
from workbench.tui.screens.series_list import SeriesListScreen
from workbench.tui.screens.series_view import SeriesScreen
from workbench.tui.screens.thread import ThreadScreen
from workbench.tui.screens.triage import CommentScreen, StateNoteScreen
from workbench.tui.screens.versions import VersionsScreen
from workbench.tui.widgets.line_view import LineView
from workbench.views.owners import Owner, owners_for

Loader = Callable[[Settings, Progress, StoreSession], Workbench]
"""What the app loads with (``build_workbench``; tests hand over prebuilt ones): the
settings, a progress callback, and the load's one look at the store."""
_S = TypeVar("_S", bound=Screen)

_DIFF_CACHE = 8


class WorkbenchApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "vfio-workbench"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("r", "reload", "Reload", id="app.reload"),
        Binding("ctrl+p", "command_palette", "Commands", show=False, id="app.commands"),
    ]

    def __init__(self, settings: Settings, *, keymap: str | None = None,
                 loader: Loader | None = None) -> None:
        super().__init__()
        _start_resource_tracker()
        self.settings = settings
        self.keymap_name = keymap or settings.keymap
        self.keymap, self.keymap_files = keymaps.load_keymap(self.keymap_name)
        keymaps.validate(self.keymap, binding_scopes(), origin=f"keymap {self.keymap_files[-1]}")
        self._loader: Loader = loader or build_workbench
        self.workbench: Workbench | None = None
        self.load_error: str | None = None
        self.load_seconds: float | None = None
        self.loaded = asyncio.Event()  # set after each load, successful or not
        self.list_screen = SeriesListScreen(settings)
        self._diffs: OrderedDict[str, tuple[list[PatchDiff], dict[str, Owner]]] = OrderedDict()
        self.draft_lock_timeout = LOCK_TIMEOUT  # how long a save waits for notmuch's write lock
        self.last_saved_draft: SavedDraft | None = None
        self.chains: ChainIndex | None = None  # my triage state of every chain, as last read
        self.unread: set[str] | None = None  # notmuch's unread tag, read with each load
        self.review_comments: dict[str, tuple[str, list[int]]] = {}  # draft msgid -> (patch, comment ids)
        # before the first load ends: the chains the last load kept (workbench.tui.opening),
        # the series asked for from the painted list, and the workbenches of the chains
        # opened from them (by every series id in them), replaced when the load ends
        self._kept_chains: opening.KeptChains | None = None
        self._kept_wanted: str | None = None
        self._provisional: dict[str, Workbench] = {}
        self._looks_owed: list[str] = []  # series opened before the load: their look is kept then

    @property
    def maintainers(self) -> Maintainers | None:
        return self.workbench.context.maintainers if self.workbench else None

    def on_mount(self) -> None:
        self.set_keymap(self.keymap)
        self.push_screen(self.list_screen)
        self.start_load()

    # -- loading --------------------------------------------------------------------

    def start_load(self) -> None:
        self.loaded.clear()
        self.list_screen.show_load_progress(0, 0)
        self._load()

    @work(thread=True, exclusive=True, group="load")
    def _load(self) -> None:
        started = time.perf_counter()

        posted = 0.0

        def progress(done: int, total: int) -> None:
            # at most ~20 reports a second (the parse pool reports every few files): the
            # queue must not fill with progress a 40k-message load outpaces
            nonlocal posted
            now = time.perf_counter()
            if done >= total or now - posted >= 0.05:
                posted = now
                self.post_message(M.LoadProgress(done, total))

        # one look at the store for the whole load: the kept pictures, the records, the
        # unread tag (read in the same look) and keeping the pictures of this load
        with StoreSession(self.settings) as session:
            session.want_tag("unread")
            first = self.workbench is None
            if first and (rows := preview.kept_rows(self.settings, session)) is not None:
                self.post_message(M.PreviewReady(rows))
                if (kept := opening.kept_chains(self.settings, session)) is not None:
                    self.post_message(M.ChainsKept(kept))
            try:
                workbench = self._loader(self.settings, progress, session)
            except WorkbenchError as err:
                self.post_message(M.Loaded(None, str(err), time.perf_counter() - started))
                return
            except Exception as err:  # noqa: BLE001 — show it, never a traceback over the UI
                self.post_message(M.Loaded(None, f"internal error: {type(err).__name__}: {err}",
                                           time.perf_counter() - started))
                return
            unread = _unread(session)
            self.post_message(M.Loaded(workbench, None, time.perf_counter() - started, unread))
            # after the paint: the user is not waiting for these
            preview.keep_rows(self.settings, workbench, session)
            opening.keep_chains(self.settings, workbench, session)
        warm_highlighter()

    # One queue (the app's) carries the preview, the progress and the result, in the order
    # the worker posted them: a late progress report never shows the bar over the rows.

    @on(M.PreviewReady)
    def _preview_ready(self, message: M.PreviewReady) -> None:
        self.list_screen.set_preview(message.rows)

    @on(M.ChainsKept)
    def _chains_kept(self, message: M.ChainsKept) -> None:
        if self.workbench is not None:
            return
        self._kept_chains = message.kept
        if self._kept_wanted is not None:
            self._open_kept(message.kept, self._kept_wanted)

    @on(M.OpenKept)
    def open_kept(self, message: M.OpenKept) -> None:
        """A series of the painted list asked for before the load ended: judged from its
        kept chain alone when the last load kept one (else it opens when the load ends)."""
        if self.workbench is not None or self._kept_wanted == message.series_id:
            return  # loaded (the list opens it), or already asked (enter also selects the row)
        part = self._provisional.get(message.series_id)
        if part is not None and (judged := part.find(message.series_id)) is not None:
            if self.list_screen.take_pending_open(message.series_id):  # opened before: judged already
                self.post_message(M.OpenSeries(judged))
            return
        self._kept_wanted = message.series_id
        if self._kept_chains is not None:
            self._open_kept(self._kept_chains, message.series_id)
        else:
            self.notify("the store is still loading: the series opens when it has", timeout=4)

    @work(thread=True, exclusive=True, group="kept-open")
    def _open_kept(self, kept: opening.KeptChains, series_id: str) -> None:
        self.post_message(M.KeptOpened(series_id, opening.open_kept(kept, series_id)))

    @on(M.KeptOpened)
    def _kept_opened(self, message: M.KeptOpened) -> None:
        if self.workbench is not None or self._kept_wanted != message.series_id:
            return  # the load ended first, or another series was asked for since
        if message.opened is None:
            self.notify("the store is still loading: the series opens when it has", timeout=4)
            return
        self._kept_wanted = None
        if not self.list_screen.take_pending_open(message.series_id):
            return  # no longer asked for (the list moved on)
        judged, part = message.opened
        for other in part.judged:
            self._provisional[other.series.id] = part
        self.post_message(M.OpenSeries(judged))

    def _workbench_for(self, judged: Judged) -> Workbench | None:
        """The loaded workbench; before the load ends, that of the kept chain ``judged`` was
        judged from (a series opened from the painted list)."""
        return self.workbench if self.workbench is not None else self._provisional.get(judged.series.id)

    @on(M.LoadProgress)
    def _load_progress(self, message: M.LoadProgress) -> None:
        self.list_screen.show_load_progress(message.done, message.total)

    @on(M.Loaded)
    def _finish_load(self, message: M.Loaded) -> None:
        workbench, error = message.workbench, message.error
        self.load_seconds = message.seconds
        self.load_error = error
        previous = self.workbench
        if workbench is not None:
            self.workbench = workbench
            self.unread = message.unread
            self._diffs.clear()
            self.read_states()
        self.list_screen.set_workbench(self.workbench if error is None else None, error, self.chains)
        provisional = bool(self._provisional)
        self._kept_chains, self._kept_wanted, self._provisional = None, None, {}
        if workbench is not None and (previous is not None or provisional):
            # a series opened from the kept chain is brought up to the whole load; the
            # user is told only when that changed anything (they asked for no reload)
            self._refresh_open_series(workbench, quiet=previous is None)
        if workbench is not None:
            owed, self._looks_owed = self._looks_owed, []
            for series_id in dict.fromkeys(owed):
                if (judged := workbench.find(series_id)) is not None:
                    self._looked_at(judged)
        freeze_heap()
        self.loaded.set()

    def _refresh_open_series(self, workbench: Workbench, quiet: bool = False) -> None:
        """A reload under an open series: its screens show the new verdicts, and the user
        is told what changed in the series on top (or that nothing did, unless ``quiet``)."""
        told = False
        for screen in reversed(self.screen_stack):
            old = getattr(screen, "judged", None)
            reloaded = getattr(screen, "reloaded", None)
            if not isinstance(old, Judged) or reloaded is None:
                continue
            new = workbench.find(old.series.id)
            if new is None:
                if not told:
                    self.notify("this series is no longer in the store (the query or the mail changed); "
                                "what is shown is from the last load", title="reloaded", severity="warning",
                                timeout=10)
                    told = True
                continue
            if not told:
                changes = series_changes(old, new)
                if changes or not quiet:
                    self.notify(" · ".join(changes) if changes else "nothing changed in this series",
                                title=f"reloaded: v{new.series.version}", timeout=10, markup=False)
                told = True
            if isinstance(screen, HunkScreen):
                reloaded(new, *self.patch_diffs(new))
            else:
                reloaded(new, workbench)

    def action_reload(self) -> None:
        self.start_load()

    @on(M.QueryRequested)
    def ask_query(self) -> None:
        def chosen(query: str | None) -> None:
            if query is None:
                return
            self.settings = self.settings.with_overrides(query=query or DEFAULT_QUERY)
            self.list_screen.settings = self.settings
            self.start_load()

        self.push_screen(QueryScreen(self.settings.query or DEFAULT_QUERY), chosen)

    # -- screens --------------------------------------------------------------------

    def cached_diffs(self, judged: Judged) -> tuple[list[PatchDiff], dict[str, Owner]] | None:
        """The parsed diffs of a series when they are kept (the series view and the hunk
        view show the same diffs; the last few series opened keep theirs)."""
        value = self._diffs.get(judged.series.id)
        if value is not None:
            self._diffs.move_to_end(judged.series.id)
        return value

    def _keep_diffs(self, judged: Judged, value: tuple[list[PatchDiff], dict[str, Owner]]) -> None:
        self._diffs[judged.series.id] = value
        self._diffs.move_to_end(judged.series.id)
        if len(self._diffs) > _DIFF_CACHE:
            self._diffs.popitem(last=False)

    def patch_diffs(self, judged: Judged) -> tuple[list[PatchDiff], dict[str, Owner]]:
        """Parsed diffs of a series: kept ones, else read now (the series view reads them
        in a worker first; this reads only what it did not keep, e.g. after a reload)."""
        value = self.cached_diffs(judged)
        if value is None:
            wb = self._workbench_for(judged)
            value = ([load_patch_diff(p) for p in judged.series.patches],
                     owners_for(judged, wb.context.maintainers if wb else None))
            self._keep_diffs(judged, value)
        return value

    @on(M.DiffsReady)
    def _diffs_read(self, message: M.DiffsReady) -> None:
        """A series view read its patches: keep them for the hunk view (unless a reload
        replaced that series meanwhile)."""
        if self.workbench is not None and self.workbench.find(message.judged.series.id) is message.judged:
            self._keep_diffs(message.judged, (message.diffs, message.owners))

    # Going to a screen already in the stack returns to it (popping what lies above it)
    # instead of pushing a second copy: series → versions → an older version → versions →
    # back to the first series would otherwise leave five screens to esc through.

    def _return_to(self, kind: type[_S], wanted: Callable[[_S], bool]) -> _S | None:
        """The topmost screen of ``kind`` that is ``wanted``, brought back by closing the
        screens above it (None, closing nothing, when there is none or a draft is above)."""
        stack = list(self.screen_stack)
        for index in range(len(stack) - 1, -1, -1):
            found = stack[index]
            if not isinstance(found, kind) or not wanted(found):
                continue
            above = stack[index + 1:]
            if any(isinstance(s, DraftScreen) for s in above):
                return None  # never close a draft on the way
            for _ in above:
                self.pop_screen()
            return found
        return None

    @on(M.OpenSeries)
    def open_series(self, message: M.OpenSeries) -> None:
        judged = message.judged
        same = judged.series.id
        if self._return_to(SeriesScreen, lambda s: s.judged.series.id == same) is None:
            self.push_screen(SeriesScreen(judged, self._workbench_for(judged), diffs=self.cached_diffs(judged),
                                          chains=self.chains))
        if self.workbench is None:
            self._looks_owed.append(same)  # opened from the kept chain: the look is kept at the load
        self._looked_at(judged)

    # -- my triage state (workbench.state) -------------------------------------------

    def read_states(self) -> None:
        """Read the state file again (after a load or a change); a bad file is shown."""
        if self.workbench is None:
            return
        try:
            self.chains = triage_state.chain_index(self.settings, self.workbench, self.unread)
        except WorkbenchError as err:
            self.chains = None
            self.notify(str(err), title="triage state", severity="error", timeout=15, markup=False)

    def _states_changed(self) -> None:
        """The state file changed: every screen that shows a state gets the new reading."""
        self.read_states()
        self.list_screen.states_changed(self.chains)
        for screen in self.screen_stack:
            update = getattr(screen, "states_changed", None)
            if update is not None and screen is not self.list_screen:
                update(self.chains)

    def _looked_at(self, judged: Judged) -> None:
        if self.workbench is None:
            return
        try:
            ids = triage_state.looked_at(self.settings, self.workbench, judged)
        except WorkbenchError as err:
            self.notify(str(err), title="triage state", severity="error", timeout=15, markup=False)
            return
        if self.settings.mark_read and self.unread:
            self._mark_read([m for m in ids if m in self.unread])
        self._states_changed()

    @work(thread=True, group="mark-read")
    def _mark_read(self, ids: list[str]) -> None:
        from workbench.mail.tagging import remove_tag

        result = remove_tag(self.settings, ids)
        self.post_message(M.MarkedRead(ids, result.problem))

    @on(M.MarkedRead)
    def _marked_read(self, message: M.MarkedRead) -> None:
        if message.problem:
            self.notify(message.problem, title="mark_read", severity="warning", timeout=10, markup=False)
        elif self.unread is not None:
            self.unread.difference_update(message.ids)

    @on(M.StateRequested)
    def ask_state(self, message: M.StateRequested) -> None:
        """Set the triage state of ``judged``'s chain: ``state``, else chosen from a list;
        a note (and a snooze's date) asked in a small dialog."""
        judged, state = message.judged, message.state
        workbench = self.workbench
        if workbench is None:
            self.notify("the store is still loading: states can be set when it has", severity="warning")
            return
        current = self.chains.status(judged).effective if self.chains is not None else None

        def noted(answer: tuple | None, chosen: TriageState) -> None:
            if answer is None:
                return
            until, note = answer
            try:
                triage_state.set_state(self.settings, workbench, judged, chosen, note=note, until=until)
            except WorkbenchError as err:
                self.notify(str(err), title="triage state", severity="error", timeout=15, markup=False)
                return
            self._states_changed()

        def picked(chosen: TriageState) -> None:
            self.push_screen(StateNoteScreen(chosen, current.note if current else ""),
                             lambda answer: noted(answer, chosen))

        if state is not None:
            picked(state)
            return
        options = list(SETTABLE)
        self.push_screen(ChoiceScreen("set the state of this series (all its versions)",
                                      [LABELS[o] for o in options]),
                         lambda index: picked(options[index]) if index is not None else None)

    def _forget_comments(self, saved: SavedDraft) -> None:
        """A review draft's comments live in the draft now: they leave the state file."""
        used = self.review_comments.pop(saved.msgid, None)
        if used is None:
            return
        try:
            triage_state.forget_comments(self.settings, *used)
        except WorkbenchError as err:
            self.notify(str(err), title="comments", severity="error", timeout=15, markup=False)

    @on(M.OpenInterdiff)
    def open_interdiff(self, message: M.OpenInterdiff) -> None:
        self.push_screen(InterdiffScreen(message.older, message.newer, patch=message.patch, why=message.why))

    @on(M.CommentRequested)
    def ask_comment(self, message: M.CommentRequested) -> None:
        """A comment on one of ``anchors`` (patch msgid, path, hunk, index, line), kept in
        the state file until its review draft is saved."""
        anchors = message.anchors

        def answered(answer: tuple[int, str] | None) -> None:
            if answer is None:
                return
            index, text = answer
            patch, path, hunk, at, line = anchors[index]
            try:
                triage_state.add_comment(self.settings, Comment(patch, path, hunk, at, line, text))
            except WorkbenchError as err:
                self.notify(str(err), title="comment", severity="error", timeout=15, markup=False)
                return
            self.notify("comment kept; C in the series view turns the patch's comments into a review draft",
                        title="comment", timeout=6)

        self.push_screen(CommentScreen(message.labels, message.start), answered)

    @on(M.OpenHunks)
    def open_hunks(self, message: M.OpenHunks) -> None:
        judged, patch = message.judged, message.patch
        same = judged.series.id
        screen = self._return_to(HunkScreen, lambda s: s.judged.series.id == same)
        if screen is None:
            self.push_screen(HunkScreen(judged, *self.patch_diffs(judged), patch=patch))
        elif patch is not None:
            screen.go_to_patch(patch)

    @on(M.OpenThread)
    def open_thread(self, message: M.OpenThread) -> None:
        same = message.judged.series.id
        if self._return_to(ThreadScreen, lambda s: s.judged.series.id == same) is None:
            self.push_screen(ThreadScreen(message.judged, self._workbench_for(message.judged)))

    @on(M.OpenVersions)
    def open_versions(self, message: M.OpenVersions) -> None:
        same = message.judged.series.id
        screen = self._return_to(VersionsScreen, lambda s: any(v.series.id == same for v in s.versions))
        if screen is None:
            self.push_screen(VersionsScreen(message.judged, self._workbench_for(message.judged)))
        else:
            screen.highlight(same)

    @on(M.DraftRequested)
    def open_draft(self, message: M.DraftRequested) -> None:
        if self.workbench is None:
            self.notify("the store is not loaded yet", severity="error")
            return
        self._compose_draft(message.judged, message.request, self.workbench)

    @work(thread=True, exclusive=True, group="draft")
    def _compose_draft(self, judged: Judged, request: DraftRequest, workbench: Workbench) -> None:
        """Composing reads the answered mail (and, for parent-ack, the patches) from disk."""
        from workbench.replies.compose import compose
        from workbench.replies.review import compose_review

        try:
            if request.kind is K.DraftKind.COMMENTS:
                patch = next((p for p in judged.series.patches if p.msgid == request.target_msgid), None)
                comments = triage_state.comments_on(self.settings, request.target_msgid or "")
                if patch is None or not comments:
                    raise DraftError("no comments on this patch yet: c in the hunk view writes one")
                draft = compose_review(judged, workbench.context, patch, comments,
                                       trailer=request.trailer, settings=self.settings)
                self.review_comments[draft.message_id] = (patch.msgid, [c.id for c in comments])
            else:
                draft = compose(request.kind, judged, workbench.context, section=request.section,
                                target_msgid=request.target_msgid, trailer=request.trailer,
                                settings=self.settings)
        except WorkbenchError as err:  # DraftError, TemplateError: the user can act on it
            self.post_message(M.DraftFailed(f"no {request.kind} draft", str(err)))
            return
        except Exception as err:  # noqa: BLE001 — show it, never a traceback over the UI
            self.post_message(M.DraftFailed(f"no {request.kind} draft",
                                            f"internal error: {type(err).__name__}: {err}"))
            return
        self.post_message(M.DraftComposed(judged, draft))

    @on(M.TakeRequested)
    def _take(self, message: M.TakeRequested) -> None:
        if self.workbench is None:
            self.notify("the store is not loaded yet", severity="error")
            return
        self._write_am(message.judged, self.workbench)

    @work(thread=True, exclusive=True, group="take")
    def _write_am(self, judged: Judged, workbench: Workbench) -> None:
        """Reads every patch file of the newest version: a worker's job."""
        from pathlib import Path

        from workbench.take.command import write_am_file

        me = workbench.context.me or self.settings.me
        try:
            written = write_am_file(judged, workbench, me, Path.cwd())
        except WorkbenchError as err:
            self.post_message(M.TakeWritten(str(err), error=True))
            return
        text = (f"v{written.version}: {written.patches} patches in {written.path}\n"
                f"git am --patch-format=mboxrd {written.path.name}")
        if written.refused:
            text += f"\n{len(written.refused)} trailer(s) not added: " + "; ".join(written.refused)
        self.post_message(M.TakeWritten(text))

    @on(M.TakeWritten)
    def _take_written(self, message: M.TakeWritten) -> None:
        self.notify(message.text, title="git am mbox", severity="error" if message.error else "information",
                    timeout=15, markup=False)

    @on(M.DraftComposed)
    def _draft_composed(self, message: M.DraftComposed) -> None:
        self.push_screen(DraftScreen(message.judged, message.draft, self.settings,
                                     lock_timeout=self.draft_lock_timeout))

    @on(M.DraftFailed)
    def _draft_failed(self, message: M.DraftFailed) -> None:
        self.notify(message.text, title=message.title, severity="error", timeout=15, markup=False)

    @on(M.DraftSaved)
    def _draft_saved(self, message: M.DraftSaved) -> None:
        self.last_saved_draft = message.saved
        self._forget_comments(message.saved)

    async def action_quit(self) -> None:
        """Quitting with an edited, unsaved draft open asks first."""
        dirty = [s for s in self.screen_stack if isinstance(s, DraftScreen)
                 and s.saved is None and (s.edited or s.saving)]
        if not dirty:
            self.exit()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(ConfirmScreen("Quit and lose the draft you are editing? It was not saved."), answered)

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(_screen_name(self.screen), help_sections(self, self.screen)))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every binding active on ``screen`` as a named command, then Textual's own."""
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            name = binding.description or binding.action
            if binding.action == "command_palette" or name in seen:
                continue
            seen.add(name)
            yield SystemCommand(name, f"{self.get_key_display(binding)} · {binding.id or binding.action}",
                                partial(self.run_action, binding.action, active.node))
        yield from super().get_system_commands(screen)


def _unread(session: StoreSession) -> set[str] | None:
    """notmuch's unread tag on the loaded mail (read only; in the load's own look when
    the loader used it); None when it cannot be read."""
    try:
        return session.tagged_ids("unread")
    except Exception:  # noqa: BLE001 — a count beside the list; the list must load without it
        return None


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker while stderr is still the real one.

    The loader parses in a process pool; the tracker it needs is started lazily and is
    handed ``sys.stderr.fileno()``, which Textual's output capture does not have once
    the app runs ("bad value(s) in fds_to_keep"). Started here, it is simply reused.
    """
    try:
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()
    except (OSError, ValueError, ImportError):
        pass  # the loader then parses serially


def _screen_name(screen: Screen) -> str:
    return {SeriesListScreen: "series list", SeriesScreen: "series", HunkScreen: "hunks",
            ThreadScreen: "thread", VersionsScreen: "versions", DraftScreen: "draft"}.get(type(screen), type(screen).__name__)


HelpRow = tuple[str, str, str]  # keys, description, binding id


def _node_title(node: object, screen: Screen) -> str:
    if node is screen:
        return _screen_name(screen)
    if isinstance(node, App):
        return "everywhere"
    titles: dict[type, str] = {LineView: "scrolling", DataTable: "table", Input: "text field", TextArea: "text"}
    return titles.get(type(node), type(node).__name__)


def help_sections(app: App, screen: Screen) -> list[tuple[str, list[HelpRow]]]:
    """The bindings active on ``screen``, grouped by where they act: the screen's own
    first, then the focused widget's, then the app's. Within a group they come in the
    order they are declared (0 1 2 3 4 5, not sorted by id: 0 3 4 5 1 2), whatever keys a
    keymap gave them; keys bound to one binding are shown together."""
    groups: dict[int, tuple[object, dict[str, tuple[list[str], str, int]]]] = {}
    for active in screen.active_bindings.values():
        binding, node = active.binding, active.node
        ident = binding.id or binding.action
        _node, rows = groups.setdefault(id(node), (node, {}))
        if ident not in rows:
            declared = [b.id for b in bindings_of(type(node))]
            rank = declared.index(binding.id) if binding.id in declared else len(declared) + len(rows)
            rows[ident] = ([], binding.description or binding.action, rank)
        display = app.get_key_display(binding)
        if display not in rows[ident][0]:
            rows[ident][0].append(display)

    def place(node: object) -> int:
        return 0 if node is screen else 2 if isinstance(node, App) else 1

    out: list[tuple[str, list[HelpRow]]] = []
    for owner, rows in sorted(groups.values(), key=lambda g: place(g[0])):
        ordered = sorted(rows.items(), key=lambda kv: kv[1][2])
        out.append((_node_title(owner, screen), [(" ".join(keys), desc, ident) for ident, (keys, desc, _r) in ordered]))
    return out


def bindings_of(*classes: type) -> tuple[Binding, ...]:
    """The id'd bindings a class declares, its bases' included."""
    out: list[Binding] = []
    for cls in classes:
        for klass in reversed(cls.__mro__):
            declared = klass.__dict__.get("BINDINGS")
            if declared:
                out.extend(b for b in Binding.make_bindings(declared) if b.id)
    return tuple(dict.fromkeys(out))


def binding_scopes() -> list[keymaps.Scope]:
    """The sets of bindings live at the same time, for the keymap clash check."""
    base = bindings_of(WorkbenchApp)
    lines = (bindings_of(LineView),)
    return [
        keymaps.Scope("series list", base, bindings_of(SeriesListScreen)),
        keymaps.Scope("series view", base, bindings_of(SeriesScreen), lines),
        keymaps.Scope("hunk view", base, bindings_of(HunkScreen), lines),
        keymaps.Scope("thread view", base, bindings_of(ThreadScreen), lines),
        keymaps.Scope("versions", base, bindings_of(VersionsScreen)),
        keymaps.Scope("help", base, bindings_of(HelpScreen)),
        keymaps.Scope("query", (), bindings_of(QueryScreen)),
        keymaps.Scope("draft", base, bindings_of(DraftScreen)),
        keymaps.Scope("choice", base, bindings_of(ChoiceScreen)),
        keymaps.Scope("confirm", base, bindings_of(ConfirmScreen)),
        keymaps.Scope("interdiff", base, bindings_of(InterdiffScreen), lines),
        keymaps.Scope("state", base, bindings_of(StateNoteScreen)),
        keymaps.Scope("comment", base, bindings_of(CommentScreen)),
    ]
