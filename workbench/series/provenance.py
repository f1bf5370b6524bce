"""Carried trailers, traced to the mail where they were given.

A patch's commit message lists who acked and reviewed it; on a reroll the author copies
those lines forward. Written there, an ``Acked-by: Herbert Xu`` is the patch sender's
claim that Herbert gave it. The claim is checked against the mail: the same trailer, by a
mail *sent from Herbert's address*, in a reply to this or an earlier version of the same
chain (the patch with the same title, or the cover letter) — then it is ``TRACED`` and
``given_in`` names that mail.

When it cannot be found, what that means depends on what the store holds:

* the trailer has been carried since the first version in the store, and that version
  is not v1 (or is a RESEND): it was given on a posting the store does not have. Its absence is not held
  against the series (``UNSEEN``), and the evidence says so;
* otherwise an earlier version *is* in the store and no mail there gives it (or it
  appeared on a first posting): ``UNTRACED``, for a human to confirm.

Signed-off-by lines are the chain of custody, not approvals someone gave in a reply, and
are not traced. The sender certifies the chain with their own sign-off (the DCO's last
link): then every earlier sign-off in it is ``CUSTODY`` (Leon Romanovsky's sign-off on an
mlx5 core patch Yishai Hadas sends). A patch whose sender did not sign it off certifies
nothing: its other sign-offs are ``UNTRACED``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from functools import lru_cache

from workbench.kernel.mailmap import Mailmap
from workbench.model import Carried, Origin, Patch, Series, Trailer
from workbench.series.revisions import TITLE_SIMILARITY
from workbench.patchmail.subject import normalize_title

SIGNED_OFF = "Signed-off-by"


@dataclass(frozen=True, slots=True)
class _Gift:
    source: str
    version: int


@lru_cache(maxsize=65536)
def _same_patch(a: str, b: str) -> bool:
    """Two normalized patch titles name the same patch across versions: equal, or
    reworded a little ("… for Intel QAT VF devices" → "… QAT SR-IOV VF devices")."""
    if a == b:
        return True
    if not (a and b):
        return False
    matcher = SequenceMatcher(None, a, b)
    return matcher.quick_ratio() >= TITLE_SIMILARITY and matcher.ratio() >= TITLE_SIMILARITY


class _Chain:
    """Every trailer given in a reply, verified by its sending address, in one revision
    chain, keyed by (trailer name, canonical address) so a carried trailer finds it."""

    def __init__(self, versions: list[Series], mailmap: Mailmap) -> None:
        self.versions = versions
        self.position = {id(s): i for i, s in enumerate(versions)}
        self.mailmap = mailmap
        # (name, address) -> [(chain position, patch title or None for the cover, gift)]
        self.gifts: dict[tuple[str, str], list[tuple[int, str | None, _Gift]]] = {}
        # (name, address) -> [(chain position, patch title)] of the patches carrying it in their body
        self.carriers: dict[tuple[str, str], list[tuple[int, str]]] = {}
        for pos, series in enumerate(versions):
            for patch in series.patches:
                title = normalize_title(patch.title)
                for t in patch.trailers:
                    if t.origin is Origin.REPLY and self._own(t):
                        self._add(t, pos, title, series)
                    elif t.origin is Origin.BODY:
                        key = (t.name, self.mailmap.identity(t.person)[0])
                        self.carriers.setdefault(key, []).append((pos, title))
            for t in series.cover_trailers:
                if self._own(t):
                    self._add(t, pos, None, series)

    def _add(self, t: Trailer, pos: int, title: str | None, series: Series) -> None:
        key = (t.name, self.mailmap.identity(t.person)[0])
        self.gifts.setdefault(key, []).append((pos, title, _Gift(t.source, series.version)))

    def _own(self, t: Trailer) -> bool:
        return self.mailmap.same_address(t.person, t.sender)

    def gift(self, t: Trailer, patch: Patch, upto: int) -> _Gift | None:
        """The earliest mail, up to chain position ``upto``, where ``t``'s person gave
        ``t`` on the same patch or on a cover letter."""
        address = self.mailmap.identity(t.person)[0]
        if not address:
            return None
        title = normalize_title(patch.title)
        for pos, where, gift in sorted(self.gifts.get((t.name, address), ()), key=lambda g: g[0]):
            if pos <= upto and (where is None or _same_patch(where, title)):
                return gift
        return None

    def first_carrier(self, t: Trailer, patch: Patch, upto: int) -> int:
        """The chain position of the earliest version whose same patch carries ``t`` in
        its own commit message (``upto`` when none before it does)."""
        address = self.mailmap.identity(t.person)[0]
        if not address:  # a bare name cannot be followed from version to version
            return upto
        title = normalize_title(patch.title)
        found = [pos for pos, other in self.carriers.get((t.name, address), ())
                 if pos < upto and _same_patch(other, title)]
        return min(found, default=upto)


def _traced(t: Trailer, patch: Patch, series: Series, chain: _Chain, upto: int, mailmap: Mailmap) -> Trailer:
    if t.name == SIGNED_OFF:
        certified = any(o.origin is Origin.BODY and o.name == SIGNED_OFF and mailmap.same_address(o.person, o.sender)
                        for o in patch.trailers)
        return replace(t, carried=Carried.CUSTODY if certified else Carried.UNTRACED)
    gift = chain.gift(t, patch, upto)
    if gift is not None:
        return replace(t, carried=Carried.TRACED, given_in=gift.source, given_version=gift.version)
    first = chain.first_carrier(t, patch, upto)
    first_version = chain.versions[first].version if chain.versions else series.version
    if first == 0 and (first_version > 1 or chain.versions[0].resend):
        return replace(t, carried=Carried.UNSEEN, given_version=first_version)
    return replace(t, carried=Carried.UNTRACED)


def trace_carried(all_series: list[Series], mailmap: Mailmap) -> None:
    """Set ``carried``/``given_in`` on every body trailer its sender did not give
    themselves. Needs ``revisions`` (``link_revisions``) and replies attached."""
    by_id = {s.id: s for s in all_series}
    chains: dict[tuple[str, ...], _Chain] = {}
    for series in all_series:
        ids = tuple(series.revisions) or (series.id,)
        chain = chains.get(ids)
        if chain is None:
            versions = [by_id[i] for i in ids if i in by_id] or [series]
            chain = chains[ids] = _Chain(versions, mailmap)
        upto = chain.position.get(id(series))
        if upto is None:
            continue
        for patch in series.patches:
            if not any(t.origin is Origin.BODY and t.given_in is None for t in patch.trailers):
                continue
            patch.trailers = [
                _traced(t, patch, series, chain, upto, mailmap)
                if t.origin is Origin.BODY and t.given_in is None else t
                for t in patch.trailers
            ]
