"""Who a draft goes to.

People reach MAINTAINERS, trailers and headers under several addresses; a draft must
name each person once, at the address the kernel's .mailmap says is current, and never
the sender themselves. ``Recipients.add`` does that for every kind: the first mention
wins (To before Cc), later mentions of the same person (by .mailmap identity) are
dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workbench.kernel.mailmap import Mailmap
from workbench.model import Person
from workbench.text import one_line

VFIO_LIST = "kvm@vger.kernel.org"
"""Where vfio is discussed, when MAINTAINERS does not say (its "VFIO DRIVER" L:)."""


def clean(person: Person, mailmap: Mailmap) -> Person | None:
    """The person at their current address, with a one-line name; None without an address."""
    email = one_line(person.email or "").strip().strip("<>").lower()
    if "@" not in email or any(c in email for c in " ,;\"()[]\\"):
        return None
    canonical = mailmap.canonical(Person(one_line(person.name or ""), email))
    return Person(one_line(canonical.name), canonical.email)


@dataclass(slots=True)
class Recipients:
    mailmap: Mailmap
    me: Person | None
    to: list[Person] = field(default_factory=list)
    cc: list[Person] = field(default_factory=list)

    def _known(self, person: Person) -> bool:
        for other in self.to + self.cc:
            if other.email == person.email:
                return True
            if person.name and self.mailmap.same(person, other):
                return True
        return False

    def is_me(self, person: Person) -> bool:
        if self.me is None:
            return False
        return self.mailmap.same(person, self.me)

    def add(self, people, *, to: bool = False) -> None:
        for raw in people:
            person = clean(raw, self.mailmap)
            if person is None or self.is_me(person) or self._known(person):
                continue
            (self.to if to else self.cc).append(person)

    def add_lists(self, addresses, *, to: bool = False) -> None:
        self.add((Person("", a) for a in addresses), to=to)

    def promote_first_cc(self) -> None:
        """A mail needs a To; when everyone asked for turned out to be me, use the Cc."""
        if not self.to and self.cc:
            self.to.append(self.cc.pop(0))
