"""The TUI's door to my triage state (``workbench.state``): reading it for the list,
writing a state, a look, a comment. Every failure of the state file (damaged, locked, a
symlink) is a ``StateError`` the caller shows; the app never stops over it.
"""

from __future__ import annotations

from datetime import date

from workbench.analysis import Judged, Workbench
from workbench.config import Settings
from workbench.state.chains import ChainIndex, chain_messages, mark_looked, set_chain_state
from workbench.state.model import Comment, StateRecord, TriageState
from workbench.state.store import StateStore


def chain_index(settings: Settings, workbench: Workbench, unread: set[str] | None = None) -> ChainIndex:
    """Every chain's state, read at once (the file is closed again before returning)."""
    store = StateStore.open(settings.state_file, create=False)
    try:
        index = ChainIndex(workbench, store, unread=unread)
        for judged in workbench.judged:
            index.status(judged)
        return index
    finally:
        store.close()


def set_state(settings: Settings, workbench: Workbench, judged: Judged, state: TriageState, *,
              note: str | None = None, until: date | None = None) -> StateRecord:
    with StateStore.open(settings.state_file) as store:
        return set_chain_state(store, workbench, judged, state, note=note, snooze_until=until)


def looked_at(settings: Settings, workbench: Workbench, judged: Judged) -> list[str]:
    """Record that I looked at the chain now; the chain's message-ids (for mark_read)."""
    with StateStore.open(settings.state_file) as store:
        mark_looked(store, workbench, judged)
        return chain_messages(ChainIndex(workbench, store), judged)


def add_comment(settings: Settings, comment: Comment) -> Comment:
    with StateStore.open(settings.state_file) as store:
        return store.add_comment(comment)


def comments_on(settings: Settings, patch_msgid: str) -> list[Comment]:
    with StateStore.open(settings.state_file, create=False) as store:
        return store.comments(patch_msgid)


def forget_comments(settings: Settings, patch_msgid: str, ids: list[int]) -> None:
    with StateStore.open(settings.state_file) as store:
        store.clear_comments(patch_msgid, ids)
