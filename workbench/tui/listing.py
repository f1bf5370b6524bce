"""What the series list shows: which series, in which order, with which columns.

Kept free of widgets so the filters a maintainer relies on every morning ("needs parent
ack", "mine to act on") are plain functions, testable on their own. They work on
``ListRow``s (flat, JSON-able), made from judged series or read back from the last load.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import StrEnum

from workbench.analysis import Context, Judged, Workbench
from workbench.model import CHECK_IDS, CheckId, Status
from workbench.report.marks import CHECK_LETTER
from workbench.state.chains import ChainIndex, ChainStatus
from workbench.state.model import TriageState
from workbench.triage import Activity, activity, last_activity, mine_to_act_on
from workbench.tui.modules import module_names

_EPOCH = datetime.min.replace(tzinfo=timezone.utc)

# The checks that get a column of marks; userspace-data is attention-only and has its
# own place in the hunk view.
LIST_CHECKS: tuple[CheckId, ...] = tuple(c for c in CHECK_IDS if c is not CheckId.USERSPACE_DATA)

_STATUS_RANK = {Status.MISSING: 0, Status.ATTENTION: 1, Status.PASS: 2, Status.NA: 3}


class Quick(StrEnum):
    ALL = "all"
    PARENT = "needs parent ack"
    REVIEW = "needs review"
    DOCS = "needs docs"
    INCOMPLETE = "incomplete"
    MINE = "mine to act on"


class SortKey(StrEnum):
    DATE = "date"
    STATUS = "status"
    DRIVER = "driver"


@dataclass(frozen=True, slots=True)
class ListRow:
    """One line of the series list: only what the list shows, sorts and filters on.

    Kept apart from ``Judged`` so the list can be painted from the rows of the last load
    of the very same inputs (``workbench.tui.preview``) while a large store is still
    being judged, and so filtering 2,000 series per keystroke touches flat fields only.
    """

    id: str
    title: str
    author: str  # as shown: the name, else the address
    author_email: str
    date: str | None  # ISO 8601
    drivers: tuple[str, ...]
    version: str  # "v3", or "v3→v5" when a newer version exists
    superseded: bool
    in_scope: bool
    present: int
    expected: int
    complete: bool
    counts: str  # acks/reviews/tests
    statuses: tuple[tuple[str, str], ...]  # (check id, status value), in check order
    mine: bool  # mine to act on, for the "me" of the load
    applied: bool = False  # the vfio maintainer said "Applied to …"
    modules: tuple[str, ...] = ()  # the drivers' module names ("hisi_acc_vfio_pci"), for the filter
    last: str | None = None  # ISO 8601 date of the series' newest mail
    since_me: int = 0  # its mails newer than my last one (all of them when I never wrote)
    wrote: bool = False  # I wrote in the series
    state: str = TriageState.NEW.value  # my triage state of its chain, as shown (workbench.state)
    state_label: str = "new"  # "waiting on author", "snoozed 2026-03-01"
    looked_new: int | None = None  # its chain's mails since my last look or my last mail (None: not known)
    looked: bool = False  # I looked at the chain or wrote in it: ``looked_new`` counts from then
    unread: int | None = None  # notmuch's unread tag on the chain's mails (None: not asked)

    @property
    def current(self) -> bool:
        return not self.superseded

    def status(self, check_id: str) -> Status | None:
        for ident, value in self.statuses:
            if ident == check_id:
                return Status(value)
        return None

    @property
    def when(self) -> datetime | None:
        return datetime.fromisoformat(self.date) if self.date else None

    @property
    def last_when(self) -> datetime | None:
        return datetime.fromisoformat(self.last) if self.last else None

    def to_json(self) -> dict:
        data = {name: getattr(self, name) for name in self.__slots__}
        data["drivers"] = list(self.drivers)
        data["modules"] = list(self.modules)
        data["statuses"] = [list(pair) for pair in self.statuses]
        return data

    @classmethod
    def from_json(cls, data: dict) -> ListRow:
        values = dict(data)
        values["drivers"] = tuple(values["drivers"])
        values["modules"] = tuple(values.get("modules", ()))
        values["statuses"] = tuple((str(a), str(b)) for a, b in values["statuses"])
        return cls(**values)


def row_of(judged: Judged, newer_version: int | None, ctx: Context | None,
           chain: ChainStatus | None = None) -> ListRow:
    """The row of ``judged``; the triage columns ("mine", activity) need ``ctx``'s "me",
    MAINTAINERS and .mailmap (``workbench.triage``), the state columns my triage state
    of its chain (``chain``)."""
    s = judged.series
    version = f"{'RFC ' if s.rfc else ''}v{s.version}"
    if s.superseded_by:
        version += f"→v{newer_version}" if newer_version is not None else "→newer"
    if ctx is not None:
        seen = activity(s, ctx.me, ctx.mailmap, ctx.maintainers.list_addresses())
        mine = mine_to_act_on(judged, ctx.me, ctx.maintainers, ctx.mailmap)
    else:
        seen, mine = Activity(last_activity(s), 0, False), False
    return ListRow(
        id=s.id, title=s.title, author=s.author.name or s.author.email, author_email=s.author.email,
        date=s.date.isoformat() if s.date else None, drivers=tuple(judged.drivers), version=version,
        superseded=bool(s.superseded_by), in_scope=judged.in_scope, present=len(s.present),
        expected=s.expected, complete=s.complete, counts=str(trailer_counts(judged)),
        statuses=tuple((c.id, c.status.value) for c in judged.checks),
        mine=mine, applied=judged.applied is not None, modules=module_names(judged),
        last=seen.last.isoformat() if seen.last else None, since_me=seen.since_me, wrote=seen.wrote,
        **(_state_fields(chain) if chain is not None else {}))


def _state_fields(chain: ChainStatus) -> dict:
    return {"state": chain.state.value, "state_label": chain.effective.short, "looked_new": chain.new,
            "looked": chain.last_look is not None or chain.my_last is not None, "unread": chain.unread}


def rows_of(workbench: Workbench, chains: ChainIndex | None = None) -> list[ListRow]:
    """Every judged series as a row, in the workbench's order (newest first); with my
    triage state when ``chains`` is given."""
    version = {j.series.id: j.series.version for j in workbench.judged}
    return [row_of(j, version.get(j.series.superseded_by or ""), workbench.context,
                   chains.status(j) if chains is not None else None) for j in workbench.judged]


def _missing(row: ListRow, check_id: str) -> bool:
    return row.status(check_id) is Status.MISSING


def quick_predicate(quick: Quick) -> Callable[[ListRow], bool]:
    """The quick filters. The "needs …" ones leave applied series out: what those still
    miss is history, nobody's work (they keep their marks in the full list)."""
    match quick:
        case Quick.PARENT:
            return lambda r: not r.applied and _missing(r, CheckId.PARENT_APPROVAL)
        case Quick.REVIEW:
            return lambda r: not r.applied and _missing(r, CheckId.LISTED_REVIEWER)
        case Quick.DOCS:
            return lambda r: not r.applied and _missing(r, CheckId.DOCUMENTATION)
        case Quick.INCOMPLETE:
            return lambda r: not r.applied and not r.complete
        case Quick.MINE:
            return lambda r: r.mine
    return lambda r: True


