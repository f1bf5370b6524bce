"""Who each file of a series belongs to, as the diff and hunk views label it.

A parent-driver file is named by the parent-approval check's parts (the same judgement
the acceptance panel shows, with its status); every other file by its most specific
MAINTAINERS section.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.analysis import Judged
from workbench.kernel.maintainers import Maintainers
from workbench.model import CheckId, Status


@dataclass(frozen=True, slots=True)
class Owner:
    """Who a file belongs to, as the hunk view labels it."""

    section: str  # most specific MAINTAINERS section ('' when none matched)
    parent: bool  # owned by another section: needs that section's approval
    status: Status | None = None  # of the parent-approval part, when parent


def owners_for(judged: Judged, maintainers: Maintainers | None) -> dict[str, Owner]:
    """Parent files from the parent-approval check's parts (the same judgement the panel
    shows); every other file labelled with its most specific MAINTAINERS section."""
    owners: dict[str, Owner] = {}
    check = judged.check(CheckId.PARENT_APPROVAL)
    if check is not None:
        for part in check.parts:
            for path in part.files:
                owners.setdefault(path, Owner(section=part.name, parent=True, status=part.status))
    for patch in judged.series.patches:
        for change in patch.files:
            if change.path in owners:
                continue
            section = ""
            if maintainers is not None:
                try:
                    matches = maintainers.sections_for(change.path)
                except Exception:  # noqa: BLE001 — a label must never stop the view from opening
                    matches = []
                if matches:
                    section = matches[0].section.name
            owners[change.path] = Owner(section=section, parent=False)
    return owners
