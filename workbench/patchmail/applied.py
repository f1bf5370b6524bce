"""Has the maintainer said the series was applied?

Maintainers answer the cover letter (or the only patch) with "Applied to vfio next
branch for v6.19. Thanks," or b4's "Applied, thanks!": once that is said, what the
acceptance checks still miss is history, not work. Because that verdict takes a series
out of the missing count (and out of ``--fail-on-missing``), the reading is strict:

* only the replier's own lines count (quotes and what follows a signature are skipped,
  as for trailers);
* the line must say where it went ("to … branch / next / tree / for-…", "for v6.19") or
  be b4's bare "Applied, thanks!" / "Applied.";
* a line that names part of the series ("Applied 1/3 …", "patch 1", "the first") or
  hedges ("locally", "for testing", "and tested", "but") is not it;
* which replies are asked is the caller's business (``policy.maintainer.applied_by``:
  the vfio maintainer's replies to the series' first message).
"""

from __future__ import annotations

import re

from workbench.patchmail.trailers import own_lines
from workbench.text import one_line

_VERB = r"^\s*(?:applied|queued|pushed|picked\s+up|merged|taken)\b"
_WHERE = re.compile(
    _VERB + r"[^.!?]{0,160}?(?:\b(?:to|into|in|on)\s+(?:the\s+|my\s+)?[\w/.-]*\s*(?:next|branch|tree)\b"
    r"|\bfor-[\w.-]+|\bfor\s+v?\d+\.\d+)",
    re.IGNORECASE,
)
_BARE = re.compile(r"^\s*(?:applied|queued)(?:,?\s+thanks?)?\s*[.!]*\s*$", re.IGNORECASE)
_PARTIAL = re.compile(
    r"\b(?:patch(?:es)?\s*#?\d|\d+\s*/\s*\d+|\d+\s*-\s*\d+\b|this one|the first|the last|some of|part of|"
    r"locally|for testing|and tested|tested\b|\bbut\b|except|without)",
    re.IGNORECASE,
)
MAX_LINE = 240


def applied_line(text: str, lines: list[str] | None = None) -> str:
    """The line of a reply that says the whole posting was applied, or ''. ``lines``:
    ``own_lines(text, patch=False)`` when the caller has them already."""
    for line in own_lines(text, patch=False) if lines is None else lines:
        if len(line) > MAX_LINE:
            continue
        if (_WHERE.match(line) or _BARE.match(line)) and not _PARTIAL.search(line):
            return one_line(line, 160)
    return ""
