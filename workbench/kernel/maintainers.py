"""MAINTAINERS parsing and matching with scripts/get_maintainer.pl's rules.

INTERFACE STUB — owned by the kernel helper; signatures are the contract.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from workbench.model import Person


@dataclass(frozen=True, slots=True)
class Section:
    name: str
    maintainers: tuple[Person, ...]  # M:
    reviewers: tuple[Person, ...]  # R:
    lists: tuple[str, ...]  # L: addresses only
    status: str  # S:
    files: tuple[str, ...]  # F:
    excludes: tuple[str, ...]  # X:
    regexes: tuple[str, ...]  # N:
    keywords: tuple[str, ...]  # K:
    profile: str | None = None  # P:

    @property
    def people(self) -> tuple[Person, ...]:
        return self.maintainers + self.reviewers


@dataclass(frozen=True, slots=True)
class Match:
    section: Section
    specificity: int  # higher ranks first (get_maintainer.pl: number of '/' in the pattern)
    pattern: str


class Maintainers:
    origin: str  # the path it was read from, shown in report headers

    @classmethod
    def load(cls, path: Path) -> "Maintainers":
        raise NotImplementedError

    def sections_for(self, path: str, patch_text: str | None = None) -> list[Match]:
        raise NotImplementedError

    def section(self, name: str) -> Section | None:
        raise NotImplementedError

    def acceptance_section(self) -> Section | None:
        raise NotImplementedError
