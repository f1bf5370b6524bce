"""What every check is judged against: MAINTAINERS, .mailmap and who the user is.

Kept apart from ``checks`` so each check module can import it without importing the
module that imports them all."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.kernel.mailmap import Mailmap
from workbench.kernel.maintainers import Maintainers
from workbench.model import Person


@dataclass(frozen=True, slots=True)
class PolicyContext:
    maintainers: Maintainers
    mailmap: Mailmap
    me: Person | None = None  # the user; the vfio maintainer when --me is not given comes from MAINTAINERS
