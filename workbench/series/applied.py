"""Has a maintainer said the series was applied?

Maintainers answer the cover letter (or the patch) with "Applied to vfio next branch for
v6.19. Thanks," or b4's "Applied, thanks!": once that is said, what the acceptance
checks still miss is history, not work. Only the replier's own lines count (quotes and
what follows a signature are skipped, as for trailers), and the line must say where or
end with thanks, so "Applied on top of rc2 and tested" is not taken for it.
"""

from __future__ import annotations

import re

from workbench.series.trailers import own_lines
from workbench.text import one_line

_APPLIED = re.compile(
    r"^\s*(?:applied|queued|pushed|picked\s+up|merged)\b"
    r"(?=.{0,200}?(?:\b(?:to|into|in|on)\s+(?:the\s+|my\s+|\S+/)?\S*\s*(?:next|branch|tree|for-\S+)\b"
    r"|\bthanks?\b|\bfor\s+v?\d+\.\d+))",
    re.IGNORECASE,
)
_BARE = re.compile(r"^\s*(?:applied|queued)[.!]?\s*$", re.IGNORECASE)
MAX_LINE = 240


def applied_line(text: str) -> str:
    """The line of a reply that says it was applied, or ''."""
    for line in own_lines(text, patch=False):
        if len(line) > MAX_LINE:
            continue
        if _APPLIED.match(line) or _BARE.match(line):
            return one_line(line, 160)
    return ""
