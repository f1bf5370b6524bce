"""parent-approval: every interaction with a parent driver carries its maintainers' approval.

The unit of approval is (patch, file): a file outside vfio that another MAINTAINERS
section owns (see ``ownership``) is approved on a patch when that patch carries a
Signed-off-by, Acked-by or Reviewed-by — directly or on the cover letter — that counts
(``people.standing``: sent from the person's own address) from an M: or R: person of the
file's *approval group* for that patch.

Approval groups (DESIGN.md, "Approval groups"): the sections that share a file of a patch
own that patch's code together. CRYPTO API and HISILICON QM both own qm.c, so Herbert Xu's
ack (CRYPTO API) on a patch touching qm.c and hisi_acc_qm.h covers both files of that
patch; PCI's pci_ids.h next to mlx5 core shares no file with the mlx5 sections and needs
its own approval. Groups are per patch: sharing a file in one patch says nothing about
another.

Consequences worth spelling out, because real series hit them:

* The author's own Signed-off-by approves only when the author is an M:/R: of the group
  (Leon Romanovsky signing an mlx5 core patch: yes; Yishai Hadas, the vfio mlx5
  maintainer, signing the same patch: no).
* A claim a human must confirm (same name from an unverified address, a carried trailer
  not found in the mail) makes the file ``attention``, never ``pass``; a suspect trailer
  is shown and does not count; a NAK withdraws its giver's approval (``missing``).

Each section becomes one CheckPart, most specific first; ``CheckPart.group`` names the
group's most specific section, so a report asks one person per group rather than every
section of it. A passing part lists every patch and file of that section; an unfinished
part lists only the patches and files still without approval — exactly what a draft has
to ask for. The check's own ``missing`` names, per unapproved file, the people of its most
specific owning section that has people.

Everything is linear in the files of the series: a patch touching 20,000 files is judged
in one pass, with one trailer look-up per (patch, group).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workbench.kernel.maintainers import Section
from workbench.model import (
    CheckId,
    CheckPart,
    CheckResult,
    Evidence,
    Patch,
    Person,
    Series,
    Status,
)
from workbench.policy.context import PolicyContext
from workbench.policy.ownership import Owner, is_parent_candidate, owners
from workbench.policy.people import (
    APPROVALS,
    Findings,
    Given,
    Standing,
    evidence_for,
    given_by,
    numbers,
    unique_people,
)
from workbench.text import one_line

CHECK_ID = CheckId.PARENT_APPROVAL


@dataclass(slots=True)
class _Group:
    """The sections that own one patch's files together, and what their people gave."""

    sections: list[Section]
    findings: Findings

    @property
    def status(self) -> Status:
        if self.findings.counted:
            return Status.PASS
        return Status.ATTENTION if self.findings.attention and not self.findings.nacks else Status.MISSING


@dataclass(slots=True, eq=False)
class _Unit:
    patch: Patch
    path: str
    owners: list[Owner]
    group: _Group

    @property
    def approved(self) -> bool:
        return bool(self.group.findings.counted)


@dataclass(slots=True)
class _SectionUnits:
    section: Section
    specificity: int
    units: dict[int, _Unit] = field(default_factory=dict)  # by id(): a unit once


