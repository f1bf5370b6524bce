"""What an analysis run is given and what it gives: ``Context``, ``Judged``, ``Workbench``.

These are the shared types of every layer above the policy (the report, the replies, the
triage, the TUI). They live apart from ``pipeline`` (which does the I/O and runs the
analysis) so that a module needing the *shape* of a result does not import the machinery
that produces it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from workbench.kernel.mailmap import Mailmap
from workbench.kernel.maintainers import Maintainers
from workbench.model import (
    CheckResult,
    Evidence,
    LoadProblem,
    MailRecord,
    Person,
    RobotSignal,
    Series,
    Status,
)

Progress = Callable[[int, int], None]

EPOCH = datetime.min.replace(tzinfo=timezone.utc)


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
    signals: list[RobotSignal] = field(default_factory=list)  # CI robots' reports (not a check)

    @property
    def in_scope(self) -> bool:
        return bool(self.drivers)

    @property
    def current(self) -> bool:
        return self.series.superseded_by is None

    @property
    def robot_attention(self) -> list[RobotSignal]:
        """Robot reports on this posting that no later version cleared."""
        return [s for s in self.signals if s.cleared_by is None]

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