def _fold(text: str) -> str:
    """Case and - versus _ do not matter (kbuild treats hisi-acc and hisi_acc alike)."""
    return text.lower().replace("-", "_")


def text_matches(row: ListRow, needle: str) -> bool:
    """Filter-as-you-type: every word must appear in the title, the author, a driver's
    directory or one of its module names ("hisi_acc" finds the hisilicon driver)."""
    words = _fold(needle).split()
    if not words:
        return True
    hay = _fold(" ".join([row.title, row.author, row.author_email, *row.drivers, *row.modules]))
    return all(w in hay for w in words)


def status_rank(item: Judged | ListRow) -> tuple[int, int, int]:
    """Most in need of action first: fewest passes among the list checks; applied series
    last, whatever their marks."""
    if isinstance(item, ListRow):
        statuses = [Status(v) for c, v in item.statuses if c in LIST_CHECKS]
        applied = item.applied
    else:
        statuses = [c.status for c in item.checks if c.id in LIST_CHECKS]
        applied = item.applied is not None
    ranks = [_STATUS_RANK[s] for s in statuses]
    return (int(applied), min(ranks, default=3), sum(ranks))


def sort_rows(rows: list[ListRow], key: SortKey, reverse: bool = False) -> list[ListRow]:
    by_date = sorted(rows, key=lambda r: (r.when or _EPOCH, r.id), reverse=True)
    if key is SortKey.STATUS:
        out = sorted(by_date, key=status_rank)
    elif key is SortKey.DRIVER:
        out = sorted(by_date, key=lambda r: ",".join(r.drivers) or "~")
    else:
        out = by_date
    return list(reversed(out)) if reverse else out


