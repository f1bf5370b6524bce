"""One mark and one letter per check, shared by the text report and the TUI so a
maintainer reads the same table in both."""

from __future__ import annotations

from workbench.model import CHECK_IDS, CheckId, Status

STATUS_MARK: dict[Status, str] = {
    Status.PASS: "✓",
    Status.MISSING: "✗",
    Status.ATTENTION: "!",
    Status.NA: "·",
}

CHECK_LETTER: dict[str, str] = {
    CheckId.COMPLETE: "C",
    CheckId.PARENT_APPROVAL: "P",
    CheckId.LISTED_REVIEWER: "R",
    CheckId.DOCUMENTATION: "D",
    CheckId.MAINTAINER: "M",
    CheckId.USERSPACE_DATA: "U",
}

assert set(CHECK_LETTER) == set(CHECK_IDS)


def legend() -> str:
    checks = "  ".join(f"{CHECK_LETTER[c]} {c}" for c in CHECK_IDS)
    marks = "  ".join(f"{mark} {status}" for status, mark in STATUS_MARK.items())
    return f"checks: {checks}\nmarks:  {marks}"
