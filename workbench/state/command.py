"""``--set-state SERIES=STATE [--note TEXT] [--until DATE]``: triage from a shell.

The series may be any posting of the chain (its id as ``--report --format json``
shows it); the state is stored for the whole chain, against its newest posting.
"""

from __future__ import annotations

from datetime import date

from workbench.config import Settings
from workbench.errors import ConfigError
from workbench.state.model import LABELS, TriageState, parse_state
from workbench.text import echo


def parse_assignment(value: str) -> tuple[str, TriageState]:
    series, sep, state = value.rpartition("=")
    if not sep or not series.strip():
        raise ConfigError(f"--set-state {value!r}: expected SERIES=STATE, e.g. <msgid>=waiting")
    try:
        return series.strip().removeprefix("id:").strip("<>"), parse_state(state)
    except ValueError as err:
        raise ConfigError(f"--set-state: {err}") from None


def parse_states(values: list[str]) -> list[TriageState]:
    out: list[TriageState] = []
    for chunk in values:
        for word in chunk.split(","):
            if word.strip():
                try:
                    out.append(parse_state(word))
                except ValueError as err:
                    raise ConfigError(f"--state: {err}") from None
    return out


def parse_until(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ConfigError(f"--until {value!r}: expected a date YYYY-MM-DD") from None


def run_set_state(settings: Settings, assignment: str, *, note: str | None = None,
                  until: str | None = None) -> int:
    from workbench.pipeline import build_workbench
    from workbench.state.chains import set_chain_state
    from workbench.state.store import StateStore

    series_id, state = parse_assignment(assignment)
    snooze = parse_until(until) if until else None
    if state is TriageState.SNOOZED and snooze is None:
        raise ConfigError("--set-state …=snoozed needs --until YYYY-MM-DD")
    if snooze is not None and state is not TriageState.SNOOZED:
        raise ConfigError("--until goes with the state 'snoozed'")
    workbench = build_workbench(settings)
    judged = workbench.find(series_id)
    if judged is None:
        raise ConfigError(f"no series with id {series_id!r} in the store (ids: --report --format json --all)")
    with StateStore.open(settings.state_file) as store:
        record = set_chain_state(store, workbench, judged, state, note=note, snooze_until=snooze)
    until_text = f" until {snooze.isoformat()}" if snooze else ""
    print(f"{echo(judged.series.title)}: {LABELS[record.state]}{until_text} (chain {echo(record.chain)})")
    return 0
