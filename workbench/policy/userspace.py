"""userspace-data: lines where data from userspace enters a variant or parent driver, and
the uAPI a series adds.

The acceptance document asks authors not to "allow unchecked userspace data to have an
effect beyond the scope of the assigned device". Whether a given copy_from_user is checked
needs a human, so this check never passes or fails: it says ``attention`` and lists each
place (patch, file, hunk, line) for the reviewer; with nothing found it is ``n/a``.

Variant-driver files and parent files (code outside vfio that another section owns, by
path) are always looked at. vfio core's own userspace paths are the maintainer's daily
work, not what a variant-driver series brings in — unless the series adds a uAPI: a new
ioctl, feature or structure in ``include/uapi/linux/vfio.h`` (the dma-buf export series:
``VFIO_DEVICE_FEATURE_DMA_BUF``, DMA ranges taken from userspace, device memory exported to
other devices). Then the new definitions and the core lines that take their data are
listed too, whether or not a ``copy_from_user`` appears.
"""

from __future__ import annotations

import re

from workbench.model import (
    CheckId,
    CheckResult,
    Evidence,
    Patch,
    Series,
    Signal,
    SignalKind,
    Status,
)
from workbench.policy.ownership import is_parent_candidate, is_vfio_own
from workbench.policy.scope import variant_of
from workbench.text import one_line

CHECK_ID = CheckId.USERSPACE_DATA
MAX_EVIDENCE = 60
UAPI = "uapi"


def _adds_uapi(series: Series) -> list[tuple[Patch, Signal]]:
    return [(patch, signal) for patch in series.patches for signal in patch.signals
            if signal.kind is SignalKind.USERSPACE and signal.pattern == UAPI]


def check_userspace(series: Series) -> CheckResult:
    uapi = _adds_uapi(series)
    places: dict[tuple[int, str, str, str], list[str]] = {}  # one line, all the patterns it hit
    owners: dict[tuple[int, str, str, str], Patch] = {}
    for patch in series.patches:
        for signal in patch.signals:
            if signal.kind is not SignalKind.USERSPACE:
                continue
            if variant_of(signal.path) is None and not is_parent_candidate(signal.path):
                if not (uapi and is_vfio_own(signal.path)):
                    continue
            key = (patch.number, signal.path, signal.hunk, signal.line)
            if signal.pattern not in places.setdefault(key, []):
                places[key].append(signal.pattern)
            owners.setdefault(key, patch)
    total = len(places)
    files = {key[1] for key in places}
    evidence: list[Evidence] = []
    if uapi:
        names = sorted({_defined(signal.line) for _p, signal in uapi} - {""})
        patches = sorted({patch.number for patch, _s in uapi})
        evidence.append(Evidence(
            text=one_line(f"adds uAPI in {', '.join(sorted({s.path for _p, s in uapi}))} "
                          f"({', '.join(f'{n}/{series.expected}' for n in patches)}): {', '.join(names[:6])}"
                          + (" …" if len(names) > 6 else ""), 240),
            person=uapi[0][0].author, msgid=uapi[0][0].msgid, date=uapi[0][0].date))
    for key, patterns in list(places.items())[:MAX_EVIDENCE]:
        number, path, hunk, line = key
        patch = owners[key]
        text = f"{number}/{series.expected} {path} ({hunk.strip()}) [{', '.join(patterns)}]: {line.strip()}"
        evidence.append(Evidence(text=one_line(text, 200), person=patch.author, msgid=patch.msgid, date=patch.date))
    if not total:
        return CheckResult(CHECK_ID, Status.NA, "no line taking userspace data in variant or parent code")
    if total > MAX_EVIDENCE:
        evidence.append(Evidence(text=f"… and {total - MAX_EVIDENCE} more"))
    summary = f"{total} line{'s' if total != 1 else ''} taking userspace data in {len(files)} file{'s' if len(files) != 1 else ''}: review"
    if uapi:
        summary = f"adds uAPI; {summary}"
    return CheckResult(CHECK_ID, Status.ATTENTION, summary, evidence=evidence)


_DEFINED = re.compile(r"^\s*#\s*define\s+(\w+)|^\s*(struct\s+\w+)")


def _defined(line: str) -> str:
    """``VFIO_DEVICE_FEATURE_DMA_BUF`` from its #define, ``struct vfio_region_dma_range`` from
    its opening line."""
    match = _DEFINED.match(line)
    return (match.group(1) or match.group(2)) if match else ""
