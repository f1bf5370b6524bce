"""Triage states, what is stored per series chain, and the state a list shows.

The stored state is what I set; the *shown* (effective) state also depends on the mail
and the date: a chain I left "waiting on author" that has a newer posting than the one I
was looking at comes back as "new version", and a snooze ends on its date, bringing the
state back to what it was before (``new`` when it had none). Both are worked out when
read, never written back, so the file holds only my own decisions.

Nothing here imports textual, notmuch2 or sqlite3.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class TriageState(StrEnum):
    NEW = "new"
    REVIEWING = "reviewing"
    WAITING = "waiting"  # on the author
    QUEUED = "queued"
    REJECTED = "rejected"
    SNOOZED = "snoozed"  # until a date
    NEW_VERSION = "new-version"  # shown only: posted while I was waiting; never stored


LABELS: dict[TriageState, str] = {
    TriageState.NEW: "new",
    TriageState.REVIEWING: "reviewing",
    TriageState.WAITING: "waiting on author",
    TriageState.QUEUED: "queued",
    TriageState.REJECTED: "rejected",
    TriageState.SNOOZED: "snoozed",
    TriageState.NEW_VERSION: "new version",
}

SETTABLE: tuple[TriageState, ...] = tuple(s for s in TriageState if s is not TriageState.NEW_VERSION)

_ALIASES = {"waiting-on-author": TriageState.WAITING, "waiting on author": TriageState.WAITING,
            "new version": TriageState.NEW_VERSION, "new_version": TriageState.NEW_VERSION,
            "snooze": TriageState.SNOOZED, "review": TriageState.REVIEWING, "queue": TriageState.QUEUED,
            "reject": TriageState.REJECTED, "wait": TriageState.WAITING}


def parse_state(text: str) -> TriageState:
    """A state from what a user typed ("waiting", "waiting on author", "new-version");
    ValueError naming the known ones otherwise."""
    word = " ".join(text.strip().lower().split())
    if word in _ALIASES:
        return _ALIASES[word]
    try:
        return TriageState(word.replace(" ", "-"))
    except ValueError:
        known = ", ".join(s.value for s in TriageState)
        raise ValueError(f"unknown state {text!r} (known: {known})") from None


@dataclass(frozen=True, slots=True)
class StateRecord:
    """What I decided about one chain, as stored."""

    chain: str  # the chain key (``chains.chain_key``)
    state: TriageState
    note: str = ""
    set_at: datetime | None = None  # when I set it (aware, UTC)
    version_id: str = ""  # the chain's newest posting when I set it
    snooze_until: date | None = None
    previous: TriageState = TriageState.NEW  # what a snooze returns to
    reviewed_id: str = ""  # the posting I last set "reviewing" on


@dataclass(frozen=True, slots=True)
class Effective:
    """The state a list shows for a chain, and why."""

    state: TriageState
    note: str = ""
    stored: StateRecord | None = None
    woke: bool = False  # a snooze ended (its date came)

    @property
    def label(self) -> str:
        text = LABELS[self.state]
        if self.state is TriageState.SNOOZED and self.stored and self.stored.snooze_until:
            text += f" until {self.stored.snooze_until.isoformat()}"
        return text

    @property
    def short(self) -> str:
        """For a column of 18: "snoozed 2026-03-01", "waiting on author"."""
        if self.state is TriageState.SNOOZED and self.stored and self.stored.snooze_until:
            return f"snoozed {self.stored.snooze_until.isoformat()}"
        return LABELS[self.state]


def effective_state(record: StateRecord | None, *, newest_id: str, today: date) -> Effective:
    """The shown state of a chain whose newest posting is ``newest_id``."""
    if record is None:
        return Effective(TriageState.NEW)
    state, woke = record.state, False
    if state is TriageState.SNOOZED and record.snooze_until is not None and record.snooze_until <= today:
        state, woke = record.previous, True
    if state is TriageState.WAITING and newest_id and record.version_id and newest_id != record.version_id:
        # the chain's newest posting is not the one I asked about: the author answered
        # with a reroll (by identity, not date: a late-delivered mail may be dated earlier)
        state = TriageState.NEW_VERSION
    return Effective(state, record.note, record, woke)


@dataclass(frozen=True, slots=True)
class Comment:
    """A review comment anchored to one line of a patch's diff: the file, the hunk's
    index in that file, and the line's index in the hunk; ``line`` is the diff line as
    it was (kind character included), so a changed patch file is noticed."""

    patch: str  # message-id of the patch
    path: str
    hunk: int
    index: int
    line: str
    text: str
    id: int = 0
    created: datetime | None = None
