"""parent-approval: every interaction with a parent driver carries its maintainers' approval.

The unit of approval is (patch, file): a file outside vfio that another MAINTAINERS
section owns (see ``ownership``) is approved on a patch when that patch carries a
Signed-off-by, Acked-by or Reviewed-by — directly or on the cover letter — from an M: or
R: person of *any* section owning the file. So a CRYPTO API maintainer's ack covers
drivers/crypto/hisilicon/qm.c as well as the HISILICON QM maintainer's would.

Consequences worth spelling out, because real series hit them:

* The author's own Signed-off-by approves only when the author is an M:/R: of an owning
  section (Leon Romanovsky signing an mlx5 core patch: yes; Yishai Hadas, the vfio mlx5
  maintainer, signing the same patch: no). No special case is needed: the rule is the
  same for everybody.
* A suspect trailer (see ``people``) is shown in the section's evidence, flagged, and does
  not count: the section stays ``missing`` and names who should confirm.

Each section becomes one CheckPart, most specific first. A passing part lists every patch
and file of that section; a missing part lists only the patches and files still without
approval — exactly what a draft has to ask for — and its summary says what is approved.
The check's own ``missing`` names, per unapproved file, the people of its most specific
owning section that has people (the driver's maintainers rather than every subsystem
maintainer above them); each part's ``missing`` lists all of that section's M: and R:.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workbench.kernel.maintainers import Section
from workbench.model import CheckPart, CheckResult, Evidence, Patch, Person, Series, Status
from workbench.policy.context import PolicyContext
from workbench.policy.ownership import Owner, is_parent_candidate, owners
from workbench.policy.people import APPROVALS, Given, evidence_for, given_by, numbers, unique_people
from workbench.text import one_line

CHECK_ID = "parent-approval"


@dataclass(slots=True)
class _Unit:
    patch: Patch
    path: str
    owners: list[Owner]
    counted: list[Given] = field(default_factory=list)
    suspect: list[Given] = field(default_factory=list)

    @property
    def approved(self) -> bool:
        return bool(self.counted)


@dataclass(slots=True)
class _SectionUnits:
    section: Section
    specificity: int
    units: list[_Unit] = field(default_factory=list)


def _units(series: Series, ctx: PolicyContext) -> tuple[list[_Unit], list[str]]:
    """Units needing approval, and the parent-looking files nobody but THE REST owns."""
    units: list[_Unit] = []
    unowned: list[str] = []
    for patch in series.patches:
        for change in patch.files:
            if not is_parent_candidate(change.path):
                continue
            found = owners(change.path, ctx.maintainers)
            if not found:
                if change.path not in unowned:
                    unowned.append(change.path)
                continue
            people = [p for o in found for p in o.section.people]
            counted, suspect = given_by(series, [patch], people, APPROVALS, ctx.mailmap)
            units.append(_Unit(patch, change.path, found, counted, suspect))
    return units, unowned


def _by_section(units: list[_Unit]) -> list[_SectionUnits]:
    sections: dict[str, _SectionUnits] = {}
    for unit in units:
        for owner in unit.owners:
            entry = sections.get(owner.section.name)
            if entry is None:
                entry = sections[owner.section.name] = _SectionUnits(owner.section, owner.specificity)
            entry.specificity = max(entry.specificity, owner.specificity)
            if unit not in entry.units:
                entry.units.append(unit)
    order = list(sections.values())
    order.sort(key=lambda s: (-s.specificity, min(u.patch.number for u in s.units), s.section.name))
    return order


def _roles(units: list[_Unit]) -> dict[str, str]:
    """"HISILICON QM DRIVER M:" for each approver, so evidence says why a person counts."""
    roles: dict[str, str] = {}
    for unit in units:
        for g in unit.counted + unit.suspect:
            key = g.who.email or g.who.name
            if key in roles:
                continue
            for owner in unit.owners:
                if g.who in owner.section.maintainers:
                    roles[key] = f"{owner.section.name} M:"
                    break
                if g.who in owner.section.reviewers:
                    roles[key] = f"{owner.section.name} R:"
                    break
    return roles


def _part(entry: _SectionUnits, series: Series, ctx: PolicyContext) -> CheckPart:
    units = entry.units
    expected = series.expected
    counted = [g for u in units for g in u.counted]
    suspect = [g for u in units for g in u.suspect]
    roles = _roles(units)
    evidence = evidence_for(_dedupe(counted), expected, roles) + evidence_for(_dedupe(suspect), expected, roles)
    todo = [u for u in units if not u.approved]
    name = entry.section.name
    if not todo:
        return CheckPart(
            name=name, status=Status.PASS,
            summary=one_line(f"approved by {_approvers(counted, roles, name, ctx)} on "
                             f"{numbers((u.patch.number for u in units), expected)}"),
            patches=sorted({u.patch.number for u in units}), files=_paths(units), evidence=evidence)
    done = [u for u in units if u.approved]
    text = f"no approval on {numbers((u.patch.number for u in todo), expected)} ({', '.join(_short(p) for p in _paths(todo))})"
    if done:
        text += (f"; approved on {numbers((u.patch.number for u in done), expected)} "
                 f"({', '.join(_short(p) for p in _paths(done))}) by "
                 f"{_approvers([g for u in done for g in u.counted], roles, name, ctx)}")
    if any(u.suspect for u in todo):
        text += "; a suspect trailer was not counted"
    could = unique_people(entry.section.people, ctx.mailmap, exclude=[series.author])
    return CheckPart(name=name, status=Status.MISSING, summary=one_line(text),
                     patches=sorted({u.patch.number for u in todo}), files=_paths(todo),
                     evidence=evidence, missing=could)


def _dedupe(given: list[Given]) -> list[Given]:
    seen: set[tuple[str, str, int]] = set()
    out = []
    for g in given:
        key = (g.trailer.source, g.trailer.name + (g.who.email or g.who.name), g.patch)
        if key not in seen:
            seen.add(key)
            out.append(g)
    return out


def _paths(units: list[_Unit]) -> list[str]:
    out: list[str] = []
    for u in units:
        if u.path not in out:
            out.append(u.path)
    return out


def _short(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _approvers(given: list[Given], roles: dict[str, str], section: str, ctx: PolicyContext) -> str:
    """Who approved, with the section they approve for when it is another owner of the
    same files ("Giovanni Cabiddu (QAT DRIVER M:)" under CRYPTO API): any owning section's
    people count, and the summary must not read as if this section's people had."""
    out: list[str] = []
    for person in unique_people((g.who for g in given), ctx.mailmap):
        g = next(g for g in given if g.who is person)
        who = g.trailer.person.name or g.trailer.person.email
        role = roles.get(person.email or person.name, "")
        out.append(f"{who} ({role})" if role and not role.startswith(section + " ") else who)
    return ", ".join(out) or "nobody"


