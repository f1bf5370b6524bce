"""Replies and their trailers, attached to the patch (or cover letter) they answer.

A reply belongs to its *nearest* patch or cover ancestor, so a review nested three
replies deep under patch 3 counts for patch 3, and a reply in a v2 thread posted under
v1 counts for v2 only: nothing leaks between versions (b4 can pull trailers across).

When a hop between a reply and the patch found above it is missing from the store (a
reply to an undelivered patch 3 whose References still name the cover, or patch 2 under
deep threading), the nearest present ancestor may be the wrong patch. Then the trailers
count only when the reply's own subject names the same patch number ("Re: [PATCH v9 3/9]"
for patch 3, "0/9" or the cover's own title for the cover); otherwise the reply is kept with the
series but its trailers are not attributed: a review of one patch must never become an
approval of another, or of the whole series.

Each trailer records the mail's sending address (``series.senders``): that, not a
display name, is what the checks tie to a MAINTAINERS person. A reply's trailer whose
person is not its sender (by address or by name) is kept and marked ``suspect`` (b4
applies such trailers silently); trailers in the patch's own body are the author's record
of who approved: not suspect, but claims that ``provenance`` traces to where they were
given.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from datetime import datetime, timezone

from workbench.kernel.mailmap import Mailmap
from workbench.model import MailRecord, Origin, Patch, Series, Trailer
from workbench.series.senders import sending_address
from workbench.patchmail.subject import normalize_title, parse_subject
from workbench.series.threads import ThreadIndex

_EPOCH = datetime.min.replace(tzinfo=timezone.utc)


def body_trailers(record: MailRecord, mailmap: Mailmap, lists: Collection[str]) -> list[Trailer]:
    sender = sending_address(record, lists)
    return [
        Trailer(name=t.name, person=t.person, source=record.msgid, origin=Origin.BODY,
                given_by=record.author, suspect=False, date=record.date, sender=sender,
                given_in=record.msgid if mailmap.same_address(t.person, sender) else None)
        for t in record.trailers
    ]


def reply_trailers(record: MailRecord, origin: Origin, mailmap: Mailmap, lists: Collection[str]) -> list[Trailer]:
    sender = sending_address(record, lists)
    out = []
    for t in record.trailers:
        own = mailmap.same_address(t.person, sender)
        out.append(Trailer(name=t.name, person=t.person, source=record.msgid, origin=origin,
                           given_by=record.author, date=record.date, sender=sender,
                           suspect=not (own or mailmap.same_name(t.person, sender)),
                           given_in=record.msgid if own else None))
    return out


class _Hops:
    """Two facts about the way up from a reply, memoised so a thread of thousands of
    replies is walked once, not once per reply (and cycle-safe)."""

    def __init__(self, index: ThreadIndex, entries: set[str], anchors: dict[str, list[Series]]) -> None:
        self.index = index
        self.entries = entries
        self.anchors = anchors
        self._unbroken: dict[str, bool] = {}
        self._anchored: dict[str, Series | None] = {}

    def unbroken(self, msgid: str) -> bool:
        """Every hop up to the nearest cover/patch is the message it claims to reply to."""
        path: list[str] = []
        seen: set[str] = set()
        current = msgid
        while True:
            if current in self._unbroken:
                value = self._unbroken[current]
                break
            claimed = self.index.claimed_parents(self.index.by_id[current])
            if not claimed or claimed[0] not in self.index or current in seen:
                value = False
                break
            path.append(current)
            seen.add(current)
            if claimed[0] in self.entries:
                value = True
                break
            current = claimed[0]
        for step in path:
            self._unbroken[step] = value
        return value

    def anchored(self, msgid: str) -> Series | None:
        """The series whose absent cover letter this reply (or a reply above it) answers."""
        path: list[str] = []
        seen: set[str] = set()
        current: str | None = msgid
        value: Series | None = None
        while current is not None and current not in seen:
            if current in self._anchored:
                value = self._anchored[current]
                break
            path.append(current)
            seen.add(current)
            missing = self.index.missing_parent(current)
            if missing is not None:
                found = self.anchors.get(missing, [])
                value = found[0] if len(found) == 1 else None
                break
            current = self.index.parent(current)
        for step in path:
            self._anchored[step] = value
        return value


def _names_cover(record: MailRecord, series: Series) -> bool:
    info = parse_subject(record.subject)
    if info.number == 0:
        return True
    return info.number is None and normalize_title(info.title) == normalize_title(series.title)


def attach_replies(
    index: ThreadIndex,
    entry_ids: Collection[str],
    nearest_entry: Callable[[str], str | None],
    by_entry: dict[str, Series],
    anchors: dict[str, list[Series]],
    mailmap: Mailmap,
    lists: Collection[str] = (),
) -> None:
    """Fill ``replies``, ``trailers`` and ``cover_trailers`` of the series in ``by_entry``;
    ``lists`` are MAINTAINERS' ``L:`` addresses (``series.senders``)."""
    done: set[int] = set()
    series: Series | None  # each series once here; below, the one a reply belongs to, if any
    patch: Patch | None
    for series in by_entry.values():
        if id(series) in done:
            continue
        done.add(id(series))
        for patch in series.patches:
            record = index.by_id[patch.msgid]
            patch.sender = sending_address(record, lists)
            patch.trailers.extend(body_trailers(record, mailmap, lists))
        lead = series.cover if series.cover is not None else index.by_id.get(series.id)
        if lead is not None:
            series.sender = sending_address(lead, lists)

    entries = set(entry_ids)
    hops = _Hops(index, entries, anchors)
    # timestamps, not datetimes, as the sort key: the same order (dates have whole seconds),
    # and comparing aware datetimes of different zones is ~6x slower (40k replies: 0.4 s)
    replies: Iterable[MailRecord] = sorted(
        (r for m, r in index.by_id.items() if m not in entries),
        key=lambda r: ((r.date or _EPOCH).timestamp(), r.msgid),
    )
    for record in replies:
        msgid = record.msgid
        up = nearest_entry(msgid)
        if up is None:
            series = hops.anchored(msgid)
            if series is not None:
                series.replies.append(record)
                _to_cover(series, record, mailmap, lists)
            continue
        series = by_entry.get(up)
        if series is None:
            continue
        series.replies.append(record)
        trusted = hops.unbroken(msgid)
        if series.cover is not None and series.cover.msgid == up:
            if trusted or _names_cover(record, series):
                _to_cover(series, record, mailmap, lists)
            continue
        patch = next((p for p in series.patches if p.msgid == up), None)
        if patch is not None:
            patch.replies.append(msgid)
            if trusted or parse_subject(record.subject).number == patch.number:
                patch.trailers.extend(reply_trailers(record, Origin.REPLY, mailmap, lists))


def _to_cover(series: Series, record: MailRecord, mailmap: Mailmap, lists: Collection[str]) -> None:
    given = reply_trailers(record, Origin.COVER_REPLY, mailmap, lists)
    series.cover_trailers.extend(given)
    for patch in series.patches:
        patch.trailers.extend(given)
