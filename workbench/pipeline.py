"""From settings to a judged list of series: the one path the report, the TUI and the
draft writer all share.

``build_workbench`` does the I/O (notmuch, MAINTAINERS, .mailmap); ``analyse`` is pure
(records in, judged series out), so it can be tested on records parsed straight from
files and re-run cheaply when only MAINTAINERS changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from workbench import heap
from workbench.analysis import EPOCH, Context, Judged, Progress, Workbench
from workbench.config import Settings
from workbench.errors import MaintainersError
from workbench.kernel.mailmap import Mailmap
from workbench.kernel.maintainers import Maintainers
from workbench.forked import split_map
from workbench.model import CheckResult, Evidence, MailRecord, Person, Series
from workbench.policy.checks import PolicyContext, run_checks, variant_drivers
from workbench.policy.maintainer import applied_by
from workbench.policy.signals import Reader, signals_of
from workbench.series.grouping import group_series

if TYPE_CHECKING:  # the store's modules are imported where a load runs (build_workbench)
    from workbench.mail.session import StoreSession


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


def _read_text(path: str) -> str:
    from workbench.mail.reading import read_text

    return read_text(path).text


def analyse(records: Iterable[MailRecord], context: Context, read: Reader | None = None) -> list[Judged]:
    """Group records into series and judge every series; newest first. ``read`` gives a
    message file's text: only CI robots' replies are read again (their reports)."""
    records = list(records)
    policy = PolicyContext(maintainers=context.maintainers, mailmap=context.mailmap)
    lists = context.maintainers.list_addresses()
    series = group_series(records, context.mailmap, lists)
    robots = signals_of(series, read or _read_text, lists)

    def verdicts(s: Series) -> tuple[list[CheckResult], list[str], Evidence | None]:
        # what may come back from a forked child: no series, no records (those are the parent's)
        return run_checks(s, policy), variant_drivers(s, context.maintainers), applied_by(s, policy)

    judged = [Judged(series=s, checks=checks, drivers=drivers, applied=applied, signals=robots.get(s.id, []))
              for s, (checks, drivers, applied) in zip(
                  series, split_map(verdicts, series, [1 + len(s.patches) + len(s.replies) for s in series]),
                  strict=True)]
    judged.sort(key=lambda j: (j.series.date or EPOCH, j.series.id), reverse=True)
    return judged


def build_workbench(settings: Settings, progress: Progress | None = None,
                    session: StoreSession | None = None) -> Workbench:
    """Read the store (through the cache), then analyse. Raises WorkbenchError subclasses.
    ``session``: the run's look at the store, when the caller has one (the report asked
    it about its kept report already); else one is opened for this load."""
    from workbench.mail.session import StoreSession

    context = load_context(settings)  # a bad MAINTAINERS path fails before any mail is read
    if session is None:
        with StoreSession(settings) as own:
            return _build(settings, context, own, progress)
    return _build(settings, context, session, progress)


def _build(settings: Settings, context: Context, session: StoreSession, progress: Progress | None) -> Workbench:
    context.me = context.me or session.user_identity()
    loaded = session.records(progress)
    context.db_path = loaded.db_path
    context.query = settings.effective_query()
    context.revision = loaded.revision
    context.uuid, context.matched, context.settled = loaded.uuid, loaded.matched, loaded.settled
    workbench = Workbench(
        context=context,
        judged=analyse(loaded.records, context),
        records={r.msgid: r for r in loaded.records},
        problems=list(loaded.problems),
    )
    heap.freeze()  # the analysis lives as long as the run too (a report's: workbench.heap)
    return workbench
