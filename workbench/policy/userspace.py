"""userspace-data: lines where data from userspace enters a variant or parent driver.

The acceptance document asks authors not to "allow unchecked userspace data to have an
effect beyond the scope of the assigned device". Whether a given copy_from_user is checked
needs a human, so this check never passes or fails: it says ``attention`` and lists each
place (patch, file, hunk, line) for the reviewer; with nothing found it is ``n/a``.

Only variant-driver files and parent files (code outside vfio that another section owns,
by path) are looked at: vfio core's own userspace paths are the maintainer's daily work,
not what a variant-driver series brings in.
"""

from __future__ import annotations

from workbench.model import CheckResult, Evidence, Patch, SignalKind, Series, Status
from workbench.policy.ownership import is_parent_candidate
from workbench.policy.scope import variant_of
from workbench.text import one_line

CHECK_ID = "userspace-data"
MAX_EVIDENCE = 60


def check_userspace(series: Series) -> CheckResult:
    places: dict[tuple[int, str, str, str], list[str]] = {}  # one line, all the patterns it hit
    owners: dict[tuple[int, str, str, str], Patch] = {}
    for patch in series.patches:
        for signal in patch.signals:
            if signal.kind is not SignalKind.USERSPACE:
                continue
            if variant_of(signal.path) is None and not is_parent_candidate(signal.path):
                continue
            key = (patch.number, signal.path, signal.hunk, signal.line)
            if signal.pattern not in places.setdefault(key, []):
                places[key].append(signal.pattern)
            owners.setdefault(key, patch)
    total = len(places)
    files = {key[1] for key in places}
    evidence: list[Evidence] = []
    for key, patterns in list(places.items())[:MAX_EVIDENCE]:
        number, path, hunk, line = key
        patch = owners[key]
        text = f"{number}/{series.expected} {path} ({hunk.strip()}) [{', '.join(patterns)}]: {line.strip()}"
        evidence.append(Evidence(text=one_line(text, 200), person=patch.author, msgid=patch.msgid, date=patch.date))
    if not total:
        return CheckResult(CHECK_ID, Status.NA, "no line taking userspace data in variant or parent code")
    if total > len(evidence):
        evidence.append(Evidence(text=f"… and {total - len(evidence)} more"))
    summary = f"{total} line{'s' if total != 1 else ''} taking userspace data in {len(files)} file{'s' if len(files) != 1 else ''}: review"
    return CheckResult(CHECK_ID, Status.ATTENTION, summary, evidence=evidence)
