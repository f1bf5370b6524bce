"""The kernel's .mailmap: one person, many addresses.

INTERFACE STUB — owned by the kernel helper; signatures are the contract.
"""

from __future__ import annotations

from pathlib import Path

from workbench.model import Person


class Mailmap:
    origin: str

    @classmethod
    def load(cls, path: Path) -> "Mailmap":
        raise NotImplementedError

    @classmethod
    def empty(cls) -> "Mailmap":
        raise NotImplementedError

    def canonical(self, person: Person) -> Person:
        raise NotImplementedError

    def same(self, a: Person, b: Person) -> bool:
        raise NotImplementedError
