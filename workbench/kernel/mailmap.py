"""The kernel's .mailmap: one person, many addresses.

Approvals are matched against MAINTAINERS by address, and maintainers move between
employers (jgg@mellanox.com → jgg@nvidia.com → jgg@ziepe.ca): without the mailmap an ack
from an old address would look like a stranger's. The format is git's (gitmailmap(5)):

    Proper Name <commit@email>                        name for an address
    <proper@email> <commit@email>                     address for an address
    Proper Name <proper@email> <commit@email>         both for an address
    Proper Name <proper@email> Commit Name <commit@email>   both, only for that name

Lines starting with ``#`` are comments, text after the last ``>`` is ignored, and names
and addresses are compared case-insensitively, as git does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import MaintainersError
from workbench.model import Person

_PAIR = re.compile(r"\s*([^<]*?)\s*<([^>]*)>")


@dataclass(frozen=True, slots=True)
class _Entry:
    name: str  # '' when the line does not set a name
    email: str  # '' when the line does not set an address


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


class Mailmap:
    origin: str

    def __init__(self, origin: str = "(none)") -> None:
        self.origin = origin
        self._by_email: dict[str, _Entry] = {}
        self._by_name_email: dict[tuple[str, str], _Entry] = {}
        self.problems: list[str] = []  # lines that could not be read
        # (name, email) -> (canonical email, folded canonical name, folded written name):
        # the checks compare the same few hundred people tens of thousands of times
        self._identity: dict[tuple[str, str], tuple[str, str, str]] = {}
        self._canonical: dict[tuple[str, str], Person] = {}

    @classmethod
    def load(cls, path: Path) -> Mailmap:
        path = Path(path).expanduser()
        hint = "pass --mailmap PATH (the kernel's .mailmap) or --linux-tree PATH"
        if path.is_dir() and (path / ".mailmap").is_file():
            path = path / ".mailmap"
        if not path.exists():
            raise MaintainersError(f"mailmap file not found: {path}; {hint}")
        if path.is_dir():
            raise MaintainersError(f"{path} is a directory without a .mailmap file; {hint}")
        try:
            text = path.read_bytes().decode("utf-8", errors="replace")
        except OSError as err:
            raise MaintainersError(f"cannot read mailmap file {path}: {err.strerror or err}; {hint}") from None
        return cls.parse(text, str(path))

    @classmethod
    def empty(cls) -> Mailmap:
        return cls("(none)")

    @classmethod
    def parse(cls, text: str, origin: str = "<text>") -> Mailmap:
        made = cls(origin)
        for lineno, line in enumerate(text.splitlines(), 1):
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            if not made._add(stripped):
                made.problems.append(f"{origin}:{lineno}: not a mailmap entry: {stripped[:80]!r}")
        return made

    def _add(self, line: str) -> bool:
        pairs: list[tuple[str, str]] = []  # (name, email) as written
        pos = 0
        while (m := _PAIR.match(line, pos)) and len(pairs) < 2:
            pairs.append((" ".join(m.group(1).split()), m.group(2).strip().lower()))
            pos = m.end()
        if not pairs:
            return False
        (name1, email1) = pairs[0]
        if len(pairs) == 1:  # Proper Name <commit@email>
            if not name1 or not email1:
                return False
            self._merge(email1, None, _Entry(name1, ""))
            return True
        (name2, email2) = pairs[1]
        if not email2:
            return False
        entry = _Entry(name1, email1)
        self._merge(email2, name2 or None, entry)
        return True

    def _merge(self, email: str, name: str | None, entry: _Entry) -> None:
        """Later lines fill in what earlier lines for the same key left unset (git merges
        "Name <a>" and "<b> <a>" into one mapping the same way)."""
        table: dict = self._by_name_email if name else self._by_email
        key = (_fold(name), email) if name else email
        old = table.get(key)
        if old is not None:
            entry = _Entry(entry.name or old.name, entry.email or old.email)
        table[key] = entry
        self._identity.clear()
        self._canonical.clear()

    def __len__(self) -> int:
        return len(self._by_email) + len(self._by_name_email)

    def canonical(self, person: Person) -> Person:
        """The person as the mailmap names them; unchanged when it does not know them."""
        pair = (person.name, person.email)
        known = self._canonical.get(pair)
        if known is None:
            known = self._canonical[pair] = self._lookup(person)
        return known

    def _lookup(self, person: Person) -> Person:
        email = person.email.strip().lower()
        if not email:
            return person
        entry = None
        if self._by_name_email and person.name:
            entry = self._by_name_email.get((_fold(person.name), email))
        if entry is None:
            entry = self._by_email.get(email)
        if entry is None:
            return Person(person.name, email) if email != person.email else person
        return Person(entry.name or person.name, entry.email or email)

    def same(self, a: Person, b: Person) -> bool:
        """One person? Canonical addresses equal; else the same non-empty name (people post
        from addresses the mailmap does not know, and MAINTAINERS shows both)."""
        return self.same_identity(self.identity(a), self.identity(b))

    @staticmethod
    def same_identity(a: tuple[str, str, str], b: tuple[str, str, str]) -> bool:
        """``same`` on two ``identity`` keys (for loops that compare one person to many)."""
        if a[0] and a[0] == b[0]:
            return True
        if a[1] and a[1] == b[1]:
            return True
        # The name the person wrote, in case the mailmap renamed only one side.
        return bool(a[2]) and a[2] == b[2]

    def same_address(self, a: Person, b: Person) -> bool:
        """One person *by address*: both canonical addresses known and equal. The only
        tie a check trusts (a display name proves nothing, DESIGN.md "Identities")."""
        ea = self.identity(a)[0]
        return bool(ea) and ea == self.identity(b)[0]

    def same_name(self, a: Person, b: Person) -> bool:
        """The same non-empty name, as the mailmap names them or as written: what a
        reader would take for the same person, and an attacker can type."""
        ia, ib = self.identity(a), self.identity(b)
        return bool(ia[1] and ia[1] == ib[1]) or bool(ia[2] and ia[2] == ib[2])

    def identity(self, person: Person) -> tuple[str, str, str]:
        """(canonical email, folded canonical name, folded written name) of ``person``."""
        pair = (person.name, person.email)
        key = self._identity.get(pair)
        if key is None:
            canon = self.canonical(person)
            key = self._identity[pair] = (canon.email, _fold(canon.name), _fold(person.name))
        return key
