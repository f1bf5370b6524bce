"""The Textual workbench: loads the store in a worker and hosts the screens.

Loading runs in a thread worker (``build_workbench`` does notmuch and file I/O), reporting
progress back through ``call_from_thread``, so the list answers keys while a large store
loads; ``r`` runs the same worker again, and the cache makes that cheap.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from functools import partial
from typing import ClassVar, TypeVar

from textual import work
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
from workbench.pipeline import build_workbench
from workbench.tui import keymap as keymaps
from workbench.tui import preview
from workbench.tui.diffs import (
    Owner,
    PatchDiff,
    load_patch_diff,
    owners_for,
    warm_highlighter,
)
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

Loader = Callable[[Settings, Progress], Workbench]
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
        self.list_screen = SeriesListScreen()
        self._diffs: OrderedDict[str, tuple[list[PatchDiff], dict[str, Owner]]] = OrderedDict()
        self._diffs_lock = threading.Lock()  # the series view reads diffs in a worker thread
        self.draft_lock_timeout = LOCK_TIMEOUT  # how long a save waits for notmuch's write lock
        self.last_saved_draft: SavedDraft | None = None
        self.chains: ChainIndex | None = None  # my triage state of every chain, as last read
        self.unread: set[str] | None = None  # notmuch's unread tag, read with each load
        self.review_comments: dict[str, tuple[str, list[int]]] = {}  # draft msgid -> (patch, comment ids)

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

        def progress(done: int, total: int) -> None:
            self.call_from_thread(self.list_screen.show_load_progress, done, total)

        first = self.workbench is None
        if first and (rows := preview.kept_rows(self.settings)) is not None:
            self.call_from_thread(self.list_screen.set_preview, rows)
        try:
            warm_highlighter()
            workbench = self._loader(self.settings, progress)
        except WorkbenchError as err:
            self.call_from_thread(self._finish_load, None, str(err), started)
            return
        except Exception as err:  # noqa: BLE001 — show it, never a traceback over the UI
            self.call_from_thread(self._finish_load, None, f"internal error: {type(err).__name__}: {err}", started)
            return
        self.unread = _unread(self.settings)
        self.call_from_thread(self._finish_load, workbench, None, started)
        preview.keep_rows(self.settings, workbench)  # after the paint: the user is not waiting for it

    def _finish_load(self, workbench: Workbench | None, error: str | None, started: float) -> None:
        self.load_seconds = time.perf_counter() - started
        self.load_error = error
        previous = self.workbench
        if workbench is not None:
            self.workbench = workbench
            self._diffs.clear()
            self.read_states()
        self.list_screen.set_workbench(self.workbench if error is None else None, error)
        if workbench is not None and previous is not None:
            self._refresh_open_series(workbench)
        freeze_heap()
        self.loaded.set()

    def _refresh_open_series(self, workbench: Workbench) -> None:
        """A reload under an open series: its screens show the new verdicts, and the user
        is told what changed in the series on top (or that nothing did)."""
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
                self.notify(" · ".join(changes) if changes else "nothing changed in this series",
                            title=f"reloaded: v{new.series.version}", timeout=10, markup=False)
                told = True
            reloaded(new)

    def action_reload(self) -> None:
        self.start_load()

    def ask_query(self) -> None:
        def chosen(query: str | None) -> None:
            if query is None:
                return
            self.settings = self.settings.with_overrides(query=query or DEFAULT_QUERY)
            self.start_load()

        self.push_screen(QueryScreen(self.settings.query or DEFAULT_QUERY), chosen)

    # -- screens --------------------------------------------------------------------

    def has_patch_diffs(self, judged: Judged) -> bool:
        with self._diffs_lock:
            return judged.series.id in self._diffs

    def patch_diffs(self, judged: Judged, known: PatchDiff | None = None) -> tuple[list[PatchDiff], dict[str, Owner]]:
        """Parsed diffs of a series, kept for the last few series opened (the series view
        and the hunk view show the same diffs). ``known``: one already read."""
        key = judged.series.id
        with self._diffs_lock:
            if key in self._diffs:
                self._diffs.move_to_end(key)
                return self._diffs[key]
            diffs = [known if known is not None and known.number == p.number else load_patch_diff(p)
                     for p in judged.series.patches]
            value = (diffs, owners_for(judged, self.maintainers))
            self._diffs[key] = value
            if len(self._diffs) > _DIFF_CACHE:
                self._diffs.popitem(last=False)
            return value

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

    def open_series(self, judged: Judged) -> None:
        same = judged.series.id
        if self._return_to(SeriesScreen, lambda s: s.judged.series.id == same) is None:
            self.push_screen(SeriesScreen(judged))
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
        self.read_states()
        self.list_screen.states_changed()
        for screen in self.screen_stack:
            update = getattr(screen, "states_changed", None)
            if update is not None and screen is not self.list_screen:
                update()

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
        if result.problem:
            self.call_from_thread(self.notify, result.problem, title="mark_read", severity="warning",
                                  timeout=10, markup=False)
        elif self.unread is not None:
            self.unread.difference_update(ids)

    def ask_state(self, judged: Judged, state: TriageState | None = None) -> None:
        """Set the triage state of ``judged``'s chain: ``state``, else chosen from a list;
        a note (and a snooze's date) asked in a small dialog."""
        workbench = self.workbench
        if workbench is None:
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

    def draft_saved(self, saved: SavedDraft) -> None:
        """A review draft's comments live in the draft now: they leave the state file."""
        used = self.review_comments.pop(saved.msgid, None)
        if used is None:
            return
        try:
            triage_state.forget_comments(self.settings, *used)
        except WorkbenchError as err:
            self.notify(str(err), title="comments", severity="error", timeout=15, markup=False)

    def open_interdiff(self, older: Judged, newer: Judged, patch: int | None = None, why: str = "") -> None:
        self.push_screen(InterdiffScreen(older, newer, patch=patch, why=why))

    def ask_comment(self, judged: Judged, anchors: list, labels: list[str], start: int = 0) -> None:
        """A comment on one of ``anchors`` (patch msgid, path, hunk, index, line), kept in
        the state file until its review draft is saved."""

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

        self.push_screen(CommentScreen(labels, start), answered)

    def open_hunks(self, judged: Judged, patch: int | None = None) -> None:
        same = judged.series.id
        screen = self._return_to(HunkScreen, lambda s: s.judged.series.id == same)
        if screen is None:
            self.push_screen(HunkScreen(judged, patch))
        elif patch is not None:
            screen.go_to_patch(patch)

    def open_thread(self, judged: Judged) -> None:
        same = judged.series.id
        if self._return_to(ThreadScreen, lambda s: s.judged.series.id == same) is None:
            self.push_screen(ThreadScreen(judged, self.workbench))

    def open_versions(self, judged: Judged) -> None:
        same = judged.series.id
        screen = self._return_to(VersionsScreen, lambda s: any(v.series.id == same for v in s.versions))
        if screen is None:
            self.push_screen(VersionsScreen(judged))
        else:
            screen.highlight(same)

    def open_draft(self, judged: Judged, request: DraftRequest) -> None:
        self._compose_draft(judged, request)

    @work(thread=True, exclusive=True, group="draft")
    def _compose_draft(self, judged: Judged, request: DraftRequest) -> None:
        """Composing reads the answered mail (and, for parent-ack, the patches) from disk."""
        from workbench.replies.compose import compose
        from workbench.replies.review import compose_review

        if self.workbench is None:
            self.call_from_thread(self.notify, "the store is not loaded yet", severity="error")
            return
        try:
            if request.kind is K.DraftKind.COMMENTS:
                patch = next((p for p in judged.series.patches if p.msgid == request.target_msgid), None)
                comments = triage_state.comments_on(self.settings, request.target_msgid or "")
                if patch is None or not comments:
                    raise DraftError("no comments on this patch yet: c in the hunk view writes one")
                draft = compose_review(judged, self.workbench.context, patch, comments,
                                       trailer=request.trailer, settings=self.settings)
                self.review_comments[draft.message_id] = (patch.msgid, [c.id for c in comments])
            else:
                draft = compose(request.kind, judged, self.workbench.context, section=request.section,
                                target_msgid=request.target_msgid, trailer=request.trailer,
                                settings=self.settings)
        except WorkbenchError as err:  # DraftError, TemplateError: the user can act on it
            self.call_from_thread(self.notify, str(err), title=f"no {request.kind} draft",
                                  severity="error", timeout=15, markup=False)
            return
        except Exception as err:  # noqa: BLE001 — show it, never a traceback over the UI
            self.call_from_thread(self.notify, f"internal error: {type(err).__name__}: {err}",
                                  title=f"no {request.kind} draft", severity="error", timeout=15, markup=False)
            return
        self.call_from_thread(self.push_screen, DraftScreen(judged, draft))

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


def _unread(settings: Settings) -> set[str] | None:
    """notmuch's unread tag on the loaded mail (read only); None when it cannot be read."""
    from workbench.mail.tags import tagged_ids

    try:
        return tagged_ids(settings, "unread")
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