class _Union:
    def __init__(self) -> None:
        self.up: dict[str, str] = {}

    def find(self, name: str) -> str:
        root = name
        while self.up.setdefault(root, root) != root:
            root = self.up[root]
        while self.up[name] != root:
            self.up[name], name = root, self.up[name]
        return root

    def join(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.up[rb] = ra


def _patch_units(series: Series, patch: Patch, ctx: PolicyContext, unowned: dict[str, None],
                 series_union: _Union) -> list[_Unit]:
    owned: list[tuple[str, list[Owner]]] = []
    union = _Union()
    for change in patch.files:
        if not is_parent_candidate(change.path):
            continue
        found = owners(change.path, ctx.maintainers)
        if not found:
            unowned[change.path] = None
            continue
        owned.append((change.path, found))
        for other in found[1:]:
            union.join(found[0].section.name, other.section.name)
            series_union.join(found[0].section.name, other.section.name)
    members: dict[str, dict[str, Section]] = {}
    for _path, found in owned:
        for owner in found:
            members.setdefault(union.find(owner.section.name), {})[owner.section.name] = owner.section
    groups: dict[str, _Group] = {}
    for root, sections in members.items():
        people = [p for section in sections.values() for p in section.people]
        groups[root] = _Group(list(sections.values()), given_by(series, [patch], people, APPROVALS, ctx.mailmap))
    return [_Unit(patch, path, found, groups[union.find(found[0].section.name)]) for path, found in owned]


def _units(series: Series, ctx: PolicyContext) -> tuple[list[_Unit], list[str], _Union]:
    """Units needing approval, the parent-looking files nobody but THE REST owns, and the
    sections that share files anywhere in the series (for naming groups)."""
    units: list[_Unit] = []
    unowned: dict[str, None] = {}
    series_union = _Union()
    for patch in series.patches:
        units += _patch_units(series, patch, ctx, unowned, series_union)
    return units, list(unowned), series_union


def _unit_status(unit: _Unit) -> Status:
    return unit.group.status


def _by_section(units: list[_Unit]) -> list[_SectionUnits]:
    sections: dict[str, _SectionUnits] = {}
    for unit in units:
        for owner in unit.owners:
            entry = sections.get(owner.section.name)
            if entry is None:
                entry = sections[owner.section.name] = _SectionUnits(owner.section, owner.specificity)
            entry.specificity = max(entry.specificity, owner.specificity)
            entry.units.setdefault(id(unit), unit)
    order = list(sections.values())
    order.sort(key=lambda s: (-s.specificity, min(u.patch.number for u in s.units.values()), s.section.name))
    return order


def _groups(units: list[_Unit]) -> list[_Group]:
    return list({id(u.group): u.group for u in units}.values())


def _roles(units: list[_Unit]) -> dict[str, str]:
    """"HISILICON QM DRIVER M:" for each approver, so evidence says why a person counts."""
    roles: dict[str, str] = {}
    for group in _groups(units):
        f = group.findings
        for g in f.counted + f.shown():
            key = g.who.email or g.who.name
            if key in roles:
                continue
            for section in group.sections:
                if g.who in section.maintainers:
                    roles[key] = f"{section.name} M:"
                    break
                if g.who in section.reviewers:
                    roles[key] = f"{section.name} R:"
                    break
    return roles


def _worst(statuses: list[Status]) -> Status:
    if Status.MISSING in statuses:
        return Status.MISSING
    if Status.ATTENTION in statuses:
        return Status.ATTENTION
    return Status.PASS


def _evidence(units: list[_Unit], expected: int, roles: dict[str, str]) -> list[Evidence]:
    groups = _groups(units)
    counted = [g for grp in groups for g in grp.findings.counted]
    shown = [g for grp in groups for g in grp.findings.shown()]
    return evidence_for(_dedupe(counted), expected, roles) + evidence_for(_dedupe(shown), expected, roles)


def _part(entry: _SectionUnits, series: Series, ctx: PolicyContext, group: str) -> CheckPart:
    units = list(entry.units.values())
    expected = series.expected
    roles = _roles(units)
    evidence = _evidence(units, expected, roles)
    todo = [u for u in units if not u.approved]
    name = entry.section.name
    if not todo:
        counted = [g for grp in _groups(units) for g in grp.findings.counted]
        return CheckPart(
            name=name, status=Status.PASS,
            summary=one_line(f"approved by {_approvers(counted, roles, name, ctx)} on "
                             f"{numbers((u.patch.number for u in units), expected)}"),
            patches=sorted({u.patch.number for u in units}), files=_paths(units), evidence=evidence, group=group)
    status = _worst([_unit_status(u) for u in todo])
    done = [u for u in units if u.approved]
    text = f"no approval on {numbers((u.patch.number for u in todo), expected)} ({', '.join(_short(p) for p in _paths(todo))})"
    if done:
        text += (f"; approved on {numbers((u.patch.number for u in done), expected)} "
                 f"({', '.join(_short(p) for p in _paths(done))}) by "
                 f"{_approvers([g for grp in _groups(done) for g in grp.findings.counted], roles, name, ctx)}")
    text += _caveats(todo)
    could = unique_people(entry.section.people, ctx.mailmap, exclude=[series.author])
    return CheckPart(name=name, status=status, summary=one_line(text),
                     patches=sorted({u.patch.number for u in todo}), files=_paths(todo),
                     evidence=evidence, missing=could, group=group)


def _caveats(todo: list[_Unit]) -> str:
    """What a human should look at among the claims that did not count."""
    given = [g for grp in _groups(todo) for g in grp.findings.shown()]
    out = ""
    if any(g.trailer.name == "Nacked-by" and g.standing is Standing.COUNTED for g in given):
        out += "; NAKed"
    if any(g.standing is Standing.SAME_NAME for g in given):
        out += "; a trailer from the same name at an unverified address needs confirming"
    if any(g.standing is Standing.UNTRACED for g in given):
        out += "; a carried trailer was not found in your mail"
    if any(g.standing is Standing.SUSPECT for g in given):
        out += "; a suspect trailer was not counted"
    return out


def _dedupe(given: list[Given]) -> list[Given]:
    seen: set[tuple[str, str, int, str]] = set()
    out = []
    for g in given:
        key = (g.trailer.source, g.trailer.name + (g.who.email or g.who.name), g.patch, g.standing)
        if key not in seen:
            seen.add(key)
            out.append(g)
    return out


def _paths(units: list[_Unit]) -> list[str]:
    return list(dict.fromkeys(u.path for u in units))


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
    units, unowned, union = _units(series, ctx)
    notes = [Evidence(text=one_line(f"{path}: only THE REST matches; no parent section to ask"))
             for path in unowned[:20]]
    if len(unowned) > 20:
        notes.append(Evidence(text=f"… and {len(unowned) - 20} more files only THE REST matches"))
    if not units:
        return CheckResult(CHECK_ID, Status.NA, "no code outside vfio owned by another MAINTAINERS section",
                           evidence=notes)
    entries = _by_section(units)
    leads: dict[str, str] = {}
    for entry in entries:  # most specific first: a group is named by its first section
        leads.setdefault(union.find(entry.section.name), entry.section.name)
    parts = [_part(entry, series, ctx, leads[union.find(entry.section.name)]) for entry in entries]
    roles = _roles(units)
    evidence = _evidence(units, series.expected, roles) + notes
    todo = [u for u in units if not u.approved]
    if not todo:
        summary = "approved: " + _first([p.name for p in parts])
        return CheckResult(CHECK_ID, Status.PASS, one_line(summary), evidence=evidence, parts=parts)
    status = _worst([p.status for p in parts])
    open_parts = [p for p in parts if p.status is status]
    first = open_parts[0]
    word = "missing" if status is Status.MISSING else "to confirm"
    summary = f"{word}: {first.name} on {numbers(first.patches, series.expected)}"
    if len(open_parts) > 1:
        summary += f" (+{len(open_parts) - 1} more section{'s' if len(open_parts) > 2 else ''})"
    summary += _caveats(todo)
    ok = [p.name for p in parts if p.status is Status.PASS]
    if ok:
        summary += f"; approved: {_first(ok)}"
    primary = dict.fromkeys(p for u in todo for p in _primary_people(u))  # 20,000 files: few people
    missing = unique_people(primary, ctx.mailmap, exclude=[series.author])
    return CheckResult(CHECK_ID, status, one_line(summary), evidence=evidence,
                       missing=missing, parts=parts)


def _first(names: list[str], keep: int = 2) -> str:
    """The first (most specific) names and how many more: a table cell, not a list."""
    shown = ", ".join(names[:keep])
    return shown + (f" (+{len(names) - keep} more)" if len(names) > keep else "")
