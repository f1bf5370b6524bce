"""The revision chain of a series, and which patch of one version is which of the next.

"What checks changed" answers the maintainer's real question about a reroll (did v5 pick
up the parent ack v4 was missing?), and the patch pairing tells which patches need a
second look. Patches are paired by title (case and spacing ignored); the ones left over
are paired when their titles are still alike (a reworded "vfio/mlx5: Add …" →
"vfio/mlx5: Introduce …") and, failing that, never: an unpaired patch is shown as added
or dropped, which is what a reader checks anyway. A pair counts as unchanged when the
diffs are equal with line numbers and blob ids stripped, so a rebase that only moved
lines does not count as a change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum

from workbench.mail.reading import READER
from workbench.model import Patch, Series, Status
from workbench.analysis import Judged, Workbench
from workbench.patchmail.diff import split_patch

_NOISE = re.compile(r"^(?:index [0-9a-f]+\.\.[0-9a-f]+.*|@@ [^@]*@@)", re.MULTILINE)

TITLE_LIKENESS = 0.8
"""Leftover patches whose titles are at least this alike are the same patch reworded."""


class PairKind(StrEnum):
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    ADDED = "added"
    DROPPED = "dropped"


@dataclass(frozen=True, slots=True)
class CheckChange:
    check: str
    before: Status
    after: Status


@dataclass(frozen=True, slots=True)
class PatchPair:
    """One patch of the older version and what it became (None: none)."""

    old: Patch | None
    new: Patch | None

    @property
    def title(self) -> str:
        return (self.new or self.old).title  # type: ignore[union-attr]


@dataclass(frozen=True, slots=True)
class PatchChange:
    title: str
    kind: PairKind
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


def previous_version(judged: Judged, workbench: Workbench) -> Judged | None:
    versions = chain(judged, workbench)
    at = versions.index(judged)
    return versions[at - 1] if at > 0 else None


def check_changes(older: Judged, newer: Judged) -> list[CheckChange]:
    before = {c.id: c.status for c in older.checks}
    return [CheckChange(c.id, before[c.id], c.status)
            for c in newer.checks if c.id in before and before[c.id] is not c.status]


def _key(title: str) -> str:
    return " ".join(title.lower().split())


def pair_patches(older: Series, newer: Series) -> list[PatchPair]:
    """Every patch of ``newer`` in order with its older self (or None), then the
    patches of ``older`` that have no successor."""
    old_left = list(older.patches)
    by_key: dict[str, Patch] = {}
    for p in old_left:
        by_key.setdefault(_key(p.title), p)
    partner: dict[int, Patch] = {}
    for i, p in enumerate(newer.patches):
        old = by_key.pop(_key(p.title), None)
        if old is not None:
            partner[i] = old
            old_left.remove(old)
    # reworded titles: the most alike leftover pairs first
    candidates = []
    for i, p in enumerate(newer.patches):
        if i in partner:
            continue
        for old in old_left:
            ratio = SequenceMatcher(None, _key(p.title), _key(old.title)).ratio()
            if ratio >= TITLE_LIKENESS:
                candidates.append((-ratio, abs(p.number - old.number), i, old.number, old))
    for _r, _d, i, _n, old in sorted(candidates, key=lambda c: c[:4]):
        if i not in partner and old in old_left:
            partner[i] = old
            old_left.remove(old)
    pairs = [PatchPair(partner.get(i), p) for i, p in enumerate(newer.patches)]
    pairs += [PatchPair(old, None) for old in old_left]
    return pairs


def _normalized_diff(patch: Patch) -> str:
    _prose, diff = split_patch(READER.body(patch.path))
    return _NOISE.sub("", diff)


def patch_changes(older: Judged, newer: Judged) -> list[PatchChange]:
    out: list[PatchChange] = []
    for pair in pair_patches(older.series, newer.series):
        if pair.old is None:
            out.append(PatchChange(pair.title, PairKind.ADDED, None, pair.new.number))  # type: ignore[union-attr]
        elif pair.new is None:
            out.append(PatchChange(pair.title, PairKind.DROPPED, pair.old.number, None))
        else:
            same = _normalized_diff(pair.old) == _normalized_diff(pair.new)
            kind = PairKind.UNCHANGED if same else PairKind.CHANGED
            out.append(PatchChange(pair.title, kind, pair.old.number, pair.new.number))
    return out
