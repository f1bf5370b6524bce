"""Query → MailRecords, through the cache.

INTERFACE STUB — owned by the mail helper.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from workbench.config import Settings
from workbench.model import LoadProblem, MailRecord


@dataclass(slots=True)
class LoadResult:
    records: list[MailRecord]
    problems: list[LoadProblem] = field(default_factory=list)
    db_path: str = ""
    revision: int | None = None
    parsed: int = 0  # files parsed in this run
    cached: int = 0  # records answered by the cache


def load_records(settings: Settings, progress: Callable[[int, int], None] | None = None) -> LoadResult:
    raise NotImplementedError
