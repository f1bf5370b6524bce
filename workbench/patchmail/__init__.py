"""Patch-mail text primitives: subjects, trailers, people in free text, diffs and hunks,
"applied" replies.

The ground floor: it reads the text of one message and knows nothing of series, stores or
screens, so mail loading, MAINTAINERS parsing, the policy, the replies and the TUI can all
use it without import cycles (checked by the import-linter contracts in pyproject.toml).
"""
