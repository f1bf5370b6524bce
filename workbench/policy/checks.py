"""The acceptance checks, run per series: the one entry point the pipeline calls.

Each check lives in its own module, named for it, with its reading of the acceptance
document in its docstring; this module only fixes the order (``model.CHECK_IDS``) and makes
sure a surprise in one check on hostile mail is reported as that check's problem instead of
taking the whole report down.
"""

from __future__ import annotations

from collections.abc import Callable

from workbench.kernel.maintainers import Maintainers
from workbench.model import CHECK_IDS, CheckId, CheckResult, Series, Status
from workbench.policy.complete import check_complete
from workbench.policy.context import PolicyContext
from workbench.policy.documentation import check_documentation
from workbench.policy.maintainer import check_maintainer
from workbench.policy.parent import check_parent_approval
from workbench.policy.reviewer import check_listed_reviewer
from workbench.policy.scope import variant_drivers as _variant_drivers
from workbench.policy.userspace import check_userspace

__all__ = ["PolicyContext", "run_checks", "variant_drivers"]

_CHECKS: dict[CheckId, Callable[[Series, PolicyContext], CheckResult]] = {
    CheckId.COMPLETE: lambda s, ctx: check_complete(s),
    CheckId.PARENT_APPROVAL: check_parent_approval,
    CheckId.LISTED_REVIEWER: check_listed_reviewer,
    CheckId.DOCUMENTATION: lambda s, ctx: check_documentation(s),
    CheckId.MAINTAINER: check_maintainer,
    CheckId.USERSPACE_DATA: lambda s, ctx: check_userspace(s),
}
assert tuple(_CHECKS) == CHECK_IDS


def variant_drivers(series: Series, maintainers: Maintainers) -> list[str]:
    """Names of the drivers/vfio/pci/<name>/ directories the series touches (by files,
    falling back to the subject when the posting has no diff). Empty: out of scope."""
    return _variant_drivers(series, maintainers)


def run_checks(series: Series, ctx: PolicyContext) -> list[CheckResult]:
    """One CheckResult per id in workbench.model.CHECK_IDS, in that order."""
    results: list[CheckResult] = []
    for check_id, check in _CHECKS.items():
        try:
            result = check(series, ctx)
        except Exception as err:  # noqa: BLE001 - one odd series must not sink the report
            result = CheckResult(check_id, Status.ATTENTION,
                                 f"could not be judged ({type(err).__name__}: {err}); please report this")
        results.append(result)
    return results
