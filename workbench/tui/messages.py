"""What the screens and the workers tell the app, as Textual messages.

A screen does not reach into the app to open another screen or start a draft: it posts
one of these and the app, which owns the screen stack, the loaded workbench and the diff
cache, handles it with ``@on``. Workers (thread workers: loading the store, reading a
series' patches, composing and saving a draft) post their progress and results the same
way instead of calling screen methods through ``call_from_thread``; ``post_message`` is
safe from any thread and the handler runs on the app's loop. So screens import this
module and never the app, and the app is the one place that wires them together.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from workbench.analysis import Judged, Workbench
from workbench.mail.drafts import SavedDraft
from workbench.replies.draft import Draft
from workbench.state.model import TriageState
from workbench.tui.diffs import Owner, PatchDiff
from workbench.tui.drafting import DraftRequest
from workbench.tui.interdiff_view import InterdiffSource
from workbench.tui.listing import ListRow
from workbench.tui.opening import KeptChains

Anchor = tuple[str, str, int, int, str]
"""A diff line a comment is on: patch msgid, path, hunk, line index, the line."""

# -- screens → app: where the user wants to go ----------------------------------------


@dataclass
class OpenSeries(Message):
    """Show one series (returning to its screen when it is already in the stack)."""

    judged: Judged


@dataclass
class OpenKept(Message):
    """Open the series ``series_id`` of the list of the last load, before this load ends."""

    series_id: str


@dataclass
class OpenHunks(Message):
    """Show every hunk of a series, at ``patch`` when given."""

    judged: Judged
    patch: int | None = None


@dataclass
class OpenThread(Message):
    """Show the messages of a series in thread order."""

    judged: Judged


@dataclass
class OpenVersions(Message):
    """Show the revision chain of a series."""

    judged: Judged


@dataclass
class QueryRequested(Message):
    """Ask the user for a new notmuch query, then load with it."""


@dataclass
class DraftRequested(Message):
    """Compose a draft of ``request.kind`` for a series, then open it in the editor."""

    judged: Judged
    request: DraftRequest


@dataclass
class DraftSaved(Message):
    """A draft file was written (indexed or not): the app keeps the last one."""

    saved: SavedDraft


# -- workers → app / screen: what they found --------------------------------------------


@dataclass
class PreviewReady(Message):
    """The rows the last load of the same inputs ended with (painted while loading)."""

    rows: list[ListRow]


@dataclass
class ChainsKept(Message):
    """What the last load of the same inputs kept to open a series before this load ends
    (``workbench.tui.opening``)."""

    kept: KeptChains


@dataclass
class KeptOpened(Message):
    """A series judged from its kept chain alone, and the workbench of that chain; None
    when it could not be (the series then opens when the load is done)."""

    series_id: str
    opened: tuple[Judged, Workbench] | None


@dataclass
class LoadProgress(Message):
    """``done`` of ``total`` messages read (total 0: not known yet)."""

    done: int
    total: int


@dataclass
class Loaded(Message):
    """A load ended: ``workbench`` when it worked, else ``error`` says why."""

    workbench: Workbench | None
    error: str | None
    seconds: float
    unread: set[str] | None = None  # notmuch's unread tag, read by the same worker


@dataclass
class FirstDiffReady(Message):
    """The highlighted patch's diff, read ahead of the rest of the series."""

    judged: Judged
    row: int
    diff: PatchDiff
    owners: dict[str, Owner]


@dataclass
class DiffsReady(Message):
    """Every patch of a series read and parsed (the hunk view needs them all). Handled by
    the series view, then by the app, which keeps them for the hunk view."""

    judged: Judged
    diffs: list[PatchDiff]
    owners: dict[str, Owner]


@dataclass
class InterdiffReady(Message):
    """The interdiff of two postings worked out (pairs and diffs of diffs): handled by the
    interdiff screen that asked for it."""

    source: InterdiffSource


@dataclass
class DraftComposed(Message):
    """A draft was composed: open it in the editor."""

    judged: Judged
    draft: Draft


@dataclass
class DraftFailed(Message):
    """A draft could not be composed; ``text`` says why (shown, never as markup)."""

    title: str
    text: str


@dataclass
class DraftSaveEnded(Message):
    """Saving a draft ended: ``saved`` when a file was written, else ``error``."""

    saved: SavedDraft | None
    error: str | None = None


# -- my triage state and review comments (workbench.state) ---------------------------------


@dataclass
class StateRequested(Message):
    """Set the triage state of the series' chain: ``state``, or chosen from a list."""

    judged: Judged
    state: TriageState | None = None


@dataclass
class OpenInterdiff(Message):
    """What changed between two postings of one chain (``patch``: start at that patch)."""

    older: Judged
    newer: Judged
    patch: int | None = None
    why: str = ""


@dataclass
class CommentRequested(Message):
    """Write a review comment on one of ``anchors`` (the diff lines on screen)."""

    judged: Judged
    anchors: list[Anchor]
    labels: list[str]
    start: int = 0


@dataclass
class MarkedRead(Message):
    """``mark_read`` took ``unread`` off these messages (or could not: ``problem``)."""

    ids: list[str]
    problem: str | None = None


# -- taking the series (workbench.take) ---------------------------------------------------


@dataclass
class TakeRequested(Message):
    """Write the newest version of the series' chain as an mbox for ``git am``."""

    judged: Judged


@dataclass
class TakeWritten(Message):
    """The mbox was written (``text`` says where and what), or could not be (``error``)."""

    text: str
    error: bool = False
