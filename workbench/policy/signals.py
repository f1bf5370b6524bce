"""CI robots' reports on a series, and whether a later version cleared them.

A reply from a robot (``workbench.series.bots``) that reports a failure — build errors or
warnings, a crash, a regression, or simply a suggested ``Reported-by: kernel test robot``
— is a ``RobotSignal`` on the patch it answers, with the failing config and the mail.

It stays ``attention`` on that posting until a later version of the chain is posted
without a robot report on the same patch (same title, as versions pair patches): then it
is cleared ("reported on V2, v3 posted since"). The newest posting also lists the cleared
reports of the versions before it, so the maintainer sees the history.

Why a separate row and not a seventh check: the checks (``CHECK_IDS``) mirror the kernel's
acceptance document one to one (the report's columns, the panel's rows, ``--fail-on-missing``);
a robot's report is not a criterion of that document. It is shown beside the checks as
a "ci-robots" row (``signal_row``) with status attention, and never as an approval: no
robot mail counts for any check (robots are not in MAINTAINERS, and ``--am`` refuses
their trailers).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field, replace

from workbench.model import Evidence, RobotSignal, Series, Status
from workbench.patchmail.subject import normalize_title
from workbench.series.bots import bot_name, read_report
from workbench.series.senders import sending_address
from workbench.text import one_line

Reader = Callable[[str], str]
ROW_ID = "ci-robots"


def _patch_of(series: Series) -> dict[str, int]:
    out: dict[str, int] = {}
    for patch in series.patches:
        for msgid in patch.replies:
            out.setdefault(msgid, patch.number)
    return out


def own_reports(series: Series, read: Reader, lists: Collection[str] = ()) -> list[RobotSignal]:
    """The failure reports robots sent on this one posting, oldest first."""
    answered = _patch_of(series)
    titles = {p.number: p.title for p in series.patches}
    out: list[RobotSignal] = []
    for record in series.replies:
        bot = bot_name(sending_address(record, lists)) or bot_name(record.sender)
        if bot is None:
            continue
        report = read_report(bot, read(record.path))
        if not report.kind:
            continue
        number = answered.get(record.msgid, 0)
        out.append(RobotSignal(bot=bot, kind=report.kind, config=report.config, msgid=record.msgid, patch=number,
                               expected=series.expected,
                               patch_title=titles.get(number, series.title), series_id=series.id,
                               version=series.version, date=record.date, link=report.link))
    out.sort(key=lambda s: (s.date is None, s.date.timestamp() if s.date else 0.0, s.msgid))
    return out


def chain_signals(chain: list[Series], read: Reader, lists: Collection[str] = ()) -> dict[str, list[RobotSignal]]:
    """For each posting of one chain (oldest first): its own reports, cleared or not, and
    the cleared reports of the versions before it."""
    own = {s.id: own_reports(s, read, lists) for s in chain}
    reported = [{normalize_title(r.patch_title) for r in own[s.id]} for s in chain]

    def clearing(j: int, sig: RobotSignal) -> int | None:
        """The first later posting without a report on the patch ``sig`` is about."""
        key = normalize_title(sig.patch_title)
        return next((k for k in range(j + 1, len(chain)) if key not in reported[k]), None)

    result: dict[str, list[RobotSignal]] = {}
    for i, series in enumerate(chain):
        signals: list[RobotSignal] = []
        for j in range(i + 1):
            for sig in own[chain[j].id]:
                k = clearing(j, sig)
                if j == i:
                    signals.append(sig if k is None else _cleared(sig, chain[k]))
                elif k is not None and k <= i:  # an earlier report this posting (or one before it) cleared
                    signals.append(_cleared(sig, chain[k]))
        result[series.id] = signals
    return result


def _cleared(sig: RobotSignal, later: Series) -> RobotSignal:
    return replace(sig, cleared_by=later.version, cleared_on=later.date)


def signals_of(all_series: Iterable[Series], read: Reader, lists: Collection[str] = ()) -> dict[str, list[RobotSignal]]:
    """Robot signals of every posting, by series id; chains are read once."""
    by_id = {s.id: s for s in all_series}
    out: dict[str, list[RobotSignal]] = {}
    for series in by_id.values():
        if series.id in out:
            continue
        chain = [by_id[i] for i in (series.revisions or [series.id]) if i in by_id] or [series]
        if series not in chain:
            chain = [series]
        out.update(chain_signals(chain, read, lists))
    return out


def describe(sig: RobotSignal) -> str:
    """One line: "kernel test robot: build warnings on v2 5/9 (…), config i386-…; reported on v2, v3 posted since"."""
    where = f"{sig.patch}/{sig.expected}" if sig.patch else "the series"
    text = f"{sig.bot}: {sig.kind} on v{sig.version} {where}"
    if sig.patch:
        text += f" ({one_line(sig.patch_title, 60)})"
    if sig.config:
        text += f", config {sig.config}"
    if sig.cleared_by is not None:
        then, since = f"v{sig.version}", f"v{sig.cleared_by}"
        if sig.cleared_by == sig.version and sig.date and sig.cleared_on:  # a RESEND, or numbering restarted
            then, since = f"{then} of {sig.date:%Y-%m-%d}", f"{since} of {sig.cleared_on:%Y-%m-%d}"
        text += f"; reported on {then}, {since} posted since"
    return one_line(text, 300)


@dataclass(frozen=True, slots=True)
class SignalRow:
    """The "ci-robots" row shown beside the checks. Shaped like a ``CheckResult`` (its
    renderers take either) but not one: its id is no ``CheckId``."""

    id: str
    status: Status
    summary: str
    evidence: list[Evidence] = field(default_factory=list)
    parts: tuple[()] = ()
    missing: tuple[()] = ()


def signal_row(signals: list[RobotSignal]) -> SignalRow | None:
    """The panel's "ci-robots" row: attention while a report stands, pass when every
    report was cleared by a later version; None without reports."""
    if not signals:
        return None
    standing = [s for s in signals if s.cleared_by is None]
    status = Status.ATTENTION if standing else Status.PASS
    if standing:
        summary = f"{len(standing)} CI robot report{'s' if len(standing) != 1 else ''} to look at (not approvals)"
    else:
        summary = "CI robot reports on earlier versions, cleared by a later version"
    evidence = [Evidence(text=describe(s), msgid=s.msgid, date=s.date)
                for s in signals]
    return SignalRow(id=ROW_ID, status=status, summary=summary, evidence=evidence)
