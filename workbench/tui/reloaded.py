"""What a reload (``r``) changed about the series a user has open.

The screens of an open series are refreshed in place with the new verdicts; the user is
also told in words what moved ("parent-approval: missing → pass"), because a panel that
silently repaints looks the same as one that did not change.
"""

from __future__ import annotations

from workbench.analysis import Judged
from workbench.versions.pairing import check_changes


def series_changes(before: Judged, after: Judged) -> list[str]:
    """One phrase per change, in check order, then patches, trailers, versions."""
    out = [f"{c.check}: {c.before.value} → {c.after.value}" for c in check_changes(before, after)]
    old, new = before.series, after.series
    if (len(old.present), old.expected) != (len(new.present), new.expected):
        out.append(f"patches {len(old.present)}/{old.expected} → {len(new.present)}/{new.expected}")
    old_trailers = sum(len(p.trailers) for p in old.patches) + len(old.cover_trailers)
    new_trailers = sum(len(p.trailers) for p in new.patches) + len(new.cover_trailers)
    if new_trailers != old_trailers:
        out.append(f"trailers {old_trailers} → {new_trailers}")
    if new.superseded_by and not old.superseded_by:
        out.append("a newer version arrived")
    if after.applied is not None and before.applied is None:
        out.append("applied")
    return out
