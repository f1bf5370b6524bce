"""From settings to a judged list of series: the one path the report, the TUI and the
draft writer all share.

``build_workbench`` does the I/O (notmuch, MAINTAINERS, .mailmap); ``analyse`` is pure
(records in, judged series out), so it can be tested on records parsed straight from
files and re-run cheaply when only MAINTAINERS changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from workbench.config import Settings
from workbench.errors import MaintainersError
from workbench.kernel.mailmap import Mailmap
from workbench.kernel.maintainers import Maintainers
from workbench.model import CheckResult, Evidence, LoadProblem, MailRecord, Person, Series, Status
from workbench.policy.checks import PolicyContext, run_checks, variant_drivers
from workbench.policy.maintainer import applied_by
from workbench.series.grouping import group_series

Progress = Callable[[int, int], None]

_EPOCH = datetime.min.replace(tzinfo=timezone.utc)


@dataclass(slots=True)
class Context:
    """What the analysis was run against; shown in report headers and the TUI footer."""

    maintainers: Maintainers
    mailmap: Mailmap
    me: Person | None
    db_path: str = ""
    query: str = ""
    revision: int | None = None
    uuid: str = ""  # with ``revision`` and ``matched``: what a kept report is checked against
    matched: int = 0
    settled: bool = False  # every listed message was read (none missing): results may be kept


@dataclass(slots=True)
class Judged:
    """A series with its verdicts. ``drivers`` are the variant-driver directories it
    touches (``mlx5``, ``hisilicon``…); empty means out of scope."""

    series: Series
    checks: list[CheckResult]
    drivers: list[str]
    applied: Evidence | None = None  # the vfio maintainer's "Applied to …" reply

    @property
    def in_scope(self) -> bool:
        return bool(self.drivers)

    @property
    def current(self) -> bool:
        return self.series.superseded_by is None

    def check(self, check_id: str) -> CheckResult | None:
        for result in self.checks:
            if result.id == check_id:
                return result
        return None

    @property
    def has_missing(self) -> bool:
        """A check still waits for someone. Not for an applied series: what it missed is
        history by then (the checks still show it)."""
        return self.applied is None and any(c.status is Status.MISSING for c in self.checks)


@dataclass(slots=True)
class Workbench:
    context: Context
    judged: list[Judged]  # newest first
    records: dict[str, MailRecord] = field(default_factory=dict)  # by msgid
    problems: list[LoadProblem] = field(default_factory=list)

    def visible(self, show_all: bool = False) -> list[Judged]:
        """Current, in-scope series (everything with ``show_all``), newest first."""
        if show_all:
            return list(self.judged)
        return [j for j in self.judged if j.in_scope and j.current]

    def find(self, series_id: str) -> Judged | None:
        wanted = series_id.strip().strip("<>")
        for judged in self.judged:
            if judged.series.id == wanted:
                return judged
        return None


def load_context(settings: Settings, me: Person | None = None) -> Context:
    """MAINTAINERS and .mailmap as the user configured them; a clear error otherwise."""
    path = settings.maintainers_path()
    if path is None:
        raise MaintainersError(
            "no MAINTAINERS file: pass --maintainers PATH or --linux-tree PATH "
            "(or set 'maintainers' in the config file)"
        )
    maintainers = Maintainers.load(path)
    mailmap_path = settings.mailmap_path()
    mailmap = Mailmap.load(mailmap_path) if mailmap_path else Mailmap.empty()
    return Context(maintainers=maintainers, mailmap=mailmap, me=settings.me or me)


def analyse(records: Iterable[MailRecord], context: Context) -> list[Judged]:
    """Group records into series and judge every series; newest first."""
    records = list(records)
    policy = PolicyContext(maintainers=context.maintainers, mailmap=context.mailmap)
    judged = [
        Judged(series=s, checks=run_checks(s, policy), drivers=variant_drivers(s, context.maintainers),
               applied=applied_by(s, policy))
        for s in group_series(records, context.mailmap, context.maintainers.list_addresses())
    ]
    judged.sort(key=lambda j: (j.series.date or _EPOCH, j.series.id), reverse=True)
    return judged


def build_workbench(settings: Settings, progress: Progress | None = None) -> Workbench:
    """Read the store (through the cache), then analyse. Raises WorkbenchError subclasses."""
    from workbench.mail.loader import load_records
    from workbench.mail.notmuch_config import user_identity

    context = load_context(settings)  # a bad MAINTAINERS path fails before any mail is read
    context.me = context.me or user_identity(settings)
    loaded = load_records(settings, progress)
    context.db_path = loaded.db_path
    context.query = settings.effective_query()
    context.revision = loaded.revision
    context.uuid, context.matched, context.settled = loaded.uuid, loaded.matched, loaded.settled
    return Workbench(
        context=context,
        judged=analyse(loaded.records, context),
        records={r.msgid: r for r in loaded.records},
        problems=list(loaded.problems),
    )
