"""Which trailers given in replies go into each patch when it is taken.

``b4 am`` adds every trailer it finds in a reply. The workbench adds only what its trust
model counts (``workbench.policy.people.standing``): a trailer sent from an address tied
to the person it names (directly or through ``.mailmap``). Everything else is listed as
*not added* with the reason, never dropped silently:

* ``SAME_NAME``: the person's name, sent from an address not tied to them;
* ``SUSPECT``: typed by somebody else on the person's behalf;
* a ``Nacked-by`` is an objection, never something to carry into the commit;
* anything a CI bot sent (``workbench.series.bots``): a bot's word is not a review.

Trailers given in reply to the cover letter apply to every patch. Collected trailers the
patch already carries (same name, same person after ``.mailmap``) are not repeated; the
rest follow the patch's own lines as ``b4 am`` orders them: those given on the patch,
then those given on the cover letter, each in the order they were given (kernel order:
the patch's chain, then what was collected, then ``Link:``, then the committer's sign-off).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from workbench.kernel.mailmap import Mailmap
from workbench.model import Origin, Patch, Person, Series, Trailer
from workbench.policy.people import Standing, patch_trailers, standing
from workbench.series.bots import is_bot

_EPOCH = datetime.min.replace(tzinfo=timezone.utc)

COLLECTED: tuple[str, ...] = ("Acked-by", "Reviewed-by", "Tested-by", "Reported-by", "Suggested-by")
"""Trailers a reply gives that go into the commit. ``Signed-off-by`` and
``Co-developed-by`` in a reply say nothing about the patch taken (they belong to its
author's chain); ``Nacked-by`` is refused with its reason."""

_WHY: dict[Standing, str] = {
    Standing.SAME_NAME: "same name, but sent from {sender}, an address not tied to {person} (a .mailmap line would tie it)",
    Standing.SUSPECT: "typed by {sender}, not by {person}",
    Standing.UNTRACED: "not found given by {person}",
}


@dataclass(frozen=True, slots=True)
class Refused:
    """A trailer a reply gave that is not written into the patch, and why."""

    patch: int
    trailer: Trailer
    reason: str

    def line(self, expected: int) -> str:
        t = self.trailer
        return (f"not added to {self.patch}/{expected}: {t.name}: {t.person.display()} "
                f"(in <{t.source}>) because {self.reason}")


@dataclass(slots=True)
class PatchPlan:
    patch: Patch
    added: list[Trailer] = field(default_factory=list)


@dataclass(slots=True)
class TakePlan:
    series: Series
    patches: list[PatchPlan]
    refused: list[Refused]


def _reason(trailer: Trailer, mailmap: Mailmap) -> str | None:
    """Why ``trailer`` (given in a reply) is not added; None when it counts."""
    if trailer.name == "Nacked-by":
        return "it is a NAK: an objection to answer, not a trailer to carry"
    if is_bot(trailer.sender):
        return f"it was sent by a CI bot ({trailer.sender.email}), whose mail never counts as approval"
    worth = standing(trailer, trailer.person, mailmap)
    if worth is Standing.COUNTED:
        return None
    return _WHY[worth].format(sender=trailer.sender.display() or "an unknown sender",
                              person=trailer.person.display())


def plan(series: Series, mailmap: Mailmap) -> TakePlan:
    """Per patch, in order: the reply trailers to add; and what was refused."""
    patches: list[PatchPlan] = []
    refused: list[Refused] = []
    for patch in sorted(series.patches, key=lambda p: p.number):
        own = [t for t in patch.trailers if t.origin is Origin.BODY]
        given = [t for t in patch_trailers(series, patch)
                 if t.origin is not Origin.BODY and (t.name in COLLECTED or t.name == "Nacked-by")]
        given.sort(key=lambda t: (t.origin is Origin.COVER_REPLY, t.date is None, t.date or _EPOCH))
        out = PatchPlan(patch)
        for trailer in given:
            why = _reason(trailer, mailmap)
            if why is not None:
                refused.append(Refused(patch.number, trailer, why))
                continue
            if any(t.name == trailer.name and mailmap.same(t.person, trailer.person) for t in own + out.added):
                continue
            out.added.append(trailer)
        patches.append(out)
    return TakePlan(series, patches, refused)


def lore_link(series: Series) -> str:
    """``https://lore.kernel.org/r/<id>``: the cover letter's, else the first patch's
    (the series id is exactly that)."""
    return f"https://lore.kernel.org/r/{series.id}"


def signoff(me: Person) -> str:
    return f"Signed-off-by: {me.display()}"