def _primary_people(unit: _Unit) -> list[Person]:
    for owner in unit.owners:
        if owner.section.people:
            return list(owner.section.people)
    return []


def check_parent_approval(series: Series, ctx: PolicyContext) -> CheckResult:
    if not any(p.files for p in series.patches):
        return CheckResult(CHECK_ID, Status.NA, "no diff in this posting: nothing to judge")
    units, unowned = _units(series, ctx)
    notes = [Evidence(text=one_line(f"{path}: only THE REST matches; no parent section to ask"))
             for path in unowned]
    if not units:
        return CheckResult(CHECK_ID, Status.NA, "no code outside vfio owned by another MAINTAINERS section",
                           evidence=notes)
    parts = [_part(entry, series, ctx) for entry in _by_section(units)]
    roles = _roles(units)
    evidence = (evidence_for(_dedupe([g for u in units for g in u.counted]), series.expected, roles)
                + evidence_for(_dedupe([g for u in units for g in u.suspect]), series.expected, roles) + notes)
    todo = [u for u in units if not u.approved]
    if not todo:
        summary = "approved: " + _first([p.name for p in parts])
        return CheckResult(CHECK_ID, Status.PASS, one_line(summary), evidence=evidence, parts=parts)
    missing_parts = [p for p in parts if p.status is Status.MISSING]
    first = missing_parts[0]
    summary = f"missing: {first.name} on {numbers(first.patches, series.expected)}"
    if len(missing_parts) > 1:
        summary += f" (+{len(missing_parts) - 1} more section{'s' if len(missing_parts) > 2 else ''})"
    ok = [p.name for p in parts if p.status is Status.PASS]
    if ok:
        summary += f"; approved: {_first(ok)}"
    missing = unique_people((p for u in todo for p in _primary_people(u)), ctx.mailmap, exclude=[series.author])
    return CheckResult(CHECK_ID, Status.MISSING, one_line(summary), evidence=evidence,
                       missing=missing, parts=parts)



def _first(names: list[str], keep: int = 2) -> str:
    """The first (most specific) names and how many more: a table cell, not a list."""
    shown = ", ".join(names[:keep])
    return shown + (f" (+{len(names) - keep} more)" if len(names) > keep else "")
