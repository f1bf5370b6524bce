"""Versions of one series, posted in separate threads, chained together.

Two postings are one series when they carry the same b4 ``change-id``, or when the
same person (after .mailmap) posted them under the same title (case and punctuation
ignored). A coverless posting's title is its first patch's title, so it is also matched
against the first patch of covered postings ("[PATCH 0/2] A sample series" then
"[PATCH v2 1/2] test: Add …" without a cover).

Cover titles get reworded between versions ("Add mlx5 live migration driver" became
"… and v2 migration protocol" at V6; the qat series gained "QAT GEN4" at v2), while most
patch titles survive. So, as a last resort, two postings by the same person that share
at least ``MIN_SHARED_PATCHES`` patch titles, and at least half of the smaller posting's
patches, are versions of one series too.

Order within a chain is by posting date, version breaking ties. Dates, not version
numbers, decide because version numbers restart: "[RFC v3]" is routinely followed by
"[PATCH v1]" or an unversioned "[PATCH]", and "[RFC v4]" may follow "[PATCH v3]" (the
hisi_acc driver did). The same version posted twice (a RESEND) is thus superseded by the
later posting as well.
"""

from __future__ import annotations

from datetime import datetime, timezone

from workbench.kernel.mailmap import Mailmap
from workbench.model import Series
from workbench.series.identity import identity_key
from workbench.series.subject import normalize_title

_EPOCH = datetime.min.replace(tzinfo=timezone.utc)

MIN_SHARED_PATCHES = 2
"""One shared patch title is not enough: a lone fix is often carried by unrelated series."""


class _Union:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _link_by(keys: dict[object, list[int]], union: _Union) -> None:
    for members in keys.values():
        for other in members[1:]:
            union.join(members[0], other)


def _link_by_patch_titles(all_series: list[Series], mailmap: Mailmap, union: _Union) -> None:
    holders: dict[tuple[str, str], list[int]] = {}
    sizes: list[int] = []
    for i, series in enumerate(all_series):
        who = identity_key(mailmap, series.author)
        titles = {normalize_title(p.title) for p in series.patches} - {""}
        sizes.append(len(titles))
        for title in titles:
            holders.setdefault((title, who), []).append(i)
    shared: dict[tuple[int, int], int] = {}
    for members in holders.values():
        if len(members) > 50:
            continue  # a title every posting carries says nothing about which belong together
        for a in range(len(members)):
            for b in range(a + 1, len(members)):
                pair = (members[a], members[b])
                shared[pair] = shared.get(pair, 0) + 1
    for (i, j), count in shared.items():
        if count >= MIN_SHARED_PATCHES and 2 * count >= min(sizes[i], sizes[j]):
            union.join(i, j)


def chain_order(series: Series) -> tuple:
    return (series.date or _EPOCH, series.version, series.id)


def link_revisions(all_series: list[Series], mailmap: Mailmap) -> None:
    """Set ``revisions`` (oldest first, always including itself) and ``superseded_by``
    (the newest posting of the chain; None for the newest) on every series."""
    union = _Union(len(all_series))
    by_change: dict[object, list[int]] = {}
    by_title: dict[object, list[int]] = {}
    by_first_patch: dict[object, list[int]] = {}
    for i, series in enumerate(all_series):
        who = identity_key(mailmap, series.author)
        if series.change_id:
            by_change.setdefault(series.change_id.strip().lower(), []).append(i)
        title = normalize_title(series.title)
        if title:
            by_title.setdefault((title, who), []).append(i)
        if series.cover is not None and series.patches:
            first = normalize_title(series.patches[0].title)
            if first:
                by_first_patch.setdefault((first, who), []).append(i)
    _link_by(by_change, union)
    _link_by(by_title, union)
    for i, series in enumerate(all_series):
        if series.cover is None:
            key = (normalize_title(series.title), identity_key(mailmap, series.author))
            for j in by_first_patch.get(key, []):
                union.join(i, j)

    _link_by_patch_titles(all_series, mailmap, union)

    chains: dict[int, list[Series]] = {}
    for i, series in enumerate(all_series):
        chains.setdefault(union.find(i), []).append(series)
    for chain in chains.values():
        chain.sort(key=chain_order)
        ids = [s.id for s in chain]
        newest = chain[-1]
        for series in chain:
            series.revisions = list(ids)
            series.superseded_by = None if series is newest else newest.id
