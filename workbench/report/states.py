"""The triage state beside each series in a report, and the ``--state`` filter.

The report reads the state file (never creates it: a report is read-only); the states
are the maintainer's own (``workbench.state``), shown after the verdicts, which never
depend on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workbench.analysis import Judged, Workbench
from workbench.state.chains import ChainIndex
from workbench.state.model import TriageState


@dataclass(slots=True)
class ReportStates:
    index: ChainIndex
    wanted: set[TriageState] = field(default_factory=set)

    def label(self, judged: Judged) -> str:
        return self.index.status(judged).effective.label

    def short(self, judged: Judged) -> str:
        return self.index.status(judged).effective.short

    def fields(self, judged: Judged) -> dict[str, Any]:
        status = self.index.status(judged)
        stored = status.effective.stored
        return {
            "state": status.state.value,
            "state_label": status.effective.label,
            "state_note": status.effective.note,
            "state_set": stored.set_at.isoformat() if stored and stored.set_at else None,
            "snoozed_until": stored.snooze_until.isoformat() if stored and stored.snooze_until else None,
            "snooze_ended": status.effective.woke,
            "chain_key": status.key,
            "new_since_look": status.new,
            "unread": status.unread,
            "last_look": status.last_look.isoformat() if status.last_look else None,
        }


def report_rows(workbench: Workbench, show_all: bool, states: ReportStates | None) -> list[Judged]:
    rows = workbench.visible(show_all)
    if states is not None and states.wanted:
        rows = [j for j in rows if states.index.matches(j, states.wanted)]
    return rows