def select_rows(rows: list[ListRow], *, show_all: bool, quick: Quick, text: str,
                sort: SortKey, reverse: bool = False, states: frozenset[str] = frozenset()) -> list[ListRow]:
    """``states``: only rows in one of these triage states (empty: any)."""
    keep = quick_predicate(quick)
    picked = [r for r in rows if (show_all or (r.current and r.in_scope)) and keep(r) and text_matches(r, text)
              and (not states or r.state in states)]
    return sort_rows(picked, sort, reverse)


@dataclass(frozen=True, slots=True)
class Counts:
    acks: int
    reviews: int
    tests: int

    def __str__(self) -> str:
        return f"{self.acks}/{self.reviews}/{self.tests}"


def trailer_counts(judged: Judged) -> Counts:
    """Distinct people giving each kind of trailer anywhere in the series."""
    seen: dict[str, set[str]] = {"Acked-by": set(), "Reviewed-by": set(), "Tested-by": set()}
    trailers = list(judged.series.cover_trailers)
    for patch in judged.series.patches:
        trailers.extend(patch.trailers)
    for t in trailers:
        if t.name in seen:
            seen[t.name].add(t.person.email or t.person.name)
    return Counts(len(seen["Acked-by"]), len(seen["Reviewed-by"]), len(seen["Tested-by"]))


def version_label(judged: Judged, workbench: Workbench) -> str:
    """"v3", or "v3→v5" when a newer version of the series exists."""
    s = judged.series
    newer = workbench.find(s.superseded_by) if s.superseded_by else None
    return row_of(judged, newer.series.version if newer else None, None).version


def date_label(when: datetime | None) -> str:
    return when.strftime("%Y-%m-%d") if when else "-"


def new_label(row: ListRow) -> str:
    """Mails since my last look at the chain or my last mail in it: "+3"; "" when nothing
    moved since; "12*" when I never looked nor wrote (all of it is new to me). Without
    triage state: since my last mail in the series. notmuch's unread count follows: "+3 2u"."""
    if row.looked_new is not None:
        text = (f"+{row.looked_new}" if row.looked_new else "") if row.looked else f"{row.looked_new}*"
    elif not row.wrote:
        text = f"{row.since_me}*"
    else:
        text = f"+{row.since_me}" if row.since_me else ""
    if row.unread:
        text = f"{text} {row.unread}u".strip()
    return text


# -- columns -------------------------------------------------------------------------------

CELL_PADDING = 1  # DataTable's default, each side of every cell
SCROLLBAR = 2  # the list's vertical scrollbar
TITLE_MIN = 30
"""Below this the title is dropped to last: what a series is about matters more than who
sent it or how many acks it has."""


