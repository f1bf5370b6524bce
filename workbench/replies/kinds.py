"""Which drafts a series can use.

A draft asks for something the checks found missing, so the offers are read off the check
results rather than re-derived: one ``parent-ack`` per parent-driver section still
without approval (each part of ``parent-approval``), ``review`` when no listed reviewer
covered the variant-driver patches, ``docs`` when questions are unanswered, ``incomplete``
when patches never arrived. ``thanks`` and ``reply`` are always possible.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from workbench.analysis import Context, Judged
from workbench.model import CheckId, CheckPart, Status


class DraftKind(StrEnum):
    """The drafts the workbench writes; the values are the ``--draft`` argument."""

    PARENT_ACK = "parent-ack"
    REVIEW = "review"
    DOCS = "docs"
    INCOMPLETE = "incomplete"
    THANKS = "thanks"
    REPLY = "reply"
    COMMENTS = "comments"  # my review comments on one patch (replies/review.py)


KINDS: tuple[DraftKind, ...] = tuple(k for k in DraftKind if k is not DraftKind.COMMENTS)
"""The kinds written from a template; ``comments`` builds its body from the comments."""


@dataclass(frozen=True, slots=True)
class DraftOffer:
    kind: DraftKind
    label: str  # one line for a menu or a footer
    section: str | None = None  # the MAINTAINERS section, for parent-ack
    reason: str = ""  # the check summary that makes this draft useful


def missing_parent_parts(judged: Judged) -> list[CheckPart]:
    result = judged.check(CheckId.PARENT_APPROVAL)
    if result is None:
        return []
    return [p for p in result.parts if p.status is Status.MISSING]


def missing_review_part(judged: Judged) -> CheckPart | None:
    result = judged.check(CheckId.LISTED_REVIEWER)
    if result is None or result.status is not Status.MISSING:
        return None
    for part in result.parts:
        if part.status is Status.MISSING:
            return part
    return CheckPart(name="", status=Status.MISSING, summary=result.summary, missing=list(result.missing))


def unanswered_questions(judged: Judged) -> list[CheckPart]:
    result = judged.check(CheckId.DOCUMENTATION)
    if result is None or result.status is not Status.MISSING:
        return []
    return [p for p in result.parts if p.status is Status.MISSING]


def available_kinds(judged: Judged, ctx: Context | None = None) -> list[DraftOffer]:
    """The drafts worth writing for ``judged``, in the order a maintainer would send them."""
    offers: list[DraftOffer] = []
    for part in missing_parent_parts(judged):
        offers.append(DraftOffer(DraftKind.PARENT_ACK, f"ask {part.name} for an ack", part.name, part.summary))
    review = missing_review_part(judged)
    if review is not None and review.missing:
        offers.append(DraftOffer(DraftKind.REVIEW, "ask the listed reviewers for a review", None, review.summary))
    if unanswered_questions(judged):
        doc = judged.check(CheckId.DOCUMENTATION)
        offers.append(DraftOffer(DraftKind.DOCS, "ask for documentation of the extensions", None, doc.summary if doc else ""))
    if judged.series.missing_numbers:
        complete = judged.check(CheckId.COMPLETE)
        offers.append(DraftOffer(DraftKind.INCOMPLETE, "ask for the missing patches", None,
                                 complete.summary if complete else ""))
    offers.append(DraftOffer(DraftKind.THANKS, "applied, thanks", None, ""))
    offers.append(DraftOffer(DraftKind.REPLY, "reply (quote, optional trailer)", None, ""))
    return offers
