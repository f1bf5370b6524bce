"""Messages into series (one Series per posted version), trailers attached to patches,
versions chained across threads.

Grouping is by *thread position first, subject second*: a patch joins the series of its
nearest patch/cover ancestor only when its subject agrees with that series (same version
when it states one, same total, a number not yet taken). Anything else starts a series of
its own. That is what keeps a v2 posted in reply to v1 — or any series posted in reply to
another — from being merged into it (patchwork's mistake), while a series whose patches
do not state the cover's version (``[PATCH net-next v3 0/4]`` over ``[PATCH 1/4]``) still
holds together.

Patches without any threading headers fall back to the author, version and total of a
series posted shortly before (``UNTHREADED_WINDOW``), as ``git send-email`` without
``--thread`` produces. Messages are placed ancestors-first and in date order, so the
answer does not depend on the order of the input.

Replies and trailers are attached afterwards (``attribution``), and versions chained
across threads last (``revisions``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from enum import Enum

from workbench.kernel.mailmap import Mailmap
from workbench.model import MailRecord, Patch, Series
from workbench.series.attribution import attach_replies
from workbench.series.identity import identity_key
from workbench.series.provenance import trace_carried
from workbench.series.revisions import link_revisions
from workbench.patchmail.subject import SubjectInfo, normalize_title, parse_subject
from workbench.series.threads import ThreadIndex

UNTHREADED_WINDOW = timedelta(hours=1)
"""How far apart two unthreaded patches of one series may be posted. Real sends take
seconds to minutes; a repost of the same series an hour later is a new posting."""

DUPLICATE_WINDOW = timedelta(days=2)
"""A lone copy of an already-present patch, threaded into its series within this time,
is a duplicate (a re-send of a mangled mail), not a new posting."""

_EPOCH = datetime.min.replace(tzinfo=timezone.utc)


class Kind(Enum):
    COVER = "cover"
    PATCH = "patch"
    REPLY = "reply"


@dataclass(slots=True)
class Entry:
    """A message that is part of a posting (cover letter or patch)."""

    record: MailRecord
    info: SubjectInfo
    kind: Kind
    number: int  # 0 for a cover letter
    total: int

    @property
    def when(self) -> datetime:
        return self.record.date or _EPOCH


@dataclass(slots=True)
class Building:
    """A series while messages are being placed into it."""

    seq: int
    total: int
    author_key: str
    cover: Entry | None = None
    patches: dict[int, Entry] = field(default_factory=dict)
    extras: list[Entry] = field(default_factory=list)
    version: int | None = None  # stated version, None while nobody stated one
    anchor: str | None = None  # the message this posting hangs from when none of it is a patch
    split_from: Building | None = None  # started because its number was taken there
    last: datetime = _EPOCH
    people: set[str] = field(default_factory=set)  # identity keys of authors and senders

    def members(self) -> list[Entry]:
        out = [self.cover] if self.cover else []
        return out + [self.patches[k] for k in sorted(self.patches)] + self.extras

    def effective_version(self) -> int:
        return self.version if self.version is not None else 1

    def touch(self, entry: Entry, people: tuple[str, str]) -> None:
        self.last = max(self.last, entry.when)
        self.people.update(people)
        if entry.info.versioned and self.version is None:
            self.version = entry.info.version


def _cover_children(index: ThreadIndex, infos: dict[str, SubjectInfo], mailmap: Mailmap) -> dict[str, int]:
    """Message-ids of unnumbered, diff-less roots that head a numbered series by the same
    author (a cover letter without "0/N"), with the total their patches state."""
    found: dict[str, int] = {}
    for parent, kids in index.children().items():
        root = index.by_id[parent]
        info = infos[parent]
        if info.is_reply or root.has_diff or (info.is_patch and info.number is not None):
            continue
        for kid in kids:
            kinfo = infos[kid]
            if (kinfo.is_patch and not kinfo.is_reply and kinfo.number and kinfo.total
                    and mailmap.same(index.by_id[kid].author, root.author)):
                found[parent] = kinfo.total
                break
    return found


def classify(index: ThreadIndex, mailmap: Mailmap) -> tuple[dict[str, SubjectInfo], dict[str, Entry]]:
    """Subject info for every message, and the entries (covers and patches)."""
    infos = {msgid: parse_subject(r.subject) for msgid, r in index.by_id.items()}
    covers = _cover_children(index, infos, mailmap)
    entries: dict[str, Entry] = {}
    for msgid, record in index.by_id.items():
        info = infos[msgid]
        if info.is_reply:
            continue
        if msgid in covers:
            entries[msgid] = Entry(record, info, Kind.COVER, 0, covers[msgid])
        elif info.is_patch and info.number == 0 and info.total:
            entries[msgid] = Entry(record, info, Kind.COVER, 0, info.total)
        elif not record.has_diff and _answers_parent(index, infos, record, info, mailmap):
            continue  # a reply that kept the subject without "Re:"
        elif info.is_patch and info.number is not None and info.total:
            entries[msgid] = Entry(record, info, Kind.PATCH, info.number, info.total)
        elif info.is_patch or record.has_diff:
            # "[PATCH] foo", and a diff posted with a plain subject: a single patch.
            entries[msgid] = Entry(record, info, Kind.PATCH, 1, 1)
    return infos, entries


def _answers_parent(index: ThreadIndex, infos: dict[str, SubjectInfo], record: MailRecord,
                    info: SubjectInfo, mailmap: Mailmap) -> bool:
    parent = index.parent(record.msgid)
    if parent is None:
        return False
    pinfo = infos[parent]
    return (pinfo.title == info.title and pinfo.number == info.number
            and not mailmap.same(index.by_id[parent].author, record.author))


class _Placer:
    """Puts entries into series, ancestors first."""

    def __init__(self, index: ThreadIndex, entries: dict[str, Entry], mailmap: Mailmap) -> None:
        self.index = index
        self.entries = entries
        self.mailmap = mailmap
        self.series: list[Building] = []
        self.series_of: dict[str, Building] = {}
        self._nearest: dict[str, str | None] = {}
        self._by_anchor: dict[str, list[Building]] = {}
        self._by_author: dict[tuple[str, int], list[Building]] = {}

    def nearest_entry(self, msgid: str) -> str | None:
        """The nearest ancestor that is a cover or patch (memoised; cycle-safe)."""
        if msgid in self._nearest:
            return self._nearest[msgid]
        path: list[str] = []
        found: str | None = None
        for ancestor in self.index.ancestors(msgid):
            if ancestor in self._nearest:
                found = self._nearest[ancestor] if ancestor not in self.entries else ancestor
                break
            if ancestor in self.entries:
                found = ancestor
                break
            path.append(ancestor)
        self._nearest[msgid] = found
        for step in path:
            self._nearest[step] = found
        return found

    def place_all(self) -> list[Building]:
        order = sorted(self.entries.values(), key=lambda e: (e.when.timestamp(), e.number, e.record.msgid))
        for entry in order:
            chain: list[Entry] = []
            current: Entry | None = entry
            while current is not None and current.record.msgid not in self.series_of and current not in chain:
                chain.append(current)
                up = self.nearest_entry(current.record.msgid)
                current = self.entries.get(up) if up else None
            for item in reversed(chain):
                self._place(item)
        self._fold_duplicates()
        return self.series

    def _new(self, entry: Entry, anchor: str | None = None, split_from: Building | None = None) -> Building:
        building = Building(seq=len(self.series), total=entry.total,
                            author_key=identity_key(self.mailmap, entry.record.author),
                            anchor=anchor, split_from=split_from)
        self.series.append(building)
        self._by_author.setdefault((building.author_key, building.total), []).append(building)
        if anchor:
            self._by_anchor.setdefault(anchor, []).append(building)
        self._add(building, entry)
        return building

    def _add(self, building: Building, entry: Entry, threaded: bool = False) -> None:
        building.touch(entry, self._people(entry))
        if entry.kind is Kind.COVER:
            building.cover = entry
        elif 1 <= entry.number <= building.total and entry.number not in building.patches:
            building.patches[entry.number] = entry
        elif threaded and _appends(building, entry):
            building.patches[entry.number] = entry
        else:
            building.extras.append(entry)
        self.series_of[entry.record.msgid] = building

    def _people(self, entry: Entry) -> tuple[str, str]:
        record = entry.record
        return identity_key(self.mailmap, record.author), identity_key(self.mailmap, record.sender)

    def _fits(self, building: Building, entry: Entry) -> str:
        """'yes', 'extra' (belongs, but out of range), 'taken' or 'no'.

        Someone else's patch threaded into a series is not part of it: a series' patches
        share an author or a sender (a maintainer sends patches written by others, with
        the author on an in-body From: line, so the two can differ within one series)."""
        if entry.kind is Kind.COVER or entry.total != building.total:
            return "no"
        if not building.people.intersection(self._people(entry)):
            return "no"
        if entry.info.versioned and entry.info.version != building.effective_version():
            return "no"
        if entry.number < 1 or entry.number > building.total:
            return "extra"
        return "taken" if entry.number in building.patches else "yes"

    def _place(self, entry: Entry) -> None:
        msgid = entry.record.msgid
        if entry.kind is Kind.COVER:
            self._new(entry, anchor=self._anchor(msgid))
            return
        up = self.nearest_entry(msgid)
        if up is not None and up in self.series_of:
            target = self.series_of[up]
            fit = self._fits(target, entry)
            if fit in ("yes", "extra"):
                self._add(target, entry, threaded=True)
            elif not self._join_sibling(up, entry):
                # A posting threaded under another one: its siblings (patches of the same
                # posting sent in reply to the same message) find it through ``up``.
                self._new(entry, anchor=up, split_from=target if fit == "taken" else None)
            return
        anchor = self._anchor(msgid)
        if anchor is not None:
            if not self._join_sibling(anchor, entry):
                self._new(entry, anchor=anchor)
            return
        for candidate in self._unthreaded_candidates(entry):
            self._add(candidate, entry)
            return
        self._new(entry)

    def _join_sibling(self, anchor: str, entry: Entry) -> bool:
        for candidate in reversed(self._by_anchor.get(anchor, [])):
            if self._fits(candidate, entry) == "yes":
                self._add(candidate, entry)
                return True
        return False

    def _anchor(self, msgid: str) -> str | None:
        """The message a posting hangs from when no patch is above it (present or not)."""
        record = self.index.by_id[msgid]
        claimed = self.index.claimed_parents(record)
        return claimed[0] if claimed else None

    def _unthreaded_candidates(self, entry: Entry) -> list[Building]:
        key = identity_key(self.mailmap, entry.record.author)
        out = []
        for building in reversed(self._by_author.get((key, entry.total), [])):
            if self._fits(building, entry) != "yes":
                continue
            if entry.record.date is None or abs(entry.when - building.last) <= UNTHREADED_WINDOW:
                out.append(building)
        return out

    def _fold_duplicates(self) -> None:
        """A lone patch split off only because its number was taken, with the same title
        as the patch it collides with and posted soon after, is a duplicate of it."""
        keep: list[Building] = []
        alive = {id(b) for b in self.series}
        for building in self.series:
            origin = building.split_from
            entry = next(iter(building.patches.values()), None) if building.patches else None
            if (origin is not None and entry is not None and building.cover is None
                    and len(building.patches) == 1 and not building.extras
                    and origin.total > 1 and not entry.info.resend
                    and id(origin) in alive and origin is not building):
                twin = origin.patches.get(entry.number)
                if (twin is not None
                        and normalize_title(twin.info.title) == normalize_title(entry.info.title)
                        and abs(entry.when - twin.when) <= DUPLICATE_WINDOW):
                    origin.extras.append(entry)
                    self.series_of[entry.record.msgid] = origin
                    continue
            keep.append(building)
        self.series = keep


def _appends(building: Building, entry: Entry) -> bool:
    """A "[PATCH 3/2]" sent in reply to a 2-patch posting is a patch its author added
    afterwards (patchwork counts it too): its code needs the same checks as 1/2 and 2/2.
    Only numbers that continue the run (N+1, then N+2 …) count; a stray "9/2" after a
    2-patch series, or a second 3/2, stays an extra for the complete check to show."""
    if entry.number <= building.total or entry.number in building.patches:
        return False
    return all(n in building.patches for n in range(building.total + 1, entry.number))


def _lead(building: Building) -> Entry:
    """The message that names the series: the cover, else patch 1, else the lowest."""
    if building.cover is not None:
        return building.cover
    if building.patches:
        return building.patches[min(building.patches)]
    return building.extras[0]


def _to_series(building: Building) -> Series:
    lead = _lead(building)
    info = lead.info
    patches = [
        Patch(number=e.number, msgid=e.record.msgid, subject=e.record.subject, title=e.info.title,
              author=e.record.author, date=e.record.date, path=e.record.path,
              files=e.record.files, signals=e.record.signals,
              prose=e.record.cover_text if e.record.files and e.number == 1 else "")
        for e in (building.patches[k] for k in sorted(building.patches))
    ]
    members = building.members()
    dates = [e.record.date for e in members if e.record.date is not None]
    change_id = next((e.record.change_id for e in members if e.record.change_id), None)
    return Series(
        id=lead.record.msgid,
        title=info.title,
        version=building.effective_version(),
        rfc=info.rfc,
        author=lead.record.author,
        date=min(dates) if dates else None,
        expected=building.total,
        cover=building.cover.record if building.cover else None,
        patches=patches,
        resend=info.resend,
        prefixes=info.prefixes,
        change_id=change_id,
        extras=[e.record for e in building.extras],
    )


def group_series(records: Iterable[MailRecord], mailmap: Mailmap, lists: Collection[str] = ()) -> list[Series]:
    """Every posted version as a Series, with replies and trailers attached, versions
    chained and carried trailers traced; in date order (oldest first). ``lists``: the
    ``L:`` addresses of MAINTAINERS, whose From rewrites are undone (``senders``)."""
    index = ThreadIndex(records)
    _, entries = classify(index, mailmap)
    placer = _Placer(index, entries, mailmap)
    buildings = placer.place_all()
    built = [_to_series(b) for b in buildings]
    by_entry: dict[str, Series] = {}
    for building, series in zip(buildings, built, strict=True):
        for entry in building.members():
            by_entry[entry.record.msgid] = series
    anchors: dict[str, list[Series]] = {}
    for building, series in zip(buildings, built, strict=True):
        if building.anchor and building.anchor not in index and building.cover is None:
            anchors.setdefault(building.anchor, []).append(series)
    attach_replies(index, entries.keys(), placer.nearest_entry, by_entry, anchors, mailmap, lists)
    link_revisions(built, mailmap)
    trace_carried(built, mailmap)
    built.sort(key=lambda s: (s.date or _EPOCH, s.id))
    return built
