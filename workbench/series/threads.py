"""Parent and ancestor lookup over message headers, safe against what real mail does.

In-Reply-To and References lie: parents are missing from the store (a cover letter that
was never delivered, a thread that started on another list), References loop back on
themselves (a mailer that copied its own Message-ID in), and some mail has no threading
headers at all. Every walk here is bounded by a visited set, so a cycle ends the walk
instead of hanging it; a missing parent is skipped in favour of the next-older reference,
so a thread with a hole in it still hangs together.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from workbench.model import MailRecord


class ThreadIndex:
    """Records by message-id, with the nearest *present* parent of each."""

    def __init__(self, records: Iterable[MailRecord]) -> None:
        self.by_id: dict[str, MailRecord] = {}
        self.duplicates: list[MailRecord] = []
        for record in records:
            if record.msgid in self.by_id:
                self.duplicates.append(record)  # same Message-ID twice: the first one wins
            else:
                self.by_id[record.msgid] = record
        self._parent: dict[str, str | None] = {}

    def __contains__(self, msgid: object) -> bool:
        return msgid in self.by_id

    def claimed_parents(self, record: MailRecord) -> list[str]:
        """Every message this one says it follows, nearest first, without itself."""
        out: list[str] = []
        for candidate in ([record.in_reply_to] if record.in_reply_to else []) + list(
            reversed(record.references)
        ):
            if candidate and candidate != record.msgid and candidate not in out:
                out.append(candidate)
        return out

    def parent(self, msgid: str) -> str | None:
        """The nearest claimed parent that is in the store (None for a root)."""
        if msgid in self._parent:
            return self._parent[msgid]
        record = self.by_id.get(msgid)
        found = None
        if record is not None:
            for candidate in self.claimed_parents(record):
                if candidate in self.by_id:
                    found = candidate
                    break
        self._parent[msgid] = found
        return found

    def missing_parent(self, msgid: str) -> str | None:
        """The message-id this one replies to when that message is not in the store.

        Patches of a series whose cover letter was never delivered all share it, so it
        still ties them (and replies to the absent cover) together.
        """
        record = self.by_id.get(msgid)
        if record is None:
            return None
        claimed = self.claimed_parents(record)
        if claimed and claimed[0] not in self.by_id:
            return claimed[0]
        return None

    def ancestors(self, msgid: str) -> Iterator[str]:
        """Parent, grandparent … up to the root; stops at a cycle."""
        seen = {msgid}
        current = self.parent(msgid)
        while current is not None and current not in seen:
            yield current
            seen.add(current)
            current = self.parent(current)

    def children(self) -> dict[str, list[str]]:
        """Direct children of every message that has any (by present parent)."""
        out: dict[str, list[str]] = {}
        for msgid in self.by_id:
            parent = self.parent(msgid)
            if parent is not None:
                out.setdefault(parent, []).append(msgid)
        return out
