"""Whose code a file is: the MAINTAINERS sections whose approval a parent-driver hunk needs.

DESIGN.md, "Who owns a file", read literally:

* every section that matches the file counts, except THE REST (it matches everything and
  approves nothing) and the vfio family's own code — anything inside ``drivers/vfio/`` and
  vfio's headers (``include/linux/vfio*.h``, ``include/uapi/linux/vfio.h``), which the vfio
  maintainer takes anyway;
* files outside ``drivers/vfio/`` that belong to another vfio-family section
  (samples/vfio-mdev, vfio-ccw under drivers/s390, i915 GVT) are still someone else's code
  and need that section's approval like any parent driver;
* ``Documentation/`` is not parent code (the documentation check looks at it instead);
* a renamed file is judged by its new path (``FileChange.path``).

Sections come most specific first, as get_maintainer.pl ranks them, so the panel and the
drafts name the driver's own maintainer before the subsystem's.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import lru_cache

from workbench.kernel.maintainers import Maintainers, Match, Section

THE_REST = "THE REST"

_VFIO_OWN = ("drivers/vfio/*", "include/linux/vfio*.h", "include/uapi/linux/vfio.h")


@lru_cache(maxsize=65536)
def is_vfio_own(path: str) -> bool:
    """Code the vfio maintainer owns: drivers/vfio/ and vfio's own headers. (Asked for
    every file of every patch by several checks: remembered per path.)"""
    return any(fnmatchcase(path, pattern) for pattern in _VFIO_OWN)


def is_documentation(path: str) -> bool:
    return path.startswith("Documentation/")


def is_parent_candidate(path: str) -> bool:
    """Whether a file may need a parent section's approval (before asking MAINTAINERS)."""
    return bool(path) and not is_vfio_own(path) and not is_documentation(path)


@dataclass(frozen=True, slots=True)
class Owner:
    section: Section
    specificity: int
    pattern: str


def owners(path: str, maintainers: Maintainers) -> list[Owner]:
    """The sections whose people may approve ``path``; empty when nobody but THE REST
    (or vfio itself) owns it. Most specific first."""
    if not is_parent_candidate(path):
        return []
    out: list[Owner] = []
    for match in maintainers.sections_for(path):
        if _counts(match):
            out.append(Owner(match.section, match.specificity, match.pattern))
    return out


def _counts(match: Match) -> bool:
    if match.section.name.strip().upper() == THE_REST:
        return False
    # A catch-all pattern ("F: */", "F: *") is THE REST under another name.
    return not match.pattern.startswith(("F: *", "F: ?"))
