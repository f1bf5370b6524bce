"""The revision chain of a series, and what changed between two versions.

"What checks changed" answers the maintainer's real question about a reroll (did v5 pick
up the parent ack v4 was missing?), and the patch comparison tells which patches need a
second look. Patches are matched by title and compared by their diff with line numbers
and blob ids stripped, so a rebase that only moved lines does not count as a change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workbench.analysis import Judged, Workbench
from workbench.model import Patch, Status
from workbench.patchmail.diff import split_patch
from workbench.tui.body import read_body

_NOISE = re.compile(r"^(?:index [0-9a-f]+\.\.[0-9a-f]+.*|@@ [^@]*@@)", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class CheckChange:
    check: str
    before: Status
    after: Status


@dataclass(frozen=True, slots=True)
class PatchChange:
    title: str
    kind: str  # "changed" | "unchanged" | "added" | "dropped"
    old: int | None  # patch number in the older version
    new: int | None


def chain(judged: Judged, workbench: Workbench) -> list[Judged]:
    """v1 … vN as far as they are in the store, oldest first; the series itself when the
    core found no chain."""
    ids = judged.series.revisions or [judged.series.id]
    out = [j for j in (workbench.find(i) for i in ids) if j is not None]
    if judged not in out:
        out.append(judged)
        out.sort(key=lambda j: (j.series.version, j.series.date is None, j.series.date))
    return out


def check_changes(older: Judged, newer: Judged) -> list[CheckChange]:
    before = {c.id: c.status for c in older.checks}
    return [CheckChange(c.id, before[c.id], c.status)
            for c in newer.checks if c.id in before and before[c.id] is not c.status]


def _normalized_diff(patch: Patch) -> str:
    _prose, diff = split_patch(read_body(patch.path))
    return _NOISE.sub("", diff)


def _key(title: str) -> str:
    return " ".join(title.lower().split())


def patch_changes(older: Judged, newer: Judged) -> list[PatchChange]:
    old_by_title = {_key(p.title): p for p in older.series.patches}
    out: list[PatchChange] = []
    matched: set[str] = set()
    for p in newer.series.patches:
        key = _key(p.title)
        old = old_by_title.get(key)
        if old is None:
            out.append(PatchChange(p.title, "added", None, p.number))
            continue
        matched.add(key)
        same = _normalized_diff(old) == _normalized_diff(p)
        out.append(PatchChange(p.title, "unchanged" if same else "changed", old.number, p.number))
    for key, p in old_by_title.items():
        if key not in matched:
            out.append(PatchChange(p.title, "dropped", p.number, None))
    return out
