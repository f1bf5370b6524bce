"""What every check is judged against: MAINTAINERS and .mailmap — and nothing else.

Who runs the tool (``--me``) is deliberately not here: a verdict must read the same for
every user (the vfio maintainer is VFIO DRIVER's M:, not whoever runs the report).
Kept apart from ``checks`` so each check module can import it without importing the
module that imports them all."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.kernel.mailmap import Mailmap
from workbench.kernel.maintainers import Maintainers


@dataclass(frozen=True, slots=True)
class PolicyContext:
    maintainers: Maintainers
    mailmap: Mailmap
