"""Who gave what, on which patch: the identity and trailer helpers every check shares.

Every check asks the same question — "did one of *these* people give one of *these*
trailers on *this* patch?" — and must answer it the same way, or the acceptance panel
would contradict itself. The rules (DESIGN.md, "Identities"):

* a trailer's person matches an ``M:``/``R:`` entry by address after ``.mailmap``, else by
  exact name (``Mailmap.same``);
* a trailer given in reply to the cover letter applies to every patch;
* a *suspect* trailer (its person is not the author of the mail that carried it, e.g. a
  colleague typing "Acked-by: <maintainer>" on their behalf, or b4 picking a trailer out
  of a nested reply) never satisfies a requirement on its own. It is not dropped either:
  it is returned separately so the check can show it, flagged, next to what is missing,
  and the maintainer can overrule by asking that person to confirm.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from workbench.kernel.mailmap import Mailmap
from workbench.model import Evidence, Patch, Person, Series, Trailer
from workbench.series.trailers import APPROVALS  # the document's "sign-off/ack/review", defined once
from workbench.text import one_line

__all__ = ["APPROVALS", "REVIEWS", "Given", "evidence_for", "find_person", "given_by", "numbers",
           "patch_trailers", "unique_people"]

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
    """The entry of ``people`` that is ``person`` (after .mailmap, else by exact name)."""
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


@dataclass(frozen=True, slots=True)
class Given:
    """One trailer by one of the people a check is looking for, on one patch (0: the cover)."""

    trailer: Trailer
    patch: int
    who: Person  # the matching M:/R: entry (its address is the one to write to)


def given_by(series: Series, patches: Iterable[Patch], people: Sequence[Person], names: frozenset[str],
             mailmap: Mailmap) -> tuple[list[Given], list[Given]]:
    """(counted, suspect): trailers named in ``names`` from any of ``people`` on ``patches``."""
    counted: list[Given] = []
    suspect: list[Given] = []
    for patch in patches:
        for trailer in patch_trailers(series, patch):
            if trailer.name not in names:
                continue
            who = find_person(trailer.person, people, mailmap)
            if who is None:
                continue
            (suspect if trailer.suspect else counted).append(Given(trailer, patch.number, who))
    return counted, suspect


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


def evidence_for(given: list[Given], expected: int, role: dict[str, str] | None = None) -> list[Evidence]:
    """One Evidence per (trailer name, person, mail): "Acked-by: Zhou Wang on 1/9, 2/9".

    Grouped by the mail that carried it so ``msgid`` names a real message; suspect ones say
    who actually sent them, which is the fact the maintainer needs to judge them."""
    groups: dict[tuple[str, str, str, bool], list[Given]] = {}
    for g in given:
        key = (g.trailer.name, g.who.email or g.who.name, g.trailer.source, g.trailer.suspect)
        groups.setdefault(key, []).append(g)
    out: list[Evidence] = []
    for items in groups.values():
        first = items[0]
        t = first.trailer
        where = ("all patches (on the cover letter)" if t.origin == "cover-reply"
                 else numbers((g.patch for g in items), expected))
        extra = f" ({role[first.who.email or first.who.name]})" if role and (first.who.email or first.who.name) in role else ""
        text = f"{t.name}: {t.person.display()}{extra} on {where}, {_origin_words(t)}"
        if t.suspect:
            text += f"; SUSPECT, not counted: sent by {t.given_by.display()}"
        out.append(Evidence(text=one_line(text), person=t.person, msgid=t.source, trailer=t.name,
                            date=t.date, suspect=t.suspect))
    return out
