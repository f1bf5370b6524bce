"""The triage state of every series chain in a workbench, and what is new in it.

A chain's key is the message-id of its *first* posting (the cover letter, else patch 1
of the oldest version in the store). A reroll adds a posting at the end of the chain and
leaves its first posting where it was, so the key, and the state stored under it,
follows the series from v1 to vN. The title is not part of the key: covers get reworded
between versions (see ``series/revisions.py``), and the first posting's own title never
changes anyway. Two events could still move the first posting: older mail imported
later, or a chain the linker now joins differently. For those the store also remembers
every posting id it has seen in a chain (``members``), and a chain uses the key stored
for any of its postings before its own first id.

"New since I last looked" counts the chain's messages (covers, patches, replies, of
every version) dated after my last look at it or my last message in it, whichever is
later; a chain I never looked at or wrote in counts every message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from workbench.model import Person, Series
from workbench.analysis import Judged, Workbench
from workbench.state.model import Effective, StateRecord, TriageState, effective_state
from workbench.state.store import StateStore


@dataclass(frozen=True, slots=True)
class ChainStatus:
    key: str
    postings: tuple[str, ...]  # series ids, oldest first
    effective: Effective
    new: int  # messages since my last look or my last message
    unread: int | None  # notmuch's unread tag (None: not asked)
    last_look: datetime | None
    my_last: datetime | None  # my last message in the chain

    @property
    def state(self) -> TriageState:
        return self.effective.state


def chain_postings(judged: Judged) -> tuple[str, ...]:
    return tuple(judged.series.revisions or [judged.series.id])


def _messages(series: Series):
    """(msgid, author, date) of every message of one posting."""
    if series.cover is not None:
        yield series.cover.msgid, series.cover.author, series.cover.date
    for patch in series.patches:
        yield patch.msgid, patch.author, patch.date
    for record in list(series.replies) + list(series.extras):
        yield record.msgid, record.author, record.date


class ChainIndex:
    """Chain statuses for a workbench, worked out once per (workbench, state) read."""

    def __init__(self, workbench: Workbench, store: StateStore, *, today: date | None = None,
                 unread: set[str] | None = None, me: Person | None = None) -> None:
        self.workbench = workbench
        self.store = store
        self.today = today or date.today()
        self.unread = unread
        self.me = me or workbench.context.me
        self._members = store.all_members()
        self._states = store.all_states()
        self._looks = store.last_looks()
        self._by_id = {j.series.id: j for j in workbench.judged}
        self._cache: dict[tuple[str, ...], ChainStatus] = {}

    def key(self, judged: Judged) -> str:
        postings = chain_postings(judged)
        for posting in postings:
            if posting in self._members:
                return self._members[posting]
        return postings[0]

    def newest(self, judged: Judged) -> Judged:
        return self._by_id.get(judged.series.superseded_by or "", judged)

    def status(self, judged: Judged) -> ChainStatus:
        postings = chain_postings(judged)
        known = self._cache.get(postings)
        if known is not None:
            return known
        key = self.key(judged)
        record: StateRecord | None = self._states.get(key)
        newest = self.newest(judged)
        effective = effective_state(record, newest_id=newest.series.id, today=self.today)
        look = self._looks.get(key)
        mine: datetime | None = None
        messages = []
        for posting in postings:
            found = self._by_id.get(posting)
            if found is None:
                continue
            for msgid, author, when in _messages(found.series):
                messages.append((msgid, when))
                if self.me is not None and when is not None and self.workbench.context.mailmap.same(author, self.me):
                    mine = when if mine is None or when > mine else mine
        since = max((t for t in (look, mine) if t is not None), default=None)
        new = sum(1 for _m, when in messages if when is not None and (since is None or when > since))
        unread = None if self.unread is None else sum(1 for m, _w in messages if m in self.unread)
        status = ChainStatus(key, postings, effective, new, unread, look, mine)
        self._cache[postings] = status
        return status

    def matches(self, judged: Judged, wanted: set[TriageState]) -> bool:
        return not wanted or self.status(judged).state in wanted


def set_chain_state(store: StateStore, workbench: Workbench, judged: Judged, state: TriageState, *,
                    note: str | None = None, snooze_until: date | None = None) -> StateRecord:
    """Store ``state`` for the chain ``judged`` belongs to, against its newest posting."""
    index = ChainIndex(workbench, store)
    key = index.key(judged)
    newest = index.newest(judged)
    return store.set_state(key, state, postings=chain_postings(judged), newest_id=newest.series.id,
                           note=note, snooze_until=snooze_until, title=newest.series.title,
                           viewing=judged.series.id)


def mark_looked(store: StateStore, workbench: Workbench, judged: Judged, when: datetime | None = None) -> None:
    index = ChainIndex(workbench, store)
    store.looked(index.key(judged), when, postings=chain_postings(judged))


def reviewed_posting(index: ChainIndex, judged: Judged) -> Judged | None:
    """The version "what changed since I reviewed" compares against: of the posting I
    last set "reviewing" on and the posting I last wrote a message in (a reply is a
    review too), the one I acted on last (by time); None when there is none, or when it
    is the newest posting itself."""
    status = index.status(judged)
    newest = index.newest(judged)
    order = list(status.postings)
    candidates: list[tuple[datetime, str]] = []
    stored = status.effective.stored
    if stored is not None and stored.reviewed_id in order and stored.set_at is not None:
        candidates.append((stored.set_at, stored.reviewed_id))
    me = index.me
    if me is not None:
        mailmap = index.workbench.context.mailmap
        for posting in order:
            found = index.workbench.find(posting)
            if found is None:
                continue
            for _m, author, when in _messages(found.series):
                if when is not None and mailmap.same(author, me):
                    candidates.append((when, posting))
    if not candidates:
        return None
    _when, best = max(candidates, key=lambda c: (c[0], order.index(c[1])))
    if best == newest.series.id:
        return None
    return index.workbench.find(best)


def chain_messages(index: ChainIndex, judged: Judged) -> list[str]:
    """Message-ids of every message of the chain ``judged`` belongs to (for ``mark_read``)."""
    out: list[str] = []
    for posting in chain_postings(judged):
        found = index.workbench.find(posting)
        if found is not None:
            out.extend(m for m, _a, _w in _messages(found.series))
    return out
