"""listed-reviewer: a review from one of the acceptance document's listed reviewers.

"Listed" means the R: people of the section whose P: names the acceptance document (today
"VFIO PCI DEVICE SPECIFIC DRIVERS"), found by the document so a renamed section still
works; the series author is not their own reviewer. A Reviewed-by or Acked-by must cover
*every* patch that touches a variant-driver directory, directly or once on the cover
letter; a review of some patches only is ``missing`` and names the uncovered ones. A review
counts only as ``people.standing`` says (sent from the reviewer's own address); when every
uncovered patch has a review a human must confirm (same name from an unverified address,
a carried Reviewed-by not found in the mail) the check is ``attention``; a NAK keeps it
``missing``.

The result has one CheckPart (named after that section) holding the patches still without
a review, so a draft can ask for exactly those.
"""

from __future__ import annotations

from workbench.model import CheckId, CheckPart, CheckResult, Series, Status
from workbench.policy.context import PolicyContext
from workbench.policy.people import (
    REVIEWS,
    evidence_for,
    given_by,
    numbers,
    unique_people,
)
from workbench.policy.scope import is_variant_file
from workbench.text import one_line

CHECK_ID = CheckId.LISTED_REVIEWER


def check_listed_reviewer(series: Series, ctx: PolicyContext) -> CheckResult:
    section = ctx.maintainers.acceptance_section()
    if section is None:
        return CheckResult(CHECK_ID, Status.NA,
                           "MAINTAINERS has no section whose P: names the acceptance document")
    patches = [p for p in series.patches if any(is_variant_file(f) for f in p.files)]
    if not patches:
        return CheckResult(CHECK_ID, Status.NA, "no patch touches a variant-driver directory")
    reviewers = unique_people(section.reviewers, ctx.mailmap, exclude=[series.author])
    if not reviewers:
        return CheckResult(CHECK_ID, Status.NA,
                           one_line(f"{section.name} lists no reviewer other than the author"))
    found = given_by(series, patches, reviewers, REVIEWS, ctx.mailmap)
    evidence = evidence_for(found.counted, series.expected) + evidence_for(found.shown(), series.expected)
    covered = {g.patch for g in found.counted}
    todo = [p for p in patches if p.number not in covered]
    files = sorted({f.path for p in (todo or patches) for f in p.files if is_variant_file(f)})
    who = ", ".join(sorted({g.trailer.person.name or g.trailer.person.email for g in found.counted}))
    if not todo:
        summary = f"{who} on {'all ' + str(len(patches)) + ' variant-driver patches' if len(patches) > 1 else numbers(covered, series.expected)}"
        part = CheckPart(name=section.name, status=Status.PASS, summary=one_line(summary),
                         patches=sorted(covered), files=files, evidence=evidence)
        return CheckResult(CHECK_ID, Status.PASS, one_line(summary), evidence=evidence, parts=[part])
    if covered:
        summary = f"{who} reviewed {numbers(covered, series.expected)}; not {numbers((p.number for p in todo), series.expected)}"
    else:
        summary = f"no review from a listed reviewer on {numbers((p.number for p in todo), series.expected)}"
    # cover-letter trailers are on every patch already (people.patch_trailers)
    open_numbers = {p.number for p in todo}
    nacked = {g.patch for g in found.nacks}
    to_confirm = {g.patch for g in found.attention if g.trailer.name != "Nacked-by"}
    status = Status.ATTENTION if open_numbers <= to_confirm and not (nacked & open_numbers) else Status.MISSING
    if nacked & open_numbers:
        summary += "; NAKed"
    if to_confirm & open_numbers:
        summary += "; a review to confirm (same name at an unverified address, or carried and not found)"
    if found.suspect and any(g.patch not in covered for g in found.suspect):
        summary += "; a suspect trailer was not counted"
    part = CheckPart(name=section.name, status=status, summary=one_line(summary),
                     patches=[p.number for p in todo], files=files, evidence=evidence, missing=reviewers)
    return CheckResult(CHECK_ID, status, one_line(summary), evidence=evidence,
                       missing=reviewers, parts=[part])