class Col(StrEnum):
    MARKS = "marks"
    STATE = "state"
    DRIVER = "driver"
    TITLE = "title"
    VERSION = "version"
    AUTHOR = "author"
    DATE = "date"
    PATCHES = "patches"
    COUNTS = "counts"
    LAST = "last"
    NEW = "new"


_ORDER = (Col.MARKS, Col.STATE, Col.DRIVER, Col.TITLE, Col.VERSION, Col.AUTHOR, Col.DATE, Col.LAST, Col.NEW,
          Col.PATCHES, Col.COUNTS)
_DROP_FIRST = (Col.COUNTS, Col.PATCHES, Col.LAST, Col.AUTHOR, Col.NEW, Col.DRIVER, Col.STATE)
"""Given up in this order when the terminal is narrow; marks, version, date and title stay."""

COLUMN_LABEL = {Col.MARKS: "".join(CHECK_LETTER[c] for c in LIST_CHECKS), Col.DRIVER: "driver", Col.TITLE: "title", Col.VERSION: "version",
          Col.AUTHOR: "author", Col.DATE: "date", Col.PATCHES: "patches", Col.COUNTS: "A/R/T",
          Col.LAST: "last mail", Col.NEW: "new", Col.STATE: "state"}
_CAP = {Col.DRIVER: 18, Col.AUTHOR: 22, Col.VERSION: 10, Col.STATE: 18}


@dataclass(frozen=True, slots=True)
class Column:
    key: Col
    width: int


def list_columns(width: int, rows: list[ListRow]) -> tuple[Column, ...]:
    """The series list's columns for a terminal ``width`` cells wide: each sized to its
    content (capped), the title taking the rest. The driver column used to be as wide as
    the longest driver list (43 cells) and the title fixed at 60, which pushed patches and
    A/R/T off a 160-column screen; at 80 columns version, author and date were gone."""
    want = {
        Col.MARKS: len(LIST_CHECKS),
        Col.STATE: max((len(r.state_label) for r in rows), default=0),
        Col.DRIVER: max((len(",".join(r.drivers)) for r in rows), default=0),
        Col.VERSION: max((len(r.version) for r in rows), default=0),
        Col.AUTHOR: max((len(r.author) for r in rows), default=0),
        Col.DATE: 10,
        Col.LAST: 10,
        Col.NEW: max((len(new_label(r)) for r in rows), default=0),
        Col.PATCHES: max((len(f"{r.present}/{r.expected}") for r in rows), default=0),
        Col.COUNTS: max((len(r.counts) for r in rows), default=0),
    }
    sized = {key: max(len(COLUMN_LABEL[key]), min(value, _CAP.get(key, value))) for key, value in want.items()}
    keys = list(_ORDER)

    def room() -> int:
        return width - SCROLLBAR - 2 * CELL_PADDING * len(keys) - sum(sized[k] for k in keys if k is not Col.TITLE)

    for key in _DROP_FIRST:
        if room() >= TITLE_MIN:
            break
        keys.remove(key)
    return tuple(Column(k, max(10, room()) if k is Col.TITLE else sized[k]) for k in keys)


def abbreviate_drivers(drivers: tuple[str, ...], width: int) -> str:
    """"hisilicon,mlx5,pds" in ``width`` cells: as many whole names as fit, then "+N"
    for the rest (a cut name would read as another driver)."""
    full = ",".join(drivers)
    if len(full) <= width or not drivers:
        return full or "-"
    for keep in range(len(drivers) - 1, 0, -1):
        text = ",".join(drivers[:keep]) + f",+{len(drivers) - keep}"
        if len(text) <= width:
            return text
    first = drivers[0]
    rest = f"+{len(drivers) - 1}" if len(drivers) > 1 else ""
    return first[:max(1, width - len(rest) - 1)] + "…" + rest
