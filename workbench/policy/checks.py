"""The acceptance checks, run per series.

INTERFACE STUB — owned by the policy helper; signatures are the contract.
"""

from __future__ import annotations

from dataclasses import dataclass

from workbench.kernel.mailmap import Mailmap
from workbench.kernel.maintainers import Maintainers
from workbench.model import CheckResult, Person, Series


@dataclass(frozen=True, slots=True)
class PolicyContext:
    maintainers: Maintainers
    mailmap: Mailmap
    me: Person | None = None  # the user; the vfio maintainer when --me is not given comes from MAINTAINERS


def variant_drivers(series: Series, maintainers: Maintainers) -> list[str]:
    """Names of the drivers/vfio/pci/<name>/ directories the series touches (by files,
    falling back to the subject when no version of it has a diff). Empty: out of scope."""
    raise NotImplementedError


def run_checks(series: Series, ctx: PolicyContext) -> list[CheckResult]:
    """One CheckResult per id in workbench.model.CHECK_IDS, in that order."""
    raise NotImplementedError
