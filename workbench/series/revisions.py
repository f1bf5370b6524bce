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

import re
from datetime import datetime, timezone
from difflib import SequenceMatcher

from workbench.kernel.mailmap import Mailmap
from workbench.model import Series
from workbench.series.identity import identity_key
from workbench.patchmail.subject import normalize_title

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
        elif (count >= MIN_SHARED_PATCHES and _similar_titles(all_series[i], all_series[j])
              and _later_version(all_series[i], all_series[j])):
            union.join(i, j)
        elif _next_version_of_part(all_series[i], all_series[j], count, sizes[i], sizes[j]):
            union.join(i, j)


TITLE_SIMILARITY = 0.85
"""For postings that share patches but fewer than half: "Provide a new two step DMA API
mapping API" (RFC v2, 21 patches) became "Provide a new two step DMA mapping API" (18
patches, 6 of them with the old titles)."""


def _later_version(a: Series, b: Series) -> bool:
    """The later posting has a higher version, or is the PATCH after an RFC: two series
    posted side by side ("… for the v2 device", "… for the v3 device") that carry the same
    preparatory patches are not versions of each other."""
    older, newer = sorted((a, b), key=chain_order)
    return newer.version > older.version or (older.rfc and not newer.rfc)


def _similar_titles(a: Series, b: Series) -> bool:
    ta, tb = normalize_title(a.title), normalize_title(b.title)
    return bool(ta and tb) and SequenceMatcher(None, ta, tb).ratio() >= TITLE_SIMILARITY


def _next_version_of_part(a: Series, b: Series, shared: int, size_a: int, size_b: int) -> bool:
    """The last patches of a series re-posted alone as its next version, once the others
    were merged elsewhere: qat "[PATCH v6] vfio/qat: Add vfio_pci driver …" is patch 10/10
    of v5. Every patch title of the smaller posting is in the larger one and the version
    numbers are consecutive in posting order, and the re-posting is complete in itself
    ("[PATCH v6]" or "1/1"): a partial reroll ("[PATCH v2 2/3]" in reply to v1) replaces
    one patch, not the series, and a lone shared fix between two unrelated series fails
    the consecutive-version test."""
    small, size_small, size_large = (a, size_a, size_b) if size_a <= size_b else (b, size_b, size_a)
    if shared == 0 or shared != size_small or size_small == size_large:
        return False
    older, newer = sorted((a, b), key=chain_order)
    if not (newer is small and newer.expected == size_small and not newer.missing_numbers
            and newer.version == older.version + 1 and newer.version >= 2):
        return False
    # the tail of the older posting: a fix split out from its front ("send patch 1
    # separately") is a series of its own, not the next version of the rest
    titles = {normalize_title(p.title) for p in small.patches}
    numbers = sorted(p.number for p in older.patches if normalize_title(p.title) in titles)
    return bool(numbers) and numbers == list(range(older.expected - len(numbers) + 1, older.expected + 1))


_URL_ID = re.compile(r"https?://(?:lore\.kernel\.org|lkml\.kernel\.org|patch\.msgid\.link)/"
                     r"(?:[\w.+-]+/)?(?:r/)?([^/\s<>\"]+(?:@|%40)[^/\s<>\"]+)")
_LABEL = re.compile(r"^\s*\[(\d+)\]:?\s")
_VERSION_WORDS = re.compile(r"\b(?:v\d+|rfc\s*v?\d+|version|revision|iteration|reroll|respin|"
                            r"previous\s+(?:posting|version|revision|round)|"
                            r"last\s+(?:one|patch|patches)\s+of\s+(?:the\s+|this\s+)?(?:set|series|patch\s?set)|"
                            r"rest\s+of\s+(?:the\s+)?(?:set|series))\b", re.I)
_DEPENDENCY_WORDS = re.compile(r"\b(?:depend\w*|based\s+on|on\s+top\s+of|builds?\s+on|follow[- ]?up|"
                               r"requires?|prerequisite|needs?|example|see|extends?)\b", re.I)


def _linked_ids(text: str) -> list[str]:
    """Message-ids of the earlier postings a cover letter points to: a lore link on a line
    that names a version ("v1: https://lore…", "- Link to v2: …"), or a footnote link
    ("[1]: https://lore…") that a sentence naming a set, series or version cites. A link
    on a line about dependencies or examples is not a previous version."""
    lines = text.splitlines()
    out: list[str] = []
    for line in lines:
        for m in _URL_ID.finditer(line):
            msgid = m.group(1).replace("%40", "@").rstrip(".,;)")
            label = _LABEL.match(line)
            context = line[: m.start()]
            if label:
                cite = f"[{label.group(1)}]"
                context = " ".join(x for x in lines if cite in x and x is not line)
            if _VERSION_WORDS.search(context) and not _DEPENDENCY_WORDS.search(context):
                out.append(msgid)
    return out


def _link_by_lore_links(all_series: list[Series], mailmap: Mailmap, union: _Union) -> None:
    """The cover letter links the posting it replaces (the qat v6 cover links v5 as "the
    set [1]" whose other patches were merged elsewhere); linked only when the same person
    posted both, the linked one is older and has a lower version."""
    owner: dict[str, int] = {}
    newest: dict[int, tuple] = {}  # chain so far -> its newest posting's order
    for i, series in enumerate(all_series):
        owner.setdefault(series.id, i)
        for patch in series.patches:
            owner.setdefault(patch.msgid, i)
        root = union.find(i)
        newest[root] = max(newest.get(root, chain_order(series)), chain_order(series))
    for i, series in enumerate(all_series):
        if series.cover is None or not series.cover.cover_text:
            continue
        who = identity_key(mailmap, series.author)
        for msgid in _linked_ids(series.cover.cover_text):
            j = owner.get(msgid)
            if j is None or j == i:
                continue
            older = all_series[j]
            # only the newest posting of its chain so far: a link to an old posting of a
            # series that has moved on is a reference to that series, not a predecessor
            if (identity_key(mailmap, older.author) == who and older.version < series.version
                    and chain_order(older) < chain_order(series)
                    and newest.get(union.find(j)) == chain_order(older)):
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
                # a lone patch carrying the first patch's title is that patch sent on its
                # own (a fix split out on review), not the series again
                if series.expected > 1 or all_series[j].expected == 1:
                    union.join(i, j)

    _link_by_patch_titles(all_series, mailmap, union)
    _link_by_lore_links(all_series, mailmap, union)

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
