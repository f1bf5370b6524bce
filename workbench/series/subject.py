"""Patch subject prefixes: [PATCH v9 3/9], [RFC v4 0/8], Re:/AW: chains …

INTERFACE STUB — owned by the series helper.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SubjectInfo:
    title: str  # without reply markers and bracketed prefixes
    is_reply: bool  # Re:/RE:/AW:/Aw:/Fwd: …
    is_patch: bool  # a [PATCH…]/[RFC…] tag was present
    version: int  # 1 when absent
    number: int | None  # k of k/N
    total: int | None  # N of k/N
    rfc: bool
    resend: bool
    prefixes: tuple[str, ...]  # other words in the brackets: "mlx5-next", "vfio"


def parse_subject(subject: str) -> SubjectInfo:
    raise NotImplementedError
