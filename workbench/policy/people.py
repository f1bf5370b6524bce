"""Who gave what, on which patch: the identity and trailer helpers every check shares.

Every check asks the same question — "did one of *these* people give one of *these*
trailers on *this* patch?" — and must answer it the same way, or the acceptance panel
would contradict itself. The rules (DESIGN.md, "Identities", as revised):

* a trailer is a claim by whoever sent the mail that carries it. It counts for an
  ``M:``/``R:`` person only when that mail was sent from an address tied to the person
  (directly or through ``.mailmap``) and the trailer names them (``Standing.COUNTED``);
* a trailer written into the patch itself by its sender on someone else's behalf counts
  when ``series.provenance`` traced it to the mail where they gave it, or it was carried
  from versions the store does not have, or it is a sign-off in a chain the sender
  certified with their own; otherwise it is ``UNTRACED`` — for a human to confirm;
* a name match on another address is ``SAME_NAME`` ("same name, unverified address"):
  attention, never a pass; a ``.mailmap`` line tying the address makes it count;
* a trailer typed by somebody else is ``SUSPECT``: shown, flagged, never counted;
* a later ``Nacked-by`` from the same (verified) person withdraws their approval of that
  patch, and is shown as the NAK it is;
* a trailer given in reply to the cover letter applies to every patch.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from workbench.kernel.mailmap import Mailmap
from workbench.model import Carried, Evidence, Origin, Patch, Person, Series, Trailer
from workbench.patchmail.trailers import (
    APPROVALS,  # the document's "sign-off/ack/review", defined once
)
from workbench.text import one_line

__all__ = ["APPROVALS", "REVIEWS", "Findings", "Given", "Standing", "evidence_for", "find_person", "given_by",
           "named", "numbers", "patch_trailers", "standing", "unique_people"]

REVIEWS: frozenset[str] = frozenset({"Reviewed-by", "Acked-by"})
"""What a listed reviewer gives: a review (an ack is accepted as one; a Signed-off-by is not,
since it says the person handled the patch, not that they reviewed someone else's)."""


def patch_trailers(series: Series, patch: Patch) -> list[Trailer]:
    """The trailers that apply to ``patch``: its own plus those given on the cover letter.

    The grouping may already have copied cover-letter trailers onto each patch; the same
    trailer from the same mail is kept once."""
    seen: set[tuple[str, str, str, str]] = set()
    out: list[Trailer] = []
    for trailer in [*patch.trailers, *series.cover_trailers]:
        key = (trailer.name, trailer.person.email, trailer.person.name, trailer.source)
        if key in seen:
            continue
        seen.add(key)
        out.append(trailer)
    return out


def find_person(person: Person, people: Iterable[Person], mailmap: Mailmap) -> Person | None:
    """The entry of ``people`` that is ``person`` (after .mailmap, else by exact name).
    For deduplicating and addressing only: whether an approval *counts* is ``standing``."""
    key = mailmap.identity(person)
    for candidate in people:
        if mailmap.same_identity(key, mailmap.identity(candidate)):
            return candidate
    return None


def unique_people(people: Iterable[Person], mailmap: Mailmap,
                  exclude: Sequence[Person] = ()) -> list[Person]:
    """``people`` in order, each once, without anyone in ``exclude``."""
    out: list[Person] = []
    for person in people:
        if find_person(person, exclude, mailmap) or find_person(person, out, mailmap):
            continue
        out.append(person)
    return out


class Standing(StrEnum):
    """What a trailer naming a wanted person is worth (see the module docstring)."""

    COUNTED = "counted"
    SAME_NAME = "same-name"  # attention: the person's name, an address not tied to them
    UNTRACED = "untraced"  # attention: carried in the patch, not found given in the mail
    SUSPECT = "suspect"  # not counted: typed by somebody else


ATTENTION: frozenset[Standing] = frozenset({Standing.SAME_NAME, Standing.UNTRACED})
COUNTS: frozenset[Carried] = frozenset({Carried.TRACED, Carried.UNSEEN, Carried.CUSTODY})
NACK = "Nacked-by"


def named(trailer: Trailer, people: Iterable[Person], mailmap: Mailmap) -> Person | None:
    """The entry of ``people`` the trailer names: by address first, else by name."""
    # ``Mailmap.same_address`` then ``same_name`` on each candidate, with the trailer's
    # identity looked up once (this runs for every trailer of every patch under every check)
    identity = mailmap.identity
    email, name, written = identity(trailer.person)
    keys = [(candidate, identity(candidate)) for candidate in people]
    if email:
        for candidate, key in keys:
            if key[0] == email:
                return candidate
    if name or written:
        for candidate, key in keys:
            if (name and name == key[1]) or (written and written == key[2]):
                return candidate
    return None


def standing(trailer: Trailer, who: Person, mailmap: Mailmap) -> Standing:
    """What ``trailer``, which names ``who``, is worth as ``who``'s word."""
    if mailmap.same_address(trailer.sender, who):
        return Standing.COUNTED  # sent from their address, naming them
    if trailer.origin is Origin.BODY:
        if trailer.carried in COUNTS:
            # the claim holds up; it is theirs only if it names their address
            return Standing.COUNTED if mailmap.same_address(trailer.person, who) else Standing.SAME_NAME
        if mailmap.same_name(trailer.sender, who):
            return Standing.SAME_NAME
        return Standing.UNTRACED
    if mailmap.same_name(trailer.sender, who):
        return Standing.SAME_NAME
    return Standing.SUSPECT


@dataclass(frozen=True, slots=True)
class Given:
    """One trailer by one of the people a check is looking for, on one patch (0: the cover)."""

    trailer: Trailer
    patch: int
    who: Person  # the matching M:/R: entry (its address is the one to write to)
    standing: Standing = Standing.COUNTED


@dataclass(slots=True)
class Findings:
    """Trailers from the wanted people, sorted by what they are worth."""

    counted: list[Given] = field(default_factory=list)
    attention: list[Given] = field(default_factory=list)  # same name / untraced: a human looks
    suspect: list[Given] = field(default_factory=list)
    nacks: list[Given] = field(default_factory=list)  # verified NAKs still standing

    def shown(self) -> list[Given]:
        """Everything but the counted, for the evidence."""
        return self.attention + self.suspect + self.nacks

    def extend(self, other: Findings) -> None:
        self.counted += other.counted
        self.attention += other.attention
        self.suspect += other.suspect
        self.nacks += other.nacks


def _later(a: Trailer, b: Trailer) -> bool:
    """``a`` was said after (or with) ``b``; an undated NAK is taken as the later word."""
    if a.date is None or b.date is None:
        return True
    return a.date >= b.date


def given_by(series: Series, patches: Iterable[Patch], people: Sequence[Person], names: frozenset[str],
             mailmap: Mailmap) -> Findings:
    """Trailers named in ``names`` (and NAKs) from any of ``people`` on ``patches``."""
    found = Findings()
    wanted = names | {NACK}
    for patch in patches:
        here = Findings()
        for trailer in patch_trailers(series, patch):
            if trailer.name not in wanted:
                continue
            who = named(trailer, people, mailmap)
            if who is None:
                continue
            worth = standing(trailer, who, mailmap)
            given = Given(trailer, patch.number, who, worth)
            if trailer.name == NACK:
                if worth is Standing.COUNTED:
                    here.nacks.append(given)
                elif worth is not Standing.SUSPECT:
                    here.attention.append(given)
                continue
            if worth is Standing.COUNTED:
                here.counted.append(given)
            elif worth in ATTENTION:
                here.attention.append(given)
            else:
                here.suspect.append(given)
        _withdraw(here)
        found.extend(here)
    return found


def _withdraw(here: Findings) -> None:
    """A NAK withdraws the same person's earlier approval on the patch; a later approval
    answers the NAK, which then no longer stands."""
    if not here.nacks:
        return
    standing_nacks = []
    for nack in here.nacks:
        same = [g for g in here.counted if g.who is nack.who]
        if any(not _later(nack.trailer, g.trailer) for g in same):
            continue  # approved again after the NAK
        standing_nacks.append(nack)
    withdrawn = {id(n.who) for n in standing_nacks}
    here.counted = [g for g in here.counted if id(g.who) not in withdrawn]
    here.nacks = standing_nacks


def numbers(values: Iterable[int], expected: int) -> str:
    """``3/9, 5/9``, or ``1-4/9, 7/9`` for runs of three or more — how maintainers name
    patches in mail, short enough for a table cell."""
    nums = sorted(set(values))
    out: list[str] = []
    i = 0
    while i < len(nums):
        j = i
        while j + 1 < len(nums) and nums[j + 1] == nums[j] + 1:
            j += 1
        if j - i >= 2:
            out.append(f"{nums[i]}-{nums[j]}/{expected}")
        else:
            out.extend(f"{n}/{expected}" for n in nums[i : j + 1])
        i = j + 1
    return ", ".join(out)


def _origin_words(trailer: Trailer) -> str:
    if trailer.origin == "body":
        return "in the patch"
    if trailer.origin == "cover-reply":
        return "on the cover letter"
    return "in a reply"


def provenance_words(trailer: Trailer) -> str:
    """Where a trailer written into the patch was given, as the panel and the reports say
    it: "given on v3 in <msgid>", "carried, not found in your mail"."""
    if trailer.origin is not Origin.BODY or trailer.given_in == trailer.source:
        return ""
    if trailer.carried is Carried.TRACED:
        return f"given on v{trailer.given_version} in <{trailer.given_in}>"
    if trailer.carried is Carried.UNSEEN:
        return (f"carried since v{trailer.given_version}; the versions before it are not in your mail, "
                "so where it was given cannot be checked")
    if trailer.carried is Carried.CUSTODY:
        return f"chain of custody, certified by the sender {trailer.sender.display()}'s own sign-off"
    if trailer.carried is Carried.UNTRACED:
        return "carried, not found in your mail"
    return ""


def _standing_words(g: Given) -> str:
    t = g.trailer
    if t.name == NACK and g.standing is Standing.COUNTED:
        return "; NAK: withdraws their approval"
    if g.standing is Standing.SAME_NAME:
        address = t.person.email if t.origin is Origin.BODY and t.carried in COUNTS else t.sender.email
        return (f"; same name, unverified address: {address or 'no address'} is not tied to "
                f"{g.who.email or g.who.name} (a .mailmap line would tie it), not counted")
    if g.standing is Standing.UNTRACED:
        return f"; not counted: sent by {t.sender.display()}"
    if g.standing is Standing.SUSPECT:
        return f"; SUSPECT, not counted: sent by {t.sender.display()}"
    return ""


def evidence_for(given: list[Given], expected: int, role: dict[str, str] | None = None) -> list[Evidence]:
    """One Evidence per (trailer name, person, mail, standing): "Acked-by: Zhou Wang on 1/9, 2/9".

    Grouped by the mail that carried it so ``msgid`` names a real message; what does not
    count says why (who actually sent it, from which address, where it was not found),
    which is the fact the maintainer needs to judge it."""
    groups: dict[tuple[str, str, str, Standing], list[Given]] = {}
    for g in given:
        key = (g.trailer.name, g.who.email or g.who.name, g.trailer.source, g.standing)
        groups.setdefault(key, []).append(g)
    out: list[Evidence] = []
    for items in groups.values():
        first = items[0]
        t = first.trailer
        where = ("all patches (on the cover letter)" if t.origin == "cover-reply"
                 else numbers((g.patch for g in items), expected))
        extra = f" ({role[first.who.email or first.who.name]})" if role and (first.who.email or first.who.name) in role else ""
        text = f"{t.name}: {t.person.display()}{extra} on {where}, {_origin_words(t)}"
        origin = provenance_words(t)
        if origin:
            text += f" ({origin})"
        text += _standing_words(first)
        flagged = first.standing is not Standing.COUNTED or t.name == NACK
        out.append(Evidence(text=one_line(text, 400), person=t.person, msgid=t.source, trailer=t.name,
                            date=t.date, suspect=flagged))
    return out
